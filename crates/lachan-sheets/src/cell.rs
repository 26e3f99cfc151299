//! One spreadsheet cell and its conversion to the kinds of value the registry
//! columns hold: text, boolean, security level, date, enumerations.
//! Every conversion error is a plain sentence; the caller adds row and column.

use crate::fold;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A real date cell (XLSX), as `yyyy-mm-dd`.
    Date(String),
    /// A formula error such as `#N/A`.
    Error(String),
}

impl Cell {
    /// A text cell; whitespace-only text is empty.
    pub fn from_text(s: &str) -> Cell {
        let t = s.trim();
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(t.to_string())
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as text, if it has a value. Whole numbers print without a
    /// decimal part (a code typed as 0123 in Excel arrives as 123 — that is
    /// the sheet's doing and cannot be undone here).
    pub fn text(&self) -> Result<Option<String>, String> {
        Ok(match self {
            Cell::Empty => None,
            Cell::Text(s) => Some(s.clone()),
            Cell::Number(n) => Some(number_text(*n)),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Date(d) => Some(d.clone()),
            Cell::Error(e) => return Err(format!("the cell holds a formula error ({e})")),
        })
    }

    /// `true/false`, `1/0`, `x`/empty, `có/không`, `yes/no` (any case,
    /// with or without diacritics). Empty is `false`.
    pub fn boolean(&self) -> Result<bool, String> {
        match self {
            Cell::Empty => Ok(false),
            Cell::Bool(b) => Ok(*b),
            Cell::Number(n) if *n == 1.0 => Ok(true),
            Cell::Number(n) if *n == 0.0 => Ok(false),
            _ => {
                let t = self.text()?.unwrap_or_default();
                match fold::key(&t).as_str() {
                    "true" | "1" | "x" | "co" | "yes" | "y" | "dung" | "t" => Ok(true),
                    "false" | "0" | "khong" | "no" | "n" | "sai" | "f" => Ok(false),
                    _ => Err(format!(
                        "'{t}' is not a yes/no value (use có/không, x, 1/0, true/false)"
                    )),
                }
            }
        }
    }

    /// A security level: `3`, `3.0`, `Cấp độ 3`, `cấp 3`, `level 3`.
    /// Range checks are left to the domain rules so that the message is the
    /// same as everywhere else.
    pub fn level(&self) -> Result<Option<i64>, String> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e9 {
                    Ok(Some(*n as i64))
                } else {
                    Err(format!("{n} is not a whole level number (1 to 5)"))
                }
            }
            _ => {
                let t = self.text()?.unwrap_or_default();
                let k = fold::key(&t);
                let digits = ["cap do ", "cap ", "level ", "muc "]
                    .iter()
                    .find_map(|p| k.strip_prefix(p))
                    .unwrap_or(&k);
                let digits = digits.strip_suffix(" 0").unwrap_or(digits);
                let negative = t.trim_start().starts_with('-');
                match digits.parse::<i64>() {
                    Ok(v) => Ok(Some(if negative { -v } else { v })),
                    Err(_) => Err(format!(
                        "'{t}' is not a security level (write 1 to 5 or \"Cấp độ 3\")"
                    )),
                }
            }
        }
    }

    /// A date as `yyyy-mm-dd` for a real date cell, or the text as written
    /// (the domain rules parse `dd/mm/yyyy` and `yyyy-mm-dd` and name the
    /// field when it is neither).
    pub fn date(&self) -> Result<Option<String>, String> {
        match self {
            Cell::Number(n) => Err(format!(
                "{} is a number, not a date; format the cell as a date or write dd/mm/yyyy",
                number_text(*n)
            )),
            Cell::Bool(_) => Err("expected a date as dd/mm/yyyy".into()),
            other => other.text(),
        }
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Find the variant whose code, Vietnamese or English label matches `text`
/// ignoring case and diacritics.
pub fn enum_value<T: Copy>(
    text: &str,
    all: &[T],
    names: impl Fn(T) -> [&'static str; 3],
) -> Option<T> {
    let k = fold::key(text);
    all.iter()
        .copied()
        .find(|v| names(*v).iter().any(|n| fold::key(n) == k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lachan_core::registry::DossierStatus;

    fn t(s: &str) -> Cell {
        Cell::from_text(s)
    }

    #[test]
    fn booleans() {
        for yes in ["true", "TRUE", "1", "x", "X", "có", "Có", "CÓ", "yes", "co"] {
            assert_eq!(t(yes).boolean(), Ok(true), "{yes}");
        }
        for no in ["false", "0", "không", "Không", "no", "khong", ""] {
            assert_eq!(t(no).boolean(), Ok(false), "{no}");
        }
        assert_eq!(Cell::Bool(true).boolean(), Ok(true));
        assert_eq!(Cell::Number(1.0).boolean(), Ok(true));
        assert!(t("maybe").boolean().unwrap_err().contains("'maybe'"));
        assert!(Cell::Number(2.0).boolean().is_err());
    }

    #[test]
    fn levels() {
        assert_eq!(t("3").level(), Ok(Some(3)));
        assert_eq!(t("Cấp độ 3").level(), Ok(Some(3)));
        assert_eq!(t("cap do 4").level(), Ok(Some(4)));
        assert_eq!(t("Cấp 2").level(), Ok(Some(2)));
        assert_eq!(t("3.0").level(), Ok(Some(3)));
        assert_eq!(t("7").level(), Ok(Some(7)));
        assert_eq!(t("-1").level(), Ok(Some(-1)));
        assert_eq!(Cell::Number(5.0).level(), Ok(Some(5)));
        assert_eq!(Cell::Empty.level(), Ok(None));
        assert!(Cell::Number(2.5).level().is_err());
        assert!(t("cao").level().unwrap_err().contains("'cao'"));
    }

    #[test]
    fn dates_and_text() {
        assert_eq!(
            Cell::Date("2024-03-15".into()).date(),
            Ok(Some("2024-03-15".into()))
        );
        assert_eq!(t("15/03/2024").date(), Ok(Some("15/03/2024".into())));
        assert!(Cell::Number(45000.0).date().unwrap_err().contains("45000"));
        assert_eq!(Cell::Number(123.0).text(), Ok(Some("123".into())));
        assert_eq!(Cell::Number(1.5).text(), Ok(Some("1.5".into())));
        assert!(
            Cell::Error("#N/A".into())
                .text()
                .unwrap_err()
                .contains("#N/A")
        );
        assert_eq!(t("   "), Cell::Empty);
    }

    #[test]
    fn enums_ignore_case_and_diacritics() {
        let names = |d: DossierStatus| [d.code(), d.label_vi(), d.label_en()];
        let all = DossierStatus::ALL;
        assert_eq!(
            enum_value("Đã phê duyệt", all, names),
            Some(DossierStatus::Approved)
        );
        assert_eq!(
            enum_value("da phe duyet", all, names),
            Some(DossierStatus::Approved)
        );
        assert_eq!(
            enum_value("SUBMITTED", all, names),
            Some(DossierStatus::Submitted)
        );
        assert_eq!(
            enum_value("đang xây dựng", all, names),
            Some(DossierStatus::Drafting)
        );
        assert_eq!(enum_value("xong", all, names), None);
    }
}
