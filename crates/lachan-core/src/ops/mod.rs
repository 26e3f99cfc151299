//! The operations workflow: incidents (sự cố), findings and recommendation letters
//! (phát hiện, công văn kiến nghị), inspection plans (kế hoạch kiểm tra). Statuses move
//! only along the workflows defined here; every writer asks these types whether a move
//! is legal, so the API, the console and the demo seed obey the same rules.

mod checklist;
mod finding;
mod incident;
mod plan;

pub use checklist::*;
pub use finding::*;
pub use incident::*;
pub use plan::*;

use crate::error::FieldError;
use crate::registry::string_enum;

string_enum! {
    /// How bad an incident or finding is.
    Severity {
        Low = "low", "Thấp", "Low";
        Medium = "medium", "Trung bình", "Medium";
        High = "high", "Cao", "High";
        Critical = "critical", "Nghiêm trọng", "Critical";
    }
}

impl Severity {
    /// 0 for low … 3 for critical.
    pub fn rank(self) -> u8 {
        match self {
            Severity::Low => 0,
            Severity::Medium => 1,
            Severity::High => 2,
            Severity::Critical => 3,
        }
    }
}

/// Free text of at most `max` characters, without control characters.
pub(crate) fn text(field: &str, v: &str, max: usize, required: bool) -> Result<(), FieldError> {
    crate::registry::validate_text(field, v, max, required)
}

/// Optional text: trimmed, empty becomes `None`, then checked.
pub(crate) fn opt_text(field: &str, v: &mut Option<String>, max: usize) -> Result<(), FieldError> {
    *v = v
        .take()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    match v {
        Some(s) => text(field, s, max, false),
        None => Ok(()),
    }
}

/// A `yyyy-mm-dd` or `dd/mm/yyyy` date, normalised to `yyyy-mm-dd`.
pub(crate) fn date_field(field: &str, v: &mut String) -> Result<(), FieldError> {
    let d = crate::datefmt::parse_date(v).ok_or_else(|| {
        FieldError::new(
            field,
            format!("'{v}' is not a date (yyyy-mm-dd or dd/mm/yyyy)"),
        )
    })?;
    *v = crate::datefmt::date_iso(d);
    Ok(())
}

pub(crate) fn opt_date_field(field: &str, v: &mut Option<String>) -> Result<(), FieldError> {
    *v = v.take().filter(|s| !s.trim().is_empty());
    match v {
        Some(s) => date_field(field, s),
        None => Ok(()),
    }
}

/// An RFC 3339 time, normalised to UTC with second precision.
pub(crate) fn time_field(field: &str, v: &mut String) -> Result<(), FieldError> {
    let t = crate::datefmt::parse_rfc3339(v)
        .ok_or_else(|| FieldError::new(field, format!("'{v}' is not an RFC 3339 time")))?;
    *v = crate::datefmt::to_rfc3339(t);
    Ok(())
}

pub(crate) fn opt_time_field(field: &str, v: &mut Option<String>) -> Result<(), FieldError> {
    *v = v.take().filter(|s| !s.trim().is_empty());
    match v {
        Some(s) => time_field(field, s),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_parses_codes_and_labels() {
        assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
        assert_eq!(Severity::parse("Nghiêm trọng"), Some(Severity::Critical));
        assert_eq!(Severity::parse("urgent"), None);
        assert!(Severity::Critical.rank() > Severity::Low.rank());
    }

    #[test]
    fn dates_and_times_normalise() {
        let mut d = "05/03/2026".to_string();
        date_field("date", &mut d).unwrap();
        assert_eq!(d, "2026-03-05");
        let mut bad = "mai".to_string();
        assert_eq!(date_field("date", &mut bad).unwrap_err().field, "date");
        let mut t = "2026-03-05T10:00:00+07:00".to_string();
        time_field("at", &mut t).unwrap();
        assert_eq!(t, "2026-03-05T03:00:00Z");
    }
}
