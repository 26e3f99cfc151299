//! Notifications: e-mail (SMTP with TLS) and webhooks (JSON POST, or a chat-style
//! `{"text": …}` body) on new high-severity alerts, incidents and overdue findings.
//!
//! Producers hand a [`Notice`] to a bounded channel with `try_send` and go on (the
//! detection thread and request handlers never wait on a mail server). The worker
//! matches notices against subscriptions (agency subtree, the subscriber's own scope,
//! event kinds, minimum severity), records one delivery per subscriber, sends it, and
//! retries failed deliveries with exponential back-off until `max_attempts`; every
//! attempt is recorded.

mod send;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use lachan_core::auth::Scope;
use lachan_core::datefmt;
use lachan_core::ops::Severity;
use lachan_store::{Delivery, FindingQuery, Store, Subscription};
use serde_json::{Value, json};
use tokio::sync::mpsc;

pub use send::{SmtpConfig, SmtpTls};

/// Checks of subscription targets.
pub mod send_checks {
    pub fn email(addr: &str) -> Result<(), String> {
        addr.parse::<lettre::Address>()
            .map(|_| ())
            .map_err(|e| format!("'{addr}' is not an e-mail address: {e}"))
    }

    pub fn webhook(url: &str) -> Result<(), String> {
        super::send::check_webhook_url(url)
    }
}

/// Event kinds a subscription may choose.
pub const EVENT_KINDS: &[&str] = &["alert", "incident", "finding_overdue"];

/// Something worth telling people about.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: &'static str,
    pub severity: Severity,
    pub agency_id: Option<i64>,
    pub subject: String,
    pub text: String,
    pub data: Value,
}

#[derive(Debug, Clone)]
pub struct NotifyConfig {
    pub smtp: Option<SmtpConfig>,
    pub max_attempts: i64,
    /// First retry after this long, doubling each time.
    pub retry_base: Duration,
    /// Public address of the console, for links in messages.
    pub console_url: Option<String>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            smtp: None,
            max_attempts: 6,
            retry_base: Duration::from_secs(30),
            console_url: None,
        }
    }
}

/// The producers' handle.
pub struct Notifier {
    tx: mpsc::Sender<Notice>,
    pub dropped: AtomicU64,
}

const QUEUE: usize = 4096;

impl Notifier {
    /// Start the worker (inside a Tokio runtime) and return the handle.
    pub fn start(store: Arc<dyn Store>, config: NotifyConfig) -> Arc<Self> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let n = Arc::new(Self {
            tx,
            dropped: AtomicU64::new(0),
        });
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(worker(store, config, rx));
        } else {
            tracing::warn!("no runtime: notifications are not delivered");
        }
        n
    }

    /// Queue a notice without waiting; when the queue is full the notice is counted
    /// as dropped and logged.
    pub fn emit(&self, n: Notice) {
        if self.tx.try_send(n).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("notification queue full; a notice was dropped");
        }
    }

    pub fn sender(&self) -> mpsc::Sender<Notice> {
        self.tx.clone()
    }
}

async fn worker(store: Arc<dyn Store>, config: NotifyConfig, mut rx: mpsc::Receiver<Notice>) {
    let sender = send::Sender::new(config.smtp.clone());
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let mut last_overdue_check = std::time::Instant::now();
    let mut overdue_checked_once = false;
    loop {
        tokio::select! {
            n = rx.recv() => match n {
                Some(n) => {
                    if let Err(e) = fan_out(store.as_ref(), &config, &n).await {
                        tracing::error!(error = %e, "recording notifications failed");
                    }
                    retry_due(store.as_ref(), &sender, &config).await;
                }
                None => return,
            },
            _ = tick.tick() => {
                retry_due(store.as_ref(), &sender, &config).await;
                let wait = if overdue_checked_once { 3600 } else { 60 };
                if last_overdue_check.elapsed() >= Duration::from_secs(wait) {
                    last_overdue_check = std::time::Instant::now();
                    overdue_checked_once = true;
                    if let Err(e) = overdue_digest(store.as_ref(), &config).await {
                        tracing::warn!(error = %e, "overdue findings check failed");
                    }
                }
            }
        }
    }
}

/// Whether `s` wants `n`.
async fn matches(store: &dyn Store, s: &Subscription, n: &Notice) -> Result<bool, crate::AppError> {
    if !s.enabled || (!s.events.is_empty() && !s.events.iter().any(|e| e == n.kind)) {
        return Ok(false);
    }
    let min = Severity::parse(&s.min_severity).unwrap_or(Severity::High);
    if n.severity < min {
        return Ok(false);
    }
    if let Some(a) = s.agency_id {
        let tree = store.agency_subtree(a).await?;
        if !n.agency_id.is_some_and(|x| tree.contains(&x)) {
            return Ok(false);
        }
    }
    if let Some(u) = s.user_id {
        let Some(user) = store.user_by_id(u).await? else {
            return Ok(false);
        };
        if user.disabled {
            return Ok(false);
        }
        let scope = match (user.role.is_scoped(), user.agency_id) {
            (false, _) => Scope::All,
            (true, Some(a)) => Scope::Agencies(store.agency_subtree(a).await?),
            (true, None) => Scope::Agencies(Vec::new()),
        };
        if !scope.allows_owner(n.agency_id) {
            return Ok(false);
        }
    }
    Ok(true)
}

