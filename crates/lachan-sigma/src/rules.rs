//! Loading Sigma rule files: parse, compile, and report a status for every rule.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rsigma_eval::CompiledRule;
use rsigma_parser::{CorrelationRule, LogSource, SigmaRule};
use serde::Serialize;

use crate::SigmaError;

/// Severity of a rule, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// `informational`
    Informational,
    /// `low`
    Low,
    /// `medium`
    Medium,
    /// `high`
    High,
    /// `critical`
    Critical,
}

impl Level {
    /// The Sigma spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Informational => "informational",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    fn from_sigma(l: Option<rsigma_parser::Level>) -> Self {
        match l {
            Some(rsigma_parser::Level::Low) => Level::Low,
            Some(rsigma_parser::Level::Medium) => Level::Medium,
            Some(rsigma_parser::Level::High) => Level::High,
            Some(rsigma_parser::Level::Critical) => Level::Critical,
            Some(rsigma_parser::Level::Informational) | None => Level::Informational,
        }
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "informational" | "info" => Ok(Level::Informational),
            "low" => Ok(Level::Low),
            "medium" => Ok(Level::Medium),
            "high" => Ok(Level::High),
            "critical" => Ok(Level::Critical),
            other => Err(format!(
                "unknown level `{other}` (informational, low, medium, high, critical)"
            )),
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is known about a loaded rule, for reporting detections.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    /// Sigma `id` (empty string when the rule has none).
    pub id: String,
    /// Sigma `title`.
    pub title: String,
    /// Severity.
    pub level: Level,
    /// File the rule came from.
    pub path: PathBuf,
    /// Tags (ATT&CK etc.).
    pub tags: Vec<String>,
    /// `product/category/service` of the rule's log source.
    #[serde(skip)]
    pub logsource: LogSource,
}

/// Outcome of loading one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Parsed and compiled; `hunt` runs it.
    Ok,
    /// Valid Sigma that uses something this engine does not support.
    Unsupported,
    /// Not valid: YAML or Sigma errors.
    Error,
}

impl Status {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Unsupported => "unsupported",
            Status::Error => "error",
        }
    }
}

/// One line of `sigma check`.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    /// Rule id, or empty when the rule has none or could not be read.
    pub id: String,
    /// Rule title, when known.
    pub title: String,
    /// Source file.
    pub path: PathBuf,
    /// Status.
    pub status: Status,
    /// Why the status is not `ok` (empty for `ok`).
    pub reason: String,
}

/// A compiled detection rule.
#[derive(Debug, Clone)]
pub struct LoadedRule {
    /// Metadata.
    pub meta: RuleMeta,
    /// Compiled form.
    pub compiled: CompiledRule,
    /// Parsed form (kept for correlation wiring).
    pub parsed: SigmaRule,
}

/// All rules read from files, with a report for every rule seen.
#[derive(Debug, Default)]
pub struct RuleSet {
    /// Rules that compiled.
    pub rules: Vec<LoadedRule>,
    /// Correlation rules that compiled, with the file they came from.
    pub correlations: Vec<(PathBuf, CorrelationRule)>,
    /// One report per rule (ok or not), in file order.
    pub reports: Vec<RuleReport>,
}

impl RuleSet {
    /// Load every `.yml`/`.yaml` file under `dir` (recursively; a single file works too).
    /// Files are parsed in parallel; a broken file is reported, never fatal.
    pub fn load_dir(dir: &Path) -> Result<Self, SigmaError> {
        let files = rule_files(dir)?;
        let parts: Vec<RuleSet> = files
            .par_iter()
            .map(|p| match std::fs::read_to_string(p) {
                Ok(text) => Self::from_yaml(&text, p),
                Err(e) => RuleSet {
                    reports: vec![report_err(
                        p,
                        "",
                        "",
                        Status::Error,
                        format!("cannot read: {e}"),
                    )],
                    ..Default::default()
                },
            })
            .collect();
        let mut out = RuleSet::default();
        for p in parts {
            out.rules.extend(p.rules);
            out.correlations.extend(p.correlations);
            out.reports.extend(p.reports);
        }
        out.check_correlation_refs();
        Ok(out)
    }

    /// Add the rules of `other` (built-in rules beside a rules directory, say).
    pub fn extend(&mut self, other: RuleSet) {
        self.rules.extend(other.rules);
        self.correlations.extend(other.correlations);
        self.reports.extend(other.reports);
        self.check_correlation_refs();
    }

