//! Inspection plans (kế hoạch kiểm tra) and their targets.

use serde::{Deserialize, Serialize};

use super::{date_field, opt_date_field, opt_text, text};
use crate::error::FieldError;
use crate::registry::{string_enum, validate_code};

string_enum! {
    /// What is inspected at a target.
    TargetKind {
        Agency = "agency", "Cơ quan, đơn vị", "Agency";
        System = "system", "Hệ thống thông tin", "Information system";
        Workstation = "workstation", "Máy trạm", "Workstation";
    }
}

string_enum! {
    /// Which checklist an inspection of the target follows.
    Checklist {
        SecurityLevel = "security_level", "Yêu cầu theo cấp độ", "Requirements of the security level";
        D06Workstation = "d06_workstation", "Máy trạm Đề án 06", "Đề án 06 workstation";
        Scan = "scan", "Kết quả lachan scan", "lachan scan result";
    }
}

string_enum! {
    /// Where an inspection target stands.
    TargetStatus {
        Planned = "planned", "Chưa kiểm tra", "Planned";
        Done = "done", "Đã kiểm tra", "Inspected";
        Cancelled = "cancelled", "Huỷ", "Cancelled";
    }
}

/// One target of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTarget {
    pub kind: TargetKind,
    pub agency_code: String,
    #[serde(default)]
    pub system_code: Option<String>,
    /// Workstation host name, or a label for the target.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub scheduled_date: Option<String>,
    #[serde(default = "default_checklist")]
    pub checklist: Checklist,
    /// A re-inspection (phúc tra) of earlier findings.
    #[serde(default)]
    pub reinspection: bool,
}

fn default_checklist() -> Checklist {
    Checklist::SecurityLevel
}

impl NewTarget {
    pub fn validate(&mut self, field: &str) -> Result<(), FieldError> {
        let f = |k: &str| format!("{field}.{k}");
        self.agency_code = self.agency_code.trim().to_string();
        validate_code(&f("agency_code"), &self.agency_code)?;
        opt_text(&f("system_code"), &mut self.system_code, 64)?;
        if let Some(s) = &self.system_code {
            validate_code(&f("system_code"), s)?;
        }
        opt_text(&f("name"), &mut self.name, 200)?;
        opt_date_field(&f("scheduled_date"), &mut self.scheduled_date)?;
        match self.kind {
            TargetKind::System if self.system_code.is_none() => {
                return Err(FieldError::new(
                    f("system_code"),
                    "a system target names its system",
                ));
            }
            TargetKind::Workstation if self.name.is_none() => {
                return Err(FieldError::new(
                    f("name"),
                    "a workstation target names the machine",
                ));
            }
            _ => {}
        }
        Ok(())
    }
}

/// An inspection plan as issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPlan {
    /// Official number, e.g. `45/KH-PA05`.
    pub number: String,
    /// Date of issue.
    pub date: String,
    pub title: String,
    pub start_date: String,
    pub end_date: String,
    #[serde(default)]
    pub team: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub targets: Vec<NewTarget>,
}

impl NewPlan {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.number = self.number.trim().to_string();
        text("number", &self.number, 64, true)?;
        self.title = self.title.trim().to_string();
        text("title", &self.title, 300, true)?;
        date_field("date", &mut self.date)?;
        date_field("start_date", &mut self.start_date)?;
        date_field("end_date", &mut self.end_date)?;
        if self.end_date < self.start_date {
            return Err(FieldError::new("end_date", "must not be before start_date"));
        }
        opt_text("description", &mut self.description, 10_000)?;
        for m in self.team.iter_mut() {
            *m = m.trim().to_string();
        }
        self.team.retain(|m| !m.is_empty());
        if self.team.len() > 50 {
            return Err(FieldError::new("team", "at most 50 members"));
        }
        for m in &self.team {
            text("team", m, 200, true)?;
        }
        if self.targets.len() > 2000 {
            return Err(FieldError::new("targets", "at most 2000 targets"));
        }
        for (i, t) in self.targets.iter_mut().enumerate() {
            t.validate(&format!("targets[{i}]"))?;
        }
        Ok(())
    }
}

/// The recorded result of inspecting one target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetResult {
    /// When the inspection took place (yyyy-mm-dd); today when absent.
    #[serde(default)]
    pub inspected_on: Option<String>,
    #[serde(default)]
    pub passed: i64,
    #[serde(default)]
    pub failed: i64,
    #[serde(default)]
    pub not_applicable: i64,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub inspector: Option<String>,
}

impl TargetResult {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        opt_date_field("inspected_on", &mut self.inspected_on)?;
        for (k, v) in [
            ("passed", self.passed),
            ("failed", self.failed),
            ("not_applicable", self.not_applicable),
        ] {
            if !(0..=100_000).contains(&v) {
                return Err(FieldError::new(k, "must be 0 to 100000"));
            }
        }
        opt_text("summary", &mut self.summary, 10_000)?;
        opt_text("inspector", &mut self.inspector, 200)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_validation_names_target_fields() {
        let mut p = NewPlan {
            number: "45/KH-PA05".into(),
            date: "02/01/2026".into(),
            title: "Kiểm tra máy trạm Đề án 06".into(),
            start_date: "2026-01-05".into(),
            end_date: "2026-06-30".into(),
            team: vec![" Tổ 1 ".into(), "".into()],
            description: None,
            targets: vec![NewTarget {
                kind: TargetKind::Workstation,
                agency_code: "HN-XA-01".into(),
                system_code: None,
                name: Some("pc-mc-01".into()),
                scheduled_date: Some("10/01/2026".into()),
                checklist: Checklist::D06Workstation,
                reinspection: false,
            }],
        };
        p.validate().unwrap();
        assert_eq!(p.team, vec!["Tổ 1"]);
        assert_eq!(p.targets[0].scheduled_date.as_deref(), Some("2026-01-10"));
        p.targets[0].name = None;
        assert_eq!(p.validate().unwrap_err().field, "targets[0].name");
        p.targets[0].name = Some("x".into());
        p.end_date = "2025-12-31".into();
        assert_eq!(p.validate().unwrap_err().field, "end_date");
    }
}
