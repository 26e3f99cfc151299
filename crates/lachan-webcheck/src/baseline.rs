//! Content baselines for defacement monitoring: a fingerprint of a page's visible content
//! (title, word shingles, link targets) that survives dynamic parts such as dates, counters
//! and reordered news items, and a similarity measure against a later fetch.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::page::PageAnalysis;
use crate::text::fold;

/// A stored fingerprint of a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Baseline {
    pub title: String,
    /// Hashes of 4-word shingles of the visible text (digits dropped).
    pub shingles: BTreeSet<u64>,
    /// Link targets (paths for same-site links, hosts otherwise).
    pub links: BTreeSet<String>,
}

fn hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl Baseline {
    /// Fingerprints an analysed page.
    pub fn from_page(page: &PageAnalysis) -> Self {
        let words: Vec<String> = fold(&page.visible_text)
            .split(' ')
            .filter(|w| !w.is_empty() && !w.chars().any(|c| c.is_ascii_digit()))
            .map(str::to_string)
            .collect();
        let shingles = words.windows(4).map(|w| hash(&w.join(" "))).collect();
        let links = page
            .links
            .iter()
            .filter_map(|l| l.url.as_ref())
            .map(|u| format!("{}{}", u.host_str().unwrap_or(""), u.path()))
            .collect();
        Baseline {
            title: page.title.clone(),
            shingles,
            links,
        }
    }

    /// Similarity in [0, 1] of the visible text (Jaccard of shingles).
    pub fn text_similarity(&self, other: &Baseline) -> f64 {
        jaccard(&self.shingles, &other.shingles)
    }

    /// Similarity in [0, 1] of the link sets.
    pub fn link_similarity(&self, other: &Baseline) -> f64 {
        jaccard(&self.links, &other.links)
    }

    /// Compares a new fetch with this baseline: `Some(reason)` when the visible content was
    /// largely replaced (both text and links changed), which warrants a defacement review.
    pub fn compare(&self, now: &Baseline) -> Option<String> {
        let t = self.text_similarity(now);
        let l = self.link_similarity(now);
        (t < 0.3 && l < 0.5).then(|| {
            format!("visible content changed: text similarity {t:.2}, link similarity {l:.2}")
        })
    }
}

fn jaccard<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = a.intersection(b).count() as f64;
    let union = (a.len() + b.len()) as f64 - inter;
    if union == 0.0 { 1.0 } else { inter / union }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::analyze;
    use reqwest::Url;

    fn fp(html: &str) -> Baseline {
        Baseline::from_page(&analyze(html, &Url::parse("http://h.test/").unwrap(), &[]))
    }

    #[test]
    fn dynamic_parts_do_not_change_the_fingerprint_much() {
        let a = fp(
            "<title>UBND</title><p>Thứ Hai, ngày 24/11/2025</p><p>Hội nghị triển khai nhiệm vụ trọng tâm năm 2026 của huyện</p><p>Trao học bổng cho học sinh nghèo vượt khó tại xã</p><a href='/a'>a</a>",
        );
        let b = fp(
            "<title>UBND</title><p>Thứ Ba, ngày 25/11/2025</p><p>Trao học bổng cho học sinh nghèo vượt khó tại xã</p><p>Hội nghị triển khai nhiệm vụ trọng tâm năm 2026 của huyện</p><a href='/a'>a</a>",
        );
        assert_eq!(a.compare(&b), None);
        let c = fp(
            "<title>UBND</title><h1>Hacked by someone</h1><p>your site has been owned greetz to all the crew</p>",
        );
        assert!(a.compare(&c).is_some());
    }
}
