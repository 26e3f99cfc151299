//! Service and portal monitors: definitions scoped by agency, their history and uptime,
//! a check on demand, and the status page of an agency.

use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::monitor::NewMonitor;
use lachan_store::{CheckRecord, Monitor, MonitorRecord, MonitorResult, Uptime};
use serde::Serialize;

use crate::auth::Principal;
use crate::{AppError, AppState};

/// A monitor with its uptime over the last day, week and 30 days.
#[derive(Debug, Clone, Serialize)]
pub struct MonitorView {
    #[serde(flatten)]
    pub monitor: Monitor,
    pub uptime_24h: Uptime,
    pub uptime_7d: Uptime,
    pub uptime_30d: Uptime,
}

async fn resolve(
    st: &AppState,
    p: &Principal,
    mut n: NewMonitor,
) -> Result<MonitorRecord, AppError> {
    n.validate()?;
    let a = st.store.agency(&n.agency_code).await?.ok_or_else(|| {
        AppError::invalid("agency_code", format!("unknown agency '{}'", n.agency_code))
    })?;
    if !p.scope.allows(a.id) {
        return Err(AppError::Forbidden(format!(
            "agency '{}' is outside the agencies you may act for",
            n.agency_code
        )));
    }
    let system_id = match &n.system_code {
        None => None,
        Some(c) => {
            let s =
                st.store.system(c).await?.ok_or_else(|| {
                    AppError::invalid("system_code", format!("unknown system '{c}'"))
                })?;
            if s.agency_id != a.id {
                return Err(AppError::invalid(
                    "system_code",
                    format!("system '{c}' is not a system of that agency"),
                ));
            }
            Some(s.system.id)
        }
    };
    Ok(MonitorRecord {
        input: n,
        agency_id: a.id,
        system_id,
    })
}

pub async fn create(st: &AppState, p: &Principal, n: NewMonitor) -> Result<Monitor, AppError> {
    p.require(Action::ManageMonitors)?;
    let rec = resolve(st, p, n).await?;
    Ok(st.store.create_monitor(&p.ctx(), &rec).await?)
}

pub async fn get(st: &AppState, p: &Principal, id: i64) -> Result<Monitor, AppError> {
    p.require(Action::ReadOperations)?;
    st.store
        .monitor(id)
        .await?
        .filter(|m| p.scope.allows(m.agency_id))
        .ok_or_else(|| AppError::NotFound(format!("monitor {id}")))
}

pub async fn update(
    st: &AppState,
    p: &Principal,
    id: i64,
    n: NewMonitor,
) -> Result<Monitor, AppError> {
    p.require(Action::ManageMonitors)?;
    get(st, p, id).await?;
    let rec = resolve(st, p, n).await?;
    Ok(st.store.update_monitor(&p.ctx(), id, &rec).await?)
}

pub async fn delete(st: &AppState, p: &Principal, id: i64) -> Result<(), AppError> {
    p.require(Action::ManageMonitors)?;
    get(st, p, id).await?;
    Ok(st.store.delete_monitor(&p.ctx(), id).await?)
}

fn ago(days: i64) -> String {
    datefmt::to_rfc3339(datefmt::now_utc() - time::Duration::days(days))
}

async fn view(st: &AppState, m: Monitor) -> Result<MonitorView, AppError> {
    Ok(MonitorView {
        uptime_24h: st.store.monitor_uptime(m.id, &ago(1)).await?,
        uptime_7d: st.store.monitor_uptime(m.id, &ago(7)).await?,
        uptime_30d: st.store.monitor_uptime(m.id, &ago(30)).await?,
        monitor: m,
    })
}

pub async fn list(st: &AppState, p: &Principal) -> Result<Vec<MonitorView>, AppError> {
    p.require(Action::ReadOperations)?;
    let mut out = Vec::new();
    for m in st.store.list_monitors(&p.scope).await? {
        out.push(view(st, m).await?);
    }
    Ok(out)
}

/// The monitor with uptime and its results of the last `hours` (newest first).
pub async fn detail(
    st: &AppState,
    p: &Principal,
    id: i64,
    hours: i64,
) -> Result<(MonitorView, Vec<MonitorResult>), AppError> {
    let m = get(st, p, id).await?;
    if !(1..=24 * 90).contains(&hours) {
        return Err(AppError::invalid("hours", "must be 1 to 2160"));
    }
    let since = datefmt::to_rfc3339(datefmt::now_utc() - time::Duration::hours(hours));
    let results = st.store.monitor_results(id, &since, 5000).await?;
    Ok((view(st, m).await?, results))
}

/// Check now (outside the schedule); the next scheduled check moves accordingly.
pub async fn check_now(st: &AppState, p: &Principal, id: i64) -> Result<CheckRecord, AppError> {
    p.require(Action::ManageMonitors)?;
    let m = get(st, p, id).await?;
    Ok(crate::monitor::check_one(st, &st.checkers, m).await)
}

/// The status page of an agency: its monitors (and those of the agencies below it).
pub async fn status_page(
    st: &AppState,
    p: &Principal,
    agency_code: &str,
) -> Result<(lachan_core::registry::Agency, Vec<MonitorView>), AppError> {
    p.require(Action::ReadOperations)?;
    let a = st
        .store
        .agency(agency_code)
        .await?
        .filter(|a| p.scope.allows(a.id))
        .ok_or_else(|| AppError::NotFound(format!("agency '{agency_code}'")))?;
    let tree = st.store.agency_subtree(a.id).await?;
    let scope = lachan_core::auth::Scope::Agencies(tree);
    let mut out = Vec::new();
    for m in st.store.list_monitors(&scope).await? {
        if p.scope.allows(m.agency_id) {
            out.push(view(st, m).await?);
        }
    }
    Ok((a, out))
}
