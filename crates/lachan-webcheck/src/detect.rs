//! Page-level detectors working on a [`PageAnalysis`]: spam links (hidden or visible),
//! doorway pages, defacement messages, and JavaScript that injects links or redirects.
//!
//! A link is spam when it leaves the site for a host whose name carries spam words, or when
//! its text is clearly spam and the page is not news about enforcement against gambling.

use std::sync::LazyLock;

use regex::Regex;
use reqwest::Url;

use crate::js::JsAnalysis;
use crate::page::{Link, PageAnalysis};
use crate::redirect::{Destination, classify};
use crate::spam::{self, SpamScore};
use crate::text::{clip, fold, url_words};

/// A spam link with a human-readable reason.
#[derive(Debug, Clone, PartialEq)]
pub struct SpamLink {
    pub url: String,
    pub text: String,
    pub reason: String,
    pub hidden: Option<&'static str>,
}

impl SpamLink {
    pub fn describe(&self) -> String {
        let mut s = format!("<a href=\"{}\">{}</a>", self.url, clip(&self.text, 60));
        if let Some(h) = self.hidden {
            s.push_str(&format!(" hidden by {h}"));
        }
        s
    }
}

/// Judges one link target + text. `enforcement` is the page's topic guard.
pub fn judge_link(page: &Url, target: &Url, text: &str, enforcement: bool) -> Option<String> {
    let dest = classify(page, target);
    let Destination::External { host, .. } = &dest else {
        return None;
    };
    let host_s = spam::host_score(host);
    let anchor = spam::score_text(text);
    let path = spam::score_folded(&url_words(&format!(
        "{} {}",
        target.path(),
        target.query().unwrap_or("")
    )));
    let mut terms: Vec<&str> = host_s.terms.clone();
    terms.extend(anchor.terms.iter().copied());
    terms.extend(path.terms.iter().copied());
    terms.dedup();
    let spam = host_s.score >= 3
        || (host_s.score >= 2 && (anchor.is_some() || path.is_some()))
        || (!enforcement && anchor.is_strong())
        || (!enforcement && anchor.max_weight >= 3 && (path.is_some() || host_s.score >= 1));
    spam.then(|| format!("external {host}; spam terms: {}", terms.join(", ")))
}

/// All spam links of a page. Links whose text alone is only suggestive count when the page
/// holds at least three of them (a link box or tag cloud of gambling anchors).
pub fn spam_links(page: &PageAnalysis, url: &Url) -> Vec<SpamLink> {
    let enforcement = spam::is_enforcement_context(&page.visible_text);
    let mut out: Vec<SpamLink> = Vec::new();
    let mut suggestive: Vec<SpamLink> = Vec::new();
    for l in &page.links {
        let Some(target) = &l.url else { continue };
        if out
            .iter()
            .chain(&suggestive)
            .any(|s| s.url == target.as_str())
        {
            continue;
        }
        if let Some(reason) = judge_link(url, target, &l.text, enforcement) {
            out.push(SpamLink {
                url: target.to_string(),
                text: l.text.clone(),
                reason,
                hidden: l.hidden,
            });
        } else if !enforcement
            && spam::enforcement_score(&l.text) == 0
            && matches!(classify(url, target), Destination::External { .. })
        {
            let anchor = spam::score_text(&l.text);
            if anchor.max_weight >= 3 {
                suggestive.push(SpamLink {
                    url: target.to_string(),
                    text: l.text.clone(),
                    reason: format!("spam anchor text: {}", anchor.terms.join(", ")),
                    hidden: l.hidden,
                });
            }
        }
    }
    if suggestive.len() >= 3 {
        out.extend(suggestive);
    }
    out
}

