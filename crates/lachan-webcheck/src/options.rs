//! Limits and settings of a check.

use std::time::Duration;

/// Browser User-Agent used for ordinary fetches.
pub const UA_BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
     (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
/// Search-engine crawler User-Agents compared with the browser view.
pub const UA_CRAWLERS: &[(&str, &str)] = &[
    (
        "Googlebot",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ),
    (
        "bingbot",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    ),
    (
        "coccocbot",
        "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
    ),
];
/// Search-engine referers compared with a direct visit.
pub const SEARCH_REFERERS: &[&str] = &[
    "https://www.google.com.vn/",
    "https://www.bing.com/search?q=cong+thong+tin",
    "https://coccoc.com/search?query=ubnd",
];

/// Settings of a check. `Default` gives the command-line defaults.
#[derive(Debug, Clone)]
pub struct Options {
    /// Per-request timeout.
    pub timeout: Duration,
    /// Wall-clock budget of one site (all requests).
    pub site_budget: Duration,
    /// Crawl depth from the home page (sitemap and robots.txt entries count as depth 1).
    pub crawl_depth: usize,
    /// Most HTML pages fetched per site (home page included).
    pub max_pages: usize,
    /// Most bytes read from an HTML page, script or style sheet.
    pub max_page_bytes: usize,
    /// Most bytes read from a probe of a well-known path.
    pub max_probe_bytes: usize,
    /// Most redirects followed per request.
    pub max_redirects: usize,
    /// Concurrent requests to one site.
    pub per_host_concurrency: usize,
    /// Concurrent requests over all sites.
    pub total_concurrency: usize,
    /// Sites checked at the same time by `check_sites`.
    pub site_concurrency: usize,
    /// Extra trusted root certificates (PEM text), e.g. a province CA.
    pub extra_roots_pem: Vec<String>,
    /// Probe well-known sensitive paths.
    pub probe_exposures: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(10),
            site_budget: Duration::from_secs(60),
            crawl_depth: 2,
            max_pages: 30,
            max_page_bytes: 2 << 20,
            max_probe_bytes: 64 << 10,
            max_redirects: 10,
            per_host_concurrency: 6,
            total_concurrency: 64,
            site_concurrency: 16,
            extra_roots_pem: Vec::new(),
            probe_exposures: true,
        }
    }
}
