//! One stored schema for every event: ECS-style names (`@timestamp`, `host.name`,
//! `event.code`, `process.command_line`, …) as flat dotted keys, plus `original`, the
//! event's own fields as they arrived. Only well-known fields are renamed; everything
//! stays searchable through `original` and the free-text index.

use jiff::Timestamp;
use lachan_sigma::LogEvent;
use serde_json::{Map, Value};

/// Original field names (first present wins) for each ECS name.
const ECS_FIELDS: &[(&str, &[&str])] = &[
    (
        "process.command_line",
        &["CommandLine", "process.command_line"],
    ),
    (
        "process.executable",
        &["Image", "NewProcessName", "process.executable"],
    ),
    (
        "process.name",
        &[
            "program",
            "ProcessName",
            "SYSLOG_IDENTIFIER",
            "process.name",
        ],
    ),
    (
        "process.pid",
        &["ProcessId", "NewProcessId", "pid", "process.pid"],
    ),
    (
        "process.parent.executable",
        &["ParentImage", "ParentProcessName"],
    ),
    ("process.parent.command_line", &["ParentCommandLine"]),
    ("process.hash", &["Hashes"]),
    (
        "user.name",
        &[
            "TargetUserName",
            "User",
            "user",
            "user.name",
            "SubjectUserName",
        ],
    ),
    ("user.domain", &["TargetDomainName", "SubjectDomainName"]),
    (
        "source.ip",
        &[
            "IpAddress",
            "SourceIp",
            "SourceAddress",
            "src_ip",
            "source.ip",
        ],
    ),
    ("source.port", &["IpPort", "SourcePort", "src_port"]),
    (
        "destination.ip",
        &["DestinationIp", "DestAddress", "dst_ip", "destination.ip"],
    ),
    (
        "destination.port",
        &["DestinationPort", "DestPort", "dst_port"],
    ),
    (
        "file.path",
        &["TargetFilename", "ObjectName", "file.path", "path"],
    ),
    ("registry.path", &["TargetObject"]),
    ("dns.question.name", &["QueryName"]),
    ("service.name", &["ServiceName"]),
    ("winlog.logon.type", &["LogonType"]),
    ("powershell.script_block_text", &["ScriptBlockText"]),
    ("log.syslog.severity.code", &["severity"]),
    ("log.syslog.facility.code", &["facility"]),
    ("log.syslog.msgid", &["msgid"]),
    ("message", &["message", "Message", "msg", "MESSAGE"]),
];

/// An event ready to store.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The event's own time, or its arrival time when it has none.
    pub timestamp: Timestamp,
    /// `host.name`, empty when unknown.
    pub host: String,
    /// `event.code` (Windows EventID), empty when none.
    pub code: String,
    /// `event.dataset`: `windows.<channel>`, `syslog`, `lachan.fim`, `lachan.usb` or `json`.
    pub dataset: String,
    /// The stored document.
    pub doc: Map<String, Value>,
    /// Words for the full-text index (the original's string and number values).
    pub text: String,
}

/// Normalise `event`. `arrival` is the receive time (`event.ingested`); `origin` says
/// which door it came in by (`api`, `syslog`, `agent`) and `peer` who sent it.
pub fn normalize(
    event: &LogEvent,
    arrival: Timestamp,
    origin: &str,
    peer: Option<&str>,
) -> Normalized {
    let original = event.fields();
    let flat = original.as_object();
    let get = |key: &str| -> Option<&Value> { flat.and_then(|m| lookup(m, key)) };
    let timestamp = event.timestamp().unwrap_or(arrival);
    let host = event
        .computer()
        .map(str::to_owned)
        .or_else(|| {
            ["host.name", "_HOSTNAME"]
                .iter()
                .find_map(|k| get(k).and_then(Value::as_str).map(str::to_owned))
        })
        .unwrap_or_default();
    let code = event.event_id().map(|c| c.to_string()).unwrap_or_default();
    let dataset = match event.channel() {
        Some("syslog") => "syslog".to_string(),
        // The agent's own event kinds (`lachan.fim`, `lachan.usb`).
        Some(ch) if ch.starts_with("lachan.") => ch.to_string(),
        Some(ch) => format!("windows.{}", ch.to_lowercase()),
        None => get("event.dataset")
            .and_then(Value::as_str)
            .unwrap_or("json")
            .to_string(),
    };

    let mut doc = Map::new();
    doc.insert("@timestamp".into(), Value::from(rfc3339_ms(timestamp)));
    doc.insert("event.ingested".into(), Value::from(rfc3339_ms(arrival)));
    doc.insert("event.dataset".into(), Value::from(dataset.clone()));
    doc.insert("event.origin".into(), Value::from(origin));
    if let Some(p) = peer {
        doc.insert("event.peer".into(), Value::from(p));
    }
    if !host.is_empty() {
        doc.insert("host.name".into(), Value::from(host.clone()));
    }
    if !code.is_empty() {
        doc.insert("event.code".into(), Value::from(code.clone()));
    }
    if let Some(ch) = event.channel() {
        doc.insert("winlog.channel".into(), Value::from(ch));
    }
    if let Some(p) = get("Provider_Name") {
        doc.insert("event.provider".into(), p.clone());
    }
    for (ecs, names) in ECS_FIELDS {
        if let Some(v) = names.iter().find_map(|n| get(n)).filter(|v| !v.is_null()) {
            doc.insert((*ecs).into(), v.clone());
        }
    }
    let mut text = String::new();
    collect_text(original, &mut text, 0);
    doc.insert("original".into(), original.clone());
    Normalized {
        timestamp,
        host,
        code,
        dataset,
        doc,
        text,
    }
}

