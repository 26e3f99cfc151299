//! The event model the detector works on.
//!
//! A [`LogEvent`] is a flat JSON object of fields plus the routing keys that were found
//! in it (channel, event id), its time and host. Windows events read from EVTX
//! (`{"Event": {"System": …, "EventData": …}}`) and the flat form
//! (`{"Channel": …, "EventID": …, "Computer": …, <EventData fields>}`) produce the same
//! fields, so they route and match identically.

use std::borrow::Cow;

use rsigma_eval::{Event, EventValue, JsonEvent};
use serde_json::{Map, Value};

/// Keys tried, in order, for the time of a flat event.
const TIME_KEYS: [&str; 6] = [
    "@timestamp",
    "TimeCreated",
    "SystemTime",
    "timestamp",
    "time",
    "UtcTime",
];

/// One event ready for detection.
#[derive(Debug, Clone)]
pub struct LogEvent {
    fields: Value,
    channel: Option<String>,
    event_id: Option<u32>,
    timestamp: Option<jiff::Timestamp>,
    computer: Option<String>,
}

impl LogEvent {
    /// Build an event from a JSON value: the EVTX JSON form (`{"Event": {"System": …}}`)
    /// is flattened; any other object is taken as it is (the flat Windows form routes by
    /// its `Channel` and `EventID` keys). A non-object value becomes `{"data": value}`.
    pub fn from_json(value: Value) -> Self {
        match value {
            Value::Object(mut map) => {
                if let Some(Value::Object(ev)) = map.get("Event")
                    && ev.contains_key("System")
                    && let Some(Value::Object(ev)) = map.remove("Event")
                {
                    return Self::from_evtx_object(ev);
                }
                Self::from_flat(map)
            }
            other => {
                let mut map = Map::new();
                map.insert("data".into(), other);
                Self::from_flat(map)
            }
        }
    }

    /// Build an event from a flat field map. Routing keys are read from `Channel`
    /// (or `channel`), `EventID` (or `event_id`), `Computer` (or `host`, `hostname`).
    pub fn from_flat(map: Map<String, Value>) -> Self {
        let channel = ["Channel", "channel"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str).map(str::to_owned));
        let event_id = ["EventID", "event_id"]
            .iter()
            .find_map(|k| map.get(*k).and_then(as_u32));
        let computer = ["Computer", "host", "hostname"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str).map(str::to_owned));
        let timestamp = TIME_KEYS
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str).and_then(parse_time));
        LogEvent {
            fields: Value::Object(map),
            channel,
            event_id,
            timestamp,
            computer,
        }
    }

    /// Flatten the inside of an EVTX `Event` element (`System`, `EventData`, `UserData`).
    pub fn from_evtx_object(ev: Map<String, Value>) -> Self {
        let mut out = Map::new();
        let mut timestamp = None;
        for (section, value) in ev {
            match (section.as_str(), value) {
                ("System", Value::Object(sys)) => {
                    for (k, v) in sys {
                        flatten_system(&k, v, &mut out, &mut timestamp);
                    }
                }
                ("EventData", Value::Object(data)) => flatten_data(data, &mut out),
                ("UserData", Value::Object(data)) => {
                    for (_, inner) in data {
                        match inner {
                            Value::Object(m) => flatten_data(m, &mut out),
                            other => {
                                out.insert("UserData".into(), other);
                            }
                        }
                    }
                }
                ("EventData" | "UserData", other) if !other.is_null() => {
                    out.insert("Data".into(), other);
                }
                _ => {}
            }
        }
        let mut e = Self::from_flat(out);
        if timestamp.is_some() {
            e.timestamp = timestamp;
        }
        e
    }

    /// Set the routing channel (for example `syslog` for text log lines).
    pub fn with_channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = Some(channel.into());
        self
    }

    /// Set the event time.
    pub fn with_timestamp(mut self, ts: jiff::Timestamp) -> Self {
        self.timestamp = Some(ts);
        self
    }

    /// The event fields (a JSON object).
    pub fn fields(&self) -> &Value {
        &self.fields
    }

    /// Take the event fields out.
    pub fn into_fields(self) -> Value {
        self.fields
    }

    /// Windows channel or pseudo channel used for routing.
    pub fn channel(&self) -> Option<&str> {
        self.channel.as_deref()
    }

    /// Windows event id.
    pub fn event_id(&self) -> Option<u32> {
        self.event_id
    }

    /// Event time, when known.
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        self.timestamp
    }

    /// Host name, when known.
    pub fn computer(&self) -> Option<&str> {
        self.computer.as_deref()
    }

    /// A string field, when present.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    pub(crate) fn as_json_event(&self) -> JsonEvent<'_> {
        JsonEvent::borrow(&self.fields)
    }
}

