//! The live pipeline: sources → normalise → store → detect → alerts.
//!
//! [`Pipeline::ingest`] normalises a batch, appends it to the event store in one durable
//! transaction and only then hands it to detection; callers acknowledge their senders
//! after it returns, so an acknowledged event is never lost. Detection runs on its own
//! thread (rule matching in parallel with rayon, correlation in arrival order) and folds
//! hits into the alert queue. The hand-off queue is bounded: when detection falls
//! behind, ingestion waits instead of growing memory.

pub mod bench;
mod detect;
pub mod syslog;
pub mod tuning;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use lachan_ingest::{Arrival, normalize};
use lachan_sigma::{Correlator, Detector, LogEvent, Mapping, RuleSet, Timestamp};
use lachan_store::{EventStore, NewEvent, Store, StoreError};
use tokio::sync::mpsc;

pub use detect::LatencyLog;

/// Built-in rules for Linux hosts, syslog senders and agent events.
const BUILTIN_RULES: &[(&str, &str)] = &[
    ("builtin/linux.yml", include_str!("../../rules/linux.yml")),
    ("builtin/agent.yml", include_str!("../../rules/agent.yml")),
];

/// Batches waiting for detection before ingestion waits.
const QUEUE_BATCHES: usize = 64;

/// Where detection rules come from.
#[derive(Debug, Clone, Default)]
pub struct RulesConfig {
    /// A directory (or file) of Sigma rules, added to the built-in ones.
    pub dir: Option<PathBuf>,
    /// A field-mapping file replacing the built-in mapping.
    pub mapping: Option<PathBuf>,
}

/// The loaded detection content.
pub struct Rules {
    pub detector: Detector,
    pub correlator: Option<Correlator>,
    /// (ok, unsupported, error) over every rule seen.
    pub counts: (usize, usize, usize),
    /// Loaded rules whose log source no mapping routes: not run on the live stream.
    pub unrouted: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("opening the event store: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error("starting the pipeline: {0}")]
    Start(String),
}

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("loading rules: {0}")]
    Sigma(#[from] lachan_sigma::SigmaError),
}

impl Rules {
    /// Built-in rules plus those of `cfg.dir`, routed with the chosen mapping.
    pub fn load(cfg: &RulesConfig) -> Result<Self, RulesError> {
        let mut set = RuleSet::default();
        for (name, text) in BUILTIN_RULES {
            set.extend(RuleSet::from_yaml(text, Path::new(name)));
        }
        if let Some(dir) = &cfg.dir {
            set.extend(RuleSet::load_dir(dir)?);
        }
        let mapping = match &cfg.mapping {
            Some(p) => Mapping::from_file(p)?,
            None => Mapping::builtin()?,
        };
        let counts = set.counts();
        let detector = Detector::new(&set, &mapping).without_unrouted_matching();
        let unrouted = detector.unrouted_rule_count();
        let correlator = if set.correlations.is_empty() {
            None
        } else {
            Some(Correlator::new(&set)?)
        };
        Ok(Self {
            detector,
            correlator,
            counts,
            unrouted,
        })
    }
}

/// An event on its way in, with the agency it belongs to.
pub struct Incoming {
    pub event: LogEvent,
    pub agency: Option<(i64, String)>,
    /// Who sent it (address or agent), recorded as `event.peer`.
    pub peer: Option<String>,
}

/// Counters of the pipeline since start.
#[derive(Debug, Default)]
pub struct PipelineStats {
    pub stored: AtomicU64,
    /// Events that have been through detection.
    pub analysed: AtomicU64,
    pub batches: AtomicU64,
    pub detections: AtomicU64,
    pub alerts_opened: AtomicU64,
    /// Hits dropped because their rule is switched off.
    pub disabled_hits: AtomicU64,
    /// Hits dropped by a suppression.
    pub suppressed_hits: AtomicU64,
    pub rejected: AtomicU64,
    pub detect_errors: AtomicU64,
    /// Time spent normalising, storing, matching and writing alerts (µs, summed).
    pub normalize_us: AtomicU64,
    pub store_us: AtomicU64,
    pub match_us: AtomicU64,
    pub alert_us: AtomicU64,
}

