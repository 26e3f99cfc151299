//! End-to-end checks of the public API: Vietnamese headers, bad rows, size
//! limits, and CSV/XLSX round trips of the demo registry.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use lachan_core::demo::demo_registry;
use lachan_core::registry::{Agency, DossierStatus, NewSystem, System};
use lachan_sheets::{
    ImportErrors, MAX_ERRORS, SheetFormat, export_agencies, export_systems, parse_agencies,
    parse_systems,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn stored(s: &NewSystem, id: i64) -> System {
    let mut s = s.clone();
    s.validate().unwrap();
    System {
        id,
        code: s.code.clone(),
        name: s.name.clone(),
        agency_code: s.agency_code.clone(),
        agency_name: "ignored".into(),
        security_level: s.security_level,
        regime: s.regime.clone().unwrap(),
        operating_unit: s.operating_unit.clone(),
        purpose: s.purpose.clone(),
        approval_decision_no: s.approval_decision_no.clone(),
        approval_date: s.approval_date.clone(),
        dossier_status: s.dossier_status.unwrap(),
        connects_population_db: s.connects_population_db,
        created_at: "2026-11-25T00:00:00Z".into(),
        updated_at: "2026-11-25T00:00:00Z".into(),
    }
}

fn demo_systems() -> Vec<System> {
    demo_registry()
        .systems
        .iter()
        .enumerate()
        .map(|(i, d)| stored(&d.system, i as i64 + 1))
        .collect()
}

fn demo_agencies() -> Vec<Agency> {
    demo_registry()
        .agencies
        .into_iter()
        .enumerate()
        .map(|(i, a)| Agency {
            id: i as i64 + 1,
            code: a.code,
            name: a.name,
            kind: a.kind,
            parent_code: a.parent_code,
            created_at: "2026-11-25T00:00:00Z".into(),
        })
        .collect()
}

#[test]
fn vietnamese_headers_with_title_rows_and_semicolons() {
    let rows = parse_systems(&data("systems_vi.csv"), SheetFormat::Csv).unwrap();
    assert_eq!(rows.len(), 3);
    let (a, b, c) = (&rows[0], &rows[1], &rows[2]);
    assert_eq!(a.row, 4);
    assert_eq!(a.value.code, "HTTT-TTHC");
    assert_eq!(a.value.security_level, 3);
    assert_eq!(
        a.value.purpose.as_deref(),
        Some("Một cửa; một cửa liên thông")
    );
    assert_eq!(a.value.approval_date.as_deref(), Some("2024-03-15"));
    assert_eq!(a.value.dossier_status, Some(DossierStatus::Approved));
    assert_eq!(a.value.regime.as_deref(), Some("ND85_TCVN11930"));
    assert!(a.value.connects_population_db);
    assert_eq!(b.row, 5);
    assert_eq!(b.value.regime.as_deref(), Some("ND331_TCVN14423"));
    assert_eq!(b.value.dossier_status, Some(DossierStatus::Approved));
    assert!(!b.value.connects_population_db);
    assert_eq!(c.value.dossier_status, Some(DossierStatus::Drafting));
    assert!(c.value.connects_population_db);
}

#[test]
fn bad_rows_are_all_reported_by_row_and_column() {
    let err = parse_systems(&data("systems_bad.csv"), SheetFormat::Csv).unwrap_err();
    let expected = String::from_utf8(data("systems_bad.expected")).unwrap();
    assert_eq!(err.to_string(), expected.trim_end());
    assert!(!err.truncated);
}

#[test]
fn one_bad_row_in_many_rejects_the_file() {
    let mut csv = String::from("code,name,agency_code,security_level\n");
    for i in 0..500 {
        let level = if i == 321 { "9" } else { "2" };
        csv.push_str(&format!("S-{i},Hệ thống {i},HN-UBND,{level}\n"));
    }
    let err = parse_systems(csv.as_bytes(), SheetFormat::Csv).unwrap_err();
    assert_eq!(err.errors.len(), 1);
    assert_eq!(err.errors[0].row, Some(323));
    assert_eq!(err.errors[0].column.as_deref(), Some("security_level"));
}

#[test]
fn errors_stop_at_the_limit() {
    let mut csv = String::from("code;name;agency_code;security_level\n");
    for i in 0..200 {
        csv.push_str(&format!("S-{i};Hệ thống;HN-UBND;0\n"));
    }
    let err: ImportErrors = parse_systems(csv.as_bytes(), SheetFormat::Csv).unwrap_err();
    assert_eq!(err.errors.len(), MAX_ERRORS);
    assert!(err.truncated);
    assert!(err.to_string().contains("50+ problems"));
}

#[test]
fn agency_sheet_with_vietnamese_headers() {
    let csv = "\u{feff}Mã cơ quan,Tên cơ quan,Loại,Cơ quan cấp trên\n\
               HN-UBND,UBND tỉnh Hà Nguyên,UBND tỉnh,\n\
               HN-STC,Sở Tài chính,\"sở, ban, ngành\",HN-UBND\n\
               HN-XA-01,UBND xã Tân Phú,commune_ward,HN-UBND\n";
    let rows = parse_agencies(csv.as_bytes(), SheetFormat::Csv).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].value.parent_code, None);
    assert_eq!(rows[1].value.kind.code(), "province_department");
    assert_eq!(rows[2].value.parent_code.as_deref(), Some("HN-UBND"));
    let bad = "code,name,kind\nA,Tên,Bộ\nA,Tên,other\n";
    let err = parse_agencies(bad.as_bytes(), SheetFormat::Csv).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("row 2, column 'kind': 'Bộ' is not one of"),
        "{text}"
    );
    assert!(
        !text.contains("duplicate"),
        "rows with errors are not counted: {text}"
    );
}

