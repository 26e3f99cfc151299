//! Import and export errors. Import errors name the row and the column
//! (header as written in the file) so that the person fixing the file can
//! find the cell.

use std::fmt;

use serde::Serialize;

use crate::MAX_ERRORS;

/// One problem in an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
    /// Spreadsheet row number (header = 1 when it is the first row);
    /// `None` for problems with the file as a whole.
    pub row: Option<usize>,
    /// Column header as written in the file, when the problem is in one column.
    pub column: Option<String>,
    /// What is wrong, in plain words.
    pub reason: String,
}

impl ImportError {
    pub fn file(reason: impl Into<String>) -> Self {
        Self {
            row: None,
            column: None,
            reason: reason.into(),
        }
    }

    pub fn at(row: usize, column: Option<&str>, reason: impl Into<String>) -> Self {
        Self {
            row: Some(row),
            column: column.map(str::to_string),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, "row {r}, column '{c}': {}", self.reason),
            (Some(r), None) => write!(f, "row {r}: {}", self.reason),
            (None, Some(c)) => write!(f, "column '{c}': {}", self.reason),
            (None, None) => f.write_str(&self.reason),
        }
    }
}

/// All problems found in an imported file (at most [`MAX_ERRORS`]); when
/// `truncated` is set, checking stopped early and there may be more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ImportErrors {
    pub errors: Vec<ImportError>,
    pub truncated: bool,
}

impl ImportErrors {
    pub fn single(e: ImportError) -> Self {
        Self {
            errors: vec![e],
            truncated: false,
        }
    }

    /// Record an error; returns `false` once the limit is reached and
    /// checking should stop.
    pub(crate) fn push(&mut self, e: ImportError) -> bool {
        if self.errors.len() >= MAX_ERRORS {
            self.truncated = true;
            return false;
        }
        self.errors.push(e);
        if self.errors.len() >= MAX_ERRORS {
            self.truncated = true;
            return false;
        }
        true
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "the file was not imported: {n}{} problem{}",
            if self.truncated { "+" } else { "" },
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        if self.truncated {
            write!(f, "\n  (stopped after {MAX_ERRORS} problems)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

impl From<ImportError> for ImportErrors {
    fn from(e: ImportError) -> Self {
        Self::single(e)
    }
}

/// Writing a spreadsheet failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("writing CSV: {0}")]
    Io(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_row_and_column() {
        let e = ImportError::at(5, Some("Cấp độ"), "must be a level from 1 to 5 (got 7)");
        assert_eq!(
            e.to_string(),
            "row 5, column 'Cấp độ': must be a level from 1 to 5 (got 7)"
        );
        let all = ImportErrors::single(e);
        assert!(all.to_string().contains("1 problem\n  row 5"));
    }

    #[test]
    fn push_stops_at_limit() {
        let mut all = ImportErrors::default();
        let mut accepted = 0;
        for i in 0..100 {
            if !all.push(ImportError::at(i, None, "x")) {
                break;
            }
            accepted += 1;
        }
        assert_eq!(all.errors.len(), MAX_ERRORS);
        assert_eq!(accepted, MAX_ERRORS - 1);
        assert!(all.truncated);
    }
}
