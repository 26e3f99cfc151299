//! Any bytes given as XLSX (a ZIP container): parsing must return rows or
//! errors, never panic. Seed the corpus with exported workbooks.
#![no_main]

use lachan_sheets::{SheetFormat, parse_agencies, parse_systems};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_systems(data, SheetFormat::Xlsx);
    let _ = parse_agencies(data, SheetFormat::Xlsx);
});
