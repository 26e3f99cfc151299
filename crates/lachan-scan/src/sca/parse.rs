//! YAML policy files (Wazuh SCA 4 and 5 layouts) into validated [`Policy`] values.
//!
//! Unknown keys are ignored so that published policies load unchanged. Errors name
//! the file, the check id (or section) and the reason.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::model::{Check, Condition, Policy, Requirements, Severity, Text};
use super::rule::Rule;

/// Why a policy could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{file}: cannot read policy")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: invalid YAML: {message}")]
    Yaml { file: String, message: String },
    #[error("{file}: {section}: {reason}")]
    Section {
        file: String,
        section: String,
        reason: String,
    },
    #[error("{file}: check {check_id}: {reason}")]
    Check {
        file: String,
        check_id: String,
        reason: String,
    },
}

#[derive(Deserialize)]
struct RawFile {
    policy: Option<RawPolicy>,
    requirements: Option<RawRequirements>,
    variables: Option<BTreeMap<String, Value>>,
    checks: Option<Vec<RawCheck>>,
}

#[derive(Deserialize)]
struct RawPolicy {
    id: Option<Value>,
    name: Option<String>,
    name_vi: Option<String>,
    description: Option<String>,
    description_vi: Option<String>,
}

#[derive(Deserialize)]
struct RawRequirements {
    title: Option<String>,
    name: Option<String>,
    condition: Option<String>,
    rules: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct RawCheck {
    id: Option<Value>,
    title: Option<String>,
    name: Option<String>,
    title_vi: Option<String>,
    name_vi: Option<String>,
    description: Option<String>,
    description_vi: Option<String>,
    rationale: Option<String>,
    rationale_vi: Option<String>,
    remediation: Option<String>,
    remediation_vi: Option<String>,
    severity: Option<String>,
    min_level: Option<Value>,
    condition: Option<String>,
    rules: Option<Vec<Value>>,
    compliance: Option<Value>,
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads and parses a policy file.
pub fn load_policy_file(path: &Path) -> Result<Policy, PolicyError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
        file: file.clone(),
        source,
    })?;
    parse_policy(&text, &file)
}

/// Loads one file, or every `*.yml`/`*.yaml` file under a directory (sorted by path).
pub fn load_policies(path: &Path) -> Result<Vec<Policy>, PolicyError> {
    if !path.is_dir() {
        return Ok(vec![load_policy_file(path)?]);
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in walkdir::WalkDir::new(path).follow_links(true) {
        let entry = entry.map_err(|e| PolicyError::Io {
            file: path.display().to_string(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let p = entry.path();
        if entry.file_type().is_file() && p.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            files.push(p.to_path_buf());
        }
    }
    files.sort();
    files.iter().map(|f| load_policy_file(f)).collect()
}

/// Parses policy YAML text; `source` names the file in errors.
pub fn parse_policy(text: &str, source: &str) -> Result<Policy, PolicyError> {
    let file = source.to_string();
    let raw: RawFile = serde_saphyr::from_str(text).map_err(|e| PolicyError::Yaml {
        file: file.clone(),
        message: e.to_string(),
    })?;
    let section = |section: &str, reason: String| PolicyError::Section {
        file: file.clone(),
        section: section.to_string(),
        reason,
    };
    let meta = raw
        .policy
        .ok_or_else(|| section("policy", "missing 'policy' section".into()))?;
    let id = meta
        .id
        .as_ref()
        .and_then(scalar)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| section("policy", "missing 'policy.id'".into()))?;
    let name = Text {
        en: meta.name,
        vi: meta.name_vi,
    };
    if name.en.is_none() && name.vi.is_none() {
        return Err(section("policy", "missing 'policy.name'".into()));
    }

    let mut variables: Vec<(String, String)> = Vec::new();
    for (k, v) in raw.variables.unwrap_or_default() {
        let value = match &v {
            // An empty variable is left unsubstituted, as Wazuh does.
            Value::Null => continue,
            Value::Array(items) => items
                .iter()
                .filter_map(scalar)
                .collect::<Vec<_>>()
                .join(","),
            other => scalar(other).ok_or_else(|| {
                section(
                    "variables",
                    format!("variable '{k}' must be a string or a list"),
                )
            })?,
        };
        if !k.starts_with('$') {
            return Err(section(
                "variables",
                format!("variable '{k}' must start with '$'"),
            ));
        }
        variables.push((k, value));
    }
    // Longest names first so that `$a_b` is not replaced as `$a` + `_b`.
    variables.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));

    let mut warnings = Vec::new();
    let mut parse_rules = |rules: Option<Vec<Value>>, what: &str| -> Result<Vec<Rule>, String> {
        let rules = rules.ok_or("missing 'rules'")?;
        if rules.is_empty() {
            return Err("'rules' is empty".into());
        }
        rules
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let s = scalar(v).ok_or_else(|| format!("rule #{} is not a string", i + 1))?;
                let s = substitute(&s, &variables);
                let rule = Rule::parse(&s)
                    .map_err(|e| format!("rule #{} '{}': {e}", i + 1, s.trim()))?;
                for problem in rule.problems() {
                    warnings.push(format!(
                        "{file}: {what}: rule #{} '{}': {problem} (rule reported as not applicable)",
                        i + 1,
                        s.trim()
                    ));
                }
                Ok(rule)
            })
            .collect()
    };

    let requirements = match raw.requirements {
        None => None,
        Some(r) => {
            let condition =
                parse_condition(r.condition.as_deref()).map_err(|e| section("requirements", e))?;
            let rules =
                parse_rules(r.rules, "requirements").map_err(|e| section("requirements", e))?;
            Some(Requirements {
                title: r.title.or(r.name).unwrap_or_else(|| "requirements".into()),
                condition,
                rules,
            })
        }
    };

    let raw_checks = raw
        .checks
        .ok_or_else(|| section("checks", "missing 'checks' section".into()))?;
    let mut seen = HashSet::new();
    let mut checks = Vec::with_capacity(raw_checks.len());
    for (index, c) in raw_checks.into_iter().enumerate() {
        let check_id =
            c.id.as_ref()
                .and_then(scalar)
                .filter(|s| !s.trim().is_empty());
        let err = |reason: String| PolicyError::Check {
            file: file.clone(),
            check_id: check_id
                .clone()
                .unwrap_or_else(|| format!("#{} (no id)", index + 1)),
            reason,
        };
        let id = check_id.clone().ok_or_else(|| err("missing 'id'".into()))?;
        if !seen.insert(id.clone()) {
            return Err(err("duplicate check id".into()));
        }
        let title = Text {
            en: c.title.or(c.name),
            vi: c.title_vi.or(c.name_vi),
        };
        if title.en.is_none() && title.vi.is_none() {
            return Err(err("missing 'name' (or 'title')".into()));
        }
        let condition = parse_condition(c.condition.as_deref()).map_err(err)?;
        let severity = match c.severity.as_deref() {
            None => Severity::Medium,
            Some(s) => Severity::parse(s).ok_or_else(|| {
                err(format!(
                    "unknown severity '{s}' (use info, low, medium, high or critical)"
                ))
            })?,
        };
        let min_level = match &c.min_level {
            None => None,
            Some(v) => match v.as_u64() {
                Some(l @ 1..=5) => Some(l as u8),
                _ => return Err(err(format!("min_level must be 1 to 5, found {v}"))),
            },
        };
        let rules = parse_rules(c.rules, &format!("check {id}")).map_err(err)?;
        checks.push(Check {
            id,
            title,
            description: Text {
                en: c.description,
                vi: c.description_vi,
            },
            rationale: Text {
                en: c.rationale,
                vi: c.rationale_vi,
            },
            remediation: Text {
                en: c.remediation,
                vi: c.remediation_vi,
            },
            severity,
            min_level,
            condition,
            rules,
            compliance: c.compliance,
        });
    }
    Ok(Policy {
        id,
        name,
        description: Text {
            en: meta.description,
            vi: meta.description_vi,
        },
        source: file,
        requirements,
        checks,
        warnings,
    })
}