#[test]
fn unknown_and_missing_columns_are_named() {
    let csv = "Mã,Tên,Ghi chú\nA,B,C\n";
    let err = parse_systems(csv.as_bytes(), SheetFormat::Csv).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("row 1, column 'Ghi chú': unknown column"),
        "{text}"
    );
    assert!(
        text.contains("missing required column 'agency_code'"),
        "{text}"
    );
    assert!(
        text.contains("missing required column 'security_level'"),
        "{text}"
    );
    let err =
        parse_systems(b"code,name,agency_code,security_level\n", SheetFormat::Csv).unwrap_err();
    assert!(err.to_string().contains("no data rows"));
    let err = parse_systems(
        b"code,name,agency_code,security_level\nA,B,C,2,extra\n",
        SheetFormat::Csv,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("row 2, column '#5': value in a column that has no header")
    );
}

#[test]
fn csv_round_trip_of_the_demo_registry() {
    let systems = demo_systems();
    let bytes = export_systems(&systems, SheetFormat::Csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFcode,name,agency_code,security_level,"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("/QĐ-UBND,"), "dates and numbers for people");
    let back = parse_systems(&bytes, SheetFormat::Csv).unwrap();
    assert_eq!(back.len(), systems.len());
    for (row, (got, want)) in back.iter().zip(&systems).enumerate() {
        assert_eq!(got.row, row + 2);
        assert_eq!(got.value, want.to_new(), "row {}", got.row);
    }
    let agencies = demo_agencies();
    let bytes = export_agencies(&agencies, SheetFormat::Csv).unwrap();
    let back = parse_agencies(&bytes, SheetFormat::Csv).unwrap();
    assert_eq!(back.len(), agencies.len());
    for (got, want) in back.iter().zip(&agencies) {
        assert_eq!(got.value.code, want.code);
        assert_eq!(got.value.name, want.name);
        assert_eq!(got.value.kind, want.kind);
        assert_eq!(got.value.parent_code, want.parent_code);
    }
}

#[test]
fn xlsx_round_trip_of_the_demo_registry() {
    let systems = demo_systems();
    let bytes = export_systems(&systems, SheetFormat::Xlsx).unwrap();
    assert_eq!(
        SheetFormat::detect(Some("x.csv"), &bytes),
        SheetFormat::Xlsx
    );
    let back = parse_systems(&bytes, SheetFormat::Xlsx).unwrap();
    assert_eq!(back.len(), systems.len());
    for (got, want) in back.iter().zip(&systems) {
        assert_eq!(got.value, want.to_new(), "row {}", got.row);
    }
    let agencies = demo_agencies();
    let bytes = export_agencies(&agencies, SheetFormat::Xlsx).unwrap();
    let back = parse_agencies(&bytes, SheetFormat::Xlsx).unwrap();
    assert_eq!(back.len(), agencies.len());
    assert_eq!(back[5].value.code, agencies[5].code);
}

/// A workbook as people make them: title row, Vietnamese headers, real
/// date cells, numbers for levels, booleans, an STT column.
#[test]
fn xlsx_with_real_date_cells_and_vietnamese_headers() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    ws.write_string(0, 0, "Danh sách HTTT").unwrap();
    let headers = [
        "STT",
        "Mã HTTT",
        "Tên HTTT",
        "Mã cơ quan",
        "Cấp độ",
        "Số QĐ",
        "Ngày ký",
        "Kết nối CSDL dân cư",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_number(3, 0, 1).unwrap();
    ws.write_string(3, 1, "HTTT-01").unwrap();
    ws.write_string(3, 2, "Hệ thống một cửa").unwrap();
    ws.write_string(3, 3, "HN-UBND").unwrap();
    ws.write_number(3, 4, 3).unwrap();
    ws.write_string(3, 5, "77/QĐ-UBND").unwrap();
    let d = ExcelDateTime::from_ymd(2025, 12, 31).unwrap();
    ws.write_datetime_with_format(3, 6, &d, &date).unwrap();
    ws.write_boolean(3, 7, true).unwrap();
    ws.write_number(4, 0, 2).unwrap();
    ws.write_number(4, 1, 1002).unwrap();
    ws.write_string(4, 2, "Cổng").unwrap();
    ws.write_string(4, 3, "HN-UBND").unwrap();
    ws.write_number(4, 4, 2.5).unwrap();
    ws.write_number(4, 6, 45000).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let err = parse_systems(&bytes, SheetFormat::Xlsx).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("row 5, column 'Cấp độ': 2.5 is not a whole level"),
        "{text}"
    );
    assert!(
        text.contains("row 5, column 'Ngày ký': 45000 is a number, not a date"),
        "{text}"
    );
    assert_eq!(err.errors.len(), 2, "{text}");

    // Fix the bad row and parse again.
    let ws = book.worksheet_from_index(0).unwrap();
    ws.write_number(4, 4, 2).unwrap();
    ws.write_string(4, 6, "01/01/2026").unwrap();
    ws.write_string(4, 5, "9/QĐ-UBND").unwrap();
    let rows = parse_systems(&book.save_to_buffer().unwrap(), SheetFormat::Xlsx).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].row, 4);
    assert_eq!(rows[0].value.approval_date.as_deref(), Some("2025-12-31"));
    assert_eq!(rows[0].value.dossier_status, Some(DossierStatus::Approved));
    assert!(rows[0].value.connects_population_db);
    assert_eq!(rows[1].value.code, "1002");
}

