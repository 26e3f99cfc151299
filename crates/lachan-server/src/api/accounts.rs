//! Login, own account, API tokens, users and the audit log.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use lachan_store::{AuditQuery, SessionKind, User};
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use crate::auth::{self, ApiPrincipal};
use crate::service::{self, CreateUser};
use crate::{AppError, AppState};

#[derive(Deserialize)]
pub struct LoginBody {
    username: String,
    password: String,
}

fn user_json(u: &User) -> Value {
    json!({
        "id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role,
        "agency_code": u.agency_code, "disabled": u.disabled,
        "must_change_password": u.must_change_password, "failed_logins": u.failed_logins,
        "locked_until": u.locked_until, "created_at": u.created_at, "last_login_at": u.last_login_at,
    })
}

pub async fn login(
    State(st): State<Arc<AppState>>,
    conn: axum::extract::ConnectInfo<std::net::SocketAddr>,
    ApiJson(b): ApiJson<LoginBody>,
) -> Result<Json<Value>, AppError> {
    let ip = conn.0.ip().to_string();
    if b.username.len() > 200 || b.password.len() > 1024 {
        return Err(AppError::BadCredentials);
    }
    let user = auth::authenticate(&st, &b.username, &b.password, &ip).await?;
    let (token, session) = auth::open_session(&st, &user, SessionKind::ApiLogin, &ip).await?;
    Ok(Json(json!({
        "token": token,
        "token_type": "Bearer",
        "expires_at": session.expires_at,
        "idle_timeout_seconds": st.config.session_idle.as_secs(),
        "user": user_json(&user),
    })))
}

pub async fn logout(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<StatusCode, AppError> {
    if let Some(s) = &p.session {
        st.store.delete_session(&s.id_hash).await?;
    } else if let Some(v) = headers.get(axum::http::header::AUTHORIZATION) {
        // A named API token: logout means nothing; tokens are revoked explicitly.
        let _ = v;
    }
    st.store
        .audit(lachan_core::audit::AuditEntry {
            actor: p.user.username.clone(),
            action: "auth.logout".into(),
            target: format!("user:{}", p.user.username),
            summary: "{}".into(),
            source_ip: p.source_ip.clone(),
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(ApiPrincipal(p): ApiPrincipal) -> Json<Value> {
    Json(user_json(&p.user))
}

#[derive(Deserialize)]
pub struct PasswordBody {
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(b): ApiJson<PasswordBody>,
) -> Result<StatusCode, AppError> {
    service::change_own_password(&st, &p, &b.current_password, &b.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_tokens(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let items = service::list_tokens(&st, &p).await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
pub struct TokenBody {
    name: String,
}

pub async fn create_token(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(b): ApiJson<TokenBody>,
) -> Result<impl IntoResponse, AppError> {
    let (t, token) = service::create_token(&st, &p, &b.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"token": token, "record": t})),
    ))
}

pub async fn revoke_token(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    service::revoke_token(&st, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_users(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let users = service::list_users(&st, &p).await?;
    let items: Vec<Value> = users.iter().map(user_json).collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

pub async fn create_user(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(b): ApiJson<CreateUser>,
) -> Result<impl IntoResponse, AppError> {
    let u = service::create_user(&st, &p, b).await?;
    Ok((StatusCode::CREATED, Json(user_json(&u))))
}

pub async fn disable_user(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(username): Path<String>,
) -> Result<StatusCode, AppError> {
    service::set_user_disabled(&st, &p, &username, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn enable_user(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(username): Path<String>,
) -> Result<StatusCode, AppError> {
    service::set_user_disabled(&st, &p, &username, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn unlock_user(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(username): Path<String>,
) -> Result<StatusCode, AppError> {
    service::unlock_user(&st, &p, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
pub struct ResetBody {
    #[serde(default)]
    password: Option<String>,
}

pub async fn reset_password(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(username): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, AppError> {
    let pw = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<ResetBody>(&body)
            .map_err(|e| AppError::BadRequest(format!("invalid JSON body: {e}")))?
            .password
    };
    let given = pw.is_some();
    let pw = service::reset_password(&st, &p, &username, pw).await?;
    // A generated password is returned once; a given one is not echoed.
    Ok(Json(json!({
        "username": username,
        "temporary_password": if given { Value::Null } else { Value::String(pw) },
        "must_change_password": true,
    })))
}

#[derive(Deserialize)]
pub struct AuditParams {
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    q: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn audit_log(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Query(a): Query<AuditParams>,
) -> Result<Json<Value>, AppError> {
    for (name, v) in [("from", &a.from), ("to", &a.to)] {
        if let Some(v) = v
            && lachan_core::datefmt::parse_rfc3339(v).is_none()
        {
            return Err(AppError::invalid(name, "must be an RFC 3339 time"));
        }
    }
    let q = AuditQuery {
        actor: a.actor,
        action: a.action,
        from: a.from,
        to: a.to,
        text: a.q,
        offset: a.offset.unwrap_or(0).max(0),
        limit: a.limit.unwrap_or(100),
    };
    let page = service::audit_log(&st, &p, &q).await?;
    Ok(Json(json!(page)))
}