fn parse_condition(c: Option<&str>) -> Result<Condition, String> {
    let c = c.ok_or("missing 'condition' (all, any or none)")?;
    Condition::parse(c).ok_or_else(|| format!("unknown condition '{c}' (use all, any or none)"))
}

fn substitute(rule: &str, vars: &[(String, String)]) -> String {
    let mut out = rule.to_string();
    for (k, v) in vars {
        if out.contains(k.as_str()) {
            out = out.replace(k.as_str(), v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
policy:
  id: "t"
  name: "Test"
variables:
  $f: /etc/a,/etc/b
requirements:
  title: "req"
  condition: any
  rules:
    - 'f:/etc/passwd'
checks:
  - id: 1
    name: "one"
    condition: all
    rules:
      - 'f:$f -> r:^x'
"#;

    #[test]
    fn parses_and_substitutes_variables() {
        let p = parse_policy(OK, "t.yml").unwrap();
        assert_eq!(p.id, "t");
        assert_eq!(p.checks[0].id, "1");
        assert!(p.checks[0].rules[0].text.starts_with("f:/etc/a,/etc/b"));
        assert_eq!(p.requirements.unwrap().condition, Condition::Any);
    }

    #[test]
    fn errors_name_file_check_and_reason() {
        let bad = OK.replace("condition: all", "condition: most");
        let e = parse_policy(&bad, "bad.yml").unwrap_err().to_string();
        assert_eq!(
            e,
            "bad.yml: check 1: unknown condition 'most' (use all, any or none)"
        );
        let bad = OK.replace("'f:$f -> r:^x'", "'f:$f -> r:(x'");
        let p = parse_policy(&bad, "bad.yml").unwrap();
        assert!(
            p.warnings[0]
                .starts_with("bad.yml: check 1: rule #1 'f:/etc/a,/etc/b -> r:(x': invalid regex"),
            "{:?}",
            p.warnings
        );
        let bad = OK.replace("'f:$f -> r:^x'", "'q:/etc'");
        let e = parse_policy(&bad, "bad.yml").unwrap_err().to_string();
        assert_eq!(
            e,
            "bad.yml: check 1: rule #1 'q:/etc': unknown rule type 'q:' (expected f:, d:, p:, c: or r:)"
        );
        let bad = OK.replace("  - id: 1\n", "  - id: 1\n    severity: huge\n");
        let e = parse_policy(&bad, "bad.yml").unwrap_err().to_string();
        assert!(e.contains("check 1: unknown severity 'huge'"), "{e}");
        let e = parse_policy("policy: [", "y.yml").unwrap_err().to_string();
        assert!(e.starts_with("y.yml: invalid YAML"), "{e}");
        let e = parse_policy("checks: []", "n.yml").unwrap_err().to_string();
        assert_eq!(e, "n.yml: policy: missing 'policy' section");
        let dup =
            format!("{OK}  - id: 1\n    name: two\n    condition: any\n    rules: ['f:/x']\n");
        let e = parse_policy(&dup, "d.yml").unwrap_err().to_string();
        assert_eq!(e, "d.yml: check 1: duplicate check id");
    }
}
