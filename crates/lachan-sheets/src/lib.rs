//! Spreadsheet import and export of the registry: agencies (cơ quan, đơn vị)
//! and information systems (hệ thống thông tin), as CSV or XLSX.
//!
//! Pure functions over bytes: no database, no async. The store calls
//! [`parse_agencies`] / [`parse_systems`] and writes the rows in one
//! transaction only when the whole file parsed and validated; a file with any
//! bad row returns [`ImportErrors`] naming row, column and reason for each
//! problem (up to [`MAX_ERRORS`]).
//!
//! Headers may be the English field names (`code`, `agency_code`, …) or the
//! Vietnamese labels the unit's spreadsheets use ("Mã hệ thống", "Cấp độ",
//! "Số quyết định", …), compared without case or diacritics. Exports always
//! use the English field names on row 1, so an exported file re-imports
//! unchanged whatever language the reader's spreadsheet program uses.
//!
//! ```
//! use lachan_sheets::{parse_systems, SheetFormat};
//! let csv = "Mã hệ thống;Tên hệ thống;Cơ quan chủ quản;Cấp độ\n\
//!            HTTT-01;Cổng dịch vụ công;UBND-TINH;Cấp độ 3\n";
//! let rows = parse_systems(csv.as_bytes(), SheetFormat::Csv).unwrap();
//! assert_eq!(rows[0].row, 2);
//! assert_eq!(rows[0].value.security_level, 3);
//! ```

mod cell;
mod columns;
mod error;
mod export;
mod fold;
mod import;
mod table;

pub use error::{ExportError, ImportError, ImportErrors};
pub use export::{export_agencies, export_systems};
pub use import::{parse_agencies, parse_systems};

/// Largest file accepted for import, in bytes (20 MiB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Largest number of data rows (header excluded) accepted for import.
pub const MAX_ROWS: usize = 100_000;
/// Import stops collecting errors after this many.
pub const MAX_ERRORS: usize = 50;

/// A parsed value with the spreadsheet row it came from (the header is row 1
/// when it is the first row of the file).
#[derive(Debug, Clone, PartialEq)]
pub struct Row<T> {
    pub row: usize,
    pub value: T,
}

/// File format of a spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetFormat {
    /// Comma- or semicolon-separated UTF-8 text (with or without BOM).
    Csv,
    /// Office Open XML workbook; the first worksheet is read.
    Xlsx,
}

impl SheetFormat {
    /// From a file name's extension (`.csv`, `.txt`, `.xlsx`), if recognised.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(SheetFormat::Csv),
            "xlsx" | "xlsm" => Some(SheetFormat::Xlsx),
            _ => None,
        }
    }

    /// From the first bytes: a ZIP container is XLSX, anything else is CSV.
    pub fn sniff(bytes: &[u8]) -> Self {
        if bytes.starts_with(b"PK\x03\x04") {
            SheetFormat::Xlsx
        } else {
            SheetFormat::Csv
        }
    }

    /// Content first (magic bytes decide between ZIP and text), then the
    /// file name; an empty file is judged by its name, defaulting to CSV.
    pub fn detect(file_name: Option<&str>, bytes: &[u8]) -> Self {
        if bytes.is_empty() {
            return file_name
                .and_then(Self::from_file_name)
                .unwrap_or(SheetFormat::Csv);
        }
        Self::sniff(bytes)
    }

    /// `csv` or `xlsx`.
    pub fn extension(self) -> &'static str {
        match self {
            SheetFormat::Csv => "csv",
            SheetFormat::Xlsx => "xlsx",
        }
    }

    /// MIME type for downloads.
    pub fn content_type(self) -> &'static str {
        match self {
            SheetFormat::Csv => "text/csv; charset=utf-8",
            SheetFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_format() {
        assert_eq!(
            SheetFormat::from_file_name("ds.XLSX"),
            Some(SheetFormat::Xlsx)
        );
        assert_eq!(
            SheetFormat::from_file_name("ds.csv"),
            Some(SheetFormat::Csv)
        );
        assert_eq!(SheetFormat::from_file_name("ds.pdf"), None);
        assert_eq!(SheetFormat::from_file_name("noext"), None);
        assert_eq!(SheetFormat::sniff(b"PK\x03\x04rest"), SheetFormat::Xlsx);
        assert_eq!(SheetFormat::sniff(b"code,name"), SheetFormat::Csv);
        assert_eq!(
            SheetFormat::detect(Some("a.csv"), b"PK\x03\x04"),
            SheetFormat::Xlsx
        );
        assert_eq!(SheetFormat::detect(Some("a.xlsx"), b""), SheetFormat::Xlsx);
    }
}