/// A stored batch handed to detection.
pub(crate) struct DetectBatch {
    pub items: Vec<DetectItem>,
    pub received: Instant,
}

pub(crate) struct DetectItem {
    pub id: String,
    pub event: LogEvent,
    pub agency_id: Option<i64>,
    pub host: String,
    pub seen_at: String,
}

/// The current tuning, shared with the detection thread.
pub type SharedTuning = Arc<RwLock<Arc<tuning::Tuning>>>;

pub struct Pipeline {
    events: Arc<dyn EventStore>,
    store: Arc<dyn Store>,
    tuning: SharedTuning,
    tx: mpsc::Sender<DetectBatch>,
    pub stats: Arc<PipelineStats>,
    pub latency: Arc<LatencyLog>,
    /// (ok, unsupported, error) rule counts.
    pub rule_counts: (usize, usize, usize),
    /// Rules without a route (not run live).
    pub unrouted_rules: usize,
    /// Where the detection thread reports new alerts worth notifying.
    notices: Arc<std::sync::OnceLock<mpsc::Sender<crate::notify::Notice>>>,
}

impl Pipeline {
    /// Start the detection thread and return the pipeline's entry point. Must be called
    /// inside a Tokio runtime (the thread writes alerts through it).
    pub fn start(events: Arc<dyn EventStore>, store: Arc<dyn Store>, rules: Rules) -> Arc<Self> {
        let (tx, rx) = mpsc::channel(QUEUE_BATCHES);
        let stats = Arc::new(PipelineStats::default());
        let latency = Arc::new(LatencyLog::default());
        let tuning: SharedTuning = Arc::default();
        let rule_counts = rules.counts;
        let unrouted_rules = rules.unrouted;
        let notices: Arc<std::sync::OnceLock<_>> = Arc::default();
        detect::spawn(
            rx,
            rules,
            store.clone(),
            tuning.clone(),
            tokio::runtime::Handle::current(),
            stats.clone(),
            latency.clone(),
            notices.clone(),
        );
        Arc::new(Self {
            events,
            store,
            tuning,
            tx,
            stats,
            latency,
            rule_counts,
            unrouted_rules,
            notices,
        })
    }

    /// Send notices of new alerts to the notifier from now on (set once).
    pub fn set_notices(&self, tx: mpsc::Sender<crate::notify::Notice>) {
        let _ = self.notices.set(tx);
    }

    /// Normalise and store a batch durably, then queue it for detection. Returns the new
    /// event ids; when it returns `Ok`, every event of the batch is on disk.
    pub async fn ingest(
        &self,
        batch: Vec<Incoming>,
        origin: &str,
    ) -> Result<Vec<String>, StoreError> {
        match self.ingest_inner(batch, origin, None).await? {
            lachan_store::BatchOutcome::Stored(ids) => Ok(ids),
            lachan_store::BatchOutcome::Duplicate { .. } => Ok(Vec::new()),
        }
    }

    /// Like [`Pipeline::ingest`] for agent `agent_id`'s batch number `seq`: a batch whose
    /// number was stored before is acknowledged without being stored again.
    pub async fn ingest_agent(
        &self,
        agent_id: i64,
        seq: i64,
        batch: Vec<Incoming>,
    ) -> Result<lachan_store::BatchOutcome, StoreError> {
        self.ingest_inner(batch, "agent", Some((agent_id, seq)))
            .await
    }

