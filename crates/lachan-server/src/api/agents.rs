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
use crate::service::agents::{self, EnrollRequest};
use crate::{AppError, AppState};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub agency_code: String,
    #[serde(default = "default_hours")]
    pub expires_in_hours: i64,
}

fn default_hours() -> i64 {
    24 * 7
}

pub async fn create_enroll_token(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(r): ApiJson<TokenRequest>,
) -> Result<impl IntoResponse, AppError> {
    let t = agents::create_enroll_token(&st, &p, &r.agency_code, r.expires_in_hours).await?;
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
    Ok(Json(json!({"agent_id": a.agent.id, "config": {}})))
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
