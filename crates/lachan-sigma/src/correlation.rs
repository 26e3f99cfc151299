//! Streaming correlation (event_count, value_count, temporal, temporal_ordered).
//!
//! A [`Correlator`] is fed events in time order, each with the detections the
//! [`crate::Detector`] found in it, and keeps the window state between calls. A live
//! pipeline keeps one per stream; `hunt` keeps one per file.

use std::collections::HashSet;

use rsigma_eval::{CorrelationConfig, CorrelationEngine, ResultBody};

use crate::SigmaError;
use crate::detector::Detection;
use crate::event::LogEvent;
use crate::rules::{Level, RuleSet};

/// A correlation rule that fired.
#[derive(Debug, Clone)]
pub struct CorrelationHit {
    /// Correlation rule id (empty if none).
    pub id: String,
    /// Correlation rule title.
    pub title: String,
    /// Severity.
    pub level: Level,
    /// `event_count`, `value_count`, `temporal`, `temporal_ordered`, …
    pub kind: String,
    /// Group-by field values.
    pub group: Vec<(String, String)>,
    /// The aggregated value that met the condition.
    pub value: f64,
}

/// Correlation state over one ordered event stream.
pub struct Correlator {
    engine: CorrelationEngine,
    count: usize,
}

impl std::fmt::Debug for Correlator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Correlator")
            .field("correlations", &self.count)
            .finish()
    }
}

impl Correlator {
    /// Build from the correlation rules of `set` (and the detection rules they name).
    pub fn new(set: &RuleSet) -> Result<Self, SigmaError> {
        let config = CorrelationConfig {
            timestamp_fallback: rsigma_eval::TimestampFallback::Skip,
            ..Default::default()
        };
        let mut engine = CorrelationEngine::new(config);
        let wanted: HashSet<&str> = set
            .correlations
            .iter()
            .flat_map(|(_, c)| c.rules.iter().map(String::as_str))
            .collect();
        for r in &set.rules {
            let named = wanted.contains(r.meta.id.as_str())
                || r.parsed.name.as_deref().is_some_and(|n| wanted.contains(n));
            if named {
                engine
                    .add_rule(&r.parsed)
                    .map_err(|e| SigmaError::Correlation {
                        rule: r.meta.title.clone(),
                        reason: e.to_string(),
                    })?;
            }
        }
        for (_, c) in &set.correlations {
            engine
                .add_correlation(c)
                .map_err(|e| SigmaError::Correlation {
                    rule: c.id.clone().unwrap_or_else(|| c.title.clone()),
                    reason: e.to_string(),
                })?;
        }
        Ok(Correlator {
            engine,
            count: set.correlations.len(),
        })
    }

    /// True when there are no correlation rules (feeding events is then pointless).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Feed one event and its detections; returns the correlations that fired.
    /// Events without a time are not counted into windows.
    pub fn process(&mut self, event: &LogEvent, detections: &[Detection]) -> Vec<CorrelationHit> {
        if self.count == 0 || detections.is_empty() {
            return Vec::new();
        }
        let Some(ts) = event.timestamp() else {
            return Vec::new();
        };
        let results = detections.iter().map(|d| d.result.clone()).collect();
        let out = self
            .engine
            .process_with_detections(event, results, ts.as_second());
        out.into_iter()
            .filter_map(|r| match r.body {
                ResultBody::Correlation(c) => Some(CorrelationHit {
                    id: r.header.rule_id.unwrap_or_default(),
                    title: r.header.rule_title,
                    level: level_of(r.header.level),
                    kind: format!("{:?}", c.correlation_type),
                    group: c.group_key,
                    value: c.aggregated_value,
                }),
                ResultBody::Detection(_) => None,
            })
            .collect()
    }

    /// Drop window state older than `now` minus each rule's timespan.
    pub fn evict(&mut self, now: jiff::Timestamp) {
        self.engine.evict_expired(now.as_second());
    }

    /// Number of live correlation state entries.
    pub fn state_len(&self) -> usize {
        self.engine.state_count()
    }
}

fn level_of(l: Option<rsigma_parser::Level>) -> Level {
    match l {
        Some(rsigma_parser::Level::Low) => Level::Low,
        Some(rsigma_parser::Level::Medium) => Level::Medium,
        Some(rsigma_parser::Level::High) => Level::High,
        Some(rsigma_parser::Level::Critical) => Level::Critical,
        _ => Level::Informational,
    }
}
