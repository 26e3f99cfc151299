//! Incidents, findings, letters, inspection plans and the report summary.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lachan_core::ops::{
    FindingChange, IncidentChange, NewFinding, NewIncident, NewLetter, NewPlan, NewTarget,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use crate::auth::ApiPrincipal;
use crate::service::ops::{self, FindingFilter, IncidentFilter, Period, TargetUpdate, TaskInput};
use crate::{AppError, AppState};

type S = State<Arc<AppState>>;

pub async fn create_incident(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(n): ApiJson<NewIncident>,
) -> Result<impl IntoResponse, AppError> {
    let i = ops::create_incident(&st, &p, n).await?;
    Ok((StatusCode::CREATED, Json(json!(i))))
}

pub async fn list_incidents(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Query(f): Query<IncidentFilter>,
) -> Result<Json<Value>, AppError> {
    let page = ops::list_incidents(&st, &p, &f).await?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|i| {
            let mut v = json!(i);
            v["overdue"] = json!(ops::is_overdue(i));
            v
        })
        .collect();
    Ok(Json(json!({"items": items, "total": page.total})))
}

pub async fn get_incident(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(ops::incident_detail(&st, &p, id).await?)))
}

pub async fn update_incident(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<IncidentChange>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(ops::update_incident(&st, &p, id, c).await?)))
}

#[derive(Debug, Deserialize)]
pub struct NoteInput {
    text: String,
}

pub async fn add_note(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(n): ApiJson<NoteInput>,
) -> Result<StatusCode, AppError> {
    ops::add_note(&st, &p, id, &n.text).await?;
    Ok(StatusCode::CREATED)
}

#[derive(Debug, Deserialize)]
pub struct AlertLink {
    alert_ids: Vec<i64>,
}

pub async fn link_alerts(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(l): ApiJson<AlertLink>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(
        ops::link_alerts(&st, &p, id, &l.alert_ids).await?
    )))
}

pub async fn add_task(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(t): ApiJson<TaskInput>,
) -> Result<impl IntoResponse, AppError> {
    let t = ops::add_task(&st, &p, id, t).await?;
    Ok((StatusCode::CREATED, Json(json!(t))))
}

#[derive(Debug, Deserialize)]
pub struct TaskDone {
    done: bool,
}

pub async fn update_task(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path((id, task_id)): Path<(i64, i64)>,
    ApiJson(t): ApiJson<TaskDone>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(
        ops::set_task_done(&st, &p, id, task_id, t.done).await?
    )))
}

#[derive(Debug, Deserialize)]
pub struct EvidenceParams {
    name: Option<String>,
    note: Option<String>,
}

/// `POST /incidents/{id}/evidence?name=…`: the raw file as the body.
pub async fn add_evidence(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    Query(q): Query<EvidenceParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, AppError> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream");
    let e = ops::add_evidence(
        &st,
        &p,
        id,
        q.name.as_deref().unwrap_or(""),
        media_type,
        &body,
        q.note.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!(e))))
}

pub async fn get_evidence(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path((id, eid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (e, bytes) = ops::evidence_file(&st, &p, id, eid).await?;
    Ok(evidence_response(&e, bytes))
}

/// An evidence file as a download (never rendered inline), with its hash.
pub fn evidence_response(e: &lachan_store::Evidence, bytes: Vec<u8>) -> Response {
    let ascii: String = e
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (
                header::HeaderName::from_static("x-content-sha256"),
                e.sha256.clone(),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub async fn create_finding(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(n): ApiJson<NewFinding>,
) -> Result<impl IntoResponse, AppError> {
    let (f, created) = ops::create_finding(&st, &p, n).await?;
    let mut v = json!(f);
    v["deduplicated"] = json!(!created);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(v)))
}

fn finding_json(f: &lachan_store::Finding) -> Value {
    let mut v = json!(f);
    v["overdue"] = json!(ops::is_finding_overdue(f));
    v
}

pub async fn list_findings(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Query(f): Query<FindingFilter>,
) -> Result<Json<Value>, AppError> {
    let page = ops::list_findings(&st, &p, &f).await?;
    let items: Vec<Value> = page.items.iter().map(finding_json).collect();
    Ok(Json(json!({"items": items, "total": page.total})))
}

pub async fn get_finding(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (f, history) = ops::finding_history(&st, &p, id).await?;
    let mut v = finding_json(&f);
    v["history"] = json!(history);
    Ok(Json(v))
}

pub async fn update_finding(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<FindingChange>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(finding_json(
        &ops::update_finding(&st, &p, id, c).await?,
    )))
}

pub async fn create_letter(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(l): ApiJson<NewLetter>,
) -> Result<impl IntoResponse, AppError> {
    let l = ops::create_letter(&st, &p, l).await?;
    Ok((StatusCode::CREATED, Json(json!(l))))
}

pub async fn list_letters(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let items = ops::list_letters(&st, &p).await?;
    let total = items.len();
    Ok(Json(json!({"items": items, "total": total})))
}

pub async fn get_letter(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (l, findings) = ops::get_letter(&st, &p, id).await?;
    let mut v = json!(l);
    v["findings"] = Value::Array(findings.iter().map(finding_json).collect());
    Ok(Json(v))
}

pub async fn create_plan(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(n): ApiJson<NewPlan>,
) -> Result<impl IntoResponse, AppError> {
    let plan = ops::create_plan(&st, &p, n).await?;
    Ok((StatusCode::CREATED, Json(json!(plan))))
}

pub async fn list_plans(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let items = ops::list_plans(&st, &p).await?;
    let total = items.len();
    Ok(Json(json!({"items": items, "total": total})))
}

pub async fn get_plan(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(ops::get_plan(&st, &p, id).await?)))
}

