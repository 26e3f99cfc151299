//! HTML page analysis: links with their visibility, visible and hidden text, scripts, style
//! sheets and meta refresh, using a browser-grade parser (html5ever through `scraper`).
//!
//! Visibility combines inline styles, `<style>` blocks and linked style sheets (given by the
//! caller), the `hidden` attribute, and inherited colour / font size for same-colour and
//! zero-size text.

use std::collections::HashMap;

use ego_tree::NodeRef;
use reqwest::Url;
use scraper::{ElementRef, Html, Node, Selector};

use crate::css::{self, Background, Decls, FontSize, Rgba};
use crate::text::squash_ws;

/// Largest number of elements walked per page; the rest of a huge page is ignored.
const MAX_NODES: usize = 200_000;

/// One `<a href>` of the page.
#[derive(Debug, Clone)]
pub struct Link {
    /// The `href` as written.
    pub href: String,
    /// Resolved against the page URL (None for `javascript:`, `mailto:` and bad URLs).
    pub url: Option<Url>,
    /// The link text.
    pub text: String,
    /// Why a visitor cannot see it, if hidden.
    pub hidden: Option<&'static str>,
    /// Index into [`PageAnalysis::hidden_blocks`] of the hidden container holding it.
    pub hidden_block: Option<usize>,
}

/// Content under one hidden element (the outermost one that hides it).
#[derive(Debug, Clone)]
pub struct HiddenBlock {
    pub reason: &'static str,
    /// A short description of the element (`div.mod-partner`).
    pub element: String,
    pub text: String,
}

/// Everything the detectors need from one HTML page.
#[derive(Debug, Clone, Default)]
pub struct PageAnalysis {
    pub title: String,
    /// Text of `<h1>`–`<h3>` headings.
    pub headings: Vec<String>,
    pub visible_text: String,
    pub hidden_blocks: Vec<HiddenBlock>,
    pub links: Vec<Link>,
    /// Inline `<script>` bodies.
    pub inline_scripts: Vec<String>,
    /// Resolved `<script src>` URLs.
    pub script_urls: Vec<Url>,
    /// Resolved `<link rel=stylesheet>` URLs.
    pub stylesheet_urls: Vec<Url>,
    /// `<style>` bodies.
    pub style_blocks: Vec<String>,
    /// Target of a `<meta http-equiv=refresh>` with a URL.
    pub meta_refresh: Option<String>,
    /// Texts of visible blocks (paragraphs, list items, cells, comment boxes).
    pub blocks: Vec<String>,
}

/// Extracts style sheets and scripts references only (first pass, before fetching CSS).
pub fn stylesheet_urls(html: &str, base: &Url) -> Vec<Url> {
    let doc = Html::parse_document(html);
    collect_stylesheets(&doc, base)
}

fn collect_stylesheets(doc: &Html, base: &Url) -> Vec<Url> {
    let mut out = Vec::new();
    if let Ok(sel) = Selector::parse("link[rel][href]") {
        for el in doc.select(&sel) {
            let rel = el.value().attr("rel").unwrap_or("").to_ascii_lowercase();
            if rel.split_whitespace().any(|r| r == "stylesheet")
                && let Some(u) = el
                    .value()
                    .attr("href")
                    .and_then(|h| base.join(h.trim()).ok())
            {
                out.push(u);
            }
        }
    }
    out
}