/// Hidden spam: spam links inside hidden elements, or hidden blocks of spam text.
pub fn hidden_spam(page: &PageAnalysis, url: &Url) -> Option<String> {
    let links: Vec<SpamLink> = spam_links(page, url)
        .into_iter()
        .filter(|l| l.hidden.is_some())
        .collect();
    if !links.is_empty() {
        let elem = page
            .links
            .iter()
            .find(|l| l.url.as_ref().is_some_and(|u| u.as_str() == links[0].url))
            .and_then(|l| l.hidden_block)
            .and_then(|i| page.hidden_blocks.get(i))
            .map(|b| b.element.clone())
            .unwrap_or_default();
        return Some(format!(
            "{} hidden spam link(s) in {elem}: {}",
            links.len(),
            links
                .iter()
                .take(4)
                .map(SpamLink::describe)
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let page_news = spam::is_enforcement_context(&page.visible_text);
    for b in &page.hidden_blocks {
        let s = spam::score_text(&b.text);
        if s.is_strong() && !page_news && !spam::is_enforcement_context(&b.text) {
            return Some(format!(
                "hidden spam text in {} ({}): \"{}\" [{}]",
                b.element,
                b.reason,
                clip(&b.text, 120),
                s.terms.join(", ")
            ));
        }
    }
    None
}

/// Visible injected spam: several visible spam links, or a block of strong spam text.
pub fn visible_spam(page: &PageAnalysis, url: &Url) -> Option<String> {
    let links: Vec<SpamLink> = spam_links(page, url)
        .into_iter()
        .filter(|l| l.hidden.is_none())
        .collect();
    if links.len() >= 2 {
        return Some(format!(
            "{} visible spam link(s): {}",
            links.len(),
            links
                .iter()
                .take(4)
                .map(SpamLink::describe)
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    if spam::is_enforcement_context(&page.visible_text) {
        return None;
    }
    for b in &page.blocks {
        let s = spam::score_text(b);
        if s.is_strong() && s.score >= 8 && s.terms.len() >= 3 && !spam::is_enforcement_context(b) {
            let with_link = links
                .first()
                .map(|l| format!("; {}", l.describe()))
                .unwrap_or_default();
            return Some(format!(
                "spam text \"{}\" [{}]{with_link}",
                clip(b, 140),
                s.terms.join(", ")
            ));
        }
    }
    None
}

/// Spam score of the page's topic (title and headings).
pub fn topic_score(page: &PageAnalysis) -> SpamScore {
    spam::score_text(&format!("{} {}", page.title, page.headings.join(" ")))
}

/// A doorway page: its own topic is spam (title/headings) and its content promotes it.
pub fn doorway(page: &PageAnalysis, url: &Url) -> Option<String> {
    let topic = topic_score(page);
    if !topic.is_some() || spam::is_enforcement_context(&page.visible_text) {
        return None;
    }
    let body = spam::score_text(&page.visible_text);
    let links = spam_links(page, url);
    if body.is_strong() && (!links.is_empty() || body.score >= 6 || topic.is_strong()) {
        return Some(format!(
            "spam page \"{}\" [{}]{}",
            clip(&page.title, 80),
            body.terms.join(", "),
            links
                .first()
                .map(|l| format!("; {}", l.describe()))
                .unwrap_or_default()
        ));
    }
    None
}

/// Attackers' signatures, matched on folded text anywhere visible in a short block.
static DEFACE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    compile(&[
        r"\b(hacked|defaced|pwned|h4ck3d|hack3d|h4cked|hacked\s+and\s+owned)\s+by\b",
        r"\bgreetz\b",
        r"\bgreets\s+to\b",
        r"\byour\s+(site|website|web|security|server)\s+(has\s+been|is|was|got)\s+(hacked|owned|pwned|defaced)",
        r"\bsecurity\s+is\s+(low|weak|zero|shit)\b",
        r"\bowned\s+and\s+defaced\b",
        r"\bdefacer\b",
    ])
});

/// Weaker wording, only trusted in the title or a heading (news text may use it).
static DEFACE_HEADING: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    compile(&[
        r"\bbi\s+hack\s+boi\b",
        r"\bbi\s+tan\s+cong\s+boi\b",
        r"^\W*hacked\W*$",
        r"\bowned\s+by\s+\W",
    ])
});

fn compile(patterns: &[&str]) -> Vec<Regex> {
    patterns.iter().filter_map(|p| Regex::new(p).ok()).collect()
}

fn deface_marker(text: &str, heading: bool) -> Option<String> {
    let f = fold(text);
    let strong = DEFACE
        .iter()
        .find_map(|re| re.find(&f).map(|m| m.as_str().to_string()));
    if strong.is_some() || !heading {
        return strong;
    }
    DEFACE_HEADING
        .iter()
        .find_map(|re| re.find(&f).map(|m| m.as_str().to_string()))
}

/// Visible defacement messages ("Hacked by ...") in headings, the title, or a short block.
pub fn defacement(page: &PageAnalysis) -> Option<String> {
    let mut candidates: Vec<(&str, bool)> = vec![(page.title.as_str(), true)];
    candidates.extend(page.headings.iter().map(|h| (h.as_str(), true)));
    candidates.extend(
        page.blocks
            .iter()
            .map(String::as_str)
            .filter(|b| b.chars().count() <= 400)
            .map(|b| (b, false)),
    );
    for (c, heading) in candidates {
        if !page.visible_text.contains(c) && c != page.title {
            continue;
        }
        if let Some(m) = deface_marker(c, heading)
            && !spam::is_enforcement_context(c)
        {
            return Some(format!(
                "defacement message \"{}\" (matched \"{m}\")",
                clip(c, 140)
            ));
        }
    }
    None
}

static HREF_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?is)<a\b[^>]*?href\s*=\s*["']?([^"'\s>]+)["']?[^>]*>(.*?)</a>"#).ok()
});
static URL_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"https?://[^\s"'<>()\\]+"#).ok());

