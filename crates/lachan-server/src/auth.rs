//! Passwords (argon2id), random tokens, login with lockout and
//! throttling, and turning a bearer token or session cookie into a
//! [`Principal`].

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use base64::Engine;
use lachan_core::auth::{Action, Role, Scope};
use lachan_core::datefmt;
use lachan_store::{AuditCtx, Session, SessionKind, User};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

use crate::{AppError, AppState};

/// Name of the console session cookie.
pub const SESSION_COOKIE: &str = "lachan_session";
/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Hash a password with argon2id (default parameters: 19 MiB, t=2, p=1).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("password hashing task: {e}")))?
}

/// Constant-time verification against a stored PHC string.
pub async fn verify_password(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// Reject passwords that are too short or equal to the username.
pub fn check_password_policy(username: &str, password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::invalid(
            "password",
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if password.len() > 1024 {
        return Err(AppError::invalid("password", "is too long"));
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(AppError::invalid(
            "password",
            "must differ from the username",
        ));
    }
    Ok(())
}

/// 32 random bytes, URL-safe base64, with a prefix naming the kind.
pub fn random_token(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    )
}

/// What is stored instead of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A readable random password for first-run admins and resets.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 20];
    rand::rng().fill_bytes(&mut b);
    b.iter()
        .map(|x| ALPHABET[usize::from(*x) % ALPHABET.len()] as char)
        .collect()
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub scope: Scope,
    pub source_ip: String,
    /// The console session, when authenticated by cookie.
    pub session: Option<Session>,
}

impl Principal {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if self.user.role.can(action) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    pub fn ctx(&self) -> AuditCtx {
        AuditCtx::new(self.user.username.clone(), self.source_ip.clone())
    }
}

/// The client address: the TCP peer (forwarding headers are not trusted).
pub fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

fn rfc(t: time::OffsetDateTime) -> String {
    datefmt::to_rfc3339(t)
}

fn later(d: Duration) -> String {
    rfc(datefmt::now_utc() + d)
}

async fn scope_for(state: &AppState, user: &User) -> Result<Scope, AppError> {
    if !user.role.is_scoped() {
        return Ok(Scope::All);
    }
    match user.agency_id {
        Some(id) => Ok(Scope::Agencies(state.store.agency_subtree(id).await?)),
        None => Ok(Scope::Agencies(Vec::new())),
    }
}

/// Resolve a session (console cookie or login bearer token) to its user,
/// enforcing idle and absolute expiry.
async fn principal_from_session(
    state: &AppState,
    token: &str,
    ip: String,
) -> Result<Option<Principal>, AppError> {
    let id_hash = token_hash(token);
    let Some(session) = state.store.session(&id_hash).await? else {
        return Ok(None);
    };
    let now = datefmt::now_utc();
    let expired = datefmt::parse_rfc3339(&session.expires_at).is_none_or(|e| e < now);
    if expired {
        state.store.delete_session(&id_hash).await?;
        return Ok(None);
    }
    let Some(user) = state.store.user_by_id(session.user_id).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    // Slide the idle window, at most once a minute, never past the absolute limit.
    let seen = datefmt::parse_rfc3339(&session.last_seen_at).unwrap_or(now);
    if now - seen > time::Duration::seconds(60) {
        let created = datefmt::parse_rfc3339(&session.created_at).unwrap_or(now);
        let idle = now + state.config.session_idle;
        let hard = created + state.config.session_max;
        state
            .store
            .touch_session(&id_hash, &rfc(now), &rfc(idle.min(hard)))
            .await?;
    }
    let scope = scope_for(state, &user).await?;
    Ok(Some(Principal {
        user,
        scope,
        source_ip: ip,
        session: Some(session),
    }))
}

/// Resolve a bearer token: a login token (session) or a named API token.
pub async fn principal_from_bearer(
    state: &AppState,
    token: &str,
    ip: String,
) -> Result<Option<Principal>, AppError> {
    if token.is_empty() || token.len() > 200 {
        return Ok(None);
    }
    if token.starts_with("lcs_") {
        let p = principal_from_session(state, token, ip).await?;
        return Ok(p.filter(|p| {
            p.session
                .as_ref()
                .is_some_and(|s| s.kind == SessionKind::ApiLogin)
        }));
    }
    let Some(t) = state.store.api_token_by_hash(&token_hash(token)).await? else {
        return Ok(None);
    };
    let Some(user) = state.store.user_by_id(t.user_id).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let now = rfc(datefmt::now_utc());
    if t.last_used_at
        .as_deref()
        .is_none_or(|l| l[..16.min(l.len())] != now[..16])
    {
        state.store.touch_api_token(t.id, &now).await?;
    }
    let scope = scope_for(state, &user).await?;
    Ok(Some(Principal {
        user,
        scope,
        source_ip: ip,
        session: None,
    }))
}

/// Resolve the console cookie.
pub async fn principal_from_cookie(
    state: &AppState,
    headers: &HeaderMap,
    ip: String,
) -> Result<Option<Principal>, AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let p = principal_from_session(state, &token, ip).await?;
    Ok(p.filter(|p| {
        p.session
            .as_ref()
            .is_some_and(|s| s.kind == SessionKind::Console)
    }))
}

/// API authentication: `Authorization: Bearer …` only (no cookies, so
/// the API is not exposed to cross-site request forgery).
pub struct ApiPrincipal(pub Principal);

