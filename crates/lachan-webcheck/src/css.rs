//! A small CSS reader for visibility analysis: splits style sheets into rules and keeps only
//! the declarations that can hide content (display, visibility, opacity, size, position, clip,
//! colours, font size, text-indent, transform).
//!
//! It is not a CSS engine: specificity is approximated by source order, `!important` wins.
//! It never fails: unreadable parts are skipped.

/// An RGBA colour with 8-bit channels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: f32,
}

impl Rgba {
    const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Rgba { r, g, b, a: 1.0 }
    }

    fn luminance(&self) -> f64 {
        let ch = |v: u8| {
            let c = f64::from(v) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(self.r) + 0.7152 * ch(self.g) + 0.0722 * ch(self.b)
    }

    /// WCAG contrast ratio (1.0 = identical colours, 21.0 = black on white).
    pub fn contrast(&self, other: &Rgba) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }
}

/// The page background when nothing sets one.
pub const WHITE: Rgba = Rgba::rgb(255, 255, 255);
/// The text colour when nothing sets one.
pub const BLACK: Rgba = Rgba::rgb(0, 0, 0);

/// A background as far as contrast checks care.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Background {
    Color(Rgba),
    /// An image or gradient: the colour under the text is unknown.
    Unknown,
}

/// Font size as declared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FontSize {
    Px(f32),
    /// Multiplier of the parent size (`em`, `%`).
    Rel(f32),
}

/// The declarations of one rule (or inline style) that matter for visibility.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decls {
    pub display_none: Option<bool>,
    pub visibility_hidden: Option<bool>,
    pub opacity: Option<f32>,
    pub font_size: Option<FontSize>,
    pub color: Option<Rgba>,
    pub background: Option<Background>,
    pub position_out_of_flow: Option<bool>,
    /// A left/top/right/bottom/margin offset far outside the viewport.
    pub offscreen: Option<bool>,
    pub clip_hidden: Option<bool>,
    pub clip_path_hidden: Option<bool>,
    pub tiny_height: Option<bool>,
    pub tiny_width: Option<bool>,
    pub overflow_hidden: Option<bool>,
    pub text_indent_out: Option<bool>,
    pub transform_hidden: Option<bool>,
}

macro_rules! merge_fields {
    ($dst:ident, $src:ident, $($f:ident),*) => { $( if $src.$f.is_some() { $dst.$f = $src.$f; } )* };
}

impl Decls {
    /// True when no visibility-relevant declaration is present.
    pub fn is_empty(&self) -> bool {
        *self == Decls::default()
    }

    /// Applies `other` on top of `self` (later declarations win).
    pub fn merge(&mut self, other: &Decls) {
        merge_fields!(
            self,
            other,
            display_none,
            visibility_hidden,
            opacity,
            font_size,
            color,
            background,
            position_out_of_flow,
            offscreen,
            clip_hidden,
            clip_path_hidden,
            tiny_height,
            tiny_width,
            overflow_hidden,
            text_indent_out,
            transform_hidden
        );
    }

    /// Why an element with these (own) declarations is invisible, if it is.
    /// Colour and font size are judged by the caller, as they inherit.
    pub fn hiding_reason(&self) -> Option<&'static str> {
        let t = |o: Option<bool>| o == Some(true);
        if t(self.display_none) {
            return Some("display:none");
        }
        if t(self.visibility_hidden) {
            return Some("visibility:hidden");
        }
        if self.opacity.is_some_and(|o| o <= 0.05) {
            return Some("opacity:0");
        }
        if t(self.offscreen) && t(self.position_out_of_flow) {
            return Some("positioned off-screen");
        }
        if t(self.clip_hidden) && t(self.position_out_of_flow) {
            return Some("clip:rect(0 0 0 0)");
        }
        if t(self.clip_path_hidden) {
            return Some("clip-path hides it");
        }
        if t(self.overflow_hidden) && (t(self.tiny_height) || t(self.tiny_width)) {
            return Some("zero size with overflow:hidden");
        }
        if t(self.text_indent_out) {
            return Some("text-indent off-screen");
        }
        if t(self.transform_hidden) {
            return Some("transform moves or shrinks it away");
        }
        None
    }
}

/// One style rule: a selector list and its declarations.
#[derive(Debug, Clone)]
pub struct Rule {
    pub selector: String,
    pub decls: Decls,
    pub important: Decls,
}

