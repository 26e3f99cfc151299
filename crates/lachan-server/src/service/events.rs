//! Events and alerts: ingestion through the pipeline, search, the alert queue. Agency
//! officers send events into their own agency and see only their agencies' events and
//! alerts; alerts of other agencies answer 404.

use std::collections::HashMap;

use lachan_core::auth::{Action, Scope};
use lachan_ingest::{NdjsonError, NdjsonLimits, parse_ndjson};
use lachan_sigma::LogEvent;
use lachan_store::{Alert, AlertChange, AlertQuery, EventQuery, Page, StoredEvent};
use serde::Deserialize;

use super::MAX_PAGE;
use crate::auth::Principal;
use crate::pipeline::Incoming;
use crate::{AppError, AppState};

/// Largest NDJSON body accepted by the ingest API.
pub const MAX_INGEST_BYTES: usize = 16 * 1024 * 1024;

/// Parse an RFC 3339 time parameter into milliseconds.
fn time_param(name: &str, v: &Option<String>) -> Result<Option<i64>, AppError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<jiff::Timestamp>()
            .map(|t| Some(t.as_millisecond()))
            .map_err(|e| AppError::invalid(name, format!("'{s}' is not an RFC 3339 time: {e}"))),
    }
}

fn ms_to_rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(lachan_ingest::normalize::rfc3339_ms)
        .unwrap_or_default()
}

/// Store an NDJSON body of events; all of it or, on any bad line, none of it.
pub async fn ingest_ndjson(st: &AppState, p: &Principal, body: &[u8]) -> Result<usize, AppError> {
    p.require(Action::IngestEvents)?;
    if body.len() > MAX_INGEST_BYTES {
        st.pipeline.reject();
        return Err(AppError::BadRequest(format!(
            "body is larger than {MAX_INGEST_BYTES} bytes; send smaller batches"
        )));
    }
    let lines = parse_ndjson(body, NdjsonLimits::default()).map_err(|e| {
        st.pipeline.reject();
        match e {
            NdjsonError::Empty => AppError::BadRequest("the body holds no events".into()),
            other => AppError::BadRequest(format!("nothing stored: {other}")),
        }
    })?;
    // The agency of each event: an officer's own; otherwise the agency the event names.
    let own = match (p.user.agency_id, &p.user.agency_code, &p.scope) {
        (Some(id), Some(code), Scope::Agencies(_)) => Some((id, code.clone())),
        _ => None,
    };
    let mut known: HashMap<String, Option<(i64, String)>> = HashMap::new();
    let mut batch = Vec::with_capacity(lines.len());
    for map in lines {
        let agency = match &own {
            Some(a) => Some(a.clone()),
            None => {
                let named = ["agency.code", "agency_code"]
                    .iter()
                    .find_map(|k| map.get(*k).and_then(|v| v.as_str()))
                    .map(str::to_owned);
                match named {
                    None => None,
                    Some(code) => {
                        if !known.contains_key(&code) {
                            let a = st.store.agency(&code).await?.map(|a| (a.id, a.code));
                            known.insert(code.clone(), a);
                        }
                        known.get(&code).cloned().flatten()
                    }
                }
            }
        };
        batch.push(Incoming {
            event: LogEvent::from_json(serde_json::Value::Object(map)),
            agency,
            peer: Some(p.user.username.clone()),
        });
    }
    let n = batch.len();
    st.pipeline.ingest(batch, "api").await?;
    Ok(n)
}

/// Search parameters of `GET /events` and the console search page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventFilter {
    pub q: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

pub async fn search_events(
    st: &AppState,
    p: &Principal,
    f: &EventFilter,
) -> Result<lachan_store::EventPage, AppError> {
    p.require(Action::ReadEvents)?;
    let (words, filters) =
        EventQuery::parse_q(f.q.as_deref().unwrap_or("")).map_err(|m| AppError::invalid("q", m))?;
    let from_ms = time_param("from", &f.from)?;
    let to_ms = time_param("to", &f.to)?;
    if let (Some(a), Some(b)) = (from_ms, to_ms)
        && a >= b
    {
        return Err(AppError::invalid("to", "must be later than 'from'"));
    }
    let limit = f.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::invalid(
            "limit",
            format!("must be 1..={MAX_PAGE}"),
        ));
    }
    let q = EventQuery {
        scope: p.scope.clone(),
        words,
        filters,
        from_ms,
        to_ms,
        limit,
        offset: f.offset.unwrap_or(0).max(0),
    };
    Ok(st.events.search_events(&q).await?)
}

