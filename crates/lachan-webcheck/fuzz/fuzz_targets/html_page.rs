//! HTML page analysis and every page detector on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reqwest::Url;

fuzz_target!(|data: &[u8]| {
    let Ok(base) = Url::parse("http://127.0.0.1:8000/a/b.html") else { return };
    let text = lachan_webcheck::fetch::decode_body(data, "text/html");
    // Split the input: the first part is treated as an external style sheet.
    let (css, html) = text.split_at(text.char_indices().nth(text.len() / 4).map_or(0, |(i, _)| i));
    let page = lachan_webcheck::page::analyze(html, &base, &[css.to_string()]);
    let _ = lachan_webcheck::detect::hidden_spam(&page, &base);
    let _ = lachan_webcheck::detect::visible_spam(&page, &base);
    let _ = lachan_webcheck::detect::doorway(&page, &base);
    let _ = lachan_webcheck::detect::defacement(&page);
    let _ = lachan_webcheck::baseline::Baseline::from_page(&page);
    let _ = lachan_webcheck::exposure::directory_listing_style(data);
    let _ = lachan_webcheck::exposure::backup_format(data);
    let _ = lachan_webcheck::discover::parse_sitemap(html, &base);
    let _ = lachan_webcheck::discover::parse_robots(html, &base);
});
