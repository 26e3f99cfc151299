//! Any bytes given as CSV: parsing must return rows or errors, never panic,
//! and every accepted row must satisfy the domain rules.
#![no_main]

use lachan_sheets::{SheetFormat, parse_agencies, parse_systems};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(rows) = parse_systems(data, SheetFormat::Csv) {
        for r in rows {
            let mut v = r.value.clone();
            assert!(v.validate().is_ok());
        }
    }
    if let Ok(rows) = parse_agencies(data, SheetFormat::Csv) {
        for r in rows {
            let mut v = r.value.clone();
            assert!(v.validate().is_ok());
        }
    }
});
