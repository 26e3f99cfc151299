//! Judging where a redirect or link leads: inside the site, to its own HTTPS version, to a
//! government service, or to an external domain (and whether that domain looks like spam).

use reqwest::Url;

use crate::spam;
use crate::text::url_words;

/// Hosts of government and public services that portals legitimately send visitors to.
pub fn is_government_host(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = h.split('.').collect();
    let n = labels.len();
    if n >= 2 && labels[n - 1] == "gov" {
        return true;
    }
    // gov.vn, gov.uk, ..., edu.vn
    if n >= 3 && matches!(labels[n - 2], "gov" | "edu" | "mil" | "gouv" | "gob" | "go") {
        return true;
    }
    const NAMED: &[&str] = &["chinhphu.vn", "vietnam.vn", "baochinhphu.vn", "vnpost.vn"];
    NAMED
        .iter()
        .any(|d| h == *d || h.ends_with(&format!(".{d}")))
}

/// The registrable part of a host: the last two labels, or three under a second-level
/// public suffix such as `gov.vn` or `com.vn`. IP addresses are returned whole.
pub fn registrable(host: &str) -> String {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if h.parse::<std::net::IpAddr>().is_ok() || h.starts_with('[') {
        return h;
    }
    let labels: Vec<&str> = h.split('.').collect();
    let n = labels.len();
    if n <= 2 {
        return h;
    }
    let second = labels[n - 2];
    let take = if labels[n - 1].len() == 2
        && matches!(
            second,
            "gov" | "com" | "edu" | "org" | "net" | "ac" | "co" | "info" | "int"
        ) {
        3
    } else {
        2
    };
    labels[n.saturating_sub(take)..].join(".")
}

/// Where a redirect leads, relative to the page that issued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Same host (any path), or the same host over HTTPS.
    SameSite,
    /// Another host under the same registrable domain.
    SameOrganisation,
    /// A government or public-service host.
    Government,
    /// An unrelated host; `spam_terms` lists spam words in its host/path.
    External {
        host: String,
        spam_terms: Vec<&'static str>,
        spam_score: u32,
    },
    /// Not an http(s) URL.
    Other,
}

/// Classifies a redirect from `from` to `to`.
pub fn classify(from: &Url, to: &Url) -> Destination {
    if !matches!(to.scheme(), "http" | "https") {
        return Destination::Other;
    }
    let (Some(fh), Some(th)) = (from.host_str(), to.host_str()) else {
        return Destination::Other;
    };
    let fh = fh.trim_start_matches("www.");
    let th_s = th.trim_start_matches("www.");
    if fh.eq_ignore_ascii_case(th_s) {
        let same_port = from.port_or_known_default() == to.port_or_known_default();
        let to_default = to.port().is_none();
        if same_port || to_default || from.scheme() != to.scheme() {
            return Destination::SameSite;
        }
    }
    if is_government_host(th) {
        return Destination::Government;
    }
    if registrable(fh) == registrable(th) && fh.parse::<std::net::IpAddr>().is_err() {
        return Destination::SameOrganisation;
    }
    let host_score = spam::host_score(th);
    let path_score = spam::score_folded(&url_words(&format!(
        "{} {}",
        to.path(),
        to.query().unwrap_or("")
    )));
    let mut terms = host_score.terms.clone();
    for t in path_score.terms {
        if !terms.contains(&t) {
            terms.push(t);
        }
    }
    Destination::External {
        host: th.to_string(),
        spam_score: host_score.score + path_score.score,
        spam_terms: terms,
    }
}

/// True when the destination is an external host with spam words in its name or path.
pub fn is_spam_destination(d: &Destination) -> bool {
    matches!(d, Destination::External { spam_score, .. } if *spam_score >= 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn classifies_redirects() {
        let home = u("http://127.0.0.1:18009/dich-vu-cong/");
        assert_eq!(
            classify(
                &home,
                &u("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html")
            ),
            Destination::Government
        );
        assert_eq!(
            classify(&home, &u("http://127.0.0.1:18009/")),
            Destination::SameSite
        );
        let portal = u("http://portal.hanguyen.gov.vn/");
        assert_eq!(
            classify(&portal, &u("https://portal.hanguyen.gov.vn/")),
            Destination::SameSite
        );
        assert_eq!(
            classify(&u("http://example.com/"), &u("https://www.example.com/x")),
            Destination::SameSite
        );
        let d = classify(&home, &u("https://xsmn-chotso.test/?from=dh"));
        assert!(is_spam_destination(&d), "{d:?}");
        let d = classify(&home, &u("https://www.facebook.com/hanguyen"));
        assert!(!is_spam_destination(&d));
        assert_eq!(classify(&home, &u("mailto:a@b")), Destination::Other);
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable("www.sxd.hanguyen.gov.vn"), "hanguyen.gov.vn");
        assert_eq!(registrable("a.b.example.com"), "example.com");
        assert_eq!(registrable("127.0.0.1"), "127.0.0.1");
        assert!(is_government_host("sxd.hanguyen.gov.vn"));
        assert!(is_government_host("chinhphu.vn"));
        assert!(!is_government_host("gov.example.com"));
    }
}
