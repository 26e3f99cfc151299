//! Incidents (sự cố): categories, the handling workflow and its deadlines.

use serde::{Deserialize, Serialize};
use time::Duration;

use super::{Severity, opt_text, opt_time_field, text};
use crate::datefmt;
use crate::error::FieldError;
use crate::registry::{string_enum, validate_code};

string_enum! {
    /// What kind of incident it is (the N1–N9 grouping used in provincial reporting,
    /// with account compromise split out of intrusion).
    IncidentCategory {
        Malware = "malware", "Mã độc", "Malware";
        Intrusion = "intrusion", "Xâm nhập, chiếm quyền điều khiển", "Intrusion / takeover";
        AccountCompromise = "account_compromise", "Chiếm đoạt tài khoản", "Account compromise";
        Dos = "dos", "Tấn công từ chối dịch vụ", "Denial of service";
        DataLeak = "data_leak", "Lộ, lọt dữ liệu", "Data leak";
        Defacement = "defacement", "Thay đổi giao diện, chèn nội dung", "Defacement / content injection";
        Phishing = "phishing", "Lừa đảo, giả mạo", "Phishing / impersonation";
        SupplyChain = "supply_chain", "Tấn công chuỗi cung ứng", "Supply chain";
        Insider = "insider", "Vi phạm từ nội bộ", "Insider";
        Other = "other", "Khác", "Other";
    }
}

string_enum! {
    /// Where the handling of an incident stands, in workflow order.
    IncidentStatus {
        New = "new", "Mới tiếp nhận", "New";
        Triage = "triage", "Xác minh, phân loại", "Triage";
        Containment = "containment", "Ngăn chặn", "Containment";
        Eradication = "eradication", "Loại bỏ nguyên nhân", "Eradication";
        Recovery = "recovery", "Khôi phục", "Recovery";
        Closed = "closed", "Đã đóng", "Closed";
    }
}

/// Why a status change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("cannot move from '{from}' to '{to}'; allowed next: {allowed}")]
    Illegal {
        from: &'static str,
        to: &'static str,
        allowed: String,
    },
    #[error("moving from '{from}' to '{to}' needs a reason")]
    ReasonRequired {
        from: &'static str,
        to: &'static str,
    },
}

impl IncidentStatus {
    fn index(self) -> usize {
        IncidentStatus::ALL
            .iter()
            .position(|s| *s == self)
            .unwrap_or(0)
    }

    /// The next step of the workflow.
    pub fn next(self) -> Option<IncidentStatus> {
        IncidentStatus::ALL.get(self.index() + 1).copied()
    }

    pub fn is_open(self) -> bool {
        self != IncidentStatus::Closed
    }

    /// The statuses this one may move to.
    pub fn allowed_moves(self) -> Vec<IncidentStatus> {
        match self {
            IncidentStatus::Closed => vec![IncidentStatus::Triage],
            s => {
                let mut v: Vec<_> = s.next().into_iter().collect();
                if s != IncidentStatus::Recovery {
                    v.push(IncidentStatus::Closed);
                }
                v
            }
        }
    }