#[derive(Clone)]
struct Ctx {
    hidden: Option<(&'static str, usize)>,
    color: Rgba,
    background: Background,
    font_px: f32,
    link: Option<usize>,
    block: Option<usize>,
    skip: bool,
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "li",
    "td",
    "th",
    "dd",
    "dt",
    "blockquote",
    "article",
    "section",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "figcaption",
    "div",
];

/// Analyses a page. `external_css` holds the text of linked style sheets already fetched.
pub fn analyze(html: &str, base: &Url, external_css: &[String]) -> PageAnalysis {
    let doc = Html::parse_document(html);
    let mut out = PageAnalysis {
        stylesheet_urls: collect_stylesheets(&doc, base),
        ..PageAnalysis::default()
    };

    // Style blocks first, so that selectors can be matched.
    let mut sheets: Vec<String> = external_css.to_vec();
    if let Ok(sel) = Selector::parse("style") {
        for el in doc.select(&sel) {
            let t: String = el.text().collect();
            out.style_blocks.push(t.clone());
            sheets.push(t);
        }
    }
    let styles = match_rules(&doc, &sheets);

    if let Ok(sel) = Selector::parse("title") {
        out.title = doc
            .select(&sel)
            .next()
            .map(|t| squash_ws(&t.text().collect::<String>()))
            .unwrap_or_default();
    }
    if let Ok(sel) = Selector::parse("h1, h2, h3") {
        out.headings = doc
            .select(&sel)
            .map(|h| squash_ws(&h.text().collect::<String>()))
            .collect();
    }
    if let Ok(sel) = Selector::parse("meta[http-equiv]") {
        for m in doc.select(&sel) {
            let eq = m
                .value()
                .attr("http-equiv")
                .unwrap_or("")
                .to_ascii_lowercase();
            if eq == "refresh"
                && let Some(content) = m.value().attr("content")
                && let Some(target) = refresh_target(content)
            {
                out.meta_refresh = Some(target);
            }
        }
    }

    walk(&doc, base, &styles, &mut out);
    out
}

/// Parses `5; url=https://x/` into its URL.
pub fn refresh_target(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let i = lower.find("url")?;
    let rest = content[i + 3..].trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    let rest = rest.trim_matches(|c| c == '\'' || c == '"');
    if rest.is_empty() {
        None
    } else {
        Some(rest.to_string())
    }
}

/// Per-element declarations from style sheets (normal, important), keyed by node id.
type StyleMap = HashMap<ego_tree::NodeId, (Decls, Decls)>;

fn match_rules(doc: &Html, sheets: &[String]) -> StyleMap {
    let mut map: StyleMap = HashMap::new();
    let mut budget = 20_000usize;
    for sheet in sheets {
        for rule in css::parse_stylesheet(sheet) {
            for part in rule.selector.split(',') {
                let part = part.trim();
                if part.is_empty() || part.contains("::") || part.contains(":hover") {
                    continue;
                }
                if budget == 0 {
                    return map;
                }
                budget -= 1;
                let Ok(sel) = Selector::parse(part) else {
                    continue;
                };
                for el in doc.select(&sel) {
                    let e = map.entry(el.id()).or_default();
                    e.0.merge(&rule.decls);
                    e.1.merge(&rule.important);
                }
            }
        }
    }
    map
}

fn describe(el: &ElementRef<'_>) -> String {
    let v = el.value();
    let mut s = v.name().to_string();
    if let Some(id) = v.attr("id") {
        s.push('#');
        s.push_str(id);
    }
    for c in v.classes().take(3) {
        s.push('.');
        s.push_str(c);
    }
    if let Some(st) = v.attr("style") {
        s.push_str(&format!("[style=\"{}\"]", crate::text::clip(st.trim(), 80)));
    }
    s
}

fn walk(doc: &Html, base: &Url, styles: &StyleMap, out: &mut PageAnalysis) {
    let root_ctx = Ctx {
        hidden: None,
        color: css::BLACK,
        background: Background::Color(css::WHITE),
        font_px: 16.0,
        link: None,
        block: None,
        skip: false,
    };
    let mut visible = String::new();
    let mut stack: Vec<(NodeRef<'_, Node>, Ctx)> = vec![(doc.tree.root(), root_ctx)];
    let mut seen = 0usize;
    let mut block_texts: Vec<String> = Vec::new();
    while let Some((node, ctx)) = stack.pop() {
        seen += 1;
        if seen > MAX_NODES {
            break;
        }
        match node.value() {
            Node::Text(t) => {
                if ctx.skip {
                    continue;
                }
                let text: &str = &t.text;
                if text.trim().is_empty() {
                    continue;
                }
                let mut hidden = ctx.hidden;
                if hidden.is_none() {
                    // Inherited properties decide visibility of the text itself.
                    let reason = if ctx.font_px <= 2.0 {
                        Some("font-size near zero")
                    } else if let Background::Color(bg) = ctx.background {
                        (ctx.color.a <= 0.05 || ctx.color.contrast(&bg) < 1.2)
                            .then_some("text colour equals background")
                    } else {
                        None
                    };
                    if let Some(r) = reason {
                        let elem = node
                            .parent()
                            .and_then(ElementRef::wrap)
                            .map(|e| describe(&e))
                            .unwrap_or_default();
                        out.hidden_blocks.push(HiddenBlock {
                            reason: r,
                            element: elem,
                            text: String::new(),
                        });
                        hidden = Some((r, out.hidden_blocks.len() - 1));
                    }
                }
                match hidden {
                    Some((_, idx)) => {
                        if let Some(b) = out.hidden_blocks.get_mut(idx) {
                            b.text.push_str(text);
                            b.text.push(' ');
                        }
                    }
                    None => {
                        visible.push_str(text);
                        visible.push(' ');
                        if let Some(b) = ctx.block.and_then(|i| block_texts.get_mut(i)) {
                            b.push_str(text);
                            b.push(' ');
                        }
                    }
                }
                if let Some(l) = ctx.link.and_then(|i| out.links.get_mut(i)) {
                    l.text.push_str(text);
                    l.text.push(' ');
                    if l.hidden.is_none()
                        && let Some((r, idx)) = hidden
                    {
                        l.hidden = Some(r);
                        l.hidden_block = Some(idx);
                    }
                }
            }
            Node::Element(_) => {
                let Some(el) = ElementRef::wrap(node) else {
                    continue;
                };
                let mut c = ctx.clone();
                let name = el.value().name();
                match name {
                    "script" => {
                        let ty = el.value().attr("type").unwrap_or("").to_ascii_lowercase();
                        let is_js = ty.is_empty() || ty.contains("javascript") || ty == "module";
                        if is_js {
                            if let Some(src) = el.value().attr("src") {
                                if let Ok(u) = base.join(src.trim()) {
                                    out.script_urls.push(u);
                                }
                            } else {
                                out.inline_scripts.push(el.text().collect());
                            }
                        }
                        continue;
                    }
                    "style" | "head" | "title" | "meta" | "link" | "template" | "iframe"
                    | "object" | "svg" | "math" => {
                        // `noscript` content is parsed as text when scripting is on: treat as hidden.
                        if name != "head" {
                            continue;
                        }
                        c.skip = true;
                    }
                    _ => {}
                }
                if c.skip {
                    push_children(&mut stack, node, &c);
                    continue;
                }
                if name == "noscript" {
                    // With scripting on, the parser keeps noscript content as raw text:
                    // parse it as a fragment; browsers that run JavaScript never show it.
                    noscript_fragment(&el, base, out);
                    continue;
                }
                let own = own_decls(&el, styles);
                if c.hidden.is_none() {
                    let reason = if name == "noscript" {
                        Some("noscript (not shown when JavaScript runs)")
                    } else if el.value().attr("hidden").is_some() {
                        Some("hidden attribute")
                    } else if name == "input"
                        && el
                            .value()
                            .attr("type")
                            .is_some_and(|t| t.eq_ignore_ascii_case("hidden"))
                    {
                        Some("hidden input")
                    } else {
                        own.hiding_reason()
                    };
                    if let Some(r) = reason {
                        out.hidden_blocks.push(HiddenBlock {
                            reason: r,
                            element: describe(&el),
                            text: String::new(),
                        });
                        c.hidden = Some((r, out.hidden_blocks.len() - 1));
                    }
                }
                if let Some(col) = own.color {
                    c.color = col;
                }
                if let Some(bg) = own.background {
                    c.background = bg;
                }
                match own.font_size {
                    Some(FontSize::Px(p)) => c.font_px = p,
                    Some(FontSize::Rel(r)) => c.font_px *= r,
                    None => {}
                }
                if BLOCK_TAGS.contains(&name) {
                    block_texts.push(String::new());
                    c.block = Some(block_texts.len() - 1);
                }
                if name == "a"
                    && let Some(href) = el.value().attr("href")
                {
                    let href = href.trim().to_string();
                    let url = if href.starts_with("javascript:") || href.starts_with("mailto:") {
                        None
                    } else {
                        base.join(&href).ok()
                    };
                    out.links.push(Link {
                        href,
                        url,
                        text: String::new(),
                        hidden: c.hidden.map(|h| h.0),
                        hidden_block: c.hidden.map(|h| h.1),
                    });
                    c.link = Some(out.links.len() - 1);
                }
                push_children(&mut stack, node, &c);
            }
            _ => push_children(&mut stack, node, &ctx),
        }
    }
    for l in &mut out.links {
        l.text = squash_ws(&l.text);
    }
    for b in &mut out.hidden_blocks {
        b.text = squash_ws(&b.text);
    }
    out.visible_text = squash_ws(&visible);
    out.blocks = block_texts
        .into_iter()
        .map(|b| squash_ws(&b))
        .filter(|b| !b.is_empty())
        .collect();
}

fn noscript_fragment(el: &ElementRef<'_>, base: &Url, out: &mut PageAnalysis) {
    let raw: String = el.text().collect();
    let frag = Html::parse_fragment(&raw);
    let reason = "noscript (not shown when JavaScript runs)";
    let text = squash_ws(&frag.root_element().text().collect::<String>());
    out.hidden_blocks.push(HiddenBlock {
        reason,
        element: describe(el),
        text,
    });
    let idx = out.hidden_blocks.len() - 1;
    if let Ok(sel) = Selector::parse("a[href]") {
        for a in frag.select(&sel) {
            let href = a.value().attr("href").unwrap_or("").trim().to_string();
            out.links.push(Link {
                url: base.join(&href).ok(),
                href,
                text: squash_ws(&a.text().collect::<String>()),
                hidden: Some(reason),
                hidden_block: Some(idx),
            });
        }
    }
}

fn push_children<'a>(stack: &mut Vec<(NodeRef<'a, Node>, Ctx)>, node: NodeRef<'a, Node>, c: &Ctx) {
    // Reverse so that children are visited in document order.
    let children: Vec<_> = node.children().collect();
    for ch in children.into_iter().rev() {
        stack.push((ch, c.clone()));
    }
}