    /// Parse and compile the rules of one YAML text (which may hold several documents and
    /// `action: global` collections). `path` names the source in reports.
    pub fn from_yaml(text: &str, path: &Path) -> Self {
        let mut out = RuleSet::default();
        let collection = match rsigma_parser::parse_sigma_yaml(text) {
            Ok(c) => c,
            Err(e) => {
                out.reports
                    .push(report_err(path, "", "", Status::Error, e.to_string()));
                return out;
            }
        };
        for e in &collection.errors {
            out.reports
                .push(report_err(path, "", "", Status::Error, e.clone()));
        }
        for rule in collection.rules {
            let id = rule.id.clone().unwrap_or_default();
            match rsigma_eval::compile_rule(&rule) {
                Ok(compiled) => {
                    out.reports.push(report_err(
                        path,
                        &id,
                        &rule.title,
                        Status::Ok,
                        String::new(),
                    ));
                    out.rules.push(LoadedRule {
                        meta: RuleMeta {
                            id,
                            title: rule.title.clone(),
                            level: Level::from_sigma(rule.level),
                            path: path.to_owned(),
                            tags: rule.tags.clone(),
                            logsource: rule.logsource.clone(),
                        },
                        compiled,
                        parsed: rule,
                    });
                }
                Err(e) => {
                    let reason = e.to_string();
                    let status = classify(&reason);
                    out.reports
                        .push(report_err(path, &id, &rule.title, status, reason));
                }
            }
        }
        for corr in collection.correlations {
            let id = corr.id.clone().unwrap_or_default();
            match rsigma_eval::correlation::compile_correlation(&corr) {
                Ok(_) => {
                    out.reports.push(report_err(
                        path,
                        &id,
                        &corr.title,
                        Status::Ok,
                        String::new(),
                    ));
                    out.correlations.push((path.to_owned(), corr));
                }
                Err(e) => {
                    let reason = format!("correlation: {e}");
                    out.reports.push(report_err(
                        path,
                        &id,
                        &corr.title,
                        classify(&reason),
                        reason,
                    ));
                }
            }
        }
        for f in collection.filters {
            let id = f.id.clone().unwrap_or_default();
            out.reports.push(report_err(
                path,
                &id,
                &f.title,
                Status::Unsupported,
                "filter documents are not applied by this engine".into(),
            ));
        }
        out
    }

    /// Mark correlation rules whose referenced rules are not loaded.
    fn check_correlation_refs(&mut self) {
        let known: std::collections::HashSet<&str> = self
            .rules
            .iter()
            .flat_map(|r| [Some(r.meta.id.as_str()), r.parsed.name.as_deref()])
            .flatten()
            .chain(
                self.correlations
                    .iter()
                    .flat_map(|(_, c)| [c.id.as_deref(), c.name.as_deref()].into_iter().flatten()),
            )
            .collect();
        let mut bad = Vec::new();
        for (i, (_, c)) in self.correlations.iter().enumerate() {
            if let Some(missing) = c.rules.iter().find(|r| !known.contains(r.as_str())) {
                bad.push((i, missing.clone()));
            }
        }
        for (i, missing) in bad.iter().rev() {
            let (path, c) = self.correlations.remove(*i);
            let id = c.id.clone().unwrap_or_default();
            if let Some(r) = self
                .reports
                .iter_mut()
                .find(|r| r.path == path && r.id == id && r.title == c.title)
            {
                r.status = Status::Error;
                r.reason = format!("correlation refers to unknown rule `{missing}`");
            }
        }
    }

    /// Drop the detection rules that no correlation rule refers to. Call it once a
    /// [`crate::Detector`] has been built from this set: the detector keeps its own copy,
    /// and the correlator needs only the referenced rules. Reports are kept.
    pub fn release_detection_rules(&mut self) {
        let wanted: std::collections::HashSet<String> = self
            .correlations
            .iter()
            .flat_map(|(_, c)| c.rules.iter().cloned())
            .collect();
        self.rules.retain(|r| {
            wanted.contains(&r.meta.id)
                || r.parsed.name.as_ref().is_some_and(|n| wanted.contains(n))
        });
        self.rules.shrink_to_fit();
    }

    /// Number of reports per status: (ok, unsupported, error).
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |s| self.reports.iter().filter(|r| r.status == s).count();
        (n(Status::Ok), n(Status::Unsupported), n(Status::Error))
    }
}

fn classify(reason: &str) -> Status {
    let r = reason.to_ascii_lowercase();
    if r.contains("unsupported") || r.contains("not supported") || r.contains("unknown modifier") {
        Status::Unsupported
    } else {
        Status::Error
    }
}

fn report_err(path: &Path, id: &str, title: &str, status: Status, reason: String) -> RuleReport {
    RuleReport {
        id: id.into(),
        title: title.into(),
        path: path.to_owned(),
        status,
        reason,
    }
}

/// All rule files under `dir`, sorted, or `dir` itself when it is a file.
pub fn rule_files(dir: &Path) -> Result<Vec<PathBuf>, SigmaError> {
    if dir.is_file() {
        return Ok(vec![dir.to_owned()]);
    }
    if !dir.is_dir() {
        return Err(SigmaError::Walk {
            path: dir.to_owned(),
            reason: "no such directory".into(),
        });
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| SigmaError::Walk {
            path: dir.to_owned(),
            reason: e.to_string(),
        })?;
        let p = entry.path();
        if entry.file_type().is_file()
            && matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"))
        {
            files.push(p.to_owned());
        }
    }
    Ok(files)
}