    /// Whether `self → to` is a legal move, given the reason supplied. The workflow goes
    /// one step at a time; an incident may be closed early (false positive, handed
    /// over) and a closed one reopened into triage, both only with a reason.
    pub fn check_move(self, to: IncidentStatus, reason: Option<&str>) -> Result<(), MoveError> {
        if !self.allowed_moves().contains(&to) {
            return Err(MoveError::Illegal {
                from: self.code(),
                to: to.code(),
                allowed: self
                    .allowed_moves()
                    .iter()
                    .map(|s| s.code())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let early_close = to == IncidentStatus::Closed && self != IncidentStatus::Recovery;
        let reopen = self == IncidentStatus::Closed;
        if (early_close || reopen) && reason.map(str::trim).unwrap_or("").is_empty() {
            return Err(MoveError::ReasonRequired {
                from: self.code(),
                to: to.code(),
            });
        }
        Ok(())
    }
}

/// Deadlines an incident carries from its detection time (T0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentDeadlines {
    /// Handling should be finished (closed) by then: the severity's SLA.
    pub resolve_by: String,
    /// Report of a serious incident (high, critical) to the Ministry's specialised unit
    /// within 24 h of detection (initial notice).
    pub notify_by: Option<String>,
    /// Report on cause, scope and remedies within 72 h of detection; also the personal
    /// data breach notice when personal data is involved.
    pub report_by: String,
}

impl Severity {
    /// Handling time allowed for an incident of this severity.
    pub fn resolve_within(self) -> Duration {
        match self {
            Severity::Critical => Duration::hours(24),
            Severity::High => Duration::hours(72),
            Severity::Medium => Duration::days(7),
            Severity::Low => Duration::days(30),
        }
    }
}

/// The deadlines of an incident of `severity` detected at `detected_at` (RFC 3339).
pub fn incident_deadlines(severity: Severity, detected_at: &str) -> Option<IncidentDeadlines> {
    let t0 = datefmt::parse_rfc3339(detected_at)?;
    let at = |d: Duration| datefmt::to_rfc3339(t0 + d);
    Some(IncidentDeadlines {
        resolve_by: at(severity.resolve_within()),
        notify_by: (severity >= Severity::High).then(|| at(Duration::hours(24))),
        report_by: at(Duration::hours(72)),
    })
}

impl PartialOrd for Severity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Severity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

/// An incident as opened by a writer (API, console, from alerts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewIncident {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub severity: Severity,
    pub category: IncidentCategory,
    pub agency_code: String,
    #[serde(default)]
    pub system_code: Option<String>,
    /// Affected hosts, addresses or URLs.
    #[serde(default)]
    pub assets: Vec<String>,
    /// Alerts this incident was opened from.
    #[serde(default)]
    pub alert_ids: Vec<i64>,
    /// T0, when the incident was detected (RFC 3339); the creation time when absent.
    #[serde(default)]
    pub detected_at: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub impact: Option<String>,
    #[serde(default)]
    pub personal_data: bool,
}

pub const MAX_TITLE: usize = 300;
pub const MAX_TEXT: usize = 10_000;

impl NewIncident {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.title = self.title.trim().to_string();
        text("title", &self.title, MAX_TITLE, true)?;
        opt_text("description", &mut self.description, MAX_TEXT)?;
        opt_text("impact", &mut self.impact, MAX_TEXT)?;
        opt_text("assignee", &mut self.assignee, 64)?;
        self.agency_code = self.agency_code.trim().to_string();
        validate_code("agency_code", &self.agency_code)?;
        opt_text("system_code", &mut self.system_code, 64)?;
        if let Some(s) = &self.system_code {
            validate_code("system_code", s)?;
        }
        opt_time_field("detected_at", &mut self.detected_at)?;
        validate_assets(&mut self.assets)?;
        if self.alert_ids.len() > 500 {
            return Err(FieldError::new("alert_ids", "at most 500 alerts"));
        }
        self.alert_ids.sort_unstable();
        self.alert_ids.dedup();
        Ok(())
    }
}

fn validate_assets(assets: &mut Vec<String>) -> Result<(), FieldError> {
    for a in assets.iter_mut() {
        *a = a.trim().to_string();
    }
    assets.retain(|a| !a.is_empty());
    assets.dedup();
    if assets.len() > 200 {
        return Err(FieldError::new("assets", "at most 200 assets"));
    }
    for a in assets.iter() {
        text("assets", a, 300, true)?;
    }
    Ok(())
}

/// A change to an incident; `None` leaves a part unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentChange {
    #[serde(default)]
    pub status: Option<IncidentStatus>,
    /// Why (closing early, reopening, or any change worth explaining).
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub category: Option<IncidentCategory>,
    /// `Some("")` clears the assignee.
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub impact: Option<String>,
    #[serde(default)]
    pub personal_data: Option<bool>,
    /// When the incident was reported to the competent authority (RFC 3339).
    #[serde(default)]
    pub reported_at: Option<String>,
    #[serde(default)]
    pub assets: Option<Vec<String>>,
}