/// Spam links a script would insert (anchors in its decoded strings, or spam URLs when it
/// builds elements).
pub fn js_spam_links(js: &JsAnalysis, page: &Url) -> Vec<SpamLink> {
    let mut out: Vec<SpamLink> = Vec::new();
    if !js.dom_sink {
        return out;
    }
    let push = |out: &mut Vec<SpamLink>, href: &str, text: &str| {
        let Ok(u) = page.join(href) else { return };
        if out.iter().any(|s| s.url == u.as_str()) || js.location_targets.iter().any(|t| t == href)
        {
            return;
        }
        if let Some(reason) = judge_link(page, &u, text, false) {
            out.push(SpamLink {
                url: u.to_string(),
                text: text.to_string(),
                reason,
                hidden: None,
            });
        }
    };
    for s in &js.strings {
        if let Some(re) = HREF_RE.as_ref() {
            for c in re.captures_iter(s) {
                let href = c.get(1).map_or("", |m| m.as_str());
                let text = c.get(2).map_or("", |m| m.as_str());
                push(&mut out, href, text);
            }
        }
        if let Some(re) = URL_RE.as_ref() {
            for m in re.find_iter(s) {
                push(&mut out, m.as_str(), "");
            }
        }
    }
    out
}

/// External redirect targets of a script, with whether they are spam.
pub fn js_redirects(js: &JsAnalysis, page: &Url) -> Vec<(Url, Destination)> {
    js.location_targets
        .iter()
        .filter_map(|t| page.join(t).ok())
        .map(|u| {
            let d = classify(page, &u);
            (u, d)
        })
        .filter(|(_, d)| matches!(d, Destination::External { .. }))
        .collect()
}

