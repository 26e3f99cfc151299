//! Event ingestion and search, the alert queue.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::ApiJson;
use crate::auth::ApiPrincipal;
use crate::service::events::{self, AlertFilter, AlertUpdate, EventFilter};
use crate::service::tuning::{self, OverrideInput, SuppressionInput};
use crate::{AppError, AppState};

/// `POST /events`: NDJSON body; 202 once every event is stored.
pub async fn ingest(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    body: Bytes,
) -> Result<impl IntoResponse, AppError> {
    let n = events::ingest_ndjson(&st, &p, &body).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"accepted": n}))))
}

pub async fn search(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Query(f): Query<EventFilter>,
) -> Result<Json<Value>, AppError> {
    let page = events::search_events(&st, &p, &f).await?;
    Ok(Json(json!(page)))
}

pub async fn get_event(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(events::get_event(&st, &p, &id).await?)))
}

pub async fn list_alerts(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Query(f): Query<AlertFilter>,
) -> Result<Json<Value>, AppError> {
    let page = events::list_alerts(&st, &p, &f).await?;
    Ok(Json(json!(page)))
}

pub async fn get_alert(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(events::get_alert(&st, &p, id).await?)))
}

pub async fn update_alert(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(u): ApiJson<AlertUpdate>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(events::update_alert(&st, &p, id, u).await?)))
}

/// `GET /pipeline`: counters of the live pipeline.
pub async fn pipeline_stats(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    p.require(lachan_core::auth::Action::ReadEvents)?;
    use std::sync::atomic::Ordering::Relaxed;
    let s = &st.pipeline.stats;
    let (ok, unsupported, error) = st.pipeline.rule_counts;
    Ok(Json(json!({
        "events_stored": s.stored.load(Relaxed),
        "events_analysed": s.analysed.load(Relaxed),
        "batches": s.batches.load(Relaxed),
        "detections": s.detections.load(Relaxed),
        "alerts_opened": s.alerts_opened.load(Relaxed),
        "hits_disabled": s.disabled_hits.load(Relaxed),
        "hits_suppressed": s.suppressed_hits.load(Relaxed),
        "rejected_requests": s.rejected.load(Relaxed),
        "detection_errors": s.detect_errors.load(Relaxed),
        "rules": {"ok": ok, "unsupported": unsupported, "error": error,
            "unrouted": st.pipeline.unrouted_rules},
    })))
}

pub async fn get_tuning(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let (overrides, suppressions) = tuning::list(&st, &p).await?;
    Ok(Json(
        json!({"overrides": overrides, "suppressions": suppressions}),
    ))
}

pub async fn put_override(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(o): ApiJson<OverrideInput>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(tuning::set_override(&st, &p, &id, o).await?)))
}

pub async fn delete_override(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    tuning::delete_override(&st, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn create_suppression(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(s): ApiJson<SuppressionInput>,
) -> Result<impl IntoResponse, AppError> {
    let s = tuning::create_suppression(&st, &p, s).await?;
    Ok((StatusCode::CREATED, Json(json!(s))))
}

pub async fn delete_suppression(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    tuning::delete_suppression(&st, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
