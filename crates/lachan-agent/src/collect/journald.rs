//! The systemd journal through `journalctl -o json --follow`, resuming after the saved
//! cursor (or from now on the first start). Each entry becomes a syslog-channel event.

use std::process::Stdio;

use serde_json::{Map, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

use super::{Collector, Cursors, Record};

pub struct Journald {
    cursor: Option<String>,
}

impl Journald {
    pub fn new(cursors: &Cursors) -> Self {
        Self {
            cursor: cursors.0.get("journald").cloned(),
        }
    }
}

/// One `journalctl -o json` line as an event.
pub fn to_event(entry: &Map<String, Value>) -> Value {
    let s = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or("");
    let mut m = Map::new();
    m.insert("Channel".into(), Value::from("syslog"));
    m.insert("host".into(), Value::from(s("_HOSTNAME")));
    let program = if s("SYSLOG_IDENTIFIER").is_empty() {
        s("_COMM")
    } else {
        s("SYSLOG_IDENTIFIER")
    };
    m.insert("program".into(), Value::from(program));
    if !s("_PID").is_empty() {
        m.insert("pid".into(), Value::from(s("_PID")));
    }
    m.insert(
        "message".into(),
        entry.get("MESSAGE").cloned().unwrap_or(Value::Null),
    );
    if let Ok(us) = s("__REALTIME_TIMESTAMP").parse::<i64>()
        && let Ok(t) = jiff::Timestamp::from_microsecond(us)
    {
        m.insert("timestamp".into(), Value::from(t.to_string()));
    }
    if let Ok(p) = s("PRIORITY").parse::<u8>() {
        m.insert("severity".into(), Value::from(p));
    }
    for (k, name) in [
        ("_SYSTEMD_UNIT", "systemd.unit"),
        ("_UID", "user.id"),
        ("_EXE", "process.executable"),
        ("_CMDLINE", "process.command_line"),
    ] {
        if !s(k).is_empty() {
            m.insert(name.into(), Value::from(s(k)));
        }
    }
    Value::Object(m)
}

impl Collector for Journald {
    fn name(&self) -> &'static str {
        "journald"
    }

    fn run(
        self: Box<Self>,
        tx: mpsc::Sender<Record>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(async move {
            let mut cmd = tokio::process::Command::new("journalctl");
            cmd.args(["-o", "json", "--follow", "--no-pager"]);
            match &self.cursor {
                Some(c) => cmd.arg(format!("--after-cursor={c}")),
                None => cmd.args(["--lines", "0"]),
            };
            cmd.stdout(Stdio::piped())
                .stderr(Stdio::null())
                .kill_on_drop(true);
            let mut child = match cmd.spawn() {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "journald collector off: cannot run journalctl");
                    return;
                }
            };
            let Some(out) = child.stdout.take() else {
                return;
            };
            let mut lines = BufReader::new(out).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(Value::Object(entry)) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                let cursor = entry
                    .get("__CURSOR")
                    .and_then(Value::as_str)
                    .map(|c| ("journald".to_string(), c.to_string()));
                if tx
                    .send(Record {
                        event: to_event(&entry),
                        cursor,
                    })
                    .await
                    .is_err()
                {
                    break;
                }
            }
            let _ = child.kill().await;
            tracing::warn!("journalctl ended; journald collector stopped");
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn journal_entry_becomes_syslog_event() {
        let e = json!({"__CURSOR": "s=1", "__REALTIME_TIMESTAMP": "1764547200000000",
            "_HOSTNAME": "pc-01", "SYSLOG_IDENTIFIER": "sudo", "_PID": "42", "PRIORITY": "5",
            "MESSAGE": "an : TTY=pts/0 ; USER=root ; COMMAND=/bin/bash", "_SYSTEMD_UNIT": "session-3.scope"});
        let v = to_event(e.as_object().unwrap());
        assert_eq!(v["program"], "sudo");
        assert_eq!(v["host"], "pc-01");
        assert_eq!(v["timestamp"], "2025-12-01T00:00:00Z");
        assert_eq!(v["severity"], 5);
        assert_eq!(v["systemd.unit"], "session-3.scope");
    }
}
