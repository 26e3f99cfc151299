//! Static JavaScript deobfuscation: folds constant expressions that hide strings (string
//! concatenation, escapes, `atob`, `String.fromCharCode`, `unescape`/`decodeURIComponent`,
//! `split('').reverse().join('')`, array `join`, `eval` of a constant) and reports what the
//! script would insert into the page or where it would send the visitor.
//!
//! Nothing is executed. The analysis works on a token stream and is bounded in size and
//! rounds, so hostile input cannot make it loop or grow without limit.

use base64::Engine;

/// Largest script analysed (bytes); longer scripts are cut.
const MAX_SCRIPT: usize = 1 << 20;
/// Largest total size of decoded strings kept.
const MAX_DECODED: usize = 4 << 20;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Num(f64),
    Ident(String),
    Punct(char),
}

fn tokenize(src: &str) -> Vec<Tok> {
    let chars: Vec<char> = src.chars().take(MAX_SCRIPT).collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '"' || c == '\'' || c == '`' {
            let (s, next) = read_string(&chars, i);
            toks.push(Tok::Str(s));
            i = next;
        } else if c == '/' && regex_allowed(toks.last()) {
            // Regular expression literal: skip it (respecting classes and escapes).
            i += 1;
            let mut in_class = false;
            while i < chars.len() && chars[i] != '\n' {
                match chars[i] {
                    '\\' => i += 1,
                    '[' => in_class = true,
                    ']' => in_class = false,
                    '/' if !in_class => break,
                    _ => {}
                }
                i += 1;
            }
            i += 1;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            toks.push(Tok::Ident("__regex__".into()));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n = if let Some(h) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
                i64::from_str_radix(h, 16).map(|v| v as f64).ok()
            } else {
                text.parse::<f64>().ok()
            };
            toks.push(match n {
                Some(n) => Tok::Num(n),
                None => Tok::Ident(text),
            });
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            toks.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            toks.push(Tok::Punct(c));
            i += 1;
        }
    }
    toks
}

fn regex_allowed(prev: Option<&Tok>) -> bool {
    match prev {
        None => true,
        Some(Tok::Punct(p)) => !matches!(p, ')' | ']' | '}'),
        Some(Tok::Ident(w)) => matches!(w.as_str(), "return" | "typeof" | "case" | "in" | "of"),
        _ => false,
    }
}

/// Reads a string literal starting at the quote at `start`; returns its value and the index
/// after the closing quote. Template literals keep `${...}` parts as written.
fn read_string(chars: &[char], start: usize) -> (String, usize) {
    let q = chars[start];
    let mut s = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        let c = chars[i];
        if c == q {
            return (s, i + 1);
        }
        if c == '\n' && q != '`' {
            return (s, i + 1);
        }
        if c == '\\' && i + 1 < chars.len() {
            let e = chars[i + 1];
            i += 2;
            match e {
                'n' => s.push('\n'),
                't' => s.push('\t'),
                'r' => s.push('\r'),
                'b' | 'f' | 'v' => {}
                '0' if !chars.get(i).is_some_and(|c| c.is_ascii_digit()) => s.push('\0'),
                'x' => {
                    let h: String = chars.iter().skip(i).take(2).collect();
                    match u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                        Some(ch) if h.len() == 2 => {
                            s.push(ch);
                            i += 2;
                        }
                        _ => s.push('x'),
                    }
                }
                'u' => {
                    if chars.get(i) == Some(&'{') {
                        let end = chars[i..].iter().position(|c| *c == '}').map(|p| i + p);
                        if let Some(end) = end {
                            let h: String = chars[i + 1..end].iter().collect();
                            if let Some(ch) =
                                u32::from_str_radix(&h, 16).ok().and_then(char::from_u32)
                            {
                                s.push(ch);
                            }
                            i = end + 1;
                        }
                    } else {
                        let h: String = chars.iter().skip(i).take(4).collect();
                        match u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                            Some(ch) if h.len() == 4 => {
                                s.push(ch);
                                i += 4;
                            }
                            _ => s.push('u'),
                        }
                    }
                }
                '0'..='7' => {
                    let mut v = e.to_digit(8).unwrap_or(0);
                    let mut n = 1;
                    while n < 3 && chars.get(i).and_then(|c| c.to_digit(8)).is_some() {
                        v = v * 8 + chars[i].to_digit(8).unwrap_or(0);
                        i += 1;
                        n += 1;
                    }
                    if let Some(ch) = char::from_u32(v) {
                        s.push(ch);
                    }
                }
                '\n' => {}
                other => s.push(other),
            }
            continue;
        }
        s.push(c);
        i += 1;
    }
    (s, i)
}

