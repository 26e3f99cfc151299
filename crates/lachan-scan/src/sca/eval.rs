//! Evaluating policies: rules → checks → policy result with evidence.
//!
//! A rule is *found*, *not found*, *not applicable* (it cannot be evaluated here:
//! missing file for a content test, command not installed or timed out, registry
//! on a non-Windows host) or an *error* (an unexpected I/O failure). Conditions
//! combine them like Wazuh: `all` fails on any not-found rule, `any` passes on any
//! found rule, `none` fails on any found rule; when the outcome is not decided by
//! those, an error makes the check `error` and a non-applicable rule makes it
//! `not_applicable`. Evaluation stops as soon as the outcome is decided.

use std::io::ErrorKind;
use std::path::Path;

use super::model::{Check, Condition, Policy};
use super::pattern::Pattern;
use super::platform::{OsFamily, Platform};
use super::rule::{FileSelector, Rule, RuleKind};

pub use super::result::{
    CheckResult, CheckStatus, Counts, PolicyResult, RequirementsResult, RuleEvidence, RuleOutcome,
};

struct Eval {
    outcome: RuleOutcome,
    detail: String,
}

impl Eval {
    fn new(outcome: RuleOutcome, detail: impl Into<String>) -> Self {
        Self {
            outcome,
            detail: clip(&detail.into(), 300),
        }
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn excerpt(output: &str) -> String {
    let lines: Vec<&str> = output
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .collect();
    if lines.is_empty() {
        "(no output)".to_string()
    } else {
        lines.join(" | ")
    }
}

enum Read {
    Text(String),
    Skip(Eval),
}

fn read_text(path: &Path, p: &Platform) -> Read {
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => {
            return Read::Skip(Eval::new(
                RuleOutcome::NotApplicable,
                format!("{shown} is not a regular file"),
            ));
        }
        Ok(m) if m.len() > p.max_file_bytes => {
            return Read::Skip(Eval::new(
                RuleOutcome::NotApplicable,
                format!(
                    "{shown} is larger than {} bytes; not read",
                    p.max_file_bytes
                ),
            ));
        }
        _ => {}
    }
    match std::fs::read(path) {
        Ok(b) => Read::Text(String::from_utf8_lossy(&b).into_owned()),
        Err(e) => Read::Skip(io_eval(&shown.to_string(), &e)),
    }
}

fn io_eval(what: &str, e: &std::io::Error) -> Eval {
    match e.kind() {
        ErrorKind::NotFound | ErrorKind::NotADirectory => {
            Eval::new(RuleOutcome::NotApplicable, format!("{what} not found"))
        }
        ErrorKind::PermissionDenied => Eval::new(
            RuleOutcome::NotApplicable,
            format!("{what}: permission denied"),
        ),
        _ => Eval::new(RuleOutcome::Error, format!("{what}: {e}")),
    }
}

fn content_eval(source: &str, pattern: &Pattern, text: &str) -> Eval {
    let m = pattern.eval(text);
    let detail = match (&m.line, m.matched) {
        (Some(l), true) => format!("{source}: matched '{}'", l.trim()),
        (Some(l), false) => format!("{source}: line '{}' matches the excluded pattern", l.trim()),
        (None, true) => format!("{source}: no line matches the excluded pattern"),
        (None, false) => format!("{source}: no line matches '{}'", pattern.text),
    };
    Eval::new(
        if m.matched {
            RuleOutcome::Found
        } else {
            RuleOutcome::NotFound
        },
        detail,
    )
}

fn eval_file(paths: &[String], content: Option<&Pattern>, p: &Platform) -> Eval {
    let mut last: Option<Eval> = None;
    let mut any_read = false;
    for path in paths {
        let ev = match content {
            None => match std::fs::metadata(path) {
                Ok(m) if m.is_file() => Eval::new(RuleOutcome::Found, format!("{path} exists")),
                Ok(_) => Eval::new(
                    RuleOutcome::NotFound,
                    format!("{path} is not a regular file"),
                ),
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                    Eval::new(RuleOutcome::NotFound, format!("{path} does not exist"))
                }
                Err(e) => io_eval(path, &e),
            },
            Some(pat) => match read_text(Path::new(path), p) {
                Read::Text(t) => {
                    any_read = true;
                    content_eval(path, pat, &t)
                }
                Read::Skip(ev) => ev,
            },
        };
        if ev.outcome == RuleOutcome::Found {
            return ev;
        }
        last = Some(match last {
            // Prefer reporting a file that was read over one that was missing.
            Some(prev)
                if prev.outcome == RuleOutcome::NotFound && ev.outcome != RuleOutcome::NotFound =>
            {
                prev
            }
            _ => ev,
        });
    }
    match last {
        Some(mut ev) => {
            if any_read && ev.outcome == RuleOutcome::NotApplicable {
                ev.outcome = RuleOutcome::NotFound;
            }
            ev
        }
        None => Eval::new(RuleOutcome::NotApplicable, "no path given"),
    }
}