/// Removes `/* */` comments.
fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        match rest[i + 2..].find("*/") {
            Some(j) => rest = &rest[i + 2 + j + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Parses a style sheet into rules that carry at least one visibility-relevant declaration.
/// `@media` and `@supports` blocks are flattened (except `print`); other at-rules are skipped.
pub fn parse_stylesheet(css: &str) -> Vec<Rule> {
    let css = strip_comments(css);
    let mut rules = Vec::new();
    parse_block(&css, &mut rules, 0);
    rules
}

fn parse_block(css: &str, rules: &mut Vec<Rule>, depth: usize) {
    if depth > 8 {
        return;
    }
    let bytes = css.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let Some(open_rel) = css[i..].find('{') else {
            break;
        };
        let open = i + open_rel;
        let prelude = css[i..open].trim();
        // Find the matching close brace.
        let mut level = 0usize;
        let mut close = None;
        for (k, &b) in bytes.iter().enumerate().skip(open) {
            match b {
                b'{' => level += 1,
                b'}' => {
                    level = level.saturating_sub(1);
                    if level == 0 {
                        close = Some(k);
                        break;
                    }
                }
                _ => {}
            }
        }
        let close = close.unwrap_or(bytes.len());
        let body = css.get(open + 1..close).unwrap_or("");
        // A prelude may still hold a stray `;`-terminated at-rule such as `@import x;`.
        let prelude = prelude.rsplit(';').next().unwrap_or(prelude).trim();
        if let Some(at) = prelude.strip_prefix('@') {
            let lower = at.to_ascii_lowercase();
            if (lower.starts_with("media") && !lower.contains("print"))
                || lower.starts_with("supports")
                || lower.starts_with("layer")
                || lower.starts_with("container")
            {
                parse_block(body, rules, depth + 1);
            }
        } else if !prelude.is_empty() {
            let (decls, important) = parse_declarations(body);
            if !decls.is_empty() || !important.is_empty() {
                rules.push(Rule {
                    selector: prelude.to_string(),
                    decls,
                    important,
                });
            }
        }
        i = close + 1;
    }
}

/// Parses a declaration list (`a:b; c:d !important`) into normal and `!important` parts.
pub fn parse_declarations(text: &str) -> (Decls, Decls) {
    let mut normal = Decls::default();
    let mut important = Decls::default();
    for decl in text.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let prop = prop.trim().to_ascii_lowercase();
        let mut value = value.trim().to_ascii_lowercase();
        let imp = value.ends_with("!important");
        if imp {
            value = value.trim_end_matches("!important").trim().to_string();
        }
        let target = if imp { &mut important } else { &mut normal };
        apply_property(target, &prop, &value);
    }
    (normal, important)
}

fn apply_property(d: &mut Decls, prop: &str, v: &str) {
    match prop {
        "display" => d.display_none = Some(v == "none"),
        "visibility" => d.visibility_hidden = Some(v == "hidden" || v == "collapse"),
        "opacity" => {
            d.opacity = parse_number(v).map(|n| if v.ends_with('%') { n / 100.0 } else { n })
        }
        "font-size" => d.font_size = parse_font_size(v),
        "font" => {
            if let Some(fs) = v.split_whitespace().find_map(|w| {
                let w = w.split('/').next().unwrap_or(w);
                if w.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || c == '.')
                {
                    parse_font_size(w)
                } else {
                    None
                }
            }) {
                d.font_size = Some(fs);
            }
        }
        "color" => d.color = parse_color(v),
        "background-color" => {
            d.background = match parse_color(v) {
                Some(c) if c.a > 0.5 => Some(Background::Color(c)),
                Some(_) => None,
                None if v.contains("inherit") || v.contains("var(") => Some(Background::Unknown),
                None => None,
            }
        }
        "background" | "background-image" => {
            if v.contains("url(") || v.contains("gradient") || v.contains("var(") {
                d.background = Some(Background::Unknown);
            } else if prop == "background" {
                d.background = v
                    .split_whitespace()
                    .find_map(|w| parse_color(w).filter(|c| c.a > 0.5))
                    .map(Background::Color);
            }
        }
        "position" => d.position_out_of_flow = Some(v == "absolute" || v == "fixed"),
        "left" | "top" | "right" | "bottom" | "margin-left" | "margin-top" | "inset" => {
            let far = v
                .split_whitespace()
                .any(|w| parse_px(w).is_some_and(|p| p <= -500.0));
            if far {
                d.offscreen = Some(true);
                if prop.starts_with("margin") {
                    // A huge negative margin moves even static boxes away.
                    d.position_out_of_flow = Some(true);
                }
            } else if d.offscreen.is_none() {
                d.offscreen = Some(false);
            }
        }
        "clip" => d.clip_hidden = Some(clip_rect_is_empty(v)),
        "clip-path" => d.clip_path_hidden = Some(clip_path_is_empty(v)),
        "height" | "max-height" => {
            d.tiny_height = Some(parse_px(v).is_some_and(|p| p <= 1.0) || v == "0")
        }
        "width" | "max-width" => {
            d.tiny_width = Some(parse_px(v).is_some_and(|p| p <= 1.0) || v == "0")
        }
        "overflow" | "overflow-x" | "overflow-y" => {
            d.overflow_hidden = Some(v.starts_with("hidden") || v.starts_with("clip"))
        }
        "text-indent" => d.text_indent_out = Some(parse_px(v).is_some_and(|p| p <= -500.0)),
        "transform" => d.transform_hidden = Some(transform_hides(v)),
        _ => {}
    }
}