/// Decodes base64 (standard or URL-safe, padding optional) into text when it is mostly printable.
pub fn decode_base64_text(s: &str) -> Option<String> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if clean.len() < 8 {
        return None;
    }
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let bytes = engines
        .iter()
        .find_map(|e| e.decode(clean.as_bytes()).ok())?;
    let text = String::from_utf8(bytes).ok()?;
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .count();
    (printable * 100 >= text.chars().count() * 95).then_some(text)
}

/// `unescape`-style decoding: `%XX` and `%uXXXX`.
fn unescape(s: &str) -> String {
    if s.contains("%u") {
        let mut out = String::new();
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '%' && chars.get(i + 1) == Some(&'u') {
                let h: String = chars.iter().skip(i + 2).take(4).collect();
                if let Some(ch) = u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                    i += 6;
                    continue;
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        crate::text::percent_decode_lossy(&out)
    } else {
        crate::text::percent_decode_lossy(s)
    }
}

fn is_ident(t: Option<&Tok>, name: &str) -> bool {
    matches!(t, Some(Tok::Ident(w)) if w == name)
}

fn is_punct(t: Option<&Tok>, c: char) -> bool {
    matches!(t, Some(Tok::Punct(p)) if *p == c)
}

/// One folding round; returns true if anything changed.
fn fold_round(toks: &mut Vec<Tok>, budget: &mut usize, decoded_flag: &mut bool) -> bool {
    let mut changed = false;
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        // "a" + "b"
        if let (Some(Tok::Str(a)), Some(Tok::Punct('+')), Some(Tok::Str(b))) =
            (out.last(), toks.get(i), toks.get(i + 1))
        {
            let joined = format!("{a}{b}");
            out.pop();
            out.push(Tok::Str(joined));
            i += 2;
            changed = true;
            continue;
        }
        // f("...") for decoding functions, optionally called as window.f / String.f
        if let Some(Tok::Ident(name)) = toks.get(i)
            && is_punct(toks.get(i + 1), '(')
            && let Some(Tok::Str(arg)) = toks.get(i + 2)
            && is_punct(toks.get(i + 3), ')')
        {
            let decoded = match name.as_str() {
                "atob" => decode_base64_text(arg),
                "unescape" | "decodeURIComponent" | "decodeURI" => Some(unescape(arg)),
                "escape" | "String" => Some(arg.clone()),
                _ => None,
            };
            if let Some(d) = decoded {
                if !matches!(name.as_str(), "escape" | "String") {
                    *decoded_flag = true;
                }
                *budget = budget.saturating_sub(d.len());
                out.push(Tok::Str(d));
                i += 4;
                changed = true;
                continue;
            }
            if name == "eval" || name == "Function" {
                // eval("code"): splice the code in, wrapped in parentheses.
                *decoded_flag = true;
                let inner = tokenize(arg);
                *budget = budget.saturating_sub(arg.len());
                out.push(Tok::Punct('('));
                out.extend(inner);
                out.push(Tok::Punct(')'));
                i += 4;
                changed = true;
                continue;
            }
        }
        // fromCharCode(n, n, ...) or fromCharCode.apply(null, [n, ...])
        if is_ident(toks.get(i), "fromCharCode")
            && let Some((s, used)) = char_codes(&toks[i + 1..])
        {
            if matches!(out.last(), Some(Tok::Punct('.'))) {
                out.pop();
                if is_ident(out.last(), "String") {
                    out.pop();
                }
            }
            out.push(Tok::Str(s));
            i += 1 + used;
            changed = true;
            *decoded_flag = true;
            continue;
        }
        // "...".split("").reverse().join("")
        if let Some(Tok::Str(s)) = toks.get(i)
            && let Some(used) = match_reverse(&toks[i + 1..])
        {
            *decoded_flag = true;
            out.push(Tok::Str(s.chars().rev().collect()));
            i += 1 + used;
            changed = true;
            continue;
        }
        // ["a","b"].join("")
        if is_punct(toks.get(i), '[')
            && let Some((s, used)) = array_join(&toks[i..])
        {
            out.push(Tok::Str(s));
            i += used;
            changed = true;
            continue;
        }
        // ("...") → "..."
        if is_punct(toks.get(i), '(')
            && let Some(Tok::Str(s)) = toks.get(i + 1)
            && is_punct(toks.get(i + 2), ')')
            && !matches!(out.last(), Some(Tok::Ident(_)) | Some(Tok::Punct(')')))
        {
            out.push(Tok::Str(s.clone()));
            i += 3;
            changed = true;
            continue;
        }
        out.push(toks[i].clone());
        i += 1;
    }
    *toks = out;
    changed
}