const MAX_DIR_ENTRIES: usize = 50_000;

fn eval_dir(
    paths: &[String],
    file: Option<&FileSelector>,
    content: Option<&Pattern>,
    p: &Platform,
) -> Eval {
    let mut last: Option<Eval> = None;
    for dir in paths {
        let ev = match std::fs::metadata(dir) {
            Err(e)
                if file.is_none()
                    && matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) =>
            {
                Eval::new(RuleOutcome::NotFound, format!("{dir} does not exist"))
            }
            Err(e) => io_eval(dir, &e),
            Ok(m) if !m.is_dir() => match file {
                None => Eval::new(RuleOutcome::NotFound, format!("{dir} is not a directory")),
                Some(_) => Eval::new(
                    RuleOutcome::NotApplicable,
                    format!("{dir} is not a directory"),
                ),
            },
            Ok(_) => match file {
                None => Eval::new(RuleOutcome::Found, format!("{dir} exists")),
                Some(sel) => scan_dir(dir, sel, content, p),
            },
        };
        if ev.outcome == RuleOutcome::Found {
            return ev;
        }
        last = Some(ev);
    }
    last.unwrap_or_else(|| Eval::new(RuleOutcome::NotApplicable, "no directory given"))
}

fn scan_dir(dir: &str, sel: &FileSelector, content: Option<&Pattern>, p: &Platform) -> Eval {
    let mut selected = 0usize;
    let mut read = 0usize;
    let mut first_skip: Option<Eval> = None;
    for (n, entry) in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .enumerate()
    {
        if n > MAX_DIR_ENTRIES {
            return Eval::new(
                RuleOutcome::NotApplicable,
                format!("{dir}: more than {MAX_DIR_ENTRIES} entries; not scanned"),
            );
        }
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if !sel.selects(&name) {
            continue;
        }
        selected += 1;
        let shown = entry.path().display().to_string();
        match content {
            None => return Eval::new(RuleOutcome::Found, format!("{shown} exists")),
            Some(pat) => match read_text(entry.path(), p) {
                Read::Text(t) => {
                    read += 1;
                    let ev = content_eval(&shown, pat, &t);
                    if ev.outcome == RuleOutcome::Found {
                        return ev;
                    }
                }
                Read::Skip(ev) => {
                    first_skip.get_or_insert(ev);
                }
            },
        }
    }
    match (selected, read, first_skip) {
        (0, _, _) => Eval::new(RuleOutcome::NotFound, format!("{dir}: no matching file")),
        (_, 0, Some(skip)) => skip,
        _ => Eval::new(
            RuleOutcome::NotFound,
            format!("{dir}: {selected} matching file(s), none matches the content pattern"),
        ),
    }
}

fn eval_command(command: &str, content: Option<&Pattern>, p: &Platform) -> Eval {
    if !p.allow_commands {
        return Eval::new(
            RuleOutcome::NotApplicable,
            "command rules are disabled on this platform",
        );
    }
    let out = match p.command(command) {
        Ok(o) => o,
        Err(e @ super::command::CommandError::Spawn { .. }) => {
            return Eval::new(RuleOutcome::Error, e.to_string());
        }
        Err(e) => return Eval::new(RuleOutcome::NotApplicable, e.to_string()),
    };
    let status = out
        .status
        .map_or("killed by signal".to_string(), |c| format!("exit {c}"));
    let stdout = out.stdout.trim_end_matches('\n');
    let stderr = out.stderr.trim_end_matches('\n');
    let Some(pat) = content else {
        let found = out.status == Some(0);
        return Eval::new(
            if found {
                RuleOutcome::Found
            } else {
                RuleOutcome::NotFound
            },
            format!("`{command}` {status}"),
        );
    };
    if pat.is_regex_or_numeric() {
        let m = pat.eval(stdout);
        let m = if m.matched {
            m
        } else {
            let e = pat.eval(stderr);
            if e.matched { e } else { m }
        };
        let detail = match (&m.line, m.matched) {
            (Some(l), true) => format!("`{command}` {status}: matched '{}'", l.trim()),
            (Some(l), false) => format!(
                "`{command}` {status}: line '{}' matches the excluded pattern",
                l.trim()
            ),
            (None, true) => {
                format!("`{command}` {status}: no output line matches the excluded pattern")
            }
            (None, false) => format!(
                "`{command}` {status}: no match; output: {}",
                excerpt(&format!("{stdout}\n{stderr}"))
            ),
        };
        Eval::new(
            if m.matched {
                RuleOutcome::Found
            } else {
                RuleOutcome::NotFound
            },
            detail,
        )
    } else {
        let found = stdout == pat.text || stderr == pat.text;
        Eval::new(
            if found {
                RuleOutcome::Found
            } else {
                RuleOutcome::NotFound
            },
            format!(
                "`{command}` {status}: output {} '{}'",
                if found { "equals" } else { "differs from" },
                pat.text
            ),
        )
    }
}