fn parse_number(v: &str) -> Option<f32> {
    let num: String = v
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-' || *c == '+')
        .collect();
    num.parse().ok()
}

/// Parses a length in px (also `0`, `pt`, `em`/`rem` at 16 px, `vw`/`vh` ignored).
pub fn parse_px(v: &str) -> Option<f32> {
    let v = v.trim();
    let n = parse_number(v)?;
    let unit = v.trim_start_matches(|c: char| c.is_ascii_digit() || "+-.".contains(c));
    match unit {
        "px" => Some(n),
        "" if n == 0.0 => Some(0.0),
        "pt" => Some(n * 4.0 / 3.0),
        "em" | "rem" => Some(n * 16.0),
        "%" if n == 0.0 => Some(0.0),
        "cm" => Some(n * 37.8),
        "in" => Some(n * 96.0),
        _ => None,
    }
}

fn parse_font_size(v: &str) -> Option<FontSize> {
    let v = v.trim();
    let n = parse_number(v)?;
    let unit = v.trim_start_matches(|c: char| c.is_ascii_digit() || "+-.".contains(c));
    match unit {
        "em" => Some(FontSize::Rel(n)),
        "%" => Some(FontSize::Rel(n / 100.0)),
        _ => parse_px(v).map(FontSize::Px),
    }
}

fn clip_rect_is_empty(v: &str) -> bool {
    let Some(inner) = v.strip_prefix("rect(").and_then(|s| s.strip_suffix(')')) else {
        return false;
    };
    let nums: Vec<f32> = inner
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .filter_map(parse_px)
        .collect();
    // rect(top, right, bottom, left): empty when bottom <= top + 1 or right <= left + 1
    nums.len() == 4 && (nums[2] - nums[0] <= 1.0 || nums[1] - nums[3] <= 1.0)
}

fn clip_path_is_empty(v: &str) -> bool {
    if let Some(inner) = v.strip_prefix("inset(").and_then(|s| s.strip_suffix(')')) {
        return inner.split_whitespace().take(4).any(|w| {
            w.strip_suffix('%')
                .and_then(|n| n.parse::<f32>().ok())
                .is_some_and(|p| p >= 50.0)
        });
    }
    if let Some(inner) = v.strip_prefix("circle(").and_then(|s| s.strip_suffix(')')) {
        let r = inner.split_whitespace().next().unwrap_or("");
        return r
            .trim_end_matches(['%', 'p', 'x'])
            .parse::<f32>()
            .is_ok_and(|n| n == 0.0);
    }
    if let Some(inner) = v.strip_prefix("polygon(").and_then(|s| s.strip_suffix(')')) {
        let pts: Vec<String> = inner
            .split(',')
            .map(|p| p.split_whitespace().collect())
            .collect();
        return pts.len() >= 2 && pts.iter().all(|p| *p == pts[0]);
    }
    false
}

