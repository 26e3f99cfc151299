//! Throughput measurement: load rules once, hunt the inputs several times, report
//! events/s and MB/s per run and the best run.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lachan_sigma::{Detector, Mapping, RuleSet};

use crate::HuntError;
use crate::hunt::{HuntOptions, hunt};
use crate::input::collect_files;

/// One measured run.
#[derive(Debug, Clone)]
pub struct BenchRun {
    /// Wall time of the hunt.
    pub elapsed: Duration,
    /// Events read.
    pub events: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Detections.
    pub hits: usize,
}

impl BenchRun {
    /// Events per second.
    pub fn events_per_sec(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    /// Megabytes (10^6) per second.
    pub fn mb_per_sec(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Result of [`run`].
#[derive(Debug)]
pub struct BenchReport {
    /// Time to parse and compile the rules.
    pub load: Duration,
    /// Number of rules loaded.
    pub rules: usize,
    /// The runs.
    pub runs: Vec<BenchRun>,
}

/// Load `rules_dir`, then hunt `paths` `runs` times.
pub fn run(
    paths: &[PathBuf],
    rules_dir: &std::path::Path,
    mapping: &Mapping,
    runs: usize,
) -> Result<BenchReport, HuntError> {
    let t = Instant::now();
    let rules = RuleSet::load_dir(rules_dir).map_err(|e| HuntError::Read {
        path: rules_dir.to_owned(),
        reason: e.to_string(),
    })?;
    let det = Detector::new(&rules, mapping);
    let load = t.elapsed();
    let files = collect_files(paths)?;
    let mut out = Vec::new();
    for _ in 0..runs.max(1) {
        let r = hunt(&det, &rules, &files, &HuntOptions::default());
        out.push(BenchRun {
            elapsed: r.elapsed,
            events: r.events(),
            bytes: r.bytes(),
            hits: r.hits.len(),
        });
    }
    Ok(BenchReport {
        load,
        rules: det.rules().len(),
        runs: out,
    })
}
