//! Reading a CSV or XLSX file into rows of typed cells, with spreadsheet row
//! numbers and the size limits applied before any per-row work.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::cell::Cell;
use crate::error::{ImportError, ImportErrors};
use crate::{MAX_FILE_BYTES, MAX_ROWS, SheetFormat};

/// The rows of the first sheet. Completely empty rows are dropped; row
/// numbers are kept as the spreadsheet shows them.
#[derive(Debug)]
pub struct Table {
    pub rows: Vec<(usize, Vec<Cell>)>,
}

pub fn read(bytes: &[u8], format: SheetFormat) -> Result<Table, ImportErrors> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::file(format!(
            "the file is {:.1} MB; the limit is {} MB — split it into smaller files",
            bytes.len() as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        ))
        .into());
    }
    if bytes.is_empty() {
        return Err(ImportError::file("the file is empty").into());
    }
    match format {
        SheetFormat::Csv => read_csv(bytes),
        SheetFormat::Xlsx => read_xlsx(bytes),
    }
}

fn too_many_rows() -> ImportErrors {
    ImportError::file(format!(
        "the file has more than {MAX_ROWS} data rows — split it into smaller files"
    ))
    .into()
}

/// The delimiter used on the first line: `,`, `;` or tab, whichever occurs
/// most often outside quotes (`,` on a tie).
fn sniff_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    if counts[1] > counts[0] && counts[1] >= counts[2] {
        b';'
    } else if counts[2] > counts[0] && counts[2] > counts[1] {
        b'\t'
    } else {
        b','
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, ImportErrors> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ImportError::file(
            "the file is UTF-16 text; save it as \"CSV UTF-8\" and import again",
        )
        .into());
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(ImportError::file(
            "this is an old Excel .xls workbook; save it as .xlsx or CSV UTF-8",
        )
        .into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(bytes))
        .from_reader(bytes);
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut errors = ImportErrors::default();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let row = e.position().map(|p| p.line() as usize).unwrap_or(line);
                errors.push(ImportError::at(row, None, format!("unreadable CSV: {e}")));
                return Err(errors);
            }
        }
        // The reader skips blank lines but reports the position where it
        // started looking, so count the line breaks it skipped.
        let row = match record.position() {
            Some(p) => {
                let rest = bytes.get(p.byte() as usize..).unwrap_or_default();
                let skipped = rest
                    .iter()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .filter(|b| **b == b'\n')
                    .count();
                p.line() as usize + skipped
            }
            None => line,
        };
        let mut cells = Vec::with_capacity(record.len());
        for (i, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(s) => cells.push(Cell::from_text(s)),
                Err(_) => {
                    let ok = errors.push(ImportError::at(
                        row,
                        None,
                        format!(
                            "cell {} is not valid UTF-8 text; save the file as \"CSV UTF-8\"",
                            i + 1
                        ),
                    ));
                    if !ok {
                        return Err(errors);
                    }
                    cells.push(Cell::Empty);
                }
            }
        }
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        if rows.len() > MAX_ROWS {
            return Err(too_many_rows());
        }
        rows.push((row, cells));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Table { rows })
}

/// Largest total unpacked size of the parts of an XLSX file (256 MiB), so a
/// small file cannot expand into gigabytes in memory.
const MAX_XLSX_UNPACKED: u64 = 256 * 1024 * 1024;

/// Sum of the declared sizes of the parts of the ZIP container.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), ImportErrors> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::file(format!("not a readable XLSX workbook: {e}")))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip
            .by_index_raw(i)
            .map_err(|e| ImportError::file(format!("not a readable XLSX workbook: {e}")))?;
        total = total.saturating_add(part.size());
    }
    if total > MAX_XLSX_UNPACKED {
        return Err(ImportError::file(format!(
            "the workbook unpacks to {} MB; the limit is {} MB — split it into smaller files",
            total / 1_048_576,
            MAX_XLSX_UNPACKED / 1_048_576
        ))
        .into());
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ImportErrors> {
    check_unpacked_size(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ImportError::file(format!("not a readable XLSX workbook: {e}")))?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            return Err(ImportError::file(format!("cannot read the first worksheet: {e}")).into());
        }
        None => return Err(ImportError::file("the workbook has no worksheet").into()),
    };
    let (height, _) = range.get_size();
    if height > MAX_ROWS + 1 {
        return Err(too_many_rows());
    }
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut rows = Vec::new();
    for (i, data) in range.rows().enumerate() {
        // Cells left of the used range are empty; keep column positions.
        let mut cells = vec![Cell::Empty; first_col];
        cells.extend(data.iter().map(cell_from_xlsx));
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        rows.push((first_row + i + 1, cells));
    }
    Ok(Table { rows })
}

fn cell_from_xlsx(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::from_text(s),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Cell::Date(format!("{y:04}-{m:02}-{d:02}"))
        }
        Data::DateTimeIso(s) => Cell::Date(s.chars().take(10).collect()),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter(b"a;b;\"x,y,z\"\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }

    #[test]
    fn csv_keeps_row_numbers_across_blank_lines() {
        let t = read(
            b"\xEF\xBB\xBFcode,name\n\nA,B\n,\nC,\"D\nE\"\nF,G\n",
            SheetFormat::Csv,
        )
        .unwrap();
        let nums: Vec<usize> = t.rows.iter().map(|r| r.0).collect();
        assert_eq!(nums, vec![1, 3, 5, 7]);
        assert_eq!(t.rows[0].1[0], Cell::Text("code".into()));
    }

    #[test]
    fn refuses_bad_files() {
        let e = read(b"", SheetFormat::Csv).unwrap_err();
        assert!(e.errors[0].reason.contains("empty"));
        let e = read(b"\xFF\xFEc\0o\0", SheetFormat::Csv).unwrap_err();
        assert!(e.errors[0].reason.contains("UTF-16"));
        let e = read(b"code\n\xC3\x28\n", SheetFormat::Csv).unwrap_err();
        assert_eq!(e.errors[0].row, Some(2));
        let e = read(b"PK\x03\x04garbage", SheetFormat::Xlsx).unwrap_err();
        assert!(e.errors[0].reason.contains("XLSX"));
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        let e = read(&big, SheetFormat::Csv).unwrap_err();
        assert!(e.errors[0].reason.contains("limit is 20 MB"), "{e}");
    }

    #[test]
    fn refuses_workbooks_that_unpack_too_large() {
        use std::io::Write;
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
            w.write_all(b"<worksheet/>").unwrap();
            w.finish().unwrap();
        }
        let mut bytes = buf.into_inner();
        // Declare 1 GB in the central directory entry.
        let cd = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bytes[cd + 24..cd + 28].copy_from_slice(&(1u32 << 30).to_le_bytes());
        let e = read(&bytes, SheetFormat::Xlsx).unwrap_err();
        assert!(e.errors[0].reason.contains("unpacks to 1024 MB"), "{e}");
    }

    #[test]
    fn refuses_too_many_rows() {
        let mut s = String::from("code\n");
        for i in 0..=MAX_ROWS + 1 {
            s.push_str(&format!("{i}\n"));
        }
        let e = read(s.as_bytes(), SheetFormat::Csv).unwrap_err();
        assert!(e.errors[0].reason.contains("more than 100000"), "{e}");
    }
}
