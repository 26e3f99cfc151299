//! Content patterns: the part of a rule after `->` (`r:` regex, `n:` numeric
//! comparison, literal line, `!` negation, `&&` conjunction).
//!
//! Semantics follow Wazuh SCA 5: content is tested line by line; a pattern made of
//! one negated minterm holds when *no* line matches it; otherwise the pattern holds
//! when *some* line satisfies every minterm. Regexes are PCRE-flavoured,
//! case-insensitive and multi-line; the few PCRE-only escapes used by published
//! policies are translated to the `regex` crate's syntax.

use regex::bytes::{Regex, RegexBuilder};

/// Comparison operator of an `n:` numeric test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl CmpOp {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "<" => Self::Lt,
            "<=" => Self::Le,
            "==" | "=" => Self::Eq,
            "!=" => Self::Ne,
            ">=" => Self::Ge,
            ">" => Self::Gt,
            _ => return None,
        })
    }

    /// Applies the operator as `actual OP expected`.
    pub fn apply(self, actual: i64, expected: i64) -> bool {
        match self {
            Self::Lt => actual < expected,
            Self::Le => actual <= expected,
            Self::Eq => actual == expected,
            Self::Ne => actual != expected,
            Self::Ge => actual >= expected,
            Self::Gt => actual > expected,
        }
    }
}

/// One test inside a content pattern.
#[derive(Debug, Clone)]
pub enum Test {
    /// The whole line equals this text.
    Literal(String),
    /// `r:` regex found anywhere in the line.
    Regex(Regex),
    /// `n:REGEX compare OP VALUE`: first capture group (or whole match) as an integer.
    Numeric { regex: Regex, op: CmpOp, value: i64 },
    /// A regex that does not compile. Wazuh loads such policies and reports the
    /// rule as not applicable at run time; so does this engine.
    Invalid(String),
}

impl Test {
    /// Tests one line.
    pub fn matches(&self, line: &str) -> bool {
        match self {
            Self::Literal(s) => line == s,
            Self::Regex(re) => re.is_match(line.as_bytes()),
            Self::Numeric { regex, op, value } => {
                let Some(caps) = regex.captures(line.as_bytes()) else {
                    return false;
                };
                let bytes = caps
                    .get(1)
                    .or_else(|| caps.get(0))
                    .map_or(&b""[..], |m| m.as_bytes());
                match leading_int(&String::from_utf8_lossy(bytes)) {
                    Some(actual) => op.apply(actual, *value),
                    None => false,
                }
            }
            Self::Invalid(_) => false,
        }
    }
}

/// Parses the leading integer of `s` (after spaces), like C's `strtol`.
fn leading_int(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse::<i64>().ok().map(|v| v * sign)
}

/// A minterm: a test, possibly negated with `!`.
#[derive(Debug, Clone)]
pub struct Minterm {
    pub negated: bool,
    pub test: Test,
}

/// A content pattern: minterms joined by ` && `.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub minterms: Vec<Minterm>,
    /// The pattern as written, for evidence.
    pub text: String,
}

/// The line that decided a match, for evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternMatch {
    pub matched: bool,
    /// The first line that satisfied the pattern (or, for a single negated
    /// minterm, the first line that violated it).
    pub line: Option<String>,
}

impl Pattern {
    /// Parses a pattern such as `r:^\s*PermitRootLogin\s+no && !r:#`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty content pattern after '->'".to_string());
        }
        let mut minterms = Vec::new();
        for part in text.split(" && ") {
            let part = part.trim();
            let (negated, body) = match part.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, part),
            };
            let test = if let Some(re) = body.strip_prefix("r:") {
                compile_regex(re).map_or_else(Test::Invalid, Test::Regex)
            } else if let Some(num) = body.strip_prefix("n:") {
                parse_numeric(num)?
            } else {
                Test::Literal(body.to_string())
            };
            minterms.push(Minterm { negated, test });
        }
        Ok(Self {
            minterms,
            text: text.to_string(),
        })
    }

    /// Problems that make the pattern unevaluable (invalid regexes).
    pub fn problems(&self) -> Vec<String> {
        self.minterms
            .iter()
            .filter_map(|m| match &m.test {
                Test::Invalid(e) => Some(e.clone()),
                _ => None,
            })
            .collect()
    }

    /// Whether the first minterm is a regex or numeric test (Wazuh reads such
    /// content whole; a literal pattern is compared line by line either way).
    pub fn is_regex_or_numeric(&self) -> bool {
        self.minterms
            .first()
            .is_some_and(|m| matches!(m.test, Test::Regex(_) | Test::Numeric { .. }))
    }

    /// Evaluates the pattern against multi-line content.
    pub fn eval(&self, content: &str) -> PatternMatch {
        if content.is_empty() {
            return PatternMatch {
                matched: false,
                line: None,
            };
        }
        if let [only] = self.minterms.as_slice()
            && only.negated
        {
            for line in content.lines() {
                if only.test.matches(line) {
                    return PatternMatch {
                        matched: false,
                        line: Some(line.to_string()),
                    };
                }
            }
            return PatternMatch {
                matched: true,
                line: None,
            };
        }
        for line in content.lines() {
            if self
                .minterms
                .iter()
                .all(|m| m.test.matches(line) != m.negated)
            {
                return PatternMatch {
                    matched: true,
                    line: Some(line.to_string()),
                };
            }
        }
        PatternMatch {
            matched: false,
            line: None,
        }
    }
}