    async fn ingest_inner(
        &self,
        batch: Vec<Incoming>,
        origin: &str,
        seq: Option<(i64, i64)>,
    ) -> Result<lachan_store::BatchOutcome, StoreError> {
        if batch.is_empty() && seq.is_none() {
            return Ok(lachan_store::BatchOutcome::Stored(Vec::new()));
        }
        let received = Instant::now();
        let arrival = Timestamp::now();
        let mut rows = Vec::with_capacity(batch.len());
        let mut meta = Vec::with_capacity(batch.len());
        for inc in &batch {
            let n = normalize(
                &inc.event,
                &Arrival {
                    at: arrival,
                    origin,
                    peer: inc.peer.as_deref(),
                    agency_code: inc.agency.as_ref().map(|a| a.1.as_str()),
                },
            );
            let seen_at = lachan_ingest::normalize::rfc3339_ms(n.timestamp);
            meta.push((n.host.clone(), seen_at));
            rows.push(NewEvent {
                ts_ms: n.timestamp.as_millisecond(),
                agency_id: inc.agency.as_ref().map(|a| a.0),
                agency_code: inc.agency.as_ref().map(|a| a.1.clone()),
                host: n.host,
                code: n.code,
                dataset: n.dataset,
                doc: n.doc,
                text: n.text,
            });
        }
        let t_store = Instant::now();
        self.stats.normalize_us.fetch_add(
            t_store.duration_since(received).as_micros() as u64,
            Ordering::Relaxed,
        );
        let outcome = match seq {
            None => lachan_store::BatchOutcome::Stored(self.events.append_events(rows).await?),
            Some((agent, seq)) => self.events.append_agent_batch(agent, seq, rows).await?,
        };
        self.stats
            .store_us
            .fetch_add(t_store.elapsed().as_micros() as u64, Ordering::Relaxed);
        let ids = match outcome {
            lachan_store::BatchOutcome::Stored(ids) => ids,
            dup @ lachan_store::BatchOutcome::Duplicate { .. } => return Ok(dup),
        };
        self.stats
            .stored
            .fetch_add(ids.len() as u64, Ordering::Relaxed);
        self.stats.batches.fetch_add(1, Ordering::Relaxed);
        let items = batch
            .into_iter()
            .zip(ids.iter().cloned())
            .zip(meta)
            .map(|((inc, id), (host, seen_at))| DetectItem {
                id,
                agency_id: inc.agency.map(|a| a.0),
                event: inc.event,
                host,
                seen_at,
            })
            .collect();
        // Stored already: if detection has stopped, the events stay searchable.
        if self.tx.send(DetectBatch { items, received }).await.is_err() {
            tracing::error!("detection has stopped; events are stored but not analysed");
        }
        Ok(lachan_store::BatchOutcome::Stored(ids))
    }

    /// The agency owning `address` in the registry, if exactly one does (errors are
    /// logged and treated as unknown: an event is never refused for it).
    pub async fn agency_for_address(&self, address: &str) -> Option<(i64, String)> {
        match self.store.agency_for_address(address).await {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "looking up a sender's agency failed");
                None
            }
        }
    }

    /// Count a rejected request (malformed body, oversized batch …).
    pub fn reject(&self) {
        self.stats.rejected.fetch_add(1, Ordering::Relaxed);
    }

    /// Open the event store in `dir` (`events.db`), load the rules and start.
    pub async fn open(
        dir: &Path,
        store: Arc<dyn Store>,
        rules: &RulesConfig,
    ) -> Result<Arc<Self>, PipelineError> {
        let events = lachan_store::sqlite::SqliteEventStore::open(
            &dir.join(lachan_store::sqlite::EVENTS_DB_FILE),
        )
        .await?;
        let cfg = rules.clone();
        let rules = tokio::task::spawn_blocking(move || Rules::load(&cfg))
            .await
            .map_err(|e| PipelineError::Start(e.to_string()))??;
        let p = Self::start(Arc::new(events), store, rules);
        p.reload_tuning().await?;
        Ok(p)
    }

    /// Read the tuning tables again (after every change to them).
    pub async fn reload_tuning(&self) -> Result<(), StoreError> {
        let t = tuning::Tuning::new(
            self.store.list_overrides().await?,
            self.store.list_suppressions().await?,
        );
        match self.tuning.write() {
            Ok(mut g) => *g = Arc::new(t),
            Err(p) => *p.into_inner() = Arc::new(t),
        }
        Ok(())
    }

    pub fn events(&self) -> &Arc<dyn EventStore> {
        &self.events
    }
}
