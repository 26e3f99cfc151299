//! Arbitrary text as a syslog line.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = lachan_hunt::input::parse_syslog_line(s, 2024);
    }
});
