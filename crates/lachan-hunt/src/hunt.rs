//! Parallel hunting: files are spread over the rayon pool, each file is streamed once and
//! every event goes through the shared [`Detector`]; correlation state is kept per file.

use std::io::IsTerminal;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use lachan_sigma::{CorrelationHit, Correlator, Detector, Level, RuleSet};
use rayon::prelude::*;
use serde_json::Value;

use crate::input::{InputKind, ReadStats, Record, read_file};

/// What to keep.
#[derive(Debug, Clone, Default)]
pub struct HuntOptions {
    /// Drop detections of rules below this level.
    pub min_level: Option<Level>,
    /// Skip events before this time (events without a time are kept).
    pub from: Option<Timestamp>,
    /// Skip events after this time.
    pub to: Option<Timestamp>,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
}

/// One detection in one file.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index into [`Detector::rules`].
    pub rule: usize,
    /// The file.
    pub file: Arc<PathBuf>,
    /// EVTX record id, or line / element number.
    pub record_id: u64,
    /// Event time.
    pub timestamp: Option<Timestamp>,
    /// Host.
    pub computer: Option<String>,
    /// Channel.
    pub channel: Option<String>,
    /// Event id.
    pub event_id: Option<u32>,
    /// Fields that matched.
    pub matched: Vec<(String, Value)>,
    /// All fields of the event.
    pub event: Value,
}

/// A correlation that fired in one file.
#[derive(Debug, Clone)]
pub struct CorrelationFinding {
    /// The file.
    pub file: Arc<PathBuf>,
    /// The record that completed it.
    pub record_id: u64,
    /// What fired.
    pub hit: CorrelationHit,
}

/// How one file went.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    /// The file.
    pub path: Arc<PathBuf>,
    /// Its kind.
    pub kind: InputKind,
    /// Read statistics (events, bytes, bad records).
    pub stats: ReadStats,
    /// Why the file was skipped, if it was.
    pub error: Option<String>,
    /// Detections in the file.
    pub hits: usize,
}

/// Everything a hunt found.
#[derive(Debug, Default)]
pub struct HuntResult {
    /// Detections, grouped by file in input order, then record order.
    pub hits: Vec<Hit>,
    /// Correlations that fired.
    pub correlations: Vec<CorrelationFinding>,
    /// One entry per input file.
    pub files: Vec<FileOutcome>,
    /// Wall time of the hunt (rules already loaded).
    pub elapsed: Duration,
}

impl HuntResult {
    /// Events read over all files.
    pub fn events(&self) -> u64 {
        self.files.iter().map(|f| f.stats.events).sum()
    }
    /// Bytes of all files.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.stats.bytes).sum()
    }
}

/// Hunt `files` with `detector`. `rules` provides the correlation rules (if any).
pub fn hunt(
    detector: &Detector,
    rules: &RuleSet,
    files: &[(PathBuf, InputKind)],
    opts: &HuntOptions,
) -> HuntResult {
    let start = Instant::now();
    let bar = if opts.progress && std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(files.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} files {msg}",
        ) {
            b.set_style(style);
        }
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let with_corr = !rules.correlations.is_empty();
    let parts: Vec<(FileOutcome, Vec<Hit>, Vec<CorrelationFinding>)> = files
        .par_iter()
        .map(|(path, kind)| {
            let path = Arc::new(path.clone());
            let r = catch_unwind(AssertUnwindSafe(|| {
                hunt_file(detector, rules, with_corr, &path, *kind, opts)
            }));
            bar.inc(1);
            match r {
                Ok(x) => x,
                Err(_) => (
                    FileOutcome {
                        path,
                        kind: *kind,
                        stats: ReadStats::default(),
                        error: Some("reader failed on malformed data; file skipped".into()),
                        hits: 0,
                    },
                    Vec::new(),
                    Vec::new(),
                ),
            }
        })
        .collect();
    bar.finish_and_clear();
    let mut out = HuntResult::default();
    for (f, h, c) in parts {
        out.files.push(f);
        out.hits.extend(h);
        out.correlations.extend(c);
    }
    out.elapsed = start.elapsed();
    out
}

fn hunt_file(
    detector: &Detector,
    rules: &RuleSet,
    with_corr: bool,
    path: &Arc<PathBuf>,
    kind: InputKind,
    opts: &HuntOptions,
) -> (FileOutcome, Vec<Hit>, Vec<CorrelationFinding>) {
    let mut hits = Vec::new();
    let mut corr_out = Vec::new();
    let mut correlator = if with_corr {
        Correlator::new(rules).ok()
    } else {
        None
    };
    let mut on_record = |rec: Record| {
        let ev = &rec.event;
        if let Some(ts) = ev.timestamp()
            && (opts.from.is_some_and(|f| ts < f) || opts.to.is_some_and(|t| ts > t))
        {
            return;
        }
        let dets = detector.detect(ev);
        if dets.is_empty() {
            return;
        }
        if let Some(c) = correlator.as_mut() {
            for hit in c.process(ev, &dets) {
                corr_out.push(CorrelationFinding {
                    file: path.clone(),
                    record_id: rec.record_id,
                    hit,
                });
            }
        }
        let kept: Vec<_> = dets
            .into_iter()
            .filter(|d| {
                opts.min_level
                    .is_none_or(|m| detector.rules()[d.rule].level >= m)
            })
            .collect();
        if kept.is_empty() {
            return;
        }
        let timestamp = ev.timestamp();
        let computer = ev.computer().map(str::to_owned);
        let channel = ev.channel().map(str::to_owned);
        let event_id = ev.event_id();
        let event = rec.event.into_fields();
        for d in kept {
            hits.push(Hit {
                rule: d.rule,
                file: path.clone(),
                record_id: rec.record_id,
                timestamp,
                computer: computer.clone(),
                channel: channel.clone(),
                event_id,
                matched: d.matched,
                event: event.clone(),
            });
        }
    };
    let (stats, error) = match read_file(path, kind, &mut on_record) {
        Ok(s) => (s, None),
        Err(e) => (ReadStats::default(), Some(e.to_string())),
    };
    let n = hits.len();
    (
        FileOutcome {
            path: path.clone(),
            kind,
            stats,
            error,
            hits: n,
        },
        hits,
        corr_out,
    )
}
