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
    /// The stored document, serialised: a JSON object of flat ECS-style keys and `original`.
    pub doc: String,
    /// Words for the full-text index (the original's string and number values).
    pub text: String,
}

/// How an event arrived: what the server adds to every stored document.
#[derive(Debug, Clone, Copy)]
pub struct Arrival<'a> {
    /// Receive time (`event.ingested`, and `@timestamp` when the event has none).
    pub at: Timestamp,
    /// The door it came in by (`api`, `syslog`, `agent`, …): `event.origin`.
    pub origin: &'a str,
    /// Who sent it (address or agent): `event.peer`.
    pub peer: Option<&'a str>,
    /// The agency it belongs to: `agency.code`.
    pub agency_code: Option<&'a str>,
}

/// Where each original field name goes: (index into [`ECS_FIELDS`], rank among that
/// ECS name's sources; lower wins).
static ECS_SOURCES: std::sync::LazyLock<std::collections::HashMap<&'static str, (usize, usize)>> =
    std::sync::LazyLock::new(|| {
        let mut m = std::collections::HashMap::new();
        for (e, (_, names)) in ECS_FIELDS.iter().enumerate() {
            for (rank, name) in names.iter().enumerate() {
                m.entry(*name).or_insert((e, rank));
            }
        }
        m
    });

/// For each ECS name, the original value chosen for it: one pass over the event's own
/// keys, then the dotted sources (`process.pid` in `{"process": {"pid": …}}`) only when
/// the event has nested objects and no better-ranked flat key was found.
fn ecs_values(flat: &Map<String, Value>) -> [Option<(usize, &Value)>; ECS_FIELDS.len()] {
    let mut best: [Option<(usize, &Value)>; ECS_FIELDS.len()] = [None; ECS_FIELDS.len()];
    let mut nested = false;
    for (k, v) in flat {
        nested |= v.is_object();
        if v.is_null() {
            continue;
        }
        if let Some(&(e, rank)) = ECS_SOURCES.get(k.as_str())
            && best[e].is_none_or(|(r, _)| rank < r)
        {
            best[e] = Some((rank, v));
        }
    }
    if nested {
        for (e, (_, names)) in ECS_FIELDS.iter().enumerate() {
            for (rank, name) in names.iter().enumerate() {
                if best[e].is_some_and(|(r, _)| r <= rank) {
                    break;
                }
                if name.contains('.')
                    && let Some(v) = lookup(flat, name).filter(|v| !v.is_null())
                {
                    best[e] = Some((rank, v));
                    break;
                }
            }
        }
    }
    best
}

/// Writes the stored document's entries straight from borrowed values.
struct DocWriter {
    out: Vec<u8>,
    first: bool,
}

impl DocWriter {
    fn new(capacity: usize) -> Self {
        let mut out = Vec::with_capacity(capacity);
        out.push(b'{');
        Self { out, first: true }
    }

    fn entry<V: serde::Serialize + ?Sized>(&mut self, key: &str, value: &V) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        // Serialising a string or a `Value` into memory cannot fail.
        let _ = serde_json::to_writer(&mut self.out, key);
        self.out.push(b':');
        let _ = serde_json::to_writer(&mut self.out, value);
    }

    fn finish(mut self) -> String {
        self.out.push(b'}');
        // serde_json writes UTF-8 only.
        String::from_utf8(self.out).unwrap_or_default()
    }
}

