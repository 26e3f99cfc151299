//! The monitor scheduler: every second it takes the monitors that are due, checks them
//! (at most [`CONCURRENCY`] at once, each within its timeout), records the result and the
//! state it leads to, and raises alerts on state changes (down, with the flap guard of
//! `lachan_core::monitor::next_state`), expiring certificates, changed DNS answers and
//! new signs of portal compromise — which are also recorded as findings of the agency.
//! Each check's next run is its interval plus up to 10 % jitter.

pub mod check;

use std::sync::{Arc, Weak};
use std::time::Duration;

use lachan_core::datefmt;
use lachan_core::monitor::{MonitorState, next_state};
use lachan_core::ops::{FindingSource, NewFinding, Severity};
use lachan_sigma::LogEvent;
use lachan_store::{AlertHit, AuditCtx, CheckRecord, FindingRecord, Monitor};
use rand::Rng;
use serde_json::json;
use tokio::sync::Semaphore;

use crate::AppState;
use crate::pipeline::Incoming;

/// Checks running at the same time.
pub const CONCURRENCY: usize = 16;
/// Check history kept.
pub const HISTORY_DAYS: i64 = 90;

fn rfc(t: time::OffsetDateTime) -> String {
    datefmt::to_rfc3339(t)
}

/// Run until the server state is dropped.
pub async fn scheduler(state: Weak<AppState>, checkers: Arc<check::Checkers>) {
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut last_prune = std::time::Instant::now();
    loop {
        tick.tick().await;
        let Some(st) = state.upgrade() else { return };
        let now = datefmt::now_utc();
        let due = match st.store.due_monitors(&rfc(now), 64).await {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "reading due monitors failed");
                continue;
            }
        };
        for m in due {
            // Not picked again while this check runs.
            let hold = now + time::Duration::seconds(m.interval_secs + m.timeout_secs + 60);
            if st.store.postpone_monitor(m.id, &rfc(hold)).await.is_err() {
                continue;
            }
            let Ok(permit) = permits.clone().acquire_owned().await else {
                return;
            };
            let (st, checkers) = (st.clone(), checkers.clone());
            tokio::spawn(async move {
                check_one(&st, &checkers, m).await;
                drop(permit);
            });
        }
        if last_prune.elapsed() > Duration::from_secs(3600) {
            last_prune = std::time::Instant::now();
            let cutoff = now - time::Duration::days(HISTORY_DAYS);
            if let Err(e) = st.store.prune_monitor_results(&rfc(cutoff)).await {
                tracing::warn!(error = %e, "pruning monitor history failed");
            }
        }
    }
}

/// Check `m` now and record everything that follows from the result.
pub async fn check_one(st: &AppState, checkers: &check::Checkers, m: Monitor) -> CheckRecord {
    let out = checkers.run(&m).await;
    let current = MonitorState::parse(&m.state).unwrap_or(MonitorState::Unknown);
    let (state, fails, oks, changed) = next_state(current, m.fail_streak, m.ok_streak, out.ok);
    let now = datefmt::now_utc();
    let jitter = rand::rng().random_range(0..=(m.interval_secs / 10).max(1));
    let next = now + time::Duration::seconds(m.interval_secs + jitter);
    let rec = CheckRecord {
        at: rfc(now),
        ok: out.ok,
        latency_ms: out.latency_ms,
        status: out.status,
        detail: out.detail.clone(),
        state: state.code().to_string(),
        state_changed: changed,
        fail_streak: fails,
        ok_streak: oks,
        next_due_at: rfc(next),
        baseline: out.baseline.clone(),
    };
    if let Err(e) = st.store.record_check(m.id, &rec).await {
        tracing::error!(monitor = m.id, error = %e, "recording a monitor check failed");
        return rec;
    }
    if changed && state == MonitorState::Down {
        raise(
            st,
            &m,
            "down",
            "high",
            &format!("{} không truy cập được: {}", m.name, out.detail),
        )
        .await;
    } else if changed && state == MonitorState::Up && current == MonitorState::Down {
        raise(
            st,
            &m,
            "recovered",
            "informational",
            &format!("{} hoạt động trở lại", m.name),
        )
        .await;
    }
    for (suffix, level, text) in &out.warnings {
        raise(st, &m, suffix, level, text).await;
    }
    for (kind, severity, url, detail) in &out.findings {
        let mut f = NewFinding {
            title: format!("Cổng TTĐT: {kind}"),
            severity: match severity.as_str() {
                "critical" => Severity::Critical,
                "high" => Severity::High,
                "low" | "info" => Severity::Low,
                _ => Severity::Medium,
            },
            agency_code: m.agency_code.clone(),
            system_code: m.system_code.clone(),
            asset: Some(m.target.clone()),
            source: FindingSource::Webcheck,
            source_ref: Some(kind.clone()),
            description: Some(format!("{}: {}", m.name, url)),
            evidence: Some(format!("{url}\n{detail}")),
            recommendation: None,
            target_id: None,
            observed_at: None,
        };
        if f.validate().is_err() {
            continue;
        }
        let fingerprint = f.fingerprint();
        let rec = FindingRecord {
            input: f,
            agency_id: m.agency_id,
            system_id: None,
            fingerprint,
        };
        let ctx = AuditCtx::new(format!("monitor:{}", m.id), "local");
        if let Err(e) = st.store.record_finding(&ctx, &rec).await {
            tracing::warn!(monitor = m.id, error = %e, "recording a portal finding failed");
        }
    }
    rec
}

