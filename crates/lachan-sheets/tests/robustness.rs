//! Damaged input must give errors, never a panic: every prefix and a spread
//! of single-byte corruptions of a real workbook and CSV file (the same
//! property the fuzz targets in `fuzz/` check on random input).

use lachan_core::registry::{DossierStatus, System};
use lachan_sheets::{SheetFormat, export_systems, parse_agencies, parse_systems};

fn sample() -> Vec<System> {
    (0..20)
        .map(|i| System {
            id: i,
            code: format!("HTTT-{i:02}"),
            name: format!("Hệ thống thông tin số {i}"),
            agency_code: "HN-UBND".into(),
            agency_name: "Ủy ban nhân dân tỉnh Hà Nguyên".into(),
            security_level: 1 + i % 5,
            regime: "ND85_TCVN11930".into(),
            operating_unit: Some("Trung tâm Chuyển đổi số".into()),
            purpose: None,
            approval_decision_no: Some(format!("{}/QĐ-UBND", 100 + i)),
            approval_date: Some("2024-05-17".into()),
            dossier_status: DossierStatus::Approved,
            connects_population_db: i % 5 >= 2,
            created_at: String::new(),
            updated_at: String::new(),
        })
        .collect()
}

fn parse_all(bytes: &[u8]) {
    for format in [SheetFormat::Csv, SheetFormat::Xlsx] {
        let _ = parse_systems(bytes, format);
        let _ = parse_agencies(bytes, format);
    }
}

#[test]
fn damaged_xlsx_never_panics() {
    let xlsx = export_systems(&sample(), SheetFormat::Xlsx).expect("export");
    assert_eq!(
        parse_systems(&xlsx, SheetFormat::Xlsx)
            .expect("clean file")
            .len(),
        20
    );
    let step = (xlsx.len() / 150).max(1);
    for cut in (0..xlsx.len()).step_by(step) {
        parse_all(&xlsx[..cut]);
    }
    for pos in (0..xlsx.len()).step_by(step) {
        let mut bad = xlsx.clone();
        bad[pos] ^= 0x5A;
        parse_all(&bad);
    }
}

#[test]
fn damaged_csv_never_panics() {
    let csv = export_systems(&sample(), SheetFormat::Csv).expect("export");
    for cut in 0..csv.len().min(600) {
        parse_all(&csv[..cut]);
    }
    for pos in (0..csv.len()).step_by(7) {
        for b in [b'"', b'\n', b';', 0xFF, 0x00] {
            let mut bad = csv.clone();
            bad[pos] = b;
            parse_all(&bad);
        }
    }
}
