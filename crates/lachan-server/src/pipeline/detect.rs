//! The detection thread: match each stored batch against the routed rules, feed the
//! correlator in arrival order, fold hits into the alert queue.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use lachan_store::{AlertHit, Store};
use rayon::prelude::*;
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use super::tuning::Verdict;
use super::{DetectBatch, PipelineStats, Rules, SharedTuning};

/// Time from a batch's arrival to its alerts being stored, in microseconds, for the
/// batches that raised alerts (bounded; used by `lachan bench ingest`).
#[derive(Debug, Default)]
pub struct LatencyLog {
    samples: Mutex<Vec<u64>>,
}

impl LatencyLog {
    const MAX: usize = 1_000_000;

    fn push(&self, us: u64) {
        if let Ok(mut s) = self.samples.lock()
            && s.len() < Self::MAX
        {
            s.push(us);
        }
    }

    /// The `p`-th percentile (0–100) in microseconds, if any sample exists.
    pub fn percentile(&self, p: f64) -> Option<u64> {
        let mut s = self.samples.lock().ok()?.clone();
        if s.is_empty() {
            return None;
        }
        s.sort_unstable();
        let idx = ((p / 100.0) * (s.len() - 1) as f64).round() as usize;
        s.get(idx.min(s.len() - 1)).copied()
    }
}

/// The detection thread's inputs and outputs are all shared handles, passed one by one.
#[allow(clippy::too_many_arguments)]
pub(super) fn spawn(
    mut rx: mpsc::Receiver<DetectBatch>,
    rules: Rules,
    store: Arc<dyn Store>,
    tuning: SharedTuning,
    rt: tokio::runtime::Handle,
    stats: Arc<PipelineStats>,
    latency: Arc<LatencyLog>,
    notices: Arc<std::sync::OnceLock<mpsc::Sender<crate::notify::Notice>>>,
) {
    let run = move || {
        let Rules {
            detector,
            mut correlator,
            ..
        } = rules;
        while let Some(batch) = rx.blocking_recv() {
            let t_match = std::time::Instant::now();
            let found: Vec<Vec<lachan_sigma::Detection>> = batch
                .items
                .par_iter()
                .map(|it| detector.detect(&it.event))
                .collect();
            let mut hits: Vec<(usize, AlertHit)> = Vec::new();
            for (i, (it, dets)) in batch.items.iter().zip(&found).enumerate() {
                for d in dets {
                    let Some(meta) = detector.rules().get(d.rule) else {
                        continue;
                    };
                    let key_fields: Map<String, Value> = d.matched.iter().cloned().collect();
                    hits.push((
                        i,
                        AlertHit {
                            rule_id: if meta.id.is_empty() {
                                format!("title:{}", meta.title)
                            } else {
                                meta.id.clone()
                            },
                            rule_title: meta.title.clone(),
                            level: meta.level.as_str().to_string(),
                            host: it.host.clone(),
                            agency_id: it.agency_id,
                            seen_at: it.seen_at.clone(),
                            event_id: it.id.clone(),
                            key_fields: Value::Object(key_fields),
                        },
                    ));
                }
                if let Some(c) = correlator.as_mut() {
                    for ch in c.process(&it.event, dets) {
                        let mut key: Map<String, Value> = ch
                            .group
                            .iter()
                            .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                            .collect();
                        key.insert("correlation".into(), Value::from(ch.kind.clone()));
                        key.insert("value".into(), Value::from(ch.value));
                        hits.push((
                            i,
                            AlertHit {
                                rule_id: if ch.id.is_empty() {
                                    format!("title:{}", ch.title)
                                } else {
                                    ch.id.clone()
                                },
                                rule_title: ch.title.clone(),
                                level: ch.level.as_str().to_string(),
                                host: it.host.clone(),
                                agency_id: it.agency_id,
                                seen_at: it.seen_at.clone(),
                                event_id: it.id.clone(),
                                key_fields: Value::Object(key),
                            },
                        ));
                    }
                }
            }
            stats
                .match_us
                .fetch_add(t_match.elapsed().as_micros() as u64, Ordering::Relaxed);
            stats
                .analysed
                .fetch_add(batch.items.len() as u64, Ordering::Relaxed);
            if hits.is_empty() {
                continue;
            }
            let tuning = match tuning.read() {
                Ok(t) => t.clone(),
                Err(p) => p.into_inner().clone(),
            };
            let hits: Vec<AlertHit> = if tuning.is_empty() {
                hits.into_iter().map(|(_, h)| h).collect()
            } else {
                let now = lachan_ingest::normalize::rfc3339_ms(lachan_sigma::Timestamp::now());
                hits.into_iter()
                    .filter_map(|(i, mut h)| {
                        match tuning.apply(&mut h, &batch.items[i].event, &now) {
                            Verdict::Keep => Some(h),
                            Verdict::Disabled => {
                                stats.disabled_hits.fetch_add(1, Ordering::Relaxed);
                                None
                            }
                            Verdict::Suppressed(_) => {
                                stats.suppressed_hits.fetch_add(1, Ordering::Relaxed);
                                None
                            }
                        }
                    })
                    .collect()
            };
            if hits.is_empty() {
                continue;
            }
            stats
                .detections
                .fetch_add(hits.len() as u64, Ordering::Relaxed);
            let t_alert = std::time::Instant::now();
            let res = rt.block_on(store.record_alert_hits(&hits));
            stats
                .alert_us
                .fetch_add(t_alert.elapsed().as_micros() as u64, Ordering::Relaxed);
            match res {
                Ok(r) => {
                    let new = r.iter().filter(|(_, n)| *n).count() as u64;
                    if new > 0
                        && let Some(tx) = notices.get()
                    {
                        for (h, (id, _)) in hits.iter().zip(&r).filter(|(_, (_, n))| *n) {
                            if let Some(n) = crate::notify::alert_notice(h, *id)
                                && tx.try_send(n).is_err()
                            {
                                tracing::warn!("notification queue full; alert notice dropped");
                            }
                        }
                    }
                    stats.alerts_opened.fetch_add(new, Ordering::Relaxed);
                    latency.push(batch.received.elapsed().as_micros() as u64);
                }
                Err(e) => {
                    stats.detect_errors.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(error = %e, "storing alerts failed");
                }
            }
        }
        tracing::info!("detection stopped");
    };
    if let Err(e) = std::thread::Builder::new()
        .name("lachan-detect".into())
        .spawn(run)
    {
        tracing::error!(error = %e, "cannot start the detection thread");
    }
}