/// Store an event of the monitor and raise an alert on it (and a notice).
async fn raise(st: &AppState, m: &Monitor, what: &str, level: &str, text: &str) {
    let host = host_of(&m.target);
    let event = json!({
        "Channel": "lachan.monitor",
        "@timestamp": rfc(datefmt::now_utc()),
        "host": host,
        "event.action": format!("monitor.{what}"),
        "message": text,
        "monitor.id": m.id,
        "monitor.name": m.name,
        "monitor.kind": m.kind,
        "monitor.target": m.target,
    });
    let incoming = Incoming {
        event: LogEvent::from_json(event),
        agency: Some((m.agency_id, m.agency_code.clone())),
        peer: Some(format!("monitor:{}", m.id)),
    };
    let ids = match st.pipeline.ingest(vec![incoming], "monitor").await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::error!(monitor = m.id, error = %e, "storing a monitor event failed");
            return;
        }
    };
    let hit = AlertHit {
        rule_id: format!("lachan.monitor.{what}"),
        rule_title: match what {
            "down" => format!("Giám sát: {} không truy cập được", m.name),
            "recovered" => format!("Giám sát: {} hoạt động trở lại", m.name),
            "tls_expiry" => format!("Giám sát: chứng thư TLS của {} sắp hết hạn", m.name),
            "dns_change" => format!("Giám sát: tên miền của {} đổi địa chỉ", m.name),
            "defacement" => format!("Giám sát: nội dung cổng {} bị thay đổi", m.name),
            _ => format!("Giám sát: {} có dấu hiệu bị xâm phạm", m.name),
        },
        level: level.to_string(),
        host,
        agency_id: Some(m.agency_id),
        seen_at: rfc(datefmt::now_utc()),
        event_id: ids.first().cloned().unwrap_or_default(),
        key_fields: json!({"monitor.id": m.id, "monitor.target": m.target, "message": text}),
    };
    match st.store.record_alert_hits(std::slice::from_ref(&hit)).await {
        Ok(r) => {
            if let Some((id, true)) = r.first()
                && let Some(n) = crate::notify::alert_notice(&hit, *id)
            {
                st.notifier.emit(n);
            }
        }
        Err(e) => tracing::error!(monitor = m.id, error = %e, "raising a monitor alert failed"),
    }
}

fn host_of(target: &str) -> String {
    match reqwest::Url::parse(target) {
        Ok(u) if u.host_str().is_some() => u.host_str().unwrap_or_default().to_string(),
        _ => lachan_core::monitor::split_host_port(target)
            .map(|(h, _)| h)
            .unwrap_or_else(|| target.to_string()),
    }
}