#[derive(Debug, Deserialize)]
pub struct TargetsInput {
    targets: Vec<NewTarget>,
}

pub async fn add_targets(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(t): ApiJson<TargetsInput>,
) -> Result<impl IntoResponse, AppError> {
    let t = ops::add_targets(&st, &p, id, t.targets).await?;
    Ok((StatusCode::CREATED, Json(json!({"items": t}))))
}

pub async fn record_result(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(u): ApiJson<TargetUpdate>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(ops::record_result(&st, &p, id, u).await?)))
}

/// `GET /reports/summary?from=YYYY-MM-DD&to=YYYY-MM-DD`.
pub async fn report_summary(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Query(q): Query<Period>,
) -> Result<Json<Value>, AppError> {
    let (from, to, figures) = ops::report_summary(&st, &p, &q).await?;
    let mut v = json!(figures);
    v["from"] = json!(from);
    v["to"] = json!(to);
    v["method"] = ops::REPORT_METHOD
        .iter()
        .map(|(k, vi, en)| (k.to_string(), json!({"vi": vi, "en": en})))
        .collect::<serde_json::Map<_, _>>()
        .into();
    Ok(Json(v))
}

pub async fn create_subscription(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(s): ApiJson<crate::service::notify::SubscriptionInput>,
) -> Result<impl IntoResponse, AppError> {
    let s = crate::service::notify::create(&st, &p, s).await?;
    Ok((StatusCode::CREATED, Json(json!(s))))
}

pub async fn list_subscriptions(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let items = crate::service::notify::list(&st, &p).await?;
    Ok(Json(json!({"items": items})))
}

pub async fn delete_subscription(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    crate::service::notify::delete(&st, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /notifications`: the latest deliveries with their attempts.
pub async fn list_deliveries(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let items: Vec<Value> = crate::service::notify::deliveries(&st, &p)
        .await?
        .iter()
        .map(crate::notify::delivery_json)
        .collect();
    Ok(Json(json!({"items": items,
        "dropped": st.notifier.dropped.load(std::sync::atomic::Ordering::Relaxed)})))
}

/// `POST /scans?agency_code=…|target_id=…`: a `lachan scan` JSON result as the body.
pub async fn upload_scan(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Query(q): Query<crate::service::scans::UploadParams>,
    body: Bytes,
) -> Result<impl IntoResponse, AppError> {
    let (rec, created) = crate::service::scans::upload(&st, &p, &q, &body).await?;
    let mut v = json!(rec);
    v["findings_new"] = json!(created);
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Debug, Deserialize)]
pub struct ScanFilter {
    host: Option<String>,
}

pub async fn list_scans(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Query(f): Query<ScanFilter>,
) -> Result<Json<Value>, AppError> {
    let host = f.host.as_deref().map(str::trim).filter(|h| !h.is_empty());
    let items =
        crate::service::scans::list(&st, &p, host, crate::service::scans::MAX_LISTED).await?;
    Ok(Json(json!({"items": items})))
}

pub async fn get_scan(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (rec, report) = crate::service::scans::get(&st, &p, id).await?;
    let mut v = json!(rec);
    v["report"] = report;
    Ok(Json(v))
}

/// `GET /compliance?by=agency|system|level&agency_code=&system_code=&level=&days=`.
pub async fn compliance(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Query(q): Query<crate::service::scans::ComplianceParams>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(crate::service::scans::view(&st, &p, &q).await?)))
}

pub async fn target_items(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (t, items) = ops::target_checklist(&st, &p, id).await?;
    let mut v = json!(t);
    v["items"] = json!(items);
    Ok(Json(v))
}

#[derive(Debug, Deserialize)]
pub struct ItemsInput {
    items: Vec<crate::service::ops::ItemAnswer>,
}

pub async fn answer_items(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(a): ApiJson<ItemsInput>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(ops::answer_items(&st, &p, id, a.items).await?)))
}

pub async fn create_monitor(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(n): ApiJson<lachan_core::monitor::NewMonitor>,
) -> Result<impl IntoResponse, AppError> {
    let m = crate::service::monitors::create(&st, &p, n).await?;
    Ok((StatusCode::CREATED, Json(json!(m))))
}

pub async fn list_monitors(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let items = crate::service::monitors::list(&st, &p).await?;
    Ok(Json(json!({"items": items})))
}

#[derive(Debug, Deserialize)]
pub struct HistoryParams {
    hours: Option<i64>,
}

pub async fn get_monitor(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    Query(q): Query<HistoryParams>,
) -> Result<Json<Value>, AppError> {
    let (m, results) = crate::service::monitors::detail(&st, &p, id, q.hours.unwrap_or(24)).await?;
    let mut v = json!(m);
    v["results"] = json!(results);
    Ok(Json(v))
}

pub async fn update_monitor(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(n): ApiJson<lachan_core::monitor::NewMonitor>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(
        crate::service::monitors::update(&st, &p, id, n).await?
    )))
}

pub async fn delete_monitor(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    crate::service::monitors::delete(&st, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn check_monitor(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let r = crate::service::monitors::check_now(&st, &p, id).await?;
    Ok(Json(
        json!({"at": r.at, "ok": r.ok, "latency_ms": r.latency_ms,
        "status": r.status, "detail": r.detail, "state": r.state,
        "state_changed": r.state_changed, "next_due_at": r.next_due_at}),
    ))
}

pub async fn status_page(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (a, items) = crate::service::monitors::status_page(&st, &p, &code).await?;
    let down = items.iter().filter(|m| m.monitor.state == "down").count();
    Ok(Json(json!({"agency_code": a.code, "agency_name": a.name,
        "monitors": items, "down": down})))
}

pub async fn update_plan(
    State(st): S,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(n): ApiJson<NewPlan>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(ops::update_plan(&st, &p, id, n).await?)))
}
