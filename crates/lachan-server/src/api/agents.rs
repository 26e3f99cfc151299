//! The agent gateway (enroll, batches, heartbeat) and agent management.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use crate::auth::{AgentPrincipal, ApiPrincipal};
use crate::service::agent_groups::{self, GroupRequest};
use crate::service::agents::{self, EnrollRequest};
use crate::{AppError, AppState};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub agency_code: String,
    #[serde(default = "default_hours")]
    pub expires_in_hours: i64,
    /// Agents admitted by the token join this group.
    #[serde(default)]
    pub group_id: Option<i64>,
}

fn default_hours() -> i64 {
    24 * 7
}

pub async fn create_enroll_token(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(r): ApiJson<TokenRequest>,
) -> Result<impl IntoResponse, AppError> {
    let t = agents::create_enroll_token(&st, &p, &r.agency_code, r.group_id, r.expires_in_hours)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(t))))
}

pub async fn enroll(
    State(st): State<Arc<AppState>>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    ApiJson(r): ApiJson<EnrollRequest>,
) -> Result<impl IntoResponse, AppError> {
    let e = agents::enroll(&st, &addr.ip().to_string(), r).await?;
    Ok((StatusCode::CREATED, Json(json!(e))))
}

pub async fn batch(
    State(st): State<Arc<AppState>>,
    a: AgentPrincipal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let seq = headers
        .get("x-lachan-seq")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| {
            AppError::BadRequest("X-Lachan-Seq header (batch number) is required".into())
        })?;
    let gzip = match headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
    {
        None | Some("identity") => false,
        Some("gzip") => true,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "Content-Encoding '{other}' is not supported (gzip or none)"
            )));
        }
    };
    let ack = agents::agent_batch(&st, &a.agent, seq, gzip, &body).await?;
    Ok(Json(json!(ack)))
}

pub async fn heartbeat(
    State(st): State<Arc<AppState>>,
    a: AgentPrincipal,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, AppError> {
    agents::heartbeat(&st, &a.agent, body).await?;
    let doc = agent_groups::settings_of(&st, &a.agent).await?;
    Ok(Json(
        json!({"agent_id": a.agent.id, "settings_version": doc.version}),
    ))
}

/// `GET /agent/settings`: the central settings this agent should run.
pub async fn settings(
    State(st): State<Arc<AppState>>,
    a: AgentPrincipal,
) -> Result<Json<Value>, AppError> {
    let doc = agent_groups::settings_of(&st, &a.agent).await?;
    Ok(Json(json!(doc)))
}

pub async fn list_groups(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let items = agent_groups::list(&st, &p).await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

pub async fn get_group(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(agent_groups::get(&st, &p, id).await?)))
}

pub async fn create_group(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(r): ApiJson<GroupRequest>,
) -> Result<impl IntoResponse, AppError> {
    let g = agent_groups::create(&st, &p, &r).await?;
    Ok((StatusCode::CREATED, Json(json!(g))))
}

pub async fn update_group(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<GroupRequest>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(agent_groups::update(&st, &p, id, &r).await?)))
}

pub async fn delete_group(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    agent_groups::delete(&st, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The group to join; `null` leaves any group.
    pub group_id: Option<i64>,
}

/// `PUT /agents/{id}/group`.
pub async fn assign_group(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<AssignRequest>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(
        agent_groups::assign(&st, &p, id, r.group_id).await?
    )))
}

/// `POST /agent/scan`: the agent's compliance result (a `lachan scan` JSON document).
pub async fn scan(
    State(st): State<Arc<AppState>>,
    a: AgentPrincipal,
    body: axum::body::Bytes,
) -> Result<impl axum::response::IntoResponse, AppError> {
    let (rec, created) =
        crate::service::scans::from_agent(&st, &a.agent, &a.source_ip, &body).await?;
    let mut v = json!(rec);
    v["findings_new"] = json!(created);
    Ok((axum::http::StatusCode::CREATED, Json(v)))
}

pub async fn list(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let items = agents::list_agents(&st, &p).await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

pub async fn revoke(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    agents::revoke_agent(&st, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
