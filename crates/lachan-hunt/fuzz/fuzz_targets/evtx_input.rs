//! Arbitrary bytes as an .evtx file: reading must return events or an error, never panic.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut f) = tempfile::Builder::new().suffix(".evtx").tempfile() else { return };
    if f.write_all(data).is_err() {
        return;
    }
    let _ = lachan_hunt::input::read_file(f.path(), lachan_hunt::input::InputKind::Evtx, &mut |_| {});
});