/// Replaces reads of variables that are assigned exactly once, to a constant string, by that
/// string (`var d="casino.test"; location.href="https://"+d`). Returns true if anything changed.
fn substitute_constants(toks: &mut [Tok]) -> bool {
    use std::collections::HashMap;
    let mut assigned: HashMap<&str, (usize, Option<String>)> = HashMap::new();
    for (i, t) in toks.iter().enumerate() {
        let Tok::Ident(name) = t else { continue };
        if i > 0 && is_punct(toks.get(i - 1), '.') {
            continue;
        }
        let next = toks.get(i + 1);
        let compound = matches!(next, Some(Tok::Punct(p)) if "+-*/|&".contains(*p))
            && is_punct(toks.get(i + 2), '=');
        let plain = is_punct(next, '=') && !is_punct(toks.get(i + 2), '=');
        if !(plain || compound) {
            continue;
        }
        let value = match (plain, toks.get(i + 2), toks.get(i + 3)) {
            (true, Some(Tok::Str(v)), None | Some(Tok::Punct(';' | ',' | '}' | ')'))) => {
                Some(v.clone())
            }
            (true, Some(Tok::Str(v)), Some(Tok::Ident(_))) => Some(v.clone()),
            _ => None,
        };
        let e = assigned.entry(name.as_str()).or_insert((0, None));
        e.0 += 1;
        e.1 = value;
    }
    let constants: HashMap<String, String> = assigned
        .into_iter()
        .filter_map(|(k, (n, v))| {
            if n == 1 {
                v.map(|v| (k.to_string(), v))
            } else {
                None
            }
        })
        .collect();
    if constants.is_empty() {
        return false;
    }
    let mut changed = false;
    for i in 0..toks.len() {
        let Tok::Ident(name) = &toks[i] else { continue };
        let Some(v) = constants.get(name) else {
            continue;
        };
        let prev = if i > 0 { toks.get(i - 1) } else { None };
        if is_punct(prev, '.')
            || matches!(prev, Some(Tok::Ident(w)) if matches!(w.as_str(), "var" | "let" | "const" | "function"))
            || is_punct(toks.get(i + 1), '=')
            || is_punct(toks.get(i + 1), '(')
            || is_punct(toks.get(i + 1), ':')
        {
            continue;
        }
        toks[i] = Tok::Str(v.clone());
        changed = true;
    }
    changed
}

fn string_bytes(toks: &[Tok]) -> usize {
    toks.iter()
        .map(|t| if let Tok::Str(s) = t { s.len() } else { 0 })
        .sum()
}

