//! Rendering hunt results: detections as a table, JSON Lines or CSV, and the summary.

use std::collections::HashMap;
use std::io::Write;

use lachan_sigma::{Detector, RuleSet, Status};
use serde_json::{Value, json};

use crate::HuntError;
use crate::hunt::{Hit, HuntResult};

/// Output format of detections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text, one line per detection.
    Table,
    /// One JSON object per detection.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

fn rfc3339(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.fZ").to_string())
        .unwrap_or_default()
}

/// The JSON object written for one detection.
pub fn hit_json(det: &Detector, h: &Hit) -> Value {
    let r = &det.rules()[h.rule];
    let matched: serde_json::Map<String, Value> = h
        .matched
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    json!({
        "rule_id": r.id,
        "rule_title": r.title,
        "level": r.level.as_str(),
        "file": h.file.display().to_string(),
        "record_id": h.record_id,
        "timestamp": h.timestamp.map(|t| rfc3339(Some(t))),
        "computer": h.computer,
        "channel": h.channel,
        "event_id": h.event_id,
        "tags": r.tags,
        "matched": matched,
        "event": h.event,
    })
}

/// Write the detections of `res` in `format`.
pub fn write_hits(
    out: &mut dyn Write,
    det: &Detector,
    res: &HuntResult,
    format: Format,
) -> Result<(), HuntError> {
    match format {
        Format::Jsonl => {
            for h in &res.hits {
                serde_json::to_writer(&mut *out, &hit_json(det, h))?;
                out.write_all(b"\n")?;
            }
            for c in &res.correlations {
                let v = json!({
                    "rule_id": c.hit.id, "rule_title": c.hit.title, "level": c.hit.level.as_str(),
                    "file": c.file.display().to_string(), "record_id": c.record_id,
                    "correlation": c.hit.kind, "group": c.hit.group, "value": c.hit.value,
                });
                serde_json::to_writer(&mut *out, &v)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "timestamp",
                "level",
                "rule_id",
                "rule_title",
                "computer",
                "channel",
                "event_id",
                "file",
                "record_id",
            ])?;
            for h in &res.hits {
                let r = &det.rules()[h.rule];
                w.write_record([
                    rfc3339(h.timestamp),
                    r.level.to_string(),
                    r.id.clone(),
                    r.title.clone(),
                    h.computer.clone().unwrap_or_default(),
                    h.channel.clone().unwrap_or_default(),
                    h.event_id.map(|e| e.to_string()).unwrap_or_default(),
                    h.file.display().to_string(),
                    h.record_id.to_string(),
                ])?;
            }
            w.flush()?;
        }
        Format::Table => {
            for h in &res.hits {
                let r = &det.rules()[h.rule];
                writeln!(
                    out,
                    "{:<24} {:<13} {:<60} {:<20} {}#{}",
                    rfc3339(h.timestamp),
                    r.level.as_str(),
                    truncate(&r.title, 60),
                    truncate(h.computer.as_deref().unwrap_or("-"), 20),
                    h.file.display(),
                    h.record_id
                )?;
            }
            for c in &res.correlations {
                writeln!(
                    out,
                    "correlation {:<13} {:<60} {}#{} {:?}",
                    c.hit.level.as_str(),
                    truncate(&c.hit.title, 60),
                    c.file.display(),
                    c.record_id,
                    c.hit.group
                )?;
            }
        }
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Counts that sum up a hunt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Files read.
    pub files: usize,
    /// Files skipped as unreadable.
    pub files_failed: usize,
    /// Events read.
    pub events: u64,
    /// Detections (rule × event).
    pub hits: usize,
    /// Distinct rules with at least one detection.
    pub rules_hit: usize,
    /// Files with at least one detection.
    pub files_with_hits: usize,
}

/// Compute [`Totals`].
pub fn totals(res: &HuntResult) -> Totals {
    let mut rules: Vec<usize> = res.hits.iter().map(|h| h.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    Totals {
        files: res.files.len(),
        files_failed: res.files.iter().filter(|f| f.error.is_some()).count(),
        events: res.events(),
        hits: res.hits.len(),
        rules_hit: rules.len(),
        files_with_hits: res.files.iter().filter(|f| f.hits > 0).count(),
    }
}

/// The summary: per-rule counts (rule, level, count), problems, and totals.
pub fn write_summary(
    out: &mut dyn Write,
    det: &Detector,
    res: &HuntResult,
) -> Result<(), HuntError> {
    let mut per_rule: HashMap<usize, usize> = HashMap::new();
    for h in &res.hits {
        *per_rule.entry(h.rule).or_default() += 1;
    }
    let mut rows: Vec<(usize, usize)> = per_rule.into_iter().collect();
    rows.sort_by(|a, b| {
        let (ra, rb) = (&det.rules()[a.0], &det.rules()[b.0]);
        rb.level
            .cmp(&ra.level)
            .then(b.1.cmp(&a.1))
            .then(ra.title.cmp(&rb.title))
    });
    if !rows.is_empty() {
        writeln!(out, "{:<70} {:<13} {:>7}", "rule", "level", "count")?;
        writeln!(out, "{}", "-".repeat(92))?;
        for (rule, n) in rows {
            let r = &det.rules()[rule];
            writeln!(
                out,
                "{:<70} {:<13} {:>7}",
                truncate(&r.title, 70),
                r.level.as_str(),
                n
            )?;
        }
        writeln!(out)?;
    }
    for f in &res.files {
        if let Some(e) = &f.error {
            writeln!(out, "skipped {}: {e}", f.path.display())?;
        } else if f.stats.bad_records > 0 {
            writeln!(
                out,
                "{}: {} unreadable record(s)",
                f.path.display(),
                f.stats.bad_records
            )?;
            for w in &f.stats.warnings {
                writeln!(out, "  {w}")?;
            }
        }
    }
    let t = totals(res);
    writeln!(
        out,
        "{} files ({} skipped), {} events, {} detections of {} rules in {} files, {} correlations, {:.2} s",
        t.files,
        t.files_failed,
        t.events,
        t.hits,
        t.rules_hit,
        t.files_with_hits,
        res.correlations.len(),
        res.elapsed.as_secs_f64()
    )?;
    Ok(())
}

/// One paragraph on rules that were not loaded, grouped by reason, and rules without a
/// route in the mapping.
pub fn write_rule_summary(
    out: &mut dyn Write,
    rules: &RuleSet,
    det: &Detector,
) -> Result<(), HuntError> {
    let (ok, unsupported, error) = rules.counts();
    writeln!(
        out,
        "rules: {ok} loaded, {} skipped ({unsupported} unsupported, {error} with errors), {} without a log-source route (run only on events with no known channel)",
        unsupported + error,
        det.unrouted_rule_count()
    )?;
    let mut reasons: HashMap<String, usize> = HashMap::new();
    for r in rules.reports.iter().filter(|r| r.status != Status::Ok) {
        let key: String = r.reason.chars().take(100).collect();
        *reasons
            .entry(format!("{}: {key}", r.status.as_str()))
            .or_default() += 1;
    }
    let mut reasons: Vec<_> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (reason, n) in reasons.iter().take(20) {
        writeln!(out, "  {n:>5} × {reason}")?;
    }
    Ok(())
}
