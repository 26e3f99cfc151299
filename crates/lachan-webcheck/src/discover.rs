//! URL discovery for the crawl: robots.txt (Sitemap lines and concrete Allow/Disallow paths)
//! and sitemap.xml (`<loc>` of url sets and sitemap indexes). Only same-site URLs are kept.

use reqwest::Url;

use crate::redirect::{Destination, classify};

/// What robots.txt points at.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Robots {
    pub sitemaps: Vec<Url>,
    /// Concrete paths named in Allow/Disallow lines (no wildcards), resolved.
    pub paths: Vec<Url>,
}

/// Parses robots.txt text.
pub fn parse_robots(text: &str, base: &Url) -> Robots {
    let mut r = Robots::default();
    for line in text.lines().take(5000) {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "sitemap" => {
                if let Ok(u) = base.join(value)
                    && same_site(base, &u)
                {
                    r.sitemaps.push(u);
                }
            }
            "allow" | "disallow" => {
                if value.contains('*') || value.contains('$') || value == "/" {
                    continue;
                }
                if let Ok(u) = base.join(value)
                    && same_site(base, &u)
                    && !r.paths.contains(&u)
                {
                    r.paths.push(u);
                }
            }
            _ => {}
        }
    }
    r
}

/// `<loc>` entries of a sitemap; `is_index` is true for a `<sitemapindex>`.
pub fn parse_sitemap(xml: &str, base: &Url) -> (Vec<Url>, bool) {
    let is_index = xml.contains("<sitemapindex");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<loc>") {
        let after = &rest[i + 5..];
        let Some(j) = after.find("</loc>") else { break };
        let raw = after[..j].trim();
        let raw = raw
            .strip_prefix("<![CDATA[")
            .and_then(|s| s.strip_suffix("]]>"))
            .unwrap_or(raw);
        let raw = raw.replace("&amp;", "&");
        if let Ok(u) = base.join(raw.trim())
            && same_site(base, &u)
            && !out.contains(&u)
        {
            out.push(u);
        }
        rest = &after[j + 6..];
        if out.len() >= 50_000 {
            break;
        }
    }
    (out, is_index)
}

/// Same host as the site (redirect rules: http↔https of the same host counts).
pub fn same_site(base: &Url, u: &Url) -> bool {
    matches!(classify(base, u), Destination::SameSite)
}

/// Path extensions that are never HTML pages (documents, media, archives).
pub fn is_non_page(u: &Url) -> bool {
    let p = u.path().to_ascii_lowercase();
    const EXT: &[&str] = &[
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".jpg", ".jpeg", ".png", ".gif",
        ".svg", ".ico", ".webp", ".bmp", ".mp3", ".mp4", ".avi", ".mov", ".zip", ".rar", ".7z",
        ".gz", ".tgz", ".tar", ".sql", ".bak", ".css", ".js", ".json", ".xml", ".txt", ".woff",
        ".woff2", ".ttf", ".eot", ".exe", ".apk", ".iso", ".odt", ".ods", ".rtf", ".csv",
    ];
    EXT.iter().any(|e| p.ends_with(e))
}

/// Normalises a URL for de-duplication (drops the fragment).
pub fn normalise(u: &Url) -> Url {
    let mut u = u.clone();
    u.set_fragment(None);
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_lines() {
        let base = Url::parse("http://127.0.0.1:18012/").unwrap();
        let r = parse_robots(
            "User-agent: *\nDisallow: /administrator/\nAllow: /wp-content/uploads/x.html\n\
             Disallow: /*.php$\nSitemap: http://127.0.0.1:18012/sitemap.xml\n\
             Sitemap: https://other.test/s.xml\n",
            &base,
        );
        assert_eq!(
            r.sitemaps,
            vec![Url::parse("http://127.0.0.1:18012/sitemap.xml").unwrap()]
        );
        assert_eq!(r.paths.len(), 2);
    }

    #[test]
    fn sitemap_locs() {
        let base = Url::parse("http://h.test/").unwrap();
        let xml = "<urlset><url><loc>http://h.test/a</loc></url><url><loc><![CDATA[http://h.test/b?p=1&amp;q=2]]></loc></url>\
                   <url><loc>http://x.test/c</loc></url><url><loc>unterminated";
        let (locs, idx) = parse_sitemap(xml, &base);
        assert!(!idx);
        assert_eq!(locs.len(), 2);
        assert_eq!(locs[1].as_str(), "http://h.test/b?p=1&q=2");
        assert!(parse_sitemap("<sitemapindex><sitemap><loc>/s2.xml</loc></sitemap>", &base).1);
    }

    #[test]
    fn page_extensions() {
        assert!(is_non_page(&Url::parse("http://h/files/a.PDF").unwrap()));
        assert!(!is_non_page(&Url::parse("http://h/tin-tuc.html").unwrap()));
        assert!(!is_non_page(&Url::parse("http://h/news/").unwrap()));
    }
}
