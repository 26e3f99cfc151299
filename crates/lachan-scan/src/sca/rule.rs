//! Rule strings: `[not ]TYPE:TARGET[ -> ...]` with TYPE one of `f` (file),
//! `d` (directory), `p` (process), `c` (command) or `r` (Windows registry).

use super::pattern::{Pattern, compile_regex};
use regex::bytes::Regex;

/// Which files of a directory a `d:` rule looks at.
#[derive(Debug, Clone)]
pub enum FileSelector {
    /// Exact file name.
    Name(String),
    /// `r:` regex on the file name.
    Regex(Regex),
    /// A file-name regex that does not compile (the rule is not applicable).
    Invalid(String),
}

impl FileSelector {
    /// Whether a file name is selected.
    pub fn selects(&self, name: &str) -> bool {
        match self {
            Self::Name(n) => n == name,
            Self::Regex(re) => re.is_match(name.as_bytes()),
            Self::Invalid(_) => false,
        }
    }
}

/// What a rule looks at.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// `f:PATH[,PATH...][ -> PATTERN]`
    File {
        paths: Vec<String>,
        content: Option<Pattern>,
    },
    /// `d:DIR[,DIR...][ -> FILE[ -> PATTERN]]`
    Dir {
        paths: Vec<String>,
        file: Option<FileSelector>,
        content: Option<Pattern>,
    },
    /// `p:NAME`
    Process { name: String },
    /// `c:COMMAND[ -> PATTERN]`
    Command {
        command: String,
        content: Option<Pattern>,
    },
    /// `r:KEY[ -> VALUE[ -> PATTERN]]`
    Registry {
        key: String,
        value: Option<String>,
        content: Option<Pattern>,
    },
}

/// A parsed rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `not ` prefix: the rule's result is inverted (an unevaluable rule stays so).
    pub negated: bool,
    pub kind: RuleKind,
    /// The rule as written (after variable substitution), for evidence.
    pub text: String,
}

const ARROW: &str = " -> ";

fn split_paths(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

impl Rule {
    /// Problems that make the rule unevaluable (invalid regexes), for warnings.
    pub fn problems(&self) -> Vec<String> {
        let pat = |p: &Option<Pattern>| p.as_ref().map(Pattern::problems).unwrap_or_default();
        match &self.kind {
            RuleKind::File { content, .. }
            | RuleKind::Command { content, .. }
            | RuleKind::Registry { content, .. } => pat(content),
            RuleKind::Dir { file, content, .. } => {
                let mut v = match file {
                    Some(FileSelector::Invalid(e)) => vec![e.clone()],
                    _ => Vec::new(),
                };
                v.extend(pat(content));
                v
            }
            RuleKind::Process { .. } => Vec::new(),
        }
    }

    /// Parses one rule string.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let (negated, body) = match trimmed.strip_prefix("not ") {
            Some(rest) => (true, rest.trim_start()),
            None => (false, trimmed),
        };
        let Some(colon) = body.find(':') else {
            return Err("missing rule type (expected f:, d:, p:, c: or r:)".to_string());
        };
        let key = body[..colon].trim_start_matches('!');
        let value = body[colon + 1..].trim();
        let (target, rest) = match value.find(ARROW) {
            Some(pos) => (value[..pos].trim(), Some(&value[pos + ARROW.len()..])),
            None => (value.trim_end_matches(" ->").trim(), None),
        };
        if target.is_empty() {
            return Err(format!("rule type '{key}:' has no target"));
        }
        let content = |s: Option<&str>| s.map(Pattern::parse).transpose();
        let kind = match key {
            "f" => RuleKind::File {
                paths: split_paths(target),
                content: content(rest)?,
            },
            "d" => {
                let (file, content) = match rest {
                    None => (None, None),
                    Some(r) => {
                        let (sel, pat) = match r.find(ARROW) {
                            Some(pos) => (r[..pos].trim(), Some(&r[pos + ARROW.len()..])),
                            None => (r.trim(), None),
                        };
                        let sel = match sel.strip_prefix("r:") {
                            Some(re) => compile_regex(re)
                                .map_or_else(FileSelector::Invalid, FileSelector::Regex),
                            None => FileSelector::Name(sel.to_string()),
                        };
                        (Some(sel), content(pat)?)
                    }
                };
                RuleKind::Dir {
                    paths: split_paths(target),
                    file,
                    content,
                }
            }
            "p" => {
                if rest.is_some() {
                    return Err("process rules take no '->' pattern".to_string());
                }
                RuleKind::Process {
                    name: target.to_string(),
                }
            }
            "c" => RuleKind::Command {
                command: target.to_string(),
                content: content(rest)?,
            },
            "r" => {
                let (value, pat) = match rest {
                    None => (None, None),
                    Some(r) => match r.find(ARROW) {
                        Some(pos) => (
                            Some(r[..pos].trim().to_string()),
                            content(Some(&r[pos + 4..]))?,
                        ),
                        None => (Some(r.trim().to_string()), None),
                    },
                };
                RuleKind::Registry {
                    key: target.to_string(),
                    value,
                    content: pat,
                }
            }
            other => {
                return Err(format!(
                    "unknown rule type '{other}:' (expected f:, d:, p:, c: or r:)"
                ));
            }
        };
        Ok(Self {
            negated,
            kind,
            text: trimmed.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_type() {
        let r = Rule::parse("f:/etc/passwd").unwrap();
        assert!(
            matches!(r.kind, RuleKind::File { ref paths, content: None } if paths == &["/etc/passwd"])
        );
        let r = Rule::parse("not f:/a, /b -> r:x").unwrap();
        assert!(r.negated);
        assert!(
            matches!(r.kind, RuleKind::File { ref paths, content: Some(_) } if paths.len() == 2)
        );
        let r = Rule::parse(r"d:/etc/audit/rules.d -> r:.+\.rules$ -> r:^-w").unwrap();
        assert!(matches!(
            r.kind,
            RuleKind::Dir {
                file: Some(FileSelector::Regex(_)),
                content: Some(_),
                ..
            }
        ));
        let r = Rule::parse("d:/etc/cron.d -> anacron").unwrap();
        assert!(matches!(
            r.kind,
            RuleKind::Dir {
                file: Some(FileSelector::Name(_)),
                content: None,
                ..
            }
        ));
        let r = Rule::parse("c: systemctl is-enabled tmp.mount -> r:^enabled").unwrap();
        assert!(
            matches!(r.kind, RuleKind::Command { ref command, .. } if command == "systemctl is-enabled tmp.mount")
        );
        let r = Rule::parse(r"r:HKEY_LOCAL_MACHINE\SOFTWARE\X -> Val -> 1").unwrap();
        assert!(matches!(
            r.kind,
            RuleKind::Registry {
                value: Some(_),
                content: Some(_),
                ..
            }
        ));
        assert!(matches!(
            Rule::parse("p:sshd").unwrap().kind,
            RuleKind::Process { .. }
        ));
    }

    #[test]
    fn errors_say_why() {
        assert!(
            Rule::parse("x:/etc")
                .unwrap_err()
                .contains("unknown rule type 'x:'")
        );
        assert!(
            Rule::parse("/etc/passwd")
                .unwrap_err()
                .contains("missing rule type")
        );
        assert!(Rule::parse("f:").unwrap_err().contains("no target"));
        assert!(Rule::parse("f:/x -> r:(").unwrap().problems()[0].contains("invalid regex"));
        assert!(
            Rule::parse("f:/x -> n:a(\\d) compare >> 2")
                .unwrap_err()
                .contains("unknown operator")
        );
        assert!(Rule::parse("p:sshd -> r:x").is_err());
    }
}