fn parse_numeric(expr: &str) -> Result<Test, String> {
    let Some(pos) = expr.rfind(" compare ") else {
        return Err(format!("numeric test 'n:{expr}' lacks ' compare OP VALUE'"));
    };
    let regex = match compile_regex(&expr[..pos]) {
        Ok(r) => r,
        Err(e) => return Ok(Test::Invalid(e)),
    };
    let mut rest = expr[pos + " compare ".len()..].split_whitespace();
    let (Some(op), Some(value)) = (rest.next(), rest.next()) else {
        return Err(format!(
            "numeric test 'n:{expr}': expected 'compare OP VALUE'"
        ));
    };
    let op = CmpOp::parse(op).ok_or_else(|| {
        format!("numeric test 'n:{expr}': unknown operator '{op}' (use <, <=, ==, !=, >=, >)")
    })?;
    let value = value
        .parse::<i64>()
        .map_err(|_| format!("numeric test 'n:{expr}': '{value}' is not an integer"))?;
    Ok(Test::Numeric { regex, op, value })
}

/// Compiles a PCRE-flavoured regex case-insensitively and multi-line. Like
/// PCRE2 without its UTF flag (as Wazuh runs it), classes such as `\w`, `\s`
/// and `\d` are ASCII and case folding is ASCII; this also keeps compilation
/// of large policies fast.
pub fn compile_regex(pcre: &str) -> Result<Regex, String> {
    let translated = translate_pcre(pcre);
    RegexBuilder::new(&translated)
        .unicode(false)
        .case_insensitive(true)
        .multi_line(true)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| format!("invalid regex '{pcre}': {}", first_line(&e.to_string())))
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// Rewrites PCRE-only syntax into the `regex` crate's dialect:
/// `\h`/`\H` (horizontal space), `\<`/`\>` (literal angle brackets in PCRE, word
/// boundaries in `regex`), `\Z`, `{` that does not start a quantifier, and
/// possessive quantifiers (`*+`, `++`, `?+`), which become greedy ones.
pub fn translate_pcre(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 8);
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                let n = chars[i + 1];
                match (n, in_class) {
                    ('h', false) => out.push_str(r"[\t ]"),
                    ('h', true) => out.push_str(r"\t "),
                    ('H', false) => out.push_str(r"[^\t ]"),
                    ('<', _) | ('>', _) => out.push(n),
                    ('Z', false) => out.push_str(r"\z"),
                    ('p' | 'P', _) if !matches!(chars.get(i + 2), Some(c) if *c == '{' || c.is_ascii_alphabetic()) => {
                        out.push(n)
                    }
                    ('x', _) if !matches!(chars.get(i + 2), Some(c) if *c == '{' || c.is_ascii_hexdigit()) => {
                        out.push(n)
                    }
                    (l, _) if l.is_ascii_alphabetic() && !"dDsSwWbBAznrtfavxpP".contains(l) => {
                        // PCRE rejects most unknown letter escapes; policies use them
                        // for Windows paths (`\inetpub`), meaning the letter itself.
                        out.push(n)
                    }
                    _ => {
                        out.push(c);
                        out.push(n);
                        // `\p{..}`, `\x{..}`: copy the braced argument as is.
                        if matches!(n, 'p' | 'P' | 'x') && chars.get(i + 2) == Some(&'{') {
                            i += 2;
                            while i < chars.len() {
                                out.push(chars[i]);
                                if chars[i] == '}' {
                                    break;
                                }
                                i += 1;
                            }
                            i += 1;
                            continue;
                        }
                    }
                }
                i += 2;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A ']' right after '[' or '[^' is a literal member.
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i + 1) == Some(&']') {
                    out.push_str(r"\]");
                    i += 1;
                }
            }
            '[' if in_class => {
                // POSIX classes like [:space:] stay as they are; a bare '[' is literal.
                if chars.get(i + 1) == Some(&':') {
                    out.push('[');
                } else {
                    out.push_str(r"\[");
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '{' if !in_class && !starts_quantifier(&chars[i + 1..]) => out.push_str(r"\{"),
            '}' if !in_class => {
                // Closing brace of a quantifier is copied by the quantifier branch below.
                out.push_str(r"\}");
            }
            '{' if !in_class => {
                // Copy the whole quantifier `{m,n}`.
                while i < chars.len() {
                    out.push(chars[i]);
                    if chars[i] == '}' {
                        break;
                    }
                    i += 1;
                }
                skip_possessive(&chars, &mut i);
            }
            '*' | '+' | '?' if !in_class => {
                out.push(c);
                skip_possessive(&chars, &mut i);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// After a quantifier at `chars[*i]`, drops a possessive `+`.
fn skip_possessive(chars: &[char], i: &mut usize) {
    if chars.get(*i + 1) == Some(&'+') {
        *i += 1;
    }
}

fn starts_quantifier(rest: &[char]) -> bool {
    let mut j = 0;
    let mut digits = 0;
    while j < rest.len() && rest[j].is_ascii_digit() {
        j += 1;
        digits += 1;
    }
    if digits == 0 {
        return false;
    }
    if rest.get(j) == Some(&',') {
        j += 1;
        while j < rest.len() && rest[j].is_ascii_digit() {
            j += 1;
        }
    }
    rest.get(j) == Some(&'}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, content: &str) -> bool {
        Pattern::parse(p).unwrap().eval(content).matched
    }

    #[test]
    fn regex_is_case_insensitive_and_per_line() {
        assert!(m(r"r:^permitrootlogin\s+no", "# x\nPermitRootLogin no\n"));
        assert!(!m(r"r:^PermitRootLogin\s+no", "# PermitRootLogin no\n"));
    }

    #[test]
    fn conjunction_needs_one_line_satisfying_all() {
        let c = "tmpfs /tmp tmpfs rw,nodev\n/dev/sda1 / ext4 rw,noexec";
        assert!(m(r"r:\s/tmp\s && r:nodev", c));
        assert!(!m(r"r:\s/tmp\s && r:noexec", c));
        assert!(m(r"r:\s/tmp\s && !r:noexec", c));
    }

    #[test]
    fn single_negation_means_no_line_matches() {
        assert!(m("!r:^foo", "bar\nbaz"));
        assert!(!m("!r:^foo", "bar\nfoo"));
        // Empty content never matches (as in Wazuh).
        assert!(!m("!r:^foo", ""));
    }

    #[test]
    fn numeric_comparisons() {
        let c = "PASS_MAX_DAYS\t99999\nMaxAuthTries 4";
        assert!(m(r"n:^PASS_MAX_DAYS\s*\t*(\d+) compare > 365", c));
        assert!(!m(r"n:^PASS_MAX_DAYS\s*\t*(\d+) compare <= 365", c));
        assert!(m(r"n:^MaxAuthTries\s+(\d+) compare <= 4", c));
        assert!(m(r"n:^MaxAuthTries\s+(\d+) compare == 4", c));
        assert!(m(r"n:^MaxAuthTries\s+(\d+) compare != 5", c));
        assert!(m(r"n:^MaxAuthTries\s+(\d+) compare >= 4", c));
        assert!(!m(r"n:^MaxAuthTries\s+(\d+) compare < 4", c));
        assert!(!m(r"n:^Missing\s+(\d+) compare < 4", c));
    }

    #[test]
    fn literal_is_whole_line() {
        assert!(m("enabled", "disabled\nenabled"));
        assert!(!m("enabled", "is enabled"));
    }

    #[test]
    fn bad_patterns_are_errors() {
        let p = Pattern::parse("r:(unclosed && r:ok").unwrap();
        assert_eq!(p.problems().len(), 1);
        assert!(p.problems()[0].contains("invalid regex '(unclosed'"));
        assert!(Pattern::parse(r"n:^x(\d+)").is_err());
        assert!(Pattern::parse(r"n:^x(\d+) compare ~ 3").is_err());
        assert!(Pattern::parse(r"n:^x(\d+) compare < abc").is_err());
        assert!(Pattern::parse("  ").is_err());
    }

    #[test]
    fn pcre_translation() {
        assert!(m(r"r:^\h*umask\h+027", "  umask 027"));
        assert!(m(r"r:\<foo\>", "<foo>"));
        assert!(m(r"r:^\s*{", "  {"));
        assert!(m(r"r:^a{2}$", "aa"));
        assert!(m(r"r:^a++b", "aaab"));
        assert!(m(r"r:[]a]", "]"));
        assert!(m(r"r:end\Z", "the end"));
        assert!(m(r"r:C:\inetpub", "C:inetpub"));
        assert!(m(r"r:a\p\w", "apw"));
        assert!(m(r"r:\x41", "A"));
        // ASCII classes, as PCRE2 without UTF: a Vietnamese letter is not \w.
        assert!(!m(r"r:^\w+$", "đ"));
        assert!(m(r"r:^Đạt$", "Đạt"));
    }
}
