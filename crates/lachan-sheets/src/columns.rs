//! Column names: the English field names and the Vietnamese headers the
//! unit's spreadsheets use, and the mapping of a header row onto fields.

use crate::cell::Cell;
use crate::error::{ImportError, ImportErrors};
use crate::fold;

/// One importable field and the header names that mean it (compared with
/// [`fold::key`], so case, diacritics and punctuation do not matter).
pub struct Column {
    pub field: &'static str,
    pub required: bool,
    pub aliases: &'static [&'static str],
}

const fn col(field: &'static str, required: bool, aliases: &'static [&'static str]) -> Column {
    Column {
        field,
        required,
        aliases,
    }
}

pub const AGENCY_COLUMNS: &[Column] = &[
    col(
        "code",
        true,
        &["Mã", "Mã cơ quan", "Mã đơn vị", "Mã cơ quan, đơn vị"],
    ),
    col(
        "name",
        true,
        &["Tên", "Tên cơ quan", "Tên đơn vị", "Tên cơ quan, đơn vị"],
    ),
    col(
        "kind",
        false,
        &["Loại", "Loại cơ quan", "Loại đơn vị", "Loại hình"],
    ),
    col(
        "parent_code",
        false,
        &[
            "parent",
            "Mã cơ quan cấp trên",
            "Mã đơn vị cấp trên",
            "Cơ quan cấp trên",
            "Đơn vị cấp trên",
            "Mã cấp trên",
            "Trực thuộc",
        ],
    ),
];

pub const SYSTEM_COLUMNS: &[Column] = &[
    col(
        "code",
        true,
        &["Mã", "Mã hệ thống", "Mã HTTT", "Mã hệ thống thông tin"],
    ),
    col(
        "name",
        true,
        &["Tên", "Tên hệ thống", "Tên HTTT", "Tên hệ thống thông tin"],
    ),
    col(
        "agency_code",
        true,
        &[
            "agency",
            "Cơ quan chủ quản",
            "Mã cơ quan chủ quản",
            "Mã cơ quan",
            "Đơn vị chủ quản",
            "Mã đơn vị chủ quản",
            "Chủ quản",
        ],
    ),
    col(
        "security_level",
        true,
        &[
            "level",
            "Cấp độ",
            "Cấp độ HTTT",
            "Cấp độ an toàn",
            "Cấp độ an toàn thông tin",
            "Cấp độ an ninh mạng",
            "Cấp độ đề xuất",
        ],
    ),
    col(
        "regime",
        false,
        &["Khung pháp lý", "Chế độ", "Căn cứ pháp lý"],
    ),
    col(
        "operating_unit",
        false,
        &["Đơn vị vận hành", "Đơn vị quản lý vận hành"],
    ),
    col(
        "purpose",
        false,
        &["Mục đích", "Mục đích sử dụng", "Chức năng"],
    ),
    col(
        "approval_decision_no",
        false,
        &[
            "Số quyết định",
            "Số quyết định phê duyệt",
            "Quyết định phê duyệt",
            "Số QĐ",
            "Số QĐ phê duyệt",
        ],
    ),
    col(
        "approval_date",
        false,
        &[
            "Ngày phê duyệt",
            "Ngày quyết định",
            "Ngày ký",
            "Ngày ký quyết định",
        ],
    ),
    col(
        "dossier_status",
        false,
        &[
            "status",
            "Trạng thái hồ sơ",
            "Trạng thái",
            "Tình trạng hồ sơ",
        ],
    ),
    col(
        "connects_population_db",
        false,
        &[
            "population_db",
            "Kết nối CSDLQG về dân cư",
            "Kết nối CSDLQG dân cư",
            "Kết nối CSDL dân cư",
            "Kết nối CSDL quốc gia về dân cư",
            "Kết nối cơ sở dữ liệu quốc gia về dân cư",
        ],
    ),
];

/// Row-number columns ("STT", "TT") that spreadsheets carry for people;
/// they are accepted and ignored.
const IGNORED: &[&str] = &["STT", "TT", "Số thứ tự", "No"];

/// How each cell position of the header row maps onto fields.
#[derive(Debug)]
pub struct HeaderMap {
    /// Row number of the header.
    pub row: usize,
    /// Index into `table.rows` of the header.
    pub index: usize,
    /// For each field of the spec (same order), the cell position.
    pub field_pos: Vec<Option<usize>>,
    /// Header text as written, by cell position.
    pub names: Vec<String>,
    /// Cell positions that may hold data (mapped or ignored columns).
    pub known: Vec<bool>,
}

impl HeaderMap {
    /// Header as written for field number `f`, or the field name.
    pub fn column_name(&self, spec: &[Column], f: usize) -> String {
        match self.field_pos[f] {
            Some(p) => self.names[p].clone(),
            None => spec[f].field.to_string(),
        }
    }
}

fn field_of(spec: &[Column], header: &str) -> Option<usize> {
    let k = fold::key(header);
    if k.is_empty() {
        return None;
    }
    spec.iter()
        .position(|c| fold::key(c.field) == k || c.aliases.iter().any(|a| fold::key(a) == k))
}

fn is_ignored(header: &str) -> bool {
    let k = fold::key(header);
    IGNORED.iter().any(|a| fold::key(a) == k) || header.trim() == "#"
}

fn header_texts(cells: &[Cell]) -> Vec<String> {
    cells
        .iter()
        .map(|c| c.text().ok().flatten().unwrap_or_default())
        .collect()
}

/// Find the header among the first rows (title rows above it are allowed)
/// and map it; unknown, duplicate and missing columns are errors.
pub fn map_header(spec: &[Column], rows: &[(usize, Vec<Cell>)]) -> Result<HeaderMap, ImportErrors> {
    let Some(first) = rows.first() else {
        return Err(ImportError::file("the file has no rows").into());
    };
    // The header is the first of the top 10 rows that names every required
    // column; failing that, the first row, so the errors talk about it.
    let index = rows
        .iter()
        .take(10)
        .position(|(_, cells)| {
            let names = header_texts(cells);
            spec.iter()
                .enumerate()
                .filter(|(_, c)| c.required)
                .all(|(i, _)| names.iter().any(|n| field_of(spec, n) == Some(i)))
        })
        .unwrap_or(0);
    let (row, cells) = rows.get(index).unwrap_or(first);
    let names = header_texts(cells);
    let mut errors = ImportErrors::default();
    let mut field_pos = vec![None; spec.len()];
    let mut known = vec![false; names.len()];
    for (pos, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            continue;
        }
        if is_ignored(name) {
            known[pos] = true;
            continue;
        }
        match field_of(spec, name) {
            Some(f) => {
                if let Some(prev) = field_pos[f] {
                    let prev_name: &String = &names[prev];
                    errors.push(ImportError::at(
                        *row,
                        Some(name),
                        format!(
                            "duplicate column: '{prev_name}' already gives {}",
                            spec[f].field
                        ),
                    ));
                } else {
                    field_pos[f] = Some(pos);
                    known[pos] = true;
                }
            }
            None => {
                errors.push(ImportError::at(
                    *row,
                    Some(name),
                    format!("unknown column (expected: {})", expected(spec)),
                ));
            }
        }
    }
    for (f, c) in spec.iter().enumerate() {
        if c.required && field_pos[f].is_none() {
            let vi = c
                .aliases
                .iter()
                .find(|a| !a.is_ascii())
                .copied()
                .unwrap_or(c.field);
            errors.push(ImportError::at(
                *row,
                None,
                format!("missing required column '{}' (or '{vi}')", c.field),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(HeaderMap {
        row: *row,
        index,
        field_pos,
        names,
        known,
    })
}

fn expected(spec: &[Column]) -> String {
    spec.iter().map(|c| c.field).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize, cells: &[&str]) -> (usize, Vec<Cell>) {
        (n, cells.iter().map(|s| Cell::from_text(s)).collect())
    }

    #[test]
    fn maps_english_and_vietnamese_headers() {
        let rows = [row(
            1,
            &[
                "STT",
                "Mã hệ thống",
                "TÊN HỆ THỐNG",
                "co quan chu quan",
                "Cấp độ",
            ],
        )];
        let h = map_header(SYSTEM_COLUMNS, &rows).unwrap();
        assert_eq!(h.field_pos[0], Some(1));
        assert_eq!(h.field_pos[3], Some(4));
        assert_eq!(h.column_name(SYSTEM_COLUMNS, 3), "Cấp độ");
        assert!(h.known[0]);
        let rows = [row(1, &["code", "name", "agency_code", "security_level"])];
        assert!(map_header(SYSTEM_COLUMNS, &rows).is_ok());
    }

    #[test]
    fn skips_title_rows() {
        let rows = [
            row(1, &["DANH SÁCH HỆ THỐNG THÔNG TIN"]),
            row(3, &["Mã", "Tên", "Mã cơ quan", "Cấp độ"]),
        ];
        let h = map_header(SYSTEM_COLUMNS, &rows).unwrap();
        assert_eq!((h.row, h.index), (3, 1));
    }

    #[test]
    fn reports_unknown_duplicate_and_missing() {
        let rows = [row(1, &["Mã", "code", "Ghi chú", "Cấp độ"])];
        let e = map_header(SYSTEM_COLUMNS, &rows).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("column 'code': duplicate column"), "{text}");
        assert!(text.contains("column 'Ghi chú': unknown column"), "{text}");
        assert!(text.contains("missing required column 'name'"), "{text}");
        assert!(
            text.contains("missing required column 'agency_code'"),
            "{text}"
        );
    }
}
