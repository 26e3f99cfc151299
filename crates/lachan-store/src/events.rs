//! Types of the event store and the alert queue.

use lachan_core::auth::Scope;
use serde::Serialize;

/// One normalised event to append.
/// Totals are counted exactly up to this many matches; past it `total` is a lower bound
/// (`total_exact: false`), so that a broad search over millions of events answers at
/// once instead of counting them all.
pub const EXACT_TOTAL_UP_TO: i64 = 10_000;

/// A page of events, newest first, and how many match.
#[derive(Debug, Clone, Serialize)]
pub struct EventPage {
    pub items: Vec<StoredEvent>,
    pub total: i64,
    pub total_exact: bool,
}

#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Event time, milliseconds since the Unix epoch (UTC).
    pub ts_ms: i64,
    pub agency_id: Option<i64>,
    pub agency_code: Option<String>,
    pub host: String,
    pub code: String,
    pub dataset: String,
    /// The stored JSON document.
    pub doc: String,
    /// Words for the full-text index.
    pub text: String,
}

/// A stored event. `id` is `<day>-<n>`: the day partition and the row in it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredEvent {
    pub id: String,
    pub timestamp: String,
    pub agency_code: Option<String>,
    pub host: String,
    pub code: String,
    pub dataset: String,
    pub doc: serde_json::Value,
}

/// A field condition of an event search (`host.name:web-1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFilter {
    /// Letters, digits and `._@-` only (checked by [`EventQuery::parse_q`]).
    pub field: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct EventQuery {
    pub scope: Scope,
    /// Words that must all occur (full-text index); a trailing `*` is a prefix.
    pub words: Vec<String>,
    pub filters: Vec<FieldFilter>,
    /// Inclusive lower bound, ms.
    pub from_ms: Option<i64>,
    /// Exclusive upper bound, ms.
    pub to_ms: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

impl EventQuery {
    /// Split a search text into field filters (`field:value`, `field=value`, values may be
    /// double-quoted) and free words. A field name with characters outside
    /// `[A-Za-z0-9_.@-]` is an error naming it.
    pub fn parse_q(q: &str) -> Result<(Vec<String>, Vec<FieldFilter>), String> {
        let mut words = Vec::new();
        let mut filters = Vec::new();
        for tok in split_terms(q) {
            // `field:value`; a drive letter (`C:\x`), a URL (`https://…`) or a quoted
            // term is a word.
            let sep = tok
                .find([':', '='])
                .filter(|&i| i >= 2 && !tok.starts_with('"') && !tok[i + 1..].starts_with("//"));
            match sep {
                Some(i) => {
                    let field = &tok[..i];
                    if !field
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@' | '-'))
                    {
                        return Err(format!(
                            "field name '{field}' has characters outside [A-Za-z0-9_.@-]"
                        ));
                    }
                    let value = tok[i + 1..].trim_matches('"').to_string();
                    if value.is_empty() {
                        return Err(format!("field '{field}' has no value"));
                    }
                    filters.push(FieldFilter {
                        field: field.to_string(),
                        value,
                    });
                }
                _ => {
                    let w = tok.trim_matches('"').to_string();
                    if !w.is_empty() {
                        words.push(w);
                    }
                }
            }
        }
        Ok((words, filters))
    }
}

/// Whitespace-separated terms; double quotes group spaces into one term.
fn split_terms(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

// ---------- alerts ----------

/// A detection to fold into the alert queue.
#[derive(Debug, Clone)]
pub struct AlertHit {
    pub rule_id: String,
    pub rule_title: String,
    pub level: String,
    pub host: String,
    pub agency_id: Option<i64>,
    /// RFC 3339 UTC.
    pub seen_at: String,
    pub event_id: String,
    /// The fields that matched, as a JSON object.
    pub key_fields: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub id: i64,
    pub rule_id: String,
    pub rule_title: String,
    pub level: String,
    pub host: String,
    pub agency_code: Option<String>,
    pub first_seen: String,
    pub last_seen: String,
    pub count: i64,
    pub status: String,
    pub assignee: Option<String>,
    pub close_reason: Option<String>,
    pub key_fields: serde_json::Value,
    /// The most recent events of the alert (newest last), at most [`ALERT_EVENT_IDS`].
    pub event_ids: Vec<String>,
    pub updated_at: String,
}

/// How many event ids an alert keeps.
pub const ALERT_EVENT_IDS: usize = 20;

/// Alert statuses, in workflow order.
pub const ALERT_STATUSES: &[&str] = &["open", "acknowledged", "closed"];

#[derive(Debug, Clone, Default)]
pub struct AlertQuery {
    pub scope: Option<Scope>,
    pub status: Option<String>,
    pub level: Option<String>,
    pub rule_id: Option<String>,
    pub host: Option<String>,
    pub agency_id: Option<i64>,
    /// Alerts whose last_seen is at or after this time (RFC 3339).
    pub from: Option<String>,
    /// Alerts whose first_seen is before this time (RFC 3339).
    pub to: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A triage change; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct AlertChange {
    pub status: Option<String>,
    /// `Some("")` clears the assignee.
    pub assignee: Option<String>,
    pub reason: Option<String>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parse_q() {
        let (w, f) =
            EventQuery::parse_q(r#"host.name:web-1 mimikatz event.code=4688 "two words" C:\Temp"#)
                .unwrap();
        assert_eq!(w, vec!["mimikatz", "two words", "C:\\Temp"]);
        assert_eq!(f.len(), 2);
        assert_eq!(
            f[0],
            FieldFilter {
                field: "host.name".into(),
                value: "web-1".into()
            }
        );
        assert_eq!(
            f[1],
            FieldFilter {
                field: "event.code".into(),
                value: "4688".into()
            }
        );
        assert!(w.contains(&"two words".to_string()));
        assert!(w.contains(&"C:\\Temp".to_string()));
        assert!(EventQuery::parse_q("a$b:1").is_err());
        assert!(EventQuery::parse_q("host:").is_err());
        let (w, f) = EventQuery::parse_q("https://x.example/a").unwrap();
        assert_eq!((w.len(), f.len()), (1, 0));
    }
}

// ---------- tuning ----------

/// A rule switched off or re-levelled.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleOverride {
    pub rule_id: String,
    pub enabled: bool,
    /// New level, or `None` to keep the rule's own.
    pub level: Option<String>,
    pub reason: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// Hits of `rule_id` (any rule when `None`) whose event has `field` = `value` (`*` is
/// a wildcard, case-insensitive), limited to an agency and/or host, until `expires_at`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suppression {
    pub id: i64,
    pub rule_id: Option<String>,
    pub field: String,
    pub value: String,
    pub agency_id: Option<i64>,
    pub agency_code: Option<String>,
    pub host: Option<String>,
    pub reason: String,
    pub expires_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone)]
pub struct NewSuppression {
    pub rule_id: Option<String>,
    pub field: String,
    pub value: String,
    pub agency_id: Option<i64>,
    pub host: Option<String>,
    pub reason: String,
    pub expires_at: Option<String>,
}

/// Levels a rule may be given.
pub const LEVELS: &[&str] = &["informational", "low", "medium", "high", "critical"];