/// Parses `(n, n, ...)` or `.apply(null, [n, ...])` after `fromCharCode`.
fn char_codes(rest: &[Tok]) -> Option<(String, usize)> {
    let mut i = 0;
    let close = if is_punct(rest.first(), '(') {
        i += 1;
        ')'
    } else if is_punct(rest.first(), '.') && is_ident(rest.get(1), "apply") {
        // .apply(null, [ ... ])
        if !is_punct(rest.get(2), '(') {
            return None;
        }
        i = 3;
        while i < rest.len() && !is_punct(rest.get(i), '[') {
            i += 1;
            if i > 6 {
                return None;
            }
        }
        i += 1;
        ']'
    } else {
        return None;
    };
    let mut s = String::new();
    loop {
        match rest.get(i) {
            Some(Tok::Num(n)) => {
                s.push(char::from_u32(*n as u32).unwrap_or('\u{fffd}'));
                i += 1;
            }
            Some(Tok::Punct(',')) => i += 1,
            Some(Tok::Punct(c)) if *c == close => {
                i += 1;
                if close == ']' && is_punct(rest.get(i), ')') {
                    i += 1;
                }
                return (!s.is_empty()).then_some((s, i));
            }
            _ => return None,
        }
    }
}

fn match_reverse(rest: &[Tok]) -> Option<usize> {
    let pat_ok = is_punct(rest.first(), '.')
        && is_ident(rest.get(1), "split")
        && is_punct(rest.get(2), '(')
        && matches!(rest.get(3), Some(Tok::Str(s)) if s.is_empty())
        && is_punct(rest.get(4), ')')
        && is_punct(rest.get(5), '.')
        && is_ident(rest.get(6), "reverse")
        && is_punct(rest.get(7), '(')
        && is_punct(rest.get(8), ')')
        && is_punct(rest.get(9), '.')
        && is_ident(rest.get(10), "join")
        && is_punct(rest.get(11), '(')
        && matches!(rest.get(12), Some(Tok::Str(s)) if s.is_empty())
        && is_punct(rest.get(13), ')');
    pat_ok.then_some(14)
}

fn array_join(toks: &[Tok]) -> Option<(String, usize)> {
    let mut parts = Vec::new();
    let mut i = 1;
    loop {
        match toks.get(i) {
            Some(Tok::Str(s)) => parts.push(s.clone()),
            Some(Tok::Punct(']')) if !parts.is_empty() => break,
            _ => return None,
        }
        i += 1;
        match toks.get(i) {
            Some(Tok::Punct(',')) => i += 1,
            Some(Tok::Punct(']')) => break,
            _ => return None,
        }
    }
    i += 1;
    if is_punct(toks.get(i), '.')
        && is_ident(toks.get(i + 1), "join")
        && is_punct(toks.get(i + 2), '(')
    {
        let (sep, used) = match toks.get(i + 3) {
            Some(Tok::Str(s)) if is_punct(toks.get(i + 4), ')') => (s.clone(), 5),
            Some(Tok::Punct(')')) => (",".to_string(), 4),
            _ => return None,
        };
        return Some((parts.join(&sep), i + used));
    }
    None
}

/// What a script does, statically.
#[derive(Debug, Clone, Default)]
pub struct JsAnalysis {
    /// Every constant string after folding (plus base64 payloads decoded on their own).
    pub strings: Vec<String>,
    /// Strings that were obfuscated in the source (decoded by folding or stand-alone base64).
    pub obfuscated: bool,
    /// Writes into the document (document.write, innerHTML, appendChild, ...).
    pub dom_sink: bool,
    /// Changes the location (location.href=, location.replace, meta refresh written).
    pub location_sink: bool,
    /// Constant targets assigned to the location.
    pub location_targets: Vec<String>,
    /// Reads document.referrer.
    pub reads_referrer: bool,
    /// Mentions search engines next to a referrer check.
    pub referrer_search_engine: bool,
    /// Reads navigator.userAgent.
    pub reads_user_agent: bool,
}

const DOM_SINKS: &[&str] = &[
    "write",
    "writeln",
    "innerHTML",
    "outerHTML",
    "insertAdjacentHTML",
    "appendChild",
    "insertBefore",
    "append",
    "prepend",
    "after",
    "before",
    "replaceWith",
    "html",
];

