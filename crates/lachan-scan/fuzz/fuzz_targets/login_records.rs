//! Binary lastlog and wtmp parsers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lachan_scan::accounts::parse_lastlog(data);
    let _ = lachan_scan::accounts::parse_wtmp(data);
});
