//! Findings (phát hiện) and recommendation letters (công văn kiến nghị).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::incident::{MAX_TEXT, MAX_TITLE, MoveError};
use super::{Severity, date_field, opt_text, text};
use crate::error::FieldError;
use crate::registry::{string_enum, validate_code};

string_enum! {
    /// Where a finding stands on its way to being fixed.
    FindingStatus {
        Open = "open", "Chưa khắc phục", "Open";
        Acknowledged = "acknowledged", "Đơn vị đã tiếp nhận", "Acknowledged";
        Fixed = "fixed", "Đơn vị báo đã khắc phục", "Fixed (reported)";
        Verified = "verified", "Đã phúc tra, xác nhận", "Verified by re-inspection";
        AcceptedRisk = "accepted_risk", "Chấp nhận rủi ro", "Accepted risk";
    }
}

string_enum! {
    /// Where a finding came from.
    FindingSource {
        Manual = "manual", "Nhập tay", "Entered by hand";
        Inspection = "inspection", "Kiểm tra", "Inspection";
        Alert = "alert", "Cảnh báo giám sát", "Monitoring alert";
        Compliance = "compliance", "Kiểm tra tuân thủ", "Compliance check";
        Scan = "scan", "lachan scan", "lachan scan";
        Webcheck = "webcheck", "Giám sát cổng TTĐT", "Portal check";
        Vulnerability = "vulnerability", "Đánh giá lỗ hổng", "Vulnerability assessment";
    }
}

impl FindingStatus {
    /// Still waiting for the owner to act (counts towards "overdue").
    pub fn is_outstanding(self) -> bool {
        matches!(self, FindingStatus::Open | FindingStatus::Acknowledged)
    }

    pub fn allowed_moves(self) -> &'static [FindingStatus] {
        use FindingStatus::*;
        match self {
            Open => &[Acknowledged, Fixed, AcceptedRisk],
            Acknowledged => &[Fixed, AcceptedRisk, Open],
            // Re-inspection either confirms the fix or finds it still there.
            Fixed => &[Verified, Open],
            Verified => &[Open],
            AcceptedRisk => &[Open],
        }
    }

    /// Legal moves; accepting a risk, reopening and failing a re-inspection need a reason.
    pub fn check_move(self, to: FindingStatus, reason: Option<&str>) -> Result<(), MoveError> {
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
        let needs_reason = to == FindingStatus::AcceptedRisk
            || (to == FindingStatus::Open && self != FindingStatus::Acknowledged);
        if needs_reason && reason.map(str::trim).unwrap_or("").is_empty() {
            return Err(MoveError::ReasonRequired {
                from: self.code(),
                to: to.code(),
            });
        }
        Ok(())
    }
}

/// A finding as reported by a writer or a source (scan, alert, portal check).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewFinding {
    pub title: String,
    pub severity: Severity,
    pub agency_code: String,
    #[serde(default)]
    pub system_code: Option<String>,
    /// The host, address or URL the finding is about.
    #[serde(default)]
    pub asset: Option<String>,
    #[serde(default = "manual")]
    pub source: FindingSource,
    /// The source's own identifier (check id, rule id, finding kind) for de-duplication.
    #[serde(default)]
    pub source_ref: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub evidence: Option<String>,
    #[serde(default)]
    pub recommendation: Option<String>,
    /// The inspection target it was found at, when found by an inspection.
    #[serde(default)]
    pub target_id: Option<i64>,
    /// When it was observed (RFC 3339), for findings recorded after the fact; the
    /// recording time when absent.
    #[serde(default)]
    pub observed_at: Option<String>,
}

fn manual() -> FindingSource {
    FindingSource::Manual
}

impl NewFinding {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.title = self.title.trim().to_string();
        text("title", &self.title, MAX_TITLE, true)?;
        self.agency_code = self.agency_code.trim().to_string();
        validate_code("agency_code", &self.agency_code)?;
        opt_text("system_code", &mut self.system_code, 64)?;
        if let Some(s) = &self.system_code {
            validate_code("system_code", s)?;
        }
        opt_text("asset", &mut self.asset, 300)?;
        opt_text("source_ref", &mut self.source_ref, 300)?;
        opt_text("description", &mut self.description, MAX_TEXT)?;
        opt_text("evidence", &mut self.evidence, 100_000)?;
        opt_text("recommendation", &mut self.recommendation, MAX_TEXT)?;
        super::opt_time_field("observed_at", &mut self.observed_at)?;
        Ok(())
    }

    /// The de-duplication key: one open finding per agency, system, asset and issue
    /// (the source's reference when it has one, else the title, case-folded).
    pub fn fingerprint(&self) -> String {
        let issue = match &self.source_ref {
            Some(r) => format!("{}:{}", self.source.code(), r.to_lowercase()),
            None => self.title.to_lowercase(),
        };
        let key = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.agency_code.to_lowercase(),
            self.system_code.as_deref().unwrap_or("").to_lowercase(),
            self.asset.as_deref().unwrap_or("").to_lowercase(),
            issue.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        hex::encode(Sha256::digest(key.as_bytes()))
    }
}