fn eval_process(name: &str, p: &Platform) -> Eval {
    match p.processes() {
        Err(e) => Eval::new(RuleOutcome::NotApplicable, e),
        Ok(list) => match list.iter().find(|pr| pr.answers_to(name)) {
            Some(pr) => Eval::new(
                RuleOutcome::Found,
                format!("process '{name}' is running ({})", pr.comm),
            ),
            None => Eval::new(
                RuleOutcome::NotFound,
                format!("no running process named '{name}'"),
            ),
        },
    }
}

fn eval_registry(key: &str, value: Option<&str>, content: Option<&Pattern>, p: &Platform) -> Eval {
    if p.os != OsFamily::Windows {
        return Eval::new(
            RuleOutcome::NotApplicable,
            "registry rules apply to Windows hosts only",
        );
    }
    if !p.allow_commands {
        return Eval::new(
            RuleOutcome::NotApplicable,
            "registry reads (reg.exe) are disabled",
        );
    }
    // reg.exe takes the key as one argument; quote it for the argv splitter.
    let quoted = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let line = match value {
        None => format!("{} query {}", quoted(&p.registry_tool), quoted(key)),
        Some(v) => format!(
            "{} query {} /v {}",
            quoted(&p.registry_tool),
            quoted(key),
            quoted(v)
        ),
    };
    let out = match p.command(&line) {
        Ok(o) => o,
        Err(e) => return Eval::new(RuleOutcome::NotApplicable, e.to_string()),
    };
    if !super::registry::key_exists(&out) {
        let what = value.map_or(format!("key {key}"), |v| format!("value {key}\\{v}"));
        return Eval::new(
            RuleOutcome::NotFound,
            format!("registry {what} does not exist"),
        );
    }
    let Some(v) = value else {
        return Eval::new(RuleOutcome::Found, format!("registry key {key} exists"));
    };
    let values = super::registry::parse_reg_query(&out.stdout);
    let Some(found) = values.iter().find(|x| x.name.eq_ignore_ascii_case(v)) else {
        return Eval::new(
            RuleOutcome::NotFound,
            format!("registry value {key}\\{v} does not exist"),
        );
    };
    match content {
        None => Eval::new(RuleOutcome::Found, format!("{key}\\{v} = {}", found.data)),
        Some(pat) => {
            let m = pat.eval(&found.data);
            Eval::new(
                if m.matched {
                    RuleOutcome::Found
                } else {
                    RuleOutcome::NotFound
                },
                format!(
                    "{key}\\{v} ({}) = {}: {} '{}'",
                    found.kind,
                    found.data,
                    if m.matched {
                        "matches"
                    } else {
                        "does not match"
                    },
                    pat.text
                ),
            )
        }
    }
}

/// Evaluates one rule (with `not` applied).
pub fn eval_rule(rule: &Rule, p: &Platform) -> RuleEvidence {
    if let Some(problem) = rule.problems().into_iter().next() {
        return RuleEvidence {
            rule: rule.text.clone(),
            outcome: RuleOutcome::NotApplicable,
            detail: problem,
        };
    }
    let ev = match &rule.kind {
        RuleKind::File { paths, content } => eval_file(paths, content.as_ref(), p),
        RuleKind::Dir {
            paths,
            file,
            content,
        } => eval_dir(paths, file.as_ref(), content.as_ref(), p),
        RuleKind::Process { name } => eval_process(name, p),
        RuleKind::Command { command, content } => eval_command(command, content.as_ref(), p),
        RuleKind::Registry {
            key,
            value,
            content,
        } => eval_registry(key, value.as_deref(), content.as_ref(), p),
    };
    let outcome = match (rule.negated, ev.outcome) {
        (true, RuleOutcome::Found) => RuleOutcome::NotFound,
        (true, RuleOutcome::NotFound) => RuleOutcome::Found,
        (_, o) => o,
    };
    RuleEvidence {
        rule: rule.text.clone(),
        outcome,
        detail: ev.detail,
    }
}