pub async fn get_event(st: &AppState, p: &Principal, id: &str) -> Result<StoredEvent, AppError> {
    p.require(Action::ReadEvents)?;
    let what = format!("event '{id}'");
    let agency = st
        .events
        .event_agency(id)
        .await?
        .ok_or_else(|| AppError::NotFound(what.clone()))?;
    if !p.scope.allows_owner(agency) {
        return Err(AppError::NotFound(what));
    }
    st.events.event(id).await?.ok_or(AppError::NotFound(what))
}

// ---------- alerts ----------

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AlertFilter {
    pub status: Option<String>,
    pub level: Option<String>,
    pub rule_id: Option<String>,
    pub host: Option<String>,
    pub agency_code: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

pub async fn list_alerts(
    st: &AppState,
    p: &Principal,
    f: &AlertFilter,
) -> Result<Page<Alert>, AppError> {
    p.require(Action::ReadEvents)?;
    let nonempty = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
    let status = nonempty(&f.status);
    if let Some(s) = &status
        && s != "active"
        && !lachan_store::ALERT_STATUSES.contains(&s.as_str())
    {
        return Err(AppError::invalid(
            "status",
            "must be open, acknowledged, closed or active",
        ));
    }
    let agency_id = match nonempty(&f.agency_code) {
        None => None,
        Some(code) => match st.store.agency(&code).await? {
            Some(a) if p.scope.allows(a.id) => Some(a.id),
            // An agency outside the caller's scope simply has no alerts for them.
            _ => Some(-1),
        },
    };
    let limit = f.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::invalid(
            "limit",
            format!("must be 1..={MAX_PAGE}"),
        ));
    }
    let q = AlertQuery {
        scope: Some(p.scope.clone()),
        status,
        level: nonempty(&f.level),
        rule_id: nonempty(&f.rule_id),
        host: nonempty(&f.host),
        agency_id,
        from: time_param("from", &f.from)?.map(ms_to_rfc3339),
        to: time_param("to", &f.to)?.map(ms_to_rfc3339),
        limit,
        offset: f.offset.unwrap_or(0).max(0),
    };
    Ok(st.store.list_alerts(&q).await?)
}

pub async fn get_alert(st: &AppState, p: &Principal, id: i64) -> Result<Alert, AppError> {
    p.require(Action::ReadEvents)?;
    let what = format!("alert {id}");
    let (alert, agency) = st
        .store
        .alert(id)
        .await?
        .ok_or_else(|| AppError::NotFound(what.clone()))?;
    if !p.scope.allows_owner(agency) {
        return Err(AppError::NotFound(what));
    }
    Ok(alert)
}

/// A triage request: new status, assignee, reason (required to close).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertUpdate {
    pub status: Option<String>,
    pub assignee: Option<String>,
    pub reason: Option<String>,
}

pub async fn update_alert(
    st: &AppState,
    p: &Principal,
    id: i64,
    u: AlertUpdate,
) -> Result<Alert, AppError> {
    p.require(Action::TriageAlerts)?;
    get_alert(st, p, id).await?;
    if let Some(s) = &u.status
        && !lachan_store::ALERT_STATUSES.contains(&s.as_str())
    {
        return Err(AppError::invalid(
            "status",
            "must be open, acknowledged or closed",
        ));
    }
    let reason = u
        .reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if u.status.as_deref() == Some("closed") && reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            "a reason is required to close an alert",
        ));
    }
    if let Some(r) = &reason
        && r.chars().count() > 1000
    {
        return Err(AppError::invalid("reason", "at most 1000 characters"));
    }
    let assignee = match u.assignee.map(|a| a.trim().to_string()) {
        Some(a) if a.is_empty() => Some(String::new()),
        Some(a) => {
            if st.store.user_by_name(&a).await?.is_none() {
                return Err(AppError::invalid("assignee", format!("no user '{a}'")));
            }
            Some(a)
        }
        None => None,
    };
    let change = AlertChange {
        status: u.status,
        assignee,
        reason,
    };
    Ok(st.store.update_alert(&p.ctx(), id, &change).await?)
}