fn own_decls(el: &ElementRef<'_>, styles: &StyleMap) -> Decls {
    let mut d = Decls::default();
    let mut important = Decls::default();
    if let Some((n, i)) = styles.get(&el.id()) {
        d.merge(n);
        important.merge(i);
    }
    if let Some(style) = el.value().attr("style") {
        let (n, i) = css::parse_declarations(style);
        d.merge(&n);
        important.merge(&i);
    }
    // Legacy presentational attributes.
    if let Some(c) = el.value().attr("color").and_then(css::parse_color) {
        d.color = Some(c);
    }
    if let Some(c) = el.value().attr("bgcolor").and_then(css::parse_color) {
        d.background = Some(Background::Color(c));
    }
    d.merge(&important);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://127.0.0.1:8000/").unwrap()
    }

    fn hidden_hrefs(html: &str, css: &[String]) -> Vec<(String, &'static str)> {
        analyze(html, &base(), css)
            .links
            .into_iter()
            .filter_map(|l| l.hidden.map(|r| (l.href, r)))
            .collect()
    }

    #[test]
    fn class_hidden_by_style_block() {
        let html = "<html><head><style>.mod-partner{display:none}</style></head><body>\
                    <div class=mod-partner><a href='https://x.test/'>x</a></div>\
                    <a href='/ok'>ok</a></body></html>";
        assert_eq!(
            hidden_hrefs(html, &[]),
            vec![("https://x.test/".into(), "display:none")]
        );
    }

    #[test]
    fn linked_stylesheet_rules_apply() {
        let html = "<body><p id=f><a href='https://x.test/'>x</a></p></body>";
        let css = vec!["#f { position:absolute; left:-5000px }".to_string()];
        assert_eq!(hidden_hrefs(html, &css).len(), 1);
    }

    #[test]
    fn same_colour_and_tiny_font() {
        let html = "<body><p style='color:#ffffff;background-color:#ffffff;font-size:1px'>\
                    <a href='https://a.test/'>a</a></p>\
                    <div style='background:#000'><span style='color:#010101'>\
                    <a href='https://b.test/'>b</a></span></div>\
                    <p style='color:#333'><a href='https://c.test/'>visible</a></p></body>";
        let h = hidden_hrefs(html, &[]);
        assert_eq!(h.len(), 2, "{h:?}");
    }

    #[test]
    fn font_size_zero_parent_reset_by_child_is_visible() {
        let html = "<body><ul style='font-size:0'><li style='font-size:14px'>\
                    <a href='https://a.test/'>menu</a></li></ul></body>";
        assert!(hidden_hrefs(html, &[]).is_empty());
    }

    #[test]
    fn honeypot_and_attributes() {
        let html = "<body><form><div style='display:none'><input name=hp></div></form>\
                    <div hidden><a href='https://h.test/'>h</a></div>\
                    <noscript><a href='https://n.test/'>n</a></noscript></body>";
        let a = analyze(html, &base(), &[]);
        assert_eq!(a.links.iter().filter(|l| l.hidden.is_some()).count(), 2);
    }

    #[test]
    fn scripts_styles_and_refresh() {
        let html = "<html><head><meta http-equiv='Refresh' content='0; URL=https://e.test/x'>\
                    <link rel=stylesheet href='/a.css'><script src='/j.js'></script>\
                    <script>var a=1;</script><title> T  </title></head><body><h1>H</h1></body>";
        let a = analyze(html, &base(), &[]);
        assert_eq!(a.meta_refresh.as_deref(), Some("https://e.test/x"));
        assert_eq!(a.script_urls[0].as_str(), "http://127.0.0.1:8000/j.js");
        assert_eq!(a.stylesheet_urls[0].as_str(), "http://127.0.0.1:8000/a.css");
        assert_eq!(a.inline_scripts, vec!["var a=1;".to_string()]);
        assert_eq!(a.title, "T");
        assert_eq!(a.headings, vec!["H".to_string()]);
    }

    #[test]
    fn malformed_html_is_handled() {
        let deep = "<div>".repeat(50_000);
        let a = analyze(&deep, &base(), &[]);
        assert!(a.links.is_empty());
        let _ = analyze("<a href='%%%'><<<>>></p></a", &base(), &[]);
    }
}