/// Analyses one script.
pub fn analyze(src: &str) -> JsAnalysis {
    let mut toks = tokenize(src);
    let mut budget = MAX_DECODED;
    let mut rounds = 0;
    // Hex or unicode escapes in literals are a common way to hide URLs.
    let mut obfuscated = src.contains("\\x") || src.contains("\\u00");
    while rounds < 12 && budget > 0 && toks.len() < 2_000_000 {
        let folded = fold_round(&mut toks, &mut budget, &mut obfuscated);
        let substituted = string_bytes(&toks) < MAX_DECODED && substitute_constants(&mut toks);
        if !(folded || substituted) {
            break;
        }
        rounds += 1;
    }
    let mut a = JsAnalysis::default();
    for (k, t) in toks.iter().enumerate() {
        match t {
            Tok::Str(s) => {
                a.strings.push(s.clone());
                // A stand-alone base64 payload (decoded later through a variable).
                if s.len() >= 24
                    && !s.contains(' ')
                    && let Some(d) = decode_base64_text(s)
                    && (d.contains('<') || d.contains("://"))
                {
                    obfuscated = true;
                    a.strings.push(d);
                }
            }
            Tok::Ident(w) => {
                let prev_dot = k > 0 && is_punct(toks.get(k - 1), '.');
                if prev_dot && DOM_SINKS.contains(&w.as_str()) {
                    a.dom_sink = true;
                }
                if w == "createElement" {
                    a.dom_sink = true;
                }
                if w == "referrer" && prev_dot {
                    a.reads_referrer = true;
                }
                if w == "userAgent" && prev_dot {
                    a.reads_user_agent = true;
                }
                if w == "location" {
                    // location = X, location.href = X, location.replace(X), location.assign(X)
                    let mut j = k + 1;
                    if is_punct(toks.get(j), '.')
                        && let Some(Tok::Ident(m)) = toks.get(j + 1)
                    {
                        match m.as_str() {
                            "href" => j += 2,
                            "replace" | "assign" => {
                                j += 2;
                                if is_punct(toks.get(j), '(') {
                                    a.location_sink = true;
                                    if let Some(Tok::Str(s)) = toks.get(j + 1) {
                                        a.location_targets.push(s.clone());
                                    }
                                }
                                continue;
                            }
                            _ => continue,
                        }
                    }
                    if is_punct(toks.get(j), '=') && !is_punct(toks.get(j + 1), '=') {
                        a.location_sink = true;
                        if let Some(Tok::Str(s)) = toks.get(j + 1) {
                            a.location_targets.push(s.clone());
                        } else if let Some(Tok::Ident(var)) = toks.get(j + 1)
                            && let Some(v) = resolve_var(&toks, var)
                        {
                            a.location_targets.push(v);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for s in &a.strings {
        let l = s.to_ascii_lowercase();
        if l.contains("http-equiv") && l.contains("refresh") {
            a.location_sink = true;
            if let Some(t) = crate::page::refresh_target(
                l.split("content=")
                    .nth(1)
                    .unwrap_or("")
                    .trim_matches(['"', '\'', '>', ' ']),
            ) {
                a.location_targets.push(t);
            }
        }
    }
    if a.reads_referrer {
        a.referrer_search_engine = a.strings.iter().any(|s| {
            let l = s.to_ascii_lowercase();
            [
                "google",
                "bing",
                "yahoo",
                "coccoc",
                "baidu",
                "yandex",
                "duckduckgo",
            ]
            .iter()
            .any(|e| l.contains(e))
        });
    }
    a.obfuscated = obfuscated;
    a
}

fn resolve_var(toks: &[Tok], var: &str) -> Option<String> {
    let writes = toks
        .windows(3)
        .filter(|w| match w {
            [Tok::Ident(n), Tok::Punct('='), next] => n == var && *next != Tok::Punct('='),
            [Tok::Ident(n), Tok::Punct(op), Tok::Punct('=')] => n == var && "+-*/|&".contains(*op),
            _ => false,
        })
        .count();
    if writes != 1 {
        return None;
    }
    toks.windows(3).find_map(|w| match w {
        [Tok::Ident(n), Tok::Punct('='), Tok::Str(s)] if n == var => Some(s.clone()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_atob_with_utf8_fix() {
        let b64 = base64::engine::general_purpose::STANDARD
            .encode("<a href=\"https://spin.test/\">xổ số</a>");
        let src = format!(
            "var s=document.createElement('span');s.innerHTML=decodeURIComponent(escape(atob('{b64}')));document.body.appendChild(s);"
        );
        let a = analyze(&src);
        assert!(a.dom_sink);
        assert!(a.obfuscated);
        assert!(
            a.strings
                .iter()
                .any(|s| s.contains("https://spin.test/") && s.contains("xổ số"))
        );
    }

    #[test]
    fn folds_char_codes_escapes_and_concatenation() {
        let a =
            analyze(r#"document.write(String.fromCharCode(60,97,62) + "\x68\u0074tp" + '://x');"#);
        assert!(
            a.strings.iter().any(|s| s == "<a>http://x"),
            "{:?}",
            a.strings
        );
        let a = analyze("document.write(unescape('%3Ca%20href%3D%22https%3A//c.test/%22%3E'))");
        assert!(a.strings.iter().any(|s| s.contains("https://c.test/")));
        let a = analyze("var u='tset.x//:sptth'.split('').reverse().join('');window.location=u;");
        assert!(a.location_sink);
        assert_eq!(a.location_targets, vec!["https://x.test".to_string()]);
        let a = analyze("eval(\"document.write('<a href=\\\"https://e.test/\\\">e</a>')\")");
        assert!(a.dom_sink);
        assert!(a.strings.iter().any(|s| s.contains("https://e.test/")));
        let a = analyze("document.write(['<a href=\"https://j', '.test/\">'].join(''))");
        assert!(a.strings.iter().any(|s| s.contains("https://j.test/")));
    }

    #[test]
    fn constant_variables_are_substituted() {
        let a = analyze(
            "var p='https://', d='casino' + '.test'; var t = p + d + '/x'; if (document.referrer) window.location.href = t;",
        );
        assert_eq!(
            a.location_targets,
            vec!["https://casino.test/x".to_string()]
        );
        let b = analyze("var s = ''; for (var i = 0; i < 3; i++) { s += 'a'; } location.href = s;");
        assert!(b.location_targets.is_empty(), "{:?}", b.location_targets);
        let bomb = "var a='xxxxxxxxxxxxxxxx';var b=a+a;var c=b+b;var d=c+c;var e=d+d;var f=e+e;var g=f+f;var h=g+g;";
        let _ = analyze(&bomb.repeat(50));
    }

    #[test]
    fn referrer_redirect() {
        let a = analyze(
            "if(/google|bing|coccoc/i.test(document.referrer)){location.replace('https://r.test/');}",
        );
        assert!(a.reads_referrer);
        assert!(a.location_sink);
        assert_eq!(a.location_targets, vec!["https://r.test/".to_string()]);
        let b = analyze(
            "var r=document.referrer; if(r.indexOf('google')>=0) top.location.href='https://r.test/'",
        );
        assert!(b.referrer_search_engine);
        assert_eq!(b.location_targets, vec!["https://r.test/".to_string()]);
    }

    #[test]
    fn benign_script_has_no_targets() {
        let a = analyze(
            "document.addEventListener('DOMContentLoaded',function(){var y=document.querySelector('.ft');if(y){y.title='© '+new Date().getFullYear();}});",
        );
        assert!(!a.location_sink);
        assert!(!a.obfuscated);
        assert!(!a.reads_referrer);
        assert!(!analyze("location.href = 'https://' + 'example.org/';").obfuscated);
    }

    #[test]
    fn hostile_input_terminates() {
        for s in [
            "'unterminated",
            "/* open",
            "a = /re[/",
            "\\u{zzzz",
            "fromCharCode(",
            "[,].join(",
            "eval(eval(eval(",
        ] {
            let _ = analyze(s);
        }
        let nested = "eval(".repeat(1000);
        let _ = analyze(&nested);
    }
}