/// Normalise `event` arriving as `arrival` says.
pub fn normalize(event: &LogEvent, arrival: &Arrival<'_>) -> Normalized {
    let original = event.fields();
    let flat = original.as_object();
    let get = |key: &str| -> Option<&Value> { flat.and_then(|m| lookup(m, key)) };
    let timestamp = event.timestamp().unwrap_or(arrival.at);
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

    let mut text = String::new();
    collect_text(original, &mut text, 0);
    let mut doc = DocWriter::new(2 * text.len() + 512);
    doc.entry("@timestamp", &rfc3339_ms(timestamp));
    doc.entry("event.ingested", &rfc3339_ms(arrival.at));
    doc.entry("event.dataset", &dataset);
    doc.entry("event.origin", arrival.origin);
    if let Some(p) = arrival.peer {
        doc.entry("event.peer", p);
    }
    if let Some(a) = arrival.agency_code {
        doc.entry("agency.code", a);
    }
    if !host.is_empty() {
        doc.entry("host.name", &host);
    }
    if !code.is_empty() {
        doc.entry("event.code", &code);
    }
    if let Some(ch) = event.channel() {
        doc.entry("winlog.channel", ch);
    }
    if let Some(p) = get("Provider_Name") {
        doc.entry("event.provider", p);
    }
    if let Some(m) = flat {
        for ((ecs, _), v) in ECS_FIELDS.iter().zip(ecs_values(m)) {
            if let Some((_, v)) = v {
                doc.entry(ecs, v);
            }
        }
    }
    doc.entry("original", original);
    Normalized {
        timestamp,
        host,
        code,
        dataset,
        doc: doc.finish(),
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
        Value::Number(n) => {
            if !out.is_empty() {
                out.push(' ');
            }
            let _ = std::fmt::Write::write_fmt(out, format_args!("{n}"));
        }
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

    fn at<'a>(origin: &'a str, peer: Option<&'a str>) -> Arrival<'a> {
        Arrival {
            at: "2026-12-01T00:00:00Z".parse().unwrap(),
            origin,
            peer,
            agency_code: None,
        }
    }

    fn doc(n: &Normalized) -> Value {
        serde_json::from_str(&n.doc).unwrap()
    }

    #[test]
    fn flat_windows_event() {
        let v = json!({"Channel": "Security", "EventID": 4688, "Computer": "pc-01",
            "NewProcessName": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "cmd /c whoami",
            "SubjectUserName": "an", "TimeCreated": "2026-11-30T01:02:03.5Z"});
        let n = normalize(&LogEvent::from_json(v), &at("api", None));
        let doc = doc(&n);
        assert_eq!(n.host, "pc-01");
        assert_eq!(n.code, "4688");
        assert_eq!(n.dataset, "windows.security");
        assert_eq!(doc["@timestamp"], "2026-11-30T01:02:03.500Z");
        assert_eq!(doc["process.command_line"], "cmd /c whoami");
        assert_eq!(doc["process.executable"], "C:\\Windows\\System32\\cmd.exe");
        assert_eq!(doc["user.name"], "an");
        assert_eq!(doc["original"]["EventID"], 4688);
        assert!(n.text.contains("whoami"));
    }

    #[test]
    fn nested_ecs_and_missing_time() {
        let v = json!({"host": {"name": "web-1"}, "message": "hello", "event": {"dataset": "nginx.access"}});
        let n = normalize(&LogEvent::from_json(v), &at("api", Some("127.0.0.1")));
        let doc = doc(&n);
        assert_eq!(n.host, "web-1");
        assert_eq!(n.dataset, "nginx.access");
        assert_eq!(doc["@timestamp"], "2026-12-01T00:00:00.000Z");
        assert_eq!(doc["message"], "hello");
        assert_eq!(doc["event.peer"], "127.0.0.1");
    }

    #[test]
    fn syslog_line() {
        let e = crate::syslog::parse_line(
            "<38>Jan  2 03:04:05 web1 sshd[1234]: Failed password for root",
            2026,
        );
        let n = normalize(&e, &at("syslog", None));
        let doc = doc(&n);
        assert_eq!(n.host, "web1");
        assert_eq!(n.dataset, "syslog");
        assert_eq!(doc["process.name"], "sshd");
        assert_eq!(doc["process.pid"], "1234");
        assert_eq!(doc["log.syslog.severity.code"], 6);
        assert_eq!(doc["@timestamp"], "2026-01-02T03:04:05.000Z");
    }

    #[test]
    fn first_ranked_source_wins_whatever_the_key_order() {
        // `User` sorts before `TargetUserName` but ranks after it.
        let v = json!({"User": "b", "TargetUserName": "a", "ProcessId": 7,
            "process": {"pid": 9, "executable": "/bin/sh"}, "Image": null});
        let mut a = at("api", None);
        a.agency_code = Some("SO-TTTT");
        let n = normalize(&LogEvent::from_json(v), &a);
        let doc = doc(&n);
        assert_eq!(doc["user.name"], "a");
        // A flat source outranks the nested ECS path; a null one is skipped.
        assert_eq!(doc["process.pid"], 7);
        assert_eq!(doc["process.executable"], "/bin/sh");
        assert_eq!(doc["agency.code"], "SO-TTTT");
        assert_eq!(doc["original"]["process"]["pid"], 9);
        assert!(n.text.contains('7') && n.text.contains("/bin/sh"));
    }
}
