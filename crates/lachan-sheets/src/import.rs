//! Turning the rows of a sheet into validated [`NewAgency`] / [`NewSystem`]
//! values. All rows are checked (up to the error limit) so that one upload
//! shows every problem; any problem rejects the whole file.

use std::collections::HashMap;

use lachan_core::FieldError;
use lachan_core::registry::{AgencyKind, DossierStatus, NewAgency, NewSystem};

use crate::cell::{Cell, enum_value};
use crate::columns::{AGENCY_COLUMNS, Column, HeaderMap, SYSTEM_COLUMNS, map_header};
use crate::error::{ImportError, ImportErrors};
use crate::table::{self, Table};
use crate::{Row, SheetFormat};

/// One data row being converted; conversion problems are collected here.
struct RowCtx<'a> {
    spec: &'static [Column],
    map: &'a HeaderMap,
    row: usize,
    cells: &'a [Cell],
    problems: Vec<ImportError>,
}

const EMPTY: Cell = Cell::Empty;

impl RowCtx<'_> {
    fn pos(&self, field: &str) -> Option<usize> {
        self.spec.iter().position(|c| c.field == field)
    }

    fn column(&self, field: &str) -> String {
        match self.pos(field) {
            Some(f) => self.map.column_name(self.spec, f),
            None => field.to_string(),
        }
    }

    fn cell(&self, field: &str) -> &Cell {
        self.pos(field)
            .and_then(|f| self.map.field_pos[f])
            .and_then(|p| self.cells.get(p))
            .unwrap_or(&EMPTY)
    }

    fn problem(&mut self, field: &str, reason: String) {
        let col = self.column(field);
        self.problems
            .push(ImportError::at(self.row, Some(&col), reason));
    }

    fn get<T>(&mut self, field: &str, f: impl Fn(&Cell) -> Result<T, String>) -> Option<T> {
        match f(self.cell(field)) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.problem(field, reason);
                None
            }
        }
    }

    fn text(&mut self, field: &str) -> Option<String> {
        self.get(field, Cell::text).flatten()
    }

    fn required_text(&mut self, field: &str) -> String {
        self.text(field).unwrap_or_default()
    }

    fn enumerated<T: Copy>(
        &mut self,
        field: &str,
        all: &[T],
        names: impl Fn(T) -> [&'static str; 3],
    ) -> Option<T> {
        let text = self.text(field)?;
        match enum_value(&text, all, &names) {
            Some(v) => Some(v),
            None => {
                let allowed: Vec<String> = all
                    .iter()
                    .map(|v| {
                        let [code, vi, _] = names(*v);
                        format!("{code} ({vi})")
                    })
                    .collect();
                self.problem(
                    field,
                    format!("'{text}' is not one of: {}", allowed.join(", ")),
                );
                None
            }
        }
    }

    /// Values in positions that have no header.
    fn check_stray_cells(&mut self) {
        for (pos, c) in self.cells.iter().enumerate() {
            if !c.is_empty() && !self.map.known.get(pos).copied().unwrap_or(false) {
                self.problems.push(ImportError::at(
                    self.row,
                    Some(&format!("#{}", pos + 1)),
                    "value in a column that has no header",
                ));
            }
        }
    }

    fn field_error(&mut self, e: FieldError) {
        self.problem(&e.field, e.message);
    }
}

/// Drive the conversion of every data row; `build` returns `None` when the
/// row already has conversion problems.
fn parse_rows<T>(
    bytes: &[u8],
    format: SheetFormat,
    spec: &'static [Column],
    code_of: impl Fn(&T) -> &str,
    build: impl Fn(&mut RowCtx<'_>) -> Option<T>,
    validate: impl Fn(&mut T) -> Result<(), FieldError>,
) -> Result<Vec<Row<T>>, ImportErrors> {
    let Table { rows } = table::read(bytes, format)?;
    let map = map_header(spec, &rows)?;
    let mut out = Vec::with_capacity(rows.len().saturating_sub(map.index + 1));
    let mut errors = ImportErrors::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, cells) in rows.iter().skip(map.index + 1) {
        let mut ctx = RowCtx {
            spec,
            map: &map,
            row: *row,
            cells,
            problems: Vec::new(),
        };
        ctx.check_stray_cells();
        let value = build(&mut ctx).filter(|_| ctx.problems.is_empty());
        if let Some(mut v) = value {
            match validate(&mut v) {
                Ok(()) => {
                    let key = code_of(&v).to_lowercase();
                    if let Some(first) = seen.get(&key) {
                        ctx.problem(
                            "code",
                            format!("duplicate code '{}' (already in row {first})", code_of(&v)),
                        );
                    } else {
                        seen.insert(key, *row);
                        out.push(Row {
                            row: *row,
                            value: v,
                        });
                    }
                }
                Err(e) => ctx.field_error(e),
            }
        }
        for p in ctx.problems {
            if !errors.push(p) {
                return Err(errors);
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if out.is_empty() {
        return Err(
            ImportError::at(map.row, None, "the file has a header but no data rows").into(),
        );
    }
    Ok(out)
}

/// Parse and validate an agency sheet (`code, name, kind, parent_code`).
pub fn parse_agencies(
    bytes: &[u8],
    format: SheetFormat,
) -> Result<Vec<Row<NewAgency>>, ImportErrors> {
    parse_rows(
        bytes,
        format,
        AGENCY_COLUMNS,
        |a: &NewAgency| a.code.as_str(),
        |ctx| {
            let code = ctx.required_text("code");
            let name = ctx.required_text("name");
            let kind = ctx
                .enumerated("kind", AgencyKind::ALL, |k| {
                    [k.code(), k.label_vi(), k.label_en()]
                })
                .unwrap_or(AgencyKind::Other);
            let parent_code = ctx.text("parent_code");
            Some(NewAgency {
                code,
                name,
                kind,
                parent_code,
            })
        },
        NewAgency::validate,
    )
}

/// Parse and validate an information-system sheet (`code, name, agency_code,
/// security_level, regime, operating_unit, purpose, approval_decision_no,
/// approval_date, dossier_status, connects_population_db`).
pub fn parse_systems(
    bytes: &[u8],
    format: SheetFormat,
) -> Result<Vec<Row<NewSystem>>, ImportErrors> {
    parse_rows(
        bytes,
        format,
        SYSTEM_COLUMNS,
        |s: &NewSystem| s.code.as_str(),
        |ctx| {
            let code = ctx.required_text("code");
            let name = ctx.required_text("name");
            let agency_code = ctx.required_text("agency_code");
            let level = ctx.get("security_level", Cell::level).flatten();
            if ctx.cell("security_level").is_empty() {
                ctx.problem("security_level", "is required".into());
            }
            let regime = ctx.text("regime");
            let operating_unit = ctx.text("operating_unit");
            let purpose = ctx.text("purpose");
            let approval_decision_no = ctx.text("approval_decision_no");
            let approval_date = ctx.get("approval_date", Cell::date).flatten();
            let dossier_status = ctx.enumerated("dossier_status", DossierStatus::ALL, |d| {
                [d.code(), d.label_vi(), d.label_en()]
            });
            let connects_population_db = ctx
                .get("connects_population_db", Cell::boolean)
                .unwrap_or(false);
            Some(NewSystem {
                code,
                name,
                agency_code,
                security_level: level?,
                regime,
                operating_unit,
                purpose,
                approval_decision_no,
                approval_date,
                dossier_status,
                connects_population_db,
            })
        },
        NewSystem::validate,
    )
}