impl FromRequestParts<Arc<AppState>> for ApiPrincipal {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(AppError::Unauthorized)?;
        let ip = client_ip(parts);
        principal_from_bearer(state, &token, ip)
            .await?
            .map(ApiPrincipal)
            .ok_or(AppError::Unauthorized)
    }
}

/// Gateway authentication of an enrolled agent: `Authorization: Bearer lca_…`. A revoked
/// agent is refused at once.
pub struct AgentPrincipal {
    pub agent: lachan_store::Agent,
    pub source_ip: String,
}

impl FromRequestParts<Arc<AppState>> for AgentPrincipal {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(AppError::Unauthorized)?;
        if !token.starts_with("lca_") || token.len() > 200 {
            return Err(AppError::Unauthorized);
        }
        let agent = state
            .store
            .agent_by_credential(&token_hash(&token))
            .await?
            .ok_or(AppError::Unauthorized)?;
        if agent.revoked {
            return Err(AppError::Forbidden("this agent has been revoked".into()));
        }
        Ok(AgentPrincipal {
            agent,
            source_ip: client_ip(parts),
        })
    }
}

fn note_ip_failure(state: &AppState, ip: &str) {
    if let Ok(mut m) = state.ip_failures.lock() {
        let now = Instant::now();
        let e = m.entry(ip.to_string()).or_insert((now, 0));
        if now.duration_since(e.0) > state.config.ip_window {
            *e = (now, 0);
        }
        e.1 += 1;
        if m.len() > 10_000 {
            let window = state.config.ip_window;
            m.retain(|_, v| now.duration_since(v.0) <= window);
        }
    }
}

fn ip_blocked(state: &AppState, ip: &str) -> bool {
    state.ip_failures.lock().is_ok_and(|m| {
        m.get(ip).is_some_and(|(start, n)| {
            start.elapsed() <= state.config.ip_window && *n >= state.config.ip_failures_per_window
        })
    })
}

/// Check a username and password, applying per-address throttling and
/// per-account lockout. Every outcome is audited.
pub async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
    ip: &str,
) -> Result<User, AppError> {
    if ip_blocked(state, ip) {
        return Err(AppError::TooManyAttempts);
    }
    let ctx = AuditCtx::new(username.chars().take(64).collect::<String>(), ip);
    let Some(found) = state.store.user_by_name(username.trim()).await? else {
        // Spend the same time as a real verification so that timing does
        // not reveal which usernames exist.
        let _ = verify_password(password.to_string(), DUMMY_HASH.to_string()).await;
        note_ip_failure(state, ip);
        state
            .store
            .audit(lachan_core::audit::AuditEntry {
                actor: ctx.actor.clone(),
                action: "auth.login_failed".into(),
                target: "user:unknown".into(),
                summary: "{}".into(),
                source_ip: ip.to_string(),
            })
            .await?;
        return Err(AppError::BadCredentials);
    };
    let user = found.user;
    if let Some(until) = user.locked_until.as_deref()
        && datefmt::parse_rfc3339(until).is_some_and(|u| u > datefmt::now_utc())
    {
        return Err(AppError::Locked(datefmt::datetime_vn(until)));
    }
    if !verify_password(password.to_string(), found.password_hash).await {
        note_ip_failure(state, ip);
        let lock = (user.failed_logins + 1 >= state.config.lockout_threshold)
            .then(|| later(state.config.lockout_duration));
        state
            .store
            .record_login_failure(&ctx, user.id, lock)
            .await?;
        return Err(AppError::BadCredentials);
    }
    if user.disabled {
        return Err(AppError::Disabled);
    }
    state.store.record_login_success(&ctx, user.id).await?;
    Ok(user)
}

/// argon2id hash of a random string, used to equalise timing for unknown users.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0J3mVqJk3m2v0c1l1uTzYy7o1B6oJQfJ6oYwQyq1m3s";

/// Open a session for `user`; returns the token to hand to the client.
pub async fn open_session(
    state: &AppState,
    user: &User,
    kind: SessionKind,
    ip: &str,
) -> Result<(String, Session), AppError> {
    let prefix = match kind {
        SessionKind::Console => "lcc_",
        SessionKind::ApiLogin => "lcs_",
    };
    let token = random_token(prefix);
    let now = datefmt::now_utc();
    let session = Session {
        id_hash: token_hash(&token),
        user_id: user.id,
        kind,
        csrf_token: random_token(""),
        created_at: rfc(now),
        last_seen_at: rfc(now),
        expires_at: rfc(now + state.config.session_idle),
        source_ip: ip.to_string(),
    };
    state.store.create_session(&session).await?;
    Ok((token, session))
}

/// The `Set-Cookie` value for a console session.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        state.config.session_max.as_secs()
    )
}

pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

/// SHA-256 of a byte string, hex (for evidence and audit summaries).
pub fn token_hash_bytes(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify() {
        let h = hash_password("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), h.clone()).await);
        assert!(!verify_password("wrong".into(), h).await);
        assert!(!verify_password("x".into(), "not a hash".into()).await);
        // The dummy hash parses, so unknown users cost a full verification.
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token("lcs_");
        assert!(a.starts_with("lcs_") && a.len() > 40);
        assert_ne!(a, random_token("lcs_"));
        assert_eq!(token_hash(&a).len(), 64);
        assert_eq!(generate_password().len(), 20);
    }

    #[test]
    fn cookies_parse() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; lachan_session=xyz; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn policy() {
        assert!(check_password_policy("bob", "short").is_err());
        assert!(check_password_policy("longusername", "LongUsername").is_err());
        assert!(check_password_policy("bob", "a good passphrase").is_ok());
    }
}