/// A key as written, or a dotted path into nested objects (`host.name` in
/// `{"host": {"name": …}}`).
fn lookup<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if let Some(v) = m.get(key) {
        return Some(v);
    }
    let mut parts = key.split('.');
    let mut cur = m.get(parts.next()?)?;
    for p in parts {
        cur = cur.as_object()?.get(p)?;
    }
    Some(cur)
}

/// RFC 3339 in UTC with millisecond precision (sorts as text).
pub fn rfc3339_ms(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Most text one event contributes to the full-text index.
const MAX_TEXT: usize = 64 * 1024;

fn collect_text(v: &Value, out: &mut String, depth: usize) {
    if out.len() >= MAX_TEXT || depth > 8 {
        return;
    }
    match v {
        Value::String(s) => {
            push_word(out, s);
        }
        Value::Number(n) => push_word(out, &n.to_string()),
        Value::Array(a) => a.iter().for_each(|x| collect_text(x, out, depth + 1)),
        Value::Object(m) => m.values().for_each(|x| collect_text(x, out, depth + 1)),
        Value::Bool(b) => push_word(out, if *b { "true" } else { "false" }),
        Value::Null => {}
    }
}

fn push_word(out: &mut String, s: &str) {
    if s.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    let room = MAX_TEXT.saturating_sub(out.len());
    let mut end = s.len().min(room);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.push_str(&s[..end]);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn arrival() -> Timestamp {
        "2026-12-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn flat_windows_event() {
        let v = json!({"Channel": "Security", "EventID": 4688, "Computer": "pc-01",
            "NewProcessName": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "cmd /c whoami",
            "SubjectUserName": "an", "TimeCreated": "2026-11-30T01:02:03.5Z"});
        let n = normalize(&LogEvent::from_json(v), arrival(), "api", None);
        assert_eq!(n.host, "pc-01");
        assert_eq!(n.code, "4688");
        assert_eq!(n.dataset, "windows.security");
        assert_eq!(n.doc["@timestamp"], "2026-11-30T01:02:03.500Z");
        assert_eq!(n.doc["process.command_line"], "cmd /c whoami");
        assert_eq!(
            n.doc["process.executable"],
            "C:\\Windows\\System32\\cmd.exe"
        );
        assert_eq!(n.doc["user.name"], "an");
        assert_eq!(n.doc["original"]["EventID"], 4688);
        assert!(n.text.contains("whoami"));
    }

    #[test]
    fn nested_ecs_and_missing_time() {
        let v = json!({"host": {"name": "web-1"}, "message": "hello", "event": {"dataset": "nginx.access"}});
        let n = normalize(&LogEvent::from_json(v), arrival(), "api", Some("127.0.0.1"));
        assert_eq!(n.host, "web-1");
        assert_eq!(n.dataset, "nginx.access");
        assert_eq!(n.doc["@timestamp"], "2026-12-01T00:00:00.000Z");
        assert_eq!(n.doc["message"], "hello");
        assert_eq!(n.doc["event.peer"], "127.0.0.1");
    }

    #[test]
    fn syslog_line() {
        let e = crate::syslog::parse_line(
            "<38>Jan  2 03:04:05 web1 sshd[1234]: Failed password for root",
            2026,
        );
        let n = normalize(&e, arrival(), "syslog", None);
        assert_eq!(n.host, "web1");
        assert_eq!(n.dataset, "syslog");
        assert_eq!(n.doc["process.name"], "sshd");
        assert_eq!(n.doc["process.pid"], "1234");
        assert_eq!(n.doc["log.syslog.severity.code"], 6);
        assert_eq!(n.doc["@timestamp"], "2026-01-02T03:04:05.000Z");
    }
}
