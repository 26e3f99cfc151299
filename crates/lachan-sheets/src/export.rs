//! Writing the registry as CSV (UTF-8 with BOM, so that Excel shows the
//! Vietnamese text correctly) or XLSX (bold frozen header, real date cells
//! shown as dd/mm/yyyy). Row 1 holds the English field names, which the
//! importer maps back one to one.

use lachan_core::datefmt;
use lachan_core::registry::{Agency, System};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

use crate::SheetFormat;
use crate::columns::{AGENCY_COLUMNS, Column, SYSTEM_COLUMNS};
use crate::error::ExportError;

/// A cell to write.
enum Out {
    Text(String),
    Number(f64),
    Bool(bool),
    /// `yyyy-mm-dd`; written as a date cell in XLSX and dd/mm/yyyy in CSV.
    Date(String),
}

fn opt(s: &Option<String>) -> Out {
    Out::Text(s.clone().unwrap_or_default())
}

fn agency_cells(a: &Agency) -> Vec<Out> {
    vec![
        Out::Text(a.code.clone()),
        Out::Text(a.name.clone()),
        Out::Text(a.kind.code().to_string()),
        opt(&a.parent_code),
    ]
}

fn system_cells(s: &System) -> Vec<Out> {
    vec![
        Out::Text(s.code.clone()),
        Out::Text(s.name.clone()),
        Out::Text(s.agency_code.clone()),
        Out::Number(s.security_level as f64),
        Out::Text(s.regime.clone()),
        opt(&s.operating_unit),
        opt(&s.purpose),
        opt(&s.approval_decision_no),
        match &s.approval_date {
            Some(d) => Out::Date(d.clone()),
            None => Out::Text(String::new()),
        },
        Out::Text(s.dossier_status.code().to_string()),
        Out::Bool(s.connects_population_db),
    ]
}

/// Agencies as a sheet with columns `code, name, kind, parent_code`.
pub fn export_agencies(agencies: &[Agency], format: SheetFormat) -> Result<Vec<u8>, ExportError> {
    write(
        AGENCY_COLUMNS,
        agencies.iter().map(agency_cells),
        format,
        "agencies",
    )
}

/// Systems as a sheet with the columns `parse_systems` reads, in its order.
pub fn export_systems(systems: &[System], format: SheetFormat) -> Result<Vec<u8>, ExportError> {
    write(
        SYSTEM_COLUMNS,
        systems.iter().map(system_cells),
        format,
        "systems",
    )
}

fn write(
    spec: &[Column],
    rows: impl Iterator<Item = Vec<Out>>,
    format: SheetFormat,
    sheet: &str,
) -> Result<Vec<u8>, ExportError> {
    match format {
        SheetFormat::Csv => write_csv(spec, rows),
        SheetFormat::Xlsx => write_xlsx(spec, rows, sheet),
    }
}

fn write_csv(
    spec: &[Column],
    rows: impl Iterator<Item = Vec<Out>>,
) -> Result<Vec<u8>, ExportError> {
    let mut buf = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        w.write_record(spec.iter().map(|c| c.field))?;
        for row in rows {
            let fields: Vec<String> = row
                .into_iter()
                .map(|c| match c {
                    Out::Text(s) => s,
                    Out::Number(n) => format!("{n}"),
                    Out::Bool(b) => b.to_string(),
                    Out::Date(d) => datefmt::iso_to_vn(&d),
                })
                .collect();
            w.write_record(&fields)?;
        }
        w.flush()?;
    }
    Ok(buf)
}

fn write_xlsx(
    spec: &[Column],
    rows: impl Iterator<Item = Vec<Out>>,
    sheet: &str,
) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let ws: &mut Worksheet = book.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    let date_fmt = Format::new().set_num_format("dd/mm/yyyy");
    for (c, col) in spec.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, col.field, &bold)?;
        let width = match col.field {
            "name" | "purpose" | "operating_unit" => 40,
            "code" | "agency_code" | "parent_code" | "approval_decision_no" | "regime" => 18,
            _ => 14,
        };
        ws.set_column_width(c, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, row) in rows.enumerate() {
        let r = (r + 1) as u32;
        for (c, cell) in row.into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Out::Text(s) if s.is_empty() => {}
                Out::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                Out::Number(n) => {
                    ws.write_number(r, c, n)?;
                }
                Out::Bool(b) => {
                    ws.write_boolean(r, c, b)?;
                }
                Out::Date(d) => match datefmt::parse_date(&d).and_then(|d| {
                    let y = u16::try_from(d.year()).ok()?;
                    ExcelDateTime::from_ymd(y, u8::from(d.month()), d.day()).ok()
                }) {
                    Some(dt) => {
                        ws.write_datetime_with_format(r, c, &dt, &date_fmt)?;
                    }
                    None => {
                        ws.write_string(r, c, d)?;
                    }
                },
            }
        }
    }
    Ok(book.save_to_buffer()?)
}