/// A change to a finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingChange {
    #[serde(default)]
    pub status: Option<FindingStatus>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub recommendation: Option<String>,
    /// Date by which the owner must fix it (yyyy-mm-dd); `Some("")` clears it.
    #[serde(default)]
    pub due_date: Option<String>,
}

impl FindingChange {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        opt_text("reason", &mut self.reason, 2000)?;
        if let Some(r) = &self.recommendation {
            text("recommendation", r, MAX_TEXT, false)?;
        }
        if let Some(d) = &mut self.due_date
            && !d.trim().is_empty()
        {
            date_field("due_date", d)?;
        }
        Ok(())
    }
}

/// A recommendation letter as issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewLetter {
    /// Official number, e.g. `125/CAT-PA05`.
    pub number: String,
    /// Date of issue (yyyy-mm-dd or dd/mm/yyyy).
    pub date: String,
    pub agency_code: String,
    pub finding_ids: Vec<i64>,
    /// Date by which the findings must be fixed and reported.
    pub deadline: String,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub signer: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
}

impl NewLetter {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.number = self.number.trim().to_string();
        text("number", &self.number, 64, true)?;
        date_field("date", &mut self.date)?;
        date_field("deadline", &mut self.deadline)?;
        if self.deadline < self.date {
            return Err(FieldError::new(
                "deadline",
                "must not be before the letter's date",
            ));
        }
        self.agency_code = self.agency_code.trim().to_string();
        validate_code("agency_code", &self.agency_code)?;
        self.finding_ids.sort_unstable();
        self.finding_ids.dedup();
        if self.finding_ids.is_empty() {
            return Err(FieldError::new(
                "finding_ids",
                "a letter names at least one finding",
            ));
        }
        if self.finding_ids.len() > 500 {
            return Err(FieldError::new("finding_ids", "at most 500 findings"));
        }
        opt_text("subject", &mut self.subject, MAX_TITLE)?;
        opt_text("signer", &mut self.signer, 200)?;
        opt_text("body", &mut self.body, MAX_TEXT)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FindingStatus::*;

    #[test]
    fn finding_workflow() {
        assert_eq!(Open.check_move(Fixed, None), Ok(()));
        assert_eq!(Fixed.check_move(Verified, None), Ok(()));
        assert!(Open.check_move(Verified, None).is_err());
        assert!(matches!(
            Open.check_move(AcceptedRisk, None),
            Err(MoveError::ReasonRequired { .. })
        ));
        assert!(Fixed.check_move(Open, None).is_err());
        assert_eq!(Fixed.check_move(Open, Some("vẫn còn lỗi")), Ok(()));
        assert!(Open.is_outstanding() && !Fixed.is_outstanding());
    }

    fn finding(title: &str, asset: Option<&str>) -> NewFinding {
        NewFinding {
            title: title.into(),
            severity: Severity::High,
            agency_code: "HN-SO-YT".into(),
            system_code: None,
            asset: asset.map(str::to_string),
            source: FindingSource::Manual,
            source_ref: None,
            description: None,
            evidence: None,
            recommendation: None,
            target_id: None,
            observed_at: None,
        }
    }

    #[test]
    fn fingerprint_ignores_case_and_spacing_but_not_asset() {
        let a = finding("Mật khẩu  mặc định", Some("srv-01"));
        let b = finding("mật khẩu mặc định", Some("SRV-01"));
        let c = finding("mật khẩu mặc định", Some("srv-02"));
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn letter_validation() {
        let mut l = NewLetter {
            number: " 125/CAT-PA05 ".into(),
            date: "01/06/2026".into(),
            agency_code: "HN-SO-YT".into(),
            finding_ids: vec![2, 1, 2],
            deadline: "2026-06-30".into(),
            subject: None,
            signer: None,
            body: None,
        };
        l.validate().unwrap();
        assert_eq!(
            (l.number.as_str(), l.date.as_str()),
            ("125/CAT-PA05", "2026-06-01")
        );
        assert_eq!(l.finding_ids, vec![1, 2]);
        l.deadline = "2026-05-01".into();
        assert_eq!(l.validate().unwrap_err().field, "deadline");
        l.deadline = "2026-07-01".into();
        l.finding_ids.clear();
        assert_eq!(l.validate().unwrap_err().field, "finding_ids");
    }
}