/// Evaluates rules under a condition; returns the status, a reason and evidence.
pub fn eval_rules(
    condition: Condition,
    rules: &[Rule],
    p: &Platform,
) -> (CheckStatus, Option<String>, Vec<RuleEvidence>) {
    let mut evidence = Vec::with_capacity(rules.len());
    let mut decided: Option<CheckStatus> = None;
    for rule in rules {
        if decided.is_some() {
            evidence.push(RuleEvidence {
                rule: rule.text.clone(),
                outcome: RuleOutcome::Skipped,
                detail: "not evaluated: outcome already decided".into(),
            });
            continue;
        }
        let ev = eval_rule(rule, p);
        decided = match (condition, ev.outcome) {
            (Condition::All, RuleOutcome::NotFound) => Some(CheckStatus::Failed),
            (Condition::Any, RuleOutcome::Found) => Some(CheckStatus::Passed),
            (Condition::None, RuleOutcome::Found) => Some(CheckStatus::Failed),
            _ => None,
        };
        evidence.push(ev);
    }
    if let Some(status) = decided {
        return (status, None, evidence);
    }
    let first = |o: RuleOutcome| {
        evidence
            .iter()
            .find(|e| e.outcome == o)
            .map(|e| e.detail.clone())
    };
    if let Some(reason) = first(RuleOutcome::Error) {
        return (CheckStatus::Error, Some(reason), evidence);
    }
    if let Some(reason) = first(RuleOutcome::NotApplicable) {
        return (CheckStatus::NotApplicable, Some(reason), evidence);
    }
    let status = match condition {
        Condition::All if rules.is_empty() => CheckStatus::Failed,
        Condition::All | Condition::None => CheckStatus::Passed,
        Condition::Any => CheckStatus::Failed,
    };
    (status, None, evidence)
}

fn check_result(
    check: &Check,
    status: CheckStatus,
    reason: Option<String>,
    evidence: Vec<RuleEvidence>,
) -> CheckResult {
    CheckResult {
        id: check.id.clone(),
        title: check
            .title
            .en
            .clone()
            .or_else(|| check.title.vi.clone())
            .unwrap_or_default(),
        title_vi: check.title.vi.clone(),
        severity: check.severity,
        min_level: check.min_level,
        result: status,
        reason,
        evidence,
        remediation: check.remediation.en.clone(),
        remediation_vi: check.remediation.vi.clone(),
    }
}

/// Maps `f` over `items` on up to `workers` threads, keeping the order. Checks
/// mostly wait on commands and files, so a few threads shorten a run even on
/// two cores.
fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = workers.clamp(1, items.len().max(1));
    if workers == 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<R>>> =
        items.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(r);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|s| s.into_inner().ok().flatten())
        .collect()
}

/// Runs every check of a policy on the platform.
pub fn run_policy(policy: &Policy, platform: &Platform) -> PolicyResult {
    let mut requirements = None;
    let mut unmet: Option<String> = None;
    if let Some(req) = &policy.requirements {
        let (status, reason, evidence) = eval_rules(req.condition, &req.rules, platform);
        let met = status == CheckStatus::Passed;
        if !met && !platform.ignore_requirements {
            let why = reason.map(|r| format!(" ({r})")).unwrap_or_default();
            unmet = Some(format!("policy requirements not met: {}{why}", req.title));
        }
        requirements = Some(RequirementsResult {
            title: req.title.clone(),
            met,
            evidence,
        });
    }
    let mut counts = Counts::default();
    let one = |check: &Check| {
        let above_level = match (check.min_level, platform.security_level) {
            (Some(min), Some(level)) if min > level => Some(format!(
                "applies from security level {min}; this system is level {level}"
            )),
            _ => None,
        };
        match unmet.clone().or(above_level) {
            Some(reason) => {
                check_result(check, CheckStatus::NotApplicable, Some(reason), Vec::new())
            }
            None => {
                let (status, reason, evidence) =
                    eval_rules(check.condition, &check.rules, platform);
                check_result(check, status, reason, evidence)
            }
        }
    };
    let checks = parallel_map(&policy.checks, platform.workers, one);
    for r in &checks {
        match r.result {
            CheckStatus::Passed => counts.passed += 1,
            CheckStatus::Failed => counts.failed += 1,
            CheckStatus::NotApplicable => counts.not_applicable += 1,
            CheckStatus::Error => counts.error += 1,
        }
    }
    let applicable = counts.passed + counts.failed;
    let score = (applicable > 0)
        .then(|| (counts.passed as f64 * 1000.0 / applicable as f64).round() / 10.0);
    PolicyResult {
        id: policy.id.clone(),
        name: policy
            .name
            .en
            .clone()
            .or_else(|| policy.name.vi.clone())
            .unwrap_or_default(),
        name_vi: policy.name.vi.clone(),
        source: policy.source.clone(),
        score,
        counts,
        requirements,
        checks,
    }
}