/// Shortens a link list for details.
pub fn link_list(links: &[Link]) -> String {
    links
        .iter()
        .take(4)
        .map(|l| format!("{} ({})", l.href, clip(&l.text, 40)))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::analyze;

    fn url() -> Url {
        Url::parse("http://127.0.0.1:18005/").unwrap()
    }

    const SHELL_A: &str = "<html><head><title>UBND huyện</title></head><body><div class=ct>";
    const SHELL_B: &str = "</div><a href='https://chinhphu.vn/'>Cổng TTĐT Chính phủ</a>\
                           <a class=sr-only href='#nd' style='position:absolute;width:1px;height:1px;overflow:hidden'>Đến nội dung chính</a></body></html>";

    fn page(body: &str) -> PageAnalysis {
        analyze(&format!("{SHELL_A}{body}{SHELL_B}"), &url(), &[])
    }

    #[test]
    fn hidden_spam_links_found_clean_hidden_ignored() {
        let p = page(
            "<style>.mod-partner{display:none}</style><div class=mod-partner>\
                      <a href='https://daga-thomo.test/'>đá gà trực tiếp</a></div>",
        );
        let d = hidden_spam(&p, &url()).unwrap();
        assert!(
            d.contains("daga-thomo.test") && d.contains("div.mod-partner"),
            "{d}"
        );
        // skip link hidden with sr-only and a honeypot field: not spam
        let clean = page("<form><div style='display:none'><input name=hp></div></form>");
        assert_eq!(hidden_spam(&clean, &url()), None);
    }

    #[test]
    fn hidden_spam_by_obfuscated_anchor_text_on_neutral_domain() {
        let p = page(
            "<p style='font-size:0'><a href='https://promo.example/a'>x ó c đ ĩ a online uy tín, nổ hũ đổi thưởng</a></p>",
        );
        assert!(hidden_spam(&p, &url()).is_some());
    }

    #[test]
    fn hidden_spam_keywords_without_links() {
        let p = page("<div style='display:none'>đá gà thomo, xóc đĩa trực tuyến</div>");
        assert!(hidden_spam(&p, &url()).is_some());
        let news = page(
            "<p>Công an triệt phá nhóm đối tượng đánh bạc</p>\
                         <div hidden>Triệt phá ổ nhóm đá gà thomo, xóc đĩa</div>",
        );
        assert_eq!(hidden_spam(&news, &url()), None);
    }

    #[test]
    fn visible_comment_spam() {
        let p = page(
            "<div class=comments><div class=cmt>Vay Tín Chấp: <a href='https://vaytinchap-nhanh.test/'>vay tín chấp online</a> \
                      <a href='https://vaytinchap-nhanh.test/the'>đáo hạn thẻ tín dụng</a></div></div>",
        );
        assert!(visible_spam(&p, &url()).is_some());
    }

    #[test]
    fn gambling_news_is_not_spam() {
        let p = page(
            "<article><h1>Bắt quả tang nhóm đối tượng tổ chức đá gà ăn tiền</h1>\
             <p>Công an huyện phát hiện nhóm đối tượng tổ chức đá gà ăn tiền; một số tham gia cá cược \
             qua các trang đá gà trực tuyến. Công an đề nghị người dân không tham gia đá gà, xóc đĩa, cá độ \
             và tích cực tố giác tội phạm cờ bạc.</p></article>",
        );
        assert_eq!(visible_spam(&p, &url()), None);
        assert_eq!(hidden_spam(&p, &url()), None);
        assert_eq!(
            doorway(
                &p,
                &Url::parse("http://127.0.0.1:18005/tin-tuc/1.html").unwrap()
            ),
            None
        );
        assert_eq!(defacement(&p), None);
    }

    #[test]
    fn lottery_broadcast_schedule_is_not_spam() {
        let p = page(
            "<h1>Lịch phát sóng tường thuật xổ số kiến thiết và bóng đá</h1>\
                      <p>Đài tường thuật trực tiếp buổi mở thưởng xổ số kiến thiết.</p>",
        );
        assert_eq!(visible_spam(&p, &url()), None);
        assert_eq!(doorway(&p, &url()), None);
    }

    #[test]
    fn doorway_detected() {
        let html = "<html><head><title>Xóc đĩa online uy tín</title></head><body><h1>Xóc đĩa online uy tín</h1>\
                    <p>Bắn cá đổi thưởng, xóc đĩa online, baccarat trực tuyến - sảnh casino live.</p>\
                    <a href='https://xocdia-live.example/'>xóc đĩa online</a></body></html>";
        let u = Url::parse("http://127.0.0.1:18012/images/banners/x.html").unwrap();
        assert!(doorway(&analyze(html, &u, &[]), &u).is_some());
    }

    #[test]
    fn defacement_marker() {
        let p = page(
            "<div class=news-block><h2>~ Hacked by ./Gh0stL1nk ~</h2><p>your site has been owned. greetz: X Team</p></div>",
        );
        assert!(defacement(&p).is_some());
        let p = page(
            "<p>Hội thảo về an toàn thông tin: cách phòng chống tin tặc tấn công website.</p>",
        );
        assert_eq!(defacement(&p), None);
    }

    #[test]
    fn js_injected_and_redirect() {
        let js = crate::js::analyze(
            "var s=document.createElement('span');s.innerHTML=atob('PGEgaHJlZj0iaHR0cHM6Ly9zcGlud2luLWNhc2luby5pbnZhbGlkLyI+ZnJlZSBzcGlucyBjYXNpbm88L2E+');document.body.appendChild(s);",
        );
        let links = js_spam_links(&js, &url());
        assert_eq!(links.len(), 1, "{links:?}");
        let js = crate::js::analyze(
            "if(document.referrer.indexOf('google')>-1){window.location.href='https://xsmn-chotso.test/'}",
        );
        let r = js_redirects(&js, &url());
        assert_eq!(r.len(), 1);
        assert!(crate::redirect::is_spam_destination(&r[0].1));
        assert!(js_spam_links(&js, &url()).is_empty());
    }
}