fn big_csv(rows: usize) -> Vec<u8> {
    let mut csv = String::from(
        "code,name,agency_code,security_level,operating_unit,purpose,approval_decision_no,approval_date,dossier_status,connects_population_db\n",
    );
    for i in 0..rows {
        let level = 1 + i % 5;
        let pop = if level >= 3 && i % 2 == 0 {
            "có"
        } else {
            "không"
        };
        csv.push_str(&format!(
            "HTTT-{i:06},Hệ thống thông tin số {i},HN-XA-{:02},{level},Trung tâm Chuyển đổi số,\"Phục vụ người dân, doanh nghiệp\",{}/QĐ-UBND,{:02}/{:02}/20{:02},Đã phê duyệt,{pop}\n",
            i % 60,
            100 + i,
            1 + i % 28,
            1 + i % 12,
            18 + i % 8,
        ));
    }
    csv.into_bytes()
}

#[test]
fn ten_thousand_rows_parse() {
    let bytes = big_csv(10_000);
    let rows = parse_systems(&bytes, SheetFormat::Csv).unwrap();
    assert_eq!(rows.len(), 10_000);
    assert_eq!(rows[9_999].row, 10_001);
}

/// `cargo test -p lachan-sheets --release -- --ignored --nocapture bench_`
#[test]
#[ignore = "timing; run explicitly"]
fn bench_parse_10k_csv_and_xlsx() {
    let bytes = big_csv(10_000);
    let t = Instant::now();
    let rows = parse_systems(&bytes, SheetFormat::Csv).unwrap();
    println!(
        "parse 10,000-row CSV ({} KB): {:?}",
        bytes.len() / 1024,
        t.elapsed()
    );
    let systems: Vec<System> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| stored(&r.value, i as i64))
        .collect();
    let t = Instant::now();
    let xlsx = export_systems(&systems, SheetFormat::Xlsx).unwrap();
    println!(
        "export 10,000 systems to XLSX ({} KB): {:?}",
        xlsx.len() / 1024,
        t.elapsed()
    );
    let t = Instant::now();
    let back = parse_systems(&xlsx, SheetFormat::Xlsx).unwrap();
    println!("parse 10,000-row XLSX: {:?}", t.elapsed());
    assert_eq!(back.len(), 10_000);
}
