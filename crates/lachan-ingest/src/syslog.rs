//! Syslog message parsing (RFC 5424, RFC 3164 and the `ISO-time host tag: msg` form
//! written by rsyslog). Every message becomes an event on the `syslog` channel with the
//! fields `host`, `program`, `pid`, `msgid`, `facility`, `severity`, `message`, `raw`.

use lachan_sigma::LogEvent;
use serde_json::{Map, Value};

/// The pseudo channel syslog events are routed by.
pub const SYSLOG_CHANNEL: &str = "syslog";

/// Parse one syslog line into an event. Lines that follow no known format keep the whole
/// text as `message`.
pub fn parse_line(line: &str, year: i16) -> LogEvent {
    let mut m = Map::new();
    let mut rest = line.trim_start();
    if let Some(after) = rest.strip_prefix('<')
        && let Some(end) = after.find('>')
        && let Ok(pri) = after[..end].parse::<u16>()
        && pri < 192
    {
        m.insert("facility".into(), Value::from(pri / 8));
        m.insert("severity".into(), Value::from(pri % 8));
        rest = &after[end + 1..];
        if let Some(r) = rest.strip_prefix("1 ") {
            return finish(parse_5424(r, m), line);
        }
    }
    let (ts, after_ts) = parse_leading_time(rest, year);
    if let Some(ts) = ts {
        m.insert("timestamp".into(), Value::from(ts.to_string()));
        rest = after_ts;
    }
    // HOST TAG[PID]: MSG
    let mut parts = rest.splitn(2, ' ');
    let host = parts.next().unwrap_or("");
    let tail = parts.next().unwrap_or("");
    if ts.is_some() && !host.is_empty() && !host.ends_with(':') {
        m.insert("host".into(), Value::from(host));
        rest = tail;
    }
    if let Some(colon) = rest.find(": ")
        && let tag = &rest[..colon]
        && !tag.contains(' ')
        && !tag.is_empty()
    {
        let (prog, pid) = match (tag.find('['), tag.ends_with(']')) {
            (Some(i), true) => (&tag[..i], Some(&tag[i + 1..tag.len() - 1])),
            _ => (tag, None),
        };
        m.insert("program".into(), Value::from(prog));
        if let Some(pid) = pid {
            m.insert("pid".into(), Value::from(pid));
        }
        rest = &rest[colon + 2..];
    }
    m.insert("message".into(), Value::from(rest));
    finish(m, line)
}

fn finish(mut m: Map<String, Value>, line: &str) -> LogEvent {
    m.insert("raw".into(), Value::from(line));
    let ts = m
        .get("timestamp")
        .and_then(Value::as_str)
        .and_then(lachan_sigma::parse_time);
    let mut e = LogEvent::from_flat(m).with_channel(SYSLOG_CHANNEL);
    if let Some(ts) = ts {
        e = e.with_timestamp(ts);
    }
    e
}

fn parse_5424(r: &str, mut m: Map<String, Value>) -> Map<String, Value> {
    let mut it = r.splitn(6, ' ');
    let mut field = |name: &str, m: &mut Map<String, Value>| {
        if let Some(v) = it.next()
            && v != "-"
        {
            m.insert(name.into(), Value::from(v));
        }
    };
    field("timestamp", &mut m);
    field("host", &mut m);
    field("program", &mut m);
    field("pid", &mut m);
    field("msgid", &mut m);
    let rest = it.next().unwrap_or("");
    // Structured data: "-" or one or more [..] blocks.
    let msg = if let Some(r) = rest.strip_prefix("- ") {
        r
    } else if rest == "-" {
        ""
    } else if rest.starts_with('[') {
        let mut depth = 0i32;
        let mut end = rest.len();
        let mut escaped = false;
        let mut in_quotes = false;
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_quotes = !in_quotes,
                '[' if !in_quotes => depth += 1,
                ']' if !in_quotes => {
                    depth -= 1;
                    if depth == 0 && !rest[i + 1..].starts_with('[') {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        m.insert("structured_data".into(), Value::from(&rest[..end]));
        rest[end..].trim_start()
    } else {
        rest
    };
    let msg = msg.strip_prefix('\u{feff}').unwrap_or(msg);
    m.insert("message".into(), Value::from(msg));
    m
}

/// `Mmm dd hh:mm:ss` (RFC 3164) or an RFC 3339 time at the start of `s`.
fn parse_leading_time(s: &str, year: i16) -> (Option<jiff::Timestamp>, &str) {
    let first = s.split(' ').next().unwrap_or("");
    if first.len() >= 19
        && let Some(t) = lachan_sigma::parse_time(first)
    {
        return (Some(t), s[first.len()..].trim_start());
    }
    // "Jan  2 03:04:05"
    if s.len() >= 15 && s.is_char_boundary(15) {
        let text = format!("{year} {}", &s[..15]);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Ok(dt) = jiff::civil::DateTime::strptime("%Y %b %d %H:%M:%S", &text)
            && let Ok(z) = dt.to_zoned(jiff::tz::TimeZone::UTC)
        {
            return (Some(z.timestamp()), s[15..].trim_start());
        }
    }
    (None, s)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rfc3164() {
        let e = parse_line(
            "<38>Jan  2 03:04:05 web1 sshd[1234]: Failed password for root",
            2024,
        );
        assert_eq!(e.get_str("host"), Some("web1"));
        assert_eq!(e.get_str("program"), Some("sshd"));
        assert_eq!(e.get_str("pid"), Some("1234"));
        assert_eq!(e.get_str("message"), Some("Failed password for root"));
        assert_eq!(e.fields()["severity"], 6);
        assert_eq!(
            e.timestamp().map(|t| t.to_string()).as_deref(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(e.channel(), Some("syslog"));
        let e = parse_line("Jan 12 13:14:15 h1 CRON[9]: (root) CMD (run)", 2023);
        assert_eq!(e.get_str("program"), Some("CRON"));
    }

    #[test]
    fn rfc5424() {
        let e = parse_line(
            "<165>1 2003-10-11T22:14:15.003Z host.example app 77 ID47 [ex@32473 a=\"]\"] hello",
            2024,
        );
        assert_eq!(e.get_str("host"), Some("host.example"));
        assert_eq!(e.get_str("program"), Some("app"));
        assert_eq!(e.get_str("msgid"), Some("ID47"));
        assert_eq!(e.get_str("message"), Some("hello"));
        assert_eq!(e.get_str("structured_data"), Some("[ex@32473 a=\"]\"]"));
        assert!(e.timestamp().is_some());
        let e = parse_line("<13>1 - - - - - -", 2024);
        assert_eq!(e.get_str("message"), Some(""));
    }

    #[test]
    fn iso_and_garbage() {
        let e = parse_line(
            "2024-05-06T07:08:09.123456+07:00 srv sudo: bob : TTY=pts/0",
            2024,
        );
        assert_eq!(e.get_str("host"), Some("srv"));
        assert_eq!(e.get_str("program"), Some("sudo"));
        let e = parse_line("just some words", 2024);
        assert_eq!(e.get_str("message"), Some("just some words"));
        assert!(e.timestamp().is_none());
        let _ = parse_line("<999>1 é", 2024);
        let _ = parse_line("<1>", 2024);
    }
}
