//! Arbitrary bytes as JSON / JSON Lines input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lachan_hunt::input::read_json(data, std::path::Path::new("fuzz.json"), &mut |_| {});
});