impl IncidentChange {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        if let Some(t) = &mut self.title {
            *t = t.trim().to_string();
            text("title", t, MAX_TITLE, true)?;
        }
        if let Some(d) = &self.description {
            text("description", d, MAX_TEXT, false)?;
        }
        if let Some(d) = &self.impact {
            text("impact", d, MAX_TEXT, false)?;
        }
        opt_text("reason", &mut self.reason, 2000)?;
        if let Some(a) = &mut self.assignee {
            *a = a.trim().to_string();
            text("assignee", a, 64, false)?;
        }
        opt_time_field("reported_at", &mut self.reported_at)?;
        if let Some(a) = &mut self.assets {
            validate_assets(a)?;
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        *self == IncidentChange::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IncidentStatus::*;

    #[test]
    fn workflow_moves_one_step_at_a_time() {
        for w in IncidentStatus::ALL.windows(2) {
            assert_eq!(w[0].check_move(w[1], None), Ok(()), "{} → {}", w[0], w[1]);
        }
        assert!(matches!(
            New.check_move(Recovery, None),
            Err(MoveError::Illegal { .. })
        ));
        assert!(matches!(
            Containment.check_move(Triage, Some("x")),
            Err(MoveError::Illegal { .. })
        ));
        assert!(matches!(
            Closed.check_move(New, Some("x")),
            Err(MoveError::Illegal { .. })
        ));
    }

    #[test]
    fn early_close_and_reopen_need_a_reason() {
        assert!(matches!(
            Triage.check_move(Closed, None),
            Err(MoveError::ReasonRequired { .. })
        ));
        assert!(matches!(
            Triage.check_move(Closed, Some("  ")),
            Err(MoveError::ReasonRequired { .. })
        ));
        assert_eq!(Triage.check_move(Closed, Some("false positive")), Ok(()));
        assert_eq!(Recovery.check_move(Closed, None), Ok(()));
        assert!(Closed.check_move(Triage, None).is_err());
        assert_eq!(Closed.check_move(Triage, Some("recurred")), Ok(()));
    }

    #[test]
    fn deadlines_follow_severity() {
        let d = incident_deadlines(Severity::Critical, "2026-06-01T00:00:00Z").unwrap();
        assert_eq!(d.resolve_by, "2026-06-02T00:00:00Z");
        assert_eq!(d.notify_by.as_deref(), Some("2026-06-02T00:00:00Z"));
        assert_eq!(d.report_by, "2026-06-04T00:00:00Z");
        let d = incident_deadlines(Severity::Low, "2026-06-01T00:00:00Z").unwrap();
        assert_eq!(d.resolve_by, "2026-07-01T00:00:00Z");
        assert_eq!(d.notify_by, None);
        assert!(incident_deadlines(Severity::Low, "yesterday").is_none());
    }

    #[test]
    fn new_incident_validation_names_the_field() {
        let mut i = NewIncident {
            title: "  Mã độc trên máy trạm  ".into(),
            description: Some("".into()),
            severity: Severity::High,
            category: IncidentCategory::Malware,
            agency_code: "HN-XA-01".into(),
            system_code: None,
            assets: vec![" pc-01 ".into(), "".into()],
            alert_ids: vec![3, 1, 3],
            detected_at: Some("2026-06-01T08:00:00+07:00".into()),
            assignee: None,
            impact: None,
            personal_data: false,
        };
        i.validate().unwrap();
        assert_eq!(i.title, "Mã độc trên máy trạm");
        assert_eq!(i.description, None);
        assert_eq!(i.assets, vec!["pc-01"]);
        assert_eq!(i.alert_ids, vec![1, 3]);
        assert_eq!(i.detected_at.as_deref(), Some("2026-06-01T01:00:00Z"));
        i.agency_code = "bad code!".into();
        assert_eq!(i.validate().unwrap_err().field, "agency_code");
        i.agency_code = "A".into();
        i.detected_at = Some("today".into());
        assert_eq!(i.validate().unwrap_err().field, "detected_at");
    }
}
