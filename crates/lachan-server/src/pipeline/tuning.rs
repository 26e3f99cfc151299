//! Detection tuning applied on the live stream: a rule switched off or given another
//! level, and suppressions (field = value on a rule or on every rule, limited to an
//! agency and/or host, until an expiry). The detection thread reads the current
//! snapshot per batch; every change through the service layer reloads it.

use std::collections::HashMap;

use lachan_sigma::LogEvent;
use lachan_store::{AlertHit, RuleOverride, Suppression};
use serde_json::Value;

/// One consistent view of the tuning tables.
#[derive(Debug, Default, Clone)]
pub struct Tuning {
    overrides: HashMap<String, RuleOverride>,
    suppressions: Vec<Suppression>,
}

/// What tuning decided about one hit.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// The rule is switched off.
    Disabled,
    /// A suppression matched (its id).
    Suppressed(i64),
}

impl Tuning {
    pub fn new(overrides: Vec<RuleOverride>, suppressions: Vec<Suppression>) -> Self {
        Self {
            overrides: overrides
                .into_iter()
                .map(|o| (o.rule_id.clone(), o))
                .collect(),
            suppressions,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.overrides.is_empty() && self.suppressions.is_empty()
    }

    /// Apply overrides (may change the hit's level) and suppressions to `hit` raised by
    /// `event`; `now` is RFC 3339 UTC.
    pub fn apply(&self, hit: &mut AlertHit, event: &LogEvent, now: &str) -> Verdict {
        if let Some(o) = self.overrides.get(&hit.rule_id) {
            if !o.enabled {
                return Verdict::Disabled;
            }
            if let Some(l) = &o.level {
                hit.level = l.clone();
            }
        }
        for s in &self.suppressions {
            if s.expires_at.as_deref().is_some_and(|e| e <= now) {
                continue;
            }
            if s.rule_id.as_deref().is_some_and(|r| r != hit.rule_id) {
                continue;
            }
            if s.agency_id.is_some() && s.agency_id != hit.agency_id {
                continue;
            }
            if s.host
                .as_deref()
                .is_some_and(|h| !h.eq_ignore_ascii_case(&hit.host))
            {
                continue;
            }
            let value = match s.field.as_str() {
                "host" | "host.name" => Some(hit.host.clone()),
                f => field_text(event, f),
            };
            if value.is_some_and(|v| glob_match(&s.value, &v)) {
                return Verdict::Suppressed(s.id);
            }
        }
        Verdict::Keep
    }
}

/// A field of the event as text (strings as they are, numbers and booleans printed).
fn field_text(event: &LogEvent, field: &str) -> Option<String> {
    match event.fields().get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Case-insensitive match where `*` stands for any run of characters.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hit() -> AlertHit {
        AlertHit {
            rule_id: "r1".into(),
            rule_title: "t".into(),
            level: "high".into(),
            host: "PC-01".into(),
            agency_id: Some(3),
            seen_at: "2026-12-01T00:00:00.000Z".into(),
            event_id: "1-1".into(),
            key_fields: json!({}),
        }
    }

    fn sup(id: i64) -> Suppression {
        Suppression {
            id,
            rule_id: Some("r1".into()),
            field: "CommandLine".into(),
            value: "*backup.ps1*".into(),
            agency_id: Some(3),
            host: None,
            agency_code: None,
            reason: "nightly backup".into(),
            expires_at: None,
            created_by: "analyst".into(),
            created_at: "2026-11-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn globs() {
        assert!(glob_match("*backup*", "C:\\Scripts\\Backup.ps1"));
        assert!(glob_match("pc-0?", "pc-0?"));
        assert!(glob_match("a*c", "abbbc"));
        assert!(!glob_match("a*c", "abbb"));
        assert!(glob_match("*", ""));
        assert!(glob_match("Mật*", "mật khẩu"));
    }

    #[test]
    fn overrides_and_suppressions() {
        let ev = LogEvent::from_json(
            json!({"CommandLine": "powershell -f C:\\s\\backup.ps1", "EventID": 4688}),
        );
        let now = "2026-12-01T00:00:00.000Z";
        let off = RuleOverride {
            rule_id: "r1".into(),
            enabled: false,
            level: None,
            reason: "noisy".into(),
            updated_by: "a".into(),
            updated_at: now.into(),
        };
        assert_eq!(
            Tuning::new(vec![off.clone()], vec![]).apply(&mut hit(), &ev, now),
            Verdict::Disabled
        );
        let relevel = RuleOverride {
            enabled: true,
            level: Some("low".into()),
            ..off
        };
        let mut h = hit();
        assert_eq!(
            Tuning::new(vec![relevel], vec![]).apply(&mut h, &ev, now),
            Verdict::Keep
        );
        assert_eq!(h.level, "low");

        let t = Tuning::new(vec![], vec![sup(7)]);
        assert_eq!(t.apply(&mut hit(), &ev, now), Verdict::Suppressed(7));
        let mut other_agency = hit();
        other_agency.agency_id = Some(4);
        assert_eq!(t.apply(&mut other_agency, &ev, now), Verdict::Keep);
        let mut other_rule = hit();
        other_rule.rule_id = "r2".into();
        assert_eq!(t.apply(&mut other_rule, &ev, now), Verdict::Keep);
        let expired = Suppression {
            expires_at: Some("2026-11-30T00:00:00Z".into()),
            ..sup(8)
        };
        assert_eq!(
            Tuning::new(vec![], vec![expired]).apply(&mut hit(), &ev, now),
            Verdict::Keep
        );
        let by_code = Suppression {
            field: "EventID".into(),
            value: "4688".into(),
            rule_id: None,
            ..sup(9)
        };
        assert_eq!(
            Tuning::new(vec![], vec![by_code]).apply(&mut hit(), &ev, now),
            Verdict::Suppressed(9)
        );
        let by_host = Suppression {
            field: "host.name".into(),
            value: "pc-01".into(),
            ..sup(10)
        };
        assert_eq!(
            Tuning::new(vec![], vec![by_host]).apply(&mut hit(), &ev, now),
            Verdict::Suppressed(10)
        );
    }
}
