use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lachan_store::{EventStore, Store};

use crate::pipeline::Pipeline;

/// Settings that shape the server's behaviour.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Console and login-token sessions end after this much inactivity.
    pub session_idle: Duration,
    /// Sessions end after this long whatever the activity.
    pub session_max: Duration,
    /// Mark cookies `Secure` (set when serving TLS).
    pub secure_cookies: bool,
    /// Failed logins before an account is locked.
    pub lockout_threshold: i64,
    pub lockout_duration: Duration,
    /// Failed logins per client address per window before 429.
    pub ip_failures_per_window: u32,
    pub ip_window: Duration,
    /// Shown in the console banner when the demo registry is loaded.
    pub demo: bool,
    /// Stored events older than this many days are dropped (whole days).
    pub retention_days: u32,
    /// An agent or sender silent for this long is shown offline.
    pub offline_after: Duration,
    /// Mail server and delivery retries for notifications.
    pub notify: crate::notify::NotifyConfig,
    /// Extra trusted roots (PEM) for monitored services, e.g. the province's own CA.
    pub monitor_roots_pem: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(30 * 60),
            session_max: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            lockout_threshold: 5,
            lockout_duration: Duration::from_secs(15 * 60),
            ip_failures_per_window: 30,
            ip_window: Duration::from_secs(5 * 60),
            demo: false,
            retention_days: 90,
            offline_after: Duration::from_secs(300),
            notify: crate::notify::NotifyConfig::default(),
            monitor_roots_pem: Vec::new(),
        }
    }
}

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub events: Arc<dyn EventStore>,
    pub pipeline: Arc<Pipeline>,
    pub config: ServerConfig,
    pub notifier: Arc<crate::notify::Notifier>,
    /// Clients of the service and portal monitors.
    pub checkers: Arc<crate::monitor::check::Checkers>,
    /// Failed logins per client address: (window start, count).
    pub(crate) ip_failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, pipeline: Arc<Pipeline>, config: ServerConfig) -> Arc<Self> {
        let notifier = crate::notify::Notifier::start(store.clone(), config.notify.clone());
        pipeline.set_notices(notifier.sender());
        let checkers = Arc::new(crate::monitor::check::Checkers::new(
            config.monitor_roots_pem.clone(),
        ));
        let state = Arc::new(Self {
            store,
            events: pipeline.events().clone(),
            pipeline,
            notifier,
            checkers: checkers.clone(),
            config,
            ip_failures: Mutex::new(HashMap::new()),
        });
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(crate::monitor::scheduler(Arc::downgrade(&state), checkers));
        }
        state
    }
}

/// Remove expired sessions every few minutes.
pub(crate) async fn sweep_sessions(state: Arc<AppState>) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    loop {
        tick.tick().await;
        let now = lachan_core::datefmt::to_rfc3339(lachan_core::datefmt::now_utc());
        if let Err(e) = state.store.delete_expired_sessions(&now).await {
            tracing::warn!(error = %e, "session sweep failed");
        }
    }
}

/// Drop event partitions past the retention period, hourly.
pub(crate) async fn sweep_events(state: Arc<AppState>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let keep_ms = i64::from(state.config.retention_days) * 86_400_000;
        let cutoff = lachan_sigma::Timestamp::now().as_millisecond() - keep_ms;
        match state.events.drop_events_before(cutoff).await {
            Ok(days) if !days.is_empty() => {
                tracing::info!(partitions = days.len(), "dropped events past retention")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "event retention sweep failed"),
        }
    }
}
