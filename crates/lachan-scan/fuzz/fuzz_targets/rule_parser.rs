//! Rule strings, content patterns and PCRE translation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(rule) = lachan_scan::sca::rule::Rule::parse(text) {
            let _ = rule.problems();
        }
        if let Ok(p) = lachan_scan::sca::pattern::Pattern::parse(text) {
            let _ = p.eval("PermitRootLogin no\nMaxAuthTries 4\n");
        }
        let _ = lachan_scan::sca::pattern::translate_pcre(text);
        let _ = lachan_scan::sca::command::split_command(text);
    }
});