async fn fan_out(
    store: &dyn Store,
    config: &NotifyConfig,
    n: &Notice,
) -> Result<(), crate::AppError> {
    let mut text = n.text.clone();
    if let (Some(base), Some(path)) = (&config.console_url, n.data["link"].as_str()) {
        text.push_str(&format!("\n\n{}{}", base.trim_end_matches('/'), path));
    }
    let body = json!({"kind": n.kind, "severity": n.severity, "subject": n.subject,
                      "text": text, "data": n.data})
    .to_string();
    for s in store.list_subscriptions().await? {
        if matches(store, &s, n).await? {
            store
                .queue_delivery(s.id, n.kind, &n.subject, &body)
                .await?;
        }
    }
    Ok(())
}

async fn retry_due(store: &dyn Store, sender: &send::Sender, config: &NotifyConfig) {
    let now = datefmt::to_rfc3339(datefmt::now_utc());
    let due = match store.due_deliveries(&now, 50).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "reading due notifications failed");
            return;
        }
    };
    for d in due {
        let result = sender.deliver(&d).await;
        let (error, retry_at) = match &result {
            Ok(()) => (None, None),
            Err(e) => {
                let attempts = d.attempts + 1;
                let retry = (attempts < config.max_attempts).then(|| {
                    let factor = 1u32 << (attempts - 1).clamp(0, 10);
                    let wait = config.retry_base.saturating_mul(factor);
                    datefmt::to_rfc3339(datefmt::now_utc() + wait)
                });
                tracing::warn!(delivery = d.id, channel = %d.channel, attempts, error = %e,
                    "notification not delivered");
                (Some(e.clone()), retry)
            }
        };
        if let Err(e) = store
            .record_attempt(d.id, error.as_deref(), retry_at.as_deref())
            .await
        {
            tracing::error!(error = %e, "recording a delivery attempt failed");
        }
    }
}

/// Once a day, one notice per agency with findings past their deadline.
async fn overdue_digest(store: &dyn Store, config: &NotifyConfig) -> Result<(), crate::AppError> {
    let today = datefmt::date_iso(datefmt::now_utc().to_offset(datefmt::VN_OFFSET).date());
    if store.setting("notify.overdue_day").await?.as_deref() == Some(today.as_str()) {
        return Ok(());
    }
    let page = store
        .list_findings(&FindingQuery {
            scope: Some(Scope::All),
            overdue_on: Some(today.clone()),
            limit: 10_000,
            ..Default::default()
        })
        .await?;
    let mut by_agency: std::collections::BTreeMap<i64, Vec<&lachan_store::Finding>> =
        Default::default();
    for f in &page.items {
        by_agency.entry(f.agency_id).or_default().push(f);
    }
    for (agency, items) in by_agency {
        let worst = items
            .iter()
            .filter_map(|f| Severity::parse(&f.severity))
            .max()
            .unwrap_or(Severity::Medium);
        let name = &items[0].agency_name;
        let lines: Vec<String> = items
            .iter()
            .take(20)
            .map(|f| {
                format!(
                    "- [{}] {} (hạn {})",
                    f.severity,
                    f.title,
                    f.due_date
                        .as_deref()
                        .map(datefmt::iso_to_vn)
                        .unwrap_or_default()
                )
            })
            .collect();
        fan_out(
            store,
            config,
            &Notice {
                kind: "finding_overdue",
                severity: worst,
                agency_id: Some(agency),
                subject: format!("{} phát hiện quá hạn khắc phục — {name}", items.len()),
                text: lines.join("\n"),
                data: json!({"agency_code": items[0].agency_code, "count": items.len(),
                             "finding_ids": items.iter().map(|f| f.id).collect::<Vec<_>>(),
                             "link": "/findings?overdue=true"}),
            },
        )
        .await?;
    }
    store.set_setting("notify.overdue_day", &today).await?;
    Ok(())
}

/// The notice for a new alert.
pub fn alert_notice(a: &lachan_store::AlertHit, alert_id: i64) -> Option<Notice> {
    let severity = match a.level.as_str() {
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "medium" => Severity::Medium,
        _ => return None,
    };
    Some(Notice {
        kind: "alert",
        severity,
        agency_id: a.agency_id,
        subject: format!("[{}] Cảnh báo mới: {} — {}", a.level, a.rule_title, a.host),
        text: format!(
            "Luật: {}\nMáy: {}\nThời điểm: {}",
            a.rule_title,
            a.host,
            datefmt::datetime_vn(&a.seen_at)
        ),
        data: json!({"alert_id": alert_id, "rule_id": a.rule_id, "host": a.host,
                     "level": a.level, "link": format!("/alerts/{alert_id}")}),
    })
}

/// The notice for an incident opened or moved.
pub fn incident_notice(i: &lachan_store::Incident, what: &str) -> Notice {
    Notice {
        kind: "incident",
        severity: Severity::parse(&i.severity).unwrap_or(Severity::Medium),
        agency_id: Some(i.agency_id),
        subject: format!("[{}] Sự cố {} {}: {}", i.severity, i.code, what, i.title),
        text: format!(
            "Đơn vị: {}\nLoại: {}\nTrạng thái: {}\nPhát hiện: {}\nHạn xử lý: {}",
            i.agency_name,
            i.category,
            i.status,
            datefmt::datetime_vn(&i.detected_at),
            datefmt::datetime_vn(&i.resolve_by)
        ),
        data: json!({"incident_id": i.id, "code": i.code, "status": i.status,
                     "agency_code": i.agency_code, "link": format!("/incidents/{}", i.id)}),
    }
}

/// For the delivery log API.
pub fn delivery_json(d: &Delivery) -> Value {
    json!({"id": d.id, "subscription_id": d.subscription_id, "channel": d.channel,
           "event": d.event, "subject": d.subject, "status": d.status,
           "attempts": d.attempts, "last_error": d.last_error, "next_at": d.next_at,
           "created_at": d.created_at, "sent_at": d.sent_at})
}
