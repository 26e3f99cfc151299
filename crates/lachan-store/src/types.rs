//! Records the store returns and queries it accepts.

use lachan_core::auth::{Role, Scope};
use serde::{Deserialize, Serialize};

/// Who did something, for the audit row written with the change.
#[derive(Debug, Clone)]
pub struct AuditCtx {
    pub actor: String,
    pub source_ip: String,
}

impl AuditCtx {
    pub fn new(actor: impl Into<String>, source_ip: impl Into<String>) -> Self {
        Self {
            actor: actor.into(),
            source_ip: source_ip.into(),
        }
    }

    /// Actions taken on the server's own console (CLI).
    pub fn local(actor: &str) -> Self {
        Self::new(format!("cli:{actor}"), "local")
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub password_hash: String,
    pub role: Role,
    pub agency_code: Option<String>,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
    pub agency_code: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub failed_logins: i64,
    pub locked_until: Option<String>,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UserWithHash {
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// Browser session (cookie, CSRF token).
    Console,
    /// Bearer token from `POST /api/v1/auth/login`.
    ApiLogin,
}

impl SessionKind {
    pub fn code(&self) -> &'static str {
        match self {
            SessionKind::Console => "console",
            SessionKind::ApiLogin => "api_login",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: String,
    pub user_id: i64,
    pub kind: SessionKind,
    pub csrf_token: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
    pub source_ip: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A system with the id of its agency, for scope checks.
#[derive(Debug, Clone)]
pub struct SystemWithAgency {
    pub system: lachan_core::registry::System,
    pub agency_id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemSort {
    #[default]
    Code,
    Name,
    Level,
    Agency,
    Status,
    Updated,
}

impl SystemSort {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "code" => Self::Code,
            "name" => Self::Name,
            "level" | "security_level" => Self::Level,
            "agency" | "agency_code" => Self::Agency,
            "status" | "dossier_status" => Self::Status,
            "updated" | "updated_at" => Self::Updated,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct SystemQuery {
    pub scope: Scope,
    pub text: Option<String>,
    pub agency_code: Option<String>,
    pub level: Option<i64>,
    pub status: Option<lachan_core::registry::DossierStatus>,
    pub population_db: Option<bool>,
    pub sort: SystemSort,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

impl SystemQuery {
    pub fn all(scope: Scope) -> Self {
        Self {
            scope,
            text: None,
            agency_code: None,
            level: None,
            status: None,
            population_db: None,
            sort: SystemSort::Code,
            descending: false,
            offset: 0,
            limit: i64::MAX,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub text: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// Figures for the dashboard, within a caller's scope.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Dashboard {
    pub systems_total: i64,
    /// Index 0 is level 1.
    pub by_level: [i64; 5],
    /// (status code, count) for every dossier status.
    pub by_status: Vec<(String, i64)>,
    pub approved: i64,
    pub population_db: i64,
    pub agencies_total: i64,
    pub per_agency: Vec<AgencyFigures>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgencyFigures {
    pub code: String,
    pub name: String,
    pub systems: i64,
    pub approved: i64,
}
