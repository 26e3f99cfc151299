//! CSS parsing, text folding, spam scoring and certificate DER reading on arbitrary input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = lachan_webcheck::css::parse_stylesheet(&s);
    let _ = lachan_webcheck::css::parse_declarations(&s);
    let _ = lachan_webcheck::spam::score_text(&s);
    let _ = lachan_webcheck::spam::host_score(&s);
    let _ = lachan_webcheck::text::percent_decode_lossy(&s);
    let _ = lachan_webcheck::der::validity(data);
    let _ = lachan_webcheck::tls::pem_certificates(&s);
});
