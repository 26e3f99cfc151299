//! Static JavaScript deobfuscation and the script detectors on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reqwest::Url;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let js = lachan_webcheck::js::analyze(&src);
    let Ok(base) = Url::parse("http://127.0.0.1:8000/") else { return };
    let _ = lachan_webcheck::detect::js_spam_links(&js, &base);
    let _ = lachan_webcheck::detect::js_redirects(&js, &base);
});