fn transform_hides(v: &str) -> bool {
    let mut rest = v;
    while let Some(i) = rest.find('(') {
        let name = rest[..i]
            .rsplit(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        let Some(j) = rest[i..].find(')') else { break };
        let args: Vec<&str> = rest[i + 1..i + j]
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        let hides = match name {
            "scale" | "scalex" | "scaley" => args
                .iter()
                .any(|a| a.parse::<f32>().is_ok_and(|n| n.abs() < 0.01)),
            "translate" | "translatex" | "translatey" | "translate3d" => args
                .iter()
                .any(|a| parse_px(a).is_some_and(|p| p <= -500.0)),
            _ => false,
        };
        if hides {
            return true;
        }
        rest = &rest[i + j + 1..];
    }
    false
}

/// Parses a CSS colour: `#rgb`, `#rrggbb`, `#rgba`, `#rrggbbaa`, `rgb()`, `rgba()`,
/// `transparent` and common names.
pub fn parse_color(v: &str) -> Option<Rgba> {
    let v = v.trim();
    if let Some(hex) = v.strip_prefix('#') {
        let h: Vec<u8> = hex
            .bytes()
            .map(crate::text::hex_val)
            .collect::<Option<Vec<u8>>>()?;
        return match h.len() {
            3 | 4 => Some(Rgba {
                r: h[0] * 17,
                g: h[1] * 17,
                b: h[2] * 17,
                a: h.get(3).map_or(1.0, |a| f32::from(*a) / 15.0),
            }),
            6 | 8 => Some(Rgba {
                r: h[0] * 16 + h[1],
                g: h[2] * 16 + h[3],
                b: h[4] * 16 + h[5],
                a: if h.len() == 8 {
                    f32::from(h[6] * 16 + h[7]) / 255.0
                } else {
                    1.0
                },
            }),
            _ => None,
        };
    }
    if let Some(inner) = v
        .strip_prefix("rgba(")
        .or_else(|| v.strip_prefix("rgb("))
        .and_then(|s| s.strip_suffix(')'))
    {
        let parts: Vec<&str> = inner
            .split(|c: char| c == ',' || c == '/' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        if parts.len() < 3 {
            return None;
        }
        let ch = |s: &str| -> Option<u8> {
            if let Some(p) = s.strip_suffix('%') {
                let n: f32 = p.parse().ok()?;
                Some((n.clamp(0.0, 100.0) * 2.55).round() as u8)
            } else {
                let n: f32 = s.parse().ok()?;
                Some(n.clamp(0.0, 255.0).round() as u8)
            }
        };
        let a = match parts.get(3) {
            Some(s) => {
                if let Some(p) = s.strip_suffix('%') {
                    p.parse::<f32>().ok()? / 100.0
                } else {
                    s.parse::<f32>().ok()?
                }
            }
            None => 1.0,
        };
        return Some(Rgba {
            r: ch(parts[0])?,
            g: ch(parts[1])?,
            b: ch(parts[2])?,
            a,
        });
    }
    let named = match v {
        "transparent" => Rgba {
            r: 0,
            g: 0,
            b: 0,
            a: 0.0,
        },
        "white" => WHITE,
        "black" => BLACK,
        "red" => Rgba::rgb(255, 0, 0),
        "green" => Rgba::rgb(0, 128, 0),
        "blue" => Rgba::rgb(0, 0, 255),
        "yellow" => Rgba::rgb(255, 255, 0),
        "gray" | "grey" => Rgba::rgb(128, 128, 128),
        "silver" => Rgba::rgb(192, 192, 192),
        "whitesmoke" => Rgba::rgb(245, 245, 245),
        "snow" => Rgba::rgb(255, 250, 250),
        "ivory" => Rgba::rgb(255, 255, 240),
        "navy" => Rgba::rgb(0, 0, 128),
        "maroon" => Rgba::rgb(128, 0, 0),
        "darkred" => Rgba::rgb(139, 0, 0),
        "orange" => Rgba::rgb(255, 165, 0),
        _ => return None,
    };
    Some(named)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_flattens_media() {
        let css = "/* c */ .a{display:none} @media screen{.b{visibility:hidden}} \
                   @media print{.c{display:none}} .d{margin:0} @font-face{font-family:x}";
        let rules = parse_stylesheet(css);
        let sels: Vec<&str> = rules.iter().map(|r| r.selector.as_str()).collect();
        assert_eq!(sels, vec![".a", ".b"]);
    }

    #[test]
    fn hiding_declarations() {
        let reason = |s: &str| parse_declarations(s).0.hiding_reason();
        assert_eq!(reason("display:none"), Some("display:none"));
        assert_eq!(
            reason("position:absolute;left:-9999px"),
            Some("positioned off-screen")
        );
        assert_eq!(
            reason("position:absolute;clip:rect(0 0 0 0)"),
            Some("clip:rect(0 0 0 0)")
        );
        assert_eq!(reason("clip-path:inset(100%)"), Some("clip-path hides it"));
        assert_eq!(
            reason("height:0;overflow:hidden"),
            Some("zero size with overflow:hidden")
        );
        assert_eq!(reason("opacity:0"), Some("opacity:0"));
        assert_eq!(
            reason("transform:scale(0)"),
            Some("transform moves or shrinks it away")
        );
        assert_eq!(reason("color:red;margin:0 auto;left:10px"), None);
        assert_eq!(reason("height:0"), None);
    }

    #[test]
    fn colours_and_contrast() {
        let w = parse_color("#fff").unwrap();
        assert_eq!(w, WHITE);
        assert_eq!(parse_color("rgb(255, 255, 255)"), Some(WHITE));
        assert!(w.contrast(&parse_color("#f3efe6").unwrap()) < 1.2);
        assert!(w.contrast(&BLACK) > 20.0);
        assert_eq!(parse_color("#12"), None);
        assert_eq!(parse_color("rgb(1,2)"), None);
    }

    #[test]
    fn malformed_css_does_not_panic() {
        for css in [
            "{",
            "}}}",
            "a{b:c",
            "@media{",
            "a{color:#zzzzzz}",
            "x{clip:rect(}",
        ] {
            let _ = parse_stylesheet(css);
        }
    }
}