impl Event for LogEvent {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        match self.fields.get(path) {
            Some(v) => Some(EventValue::from(v)),
            None if path.contains('.') => {
                let mut cur = &self.fields;
                for part in path.split('.') {
                    cur = cur.get(part)?;
                }
                Some(EventValue::from(cur))
            }
            None => None,
        }
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        self.as_json_event().any_string_value(pred)
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        let mut out = Vec::new();
        collect_strings(&self.fields, &mut out, 64);
        out
    }

    fn visit_string_values(&self, visit: &mut dyn FnMut(&str)) {
        self.as_json_event().visit_string_values(visit)
    }

    fn to_json(&self) -> Value {
        self.fields.clone()
    }

    fn top_level_keys(&self) -> Option<Vec<Cow<'_, str>>> {
        self.fields
            .as_object()
            .map(|m| m.keys().map(|k| Cow::Borrowed(k.as_str())).collect())
    }

    fn visit_top_level_keys(&self, visit: &mut dyn FnMut(&str)) -> bool {
        let Some(m) = self.fields.as_object() else {
            return false;
        };
        for k in m.keys() {
            visit(k);
        }
        true
    }
}

fn collect_strings<'a>(v: &'a Value, out: &mut Vec<Cow<'a, str>>, depth: usize) {
    if depth == 0 {
        return;
    }
    match v {
        Value::String(s) => out.push(Cow::Borrowed(s)),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out, depth - 1)),
        Value::Object(m) => m.values().for_each(|x| collect_strings(x, out, depth - 1)),
        _ => {}
    }
}

fn as_u32(v: &Value) -> Option<u32> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        Value::Object(m) => m.get("#text").and_then(as_u32),
        _ => None,
    }
}

/// Parse an RFC 3339 time, or the `YYYY-MM-DD HH:MM:SS[.fff]` form Windows uses (UTC).
pub fn parse_time(s: &str) -> Option<jiff::Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t);
    }
    let dt: jiff::civil::DateTime = s.parse().ok()?;
    dt.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// Unwrap `{"#text": v, "#attributes": …}` into `v`.
fn text_of(v: Value) -> Value {
    match v {
        Value::Object(mut m) if m.contains_key("#text") => m.remove("#text").unwrap_or(Value::Null),
        other => other,
    }
}

fn flatten_system(
    key: &str,
    v: Value,
    out: &mut Map<String, Value>,
    timestamp: &mut Option<jiff::Timestamp>,
) {
    match v {
        Value::Object(m) if m.contains_key("#attributes") && !m.contains_key("#text") => {
            if let Some(Value::Object(attrs)) = m.get("#attributes") {
                for (ak, av) in attrs {
                    if key == "TimeCreated" && ak == "SystemTime" {
                        *timestamp = av.as_str().and_then(parse_time);
                        out.insert("TimeCreated".into(), av.clone());
                    } else {
                        out.insert(format!("{key}_{ak}"), av.clone());
                    }
                }
            }
        }
        Value::Null => {}
        other => {
            out.insert(key.to_owned(), text_of(other));
        }
    }
}

fn flatten_data(data: Map<String, Value>, out: &mut Map<String, Value>) {
    for (k, v) in data {
        if k == "#attributes" {
            continue;
        }
        if k == "#text" {
            out.insert("Data".into(), v);
            continue;
        }
        out.entry(k).or_insert_with(|| text_of(v));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn evtx_and_flat_forms_agree() {
        let evtx = json!({"Event": {"#attributes": {"xmlns": "x"}, "System": {
            "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon"}},
            "EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational",
            "Computer": "pc1", "EventRecordID": 7,
            "TimeCreated": {"#attributes": {"SystemTime": "2024-01-02T03:04:05.1234567Z"}}},
            "EventData": {"Image": "C:\\a.exe", "CommandLine": "a -x"}}});
        let e = LogEvent::from_json(evtx);
        assert_eq!(e.channel(), Some("Microsoft-Windows-Sysmon/Operational"));
        assert_eq!(e.event_id(), Some(1));
        assert_eq!(e.computer(), Some("pc1"));
        assert_eq!(e.get_str("Provider_Name"), Some("Microsoft-Windows-Sysmon"));
        assert_eq!(e.get_str("Image"), Some("C:\\a.exe"));
        assert_eq!(e.timestamp().map(|t| t.as_second()), Some(1_704_164_645));
        let flat = json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": "1",
            "Computer": "pc1", "Image": "C:\\a.exe"});
        let f = LogEvent::from_json(flat);
        assert_eq!(f.channel(), e.channel());
        assert_eq!(f.event_id(), e.event_id());
        assert_eq!(f.computer(), e.computer());
    }

    #[test]
    fn qualified_event_id_and_user_data() {
        let v = json!({"Event": {"System": {"EventID": {"#text": 1102, "#attributes": {"Qualifiers": 0}},
            "Channel": "Security"}, "UserData": {"LogFileCleared": {"SubjectUserName": "bob"}}}});
        let e = LogEvent::from_json(v);
        assert_eq!(e.event_id(), Some(1102));
        assert_eq!(e.get_str("SubjectUserName"), Some("bob"));
    }

    #[test]
    fn windows_time_form() {
        assert!(parse_time("2024-01-02 03:04:05.123").is_some());
        assert!(parse_time("2024-01-02T03:04:05Z").is_some());
        assert!(parse_time("yesterday").is_none());
    }
}
