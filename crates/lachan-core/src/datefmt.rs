//! Dates and times: UTC in storage and APIs, dd/mm/yyyy in Asia/Ho_Chi_Minh
//! for people. Vietnam has used UTC+7 without daylight saving since 1975, so a
//! fixed offset is exact for every date the product handles.

use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{Date, OffsetDateTime, UtcOffset};

/// Asia/Ho_Chi_Minh.
pub const VN_OFFSET: UtcOffset = offset!(+7);

/// Now, in UTC.
pub fn now_utc() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// RFC 3339 in UTC with second precision, e.g. `2026-11-25T04:22:41Z`.
pub fn to_rfc3339(t: OffsetDateTime) -> String {
    let t = t
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

/// Parse an RFC 3339 timestamp.
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

/// Parse a calendar date given as `yyyy-mm-dd` or `dd/mm/yyyy` (also `d/m/yyyy`).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Ok(d) = Date::parse(s, format_description!("[year]-[month]-[day]")) {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 4
    {
        let (d, m, y) = (
            d.parse::<u8>().ok()?,
            m.parse::<u8>().ok()?,
            y.parse::<i32>().ok()?,
        );
        let month = time::Month::try_from(m).ok()?;
        return Date::from_calendar_date(y, month, d).ok();
    }
    None
}

/// `yyyy-mm-dd` (storage and API form of a date).
pub fn date_iso(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// `dd/mm/yyyy` (console form of a date).
pub fn date_vn(d: Date) -> String {
    d.format(format_description!("[day]/[month]/[year]"))
        .unwrap_or_default()
}

/// A stored UTC timestamp shown as `dd/mm/yyyy HH:MM` in Vietnam time.
pub fn datetime_vn(rfc3339: &str) -> String {
    match parse_rfc3339(rfc3339) {
        Some(t) => t
            .to_offset(VN_OFFSET)
            .format(format_description!("[day]/[month]/[year] [hour]:[minute]"))
            .unwrap_or_default(),
        None => rfc3339.to_string(),
    }
}

/// A stored `yyyy-mm-dd` shown as `dd/mm/yyyy`; other text is returned as is.
pub fn iso_to_vn(iso: &str) -> String {
    match parse_date(iso) {
        Some(d) => date_vn(d),
        None => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_date_forms() {
        let a = parse_date("2026-03-05").unwrap();
        let b = parse_date("05/03/2026").unwrap();
        let c = parse_date("5/3/2026").unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(date_vn(a), "05/03/2026");
        assert!(parse_date("31/02/2026").is_none());
        assert!(parse_date("hôm qua").is_none());
    }

    #[test]
    fn shows_times_in_vietnam() {
        assert_eq!(datetime_vn("2026-11-24T20:30:00Z"), "25/11/2026 03:30");
    }
}
