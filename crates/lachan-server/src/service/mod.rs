//! Use cases shared by the API and the console. Each function checks the
//! caller's role and agency scope before touching the store; handlers
//! never call the store for a protected operation directly.

pub mod agent_groups;
pub mod agents;
pub mod events;
pub mod monitors;
pub mod notify;
pub mod ops;
pub mod scans;
pub mod tuning;

use lachan_core::audit::{AuditEntry, AuditRecord};
use lachan_core::auth::{Action, Role, Scope};
use lachan_core::registry::{
    Agency, Asset, Contact, NewAgency, NewAsset, NewContact, NewSystem, System,
};
use lachan_sheets::SheetFormat;
use lachan_store::{
    ApiToken, AuditQuery, Dashboard, ImportSummary, NewUser, Page, SystemQuery, User,
};
use serde_json::json;

use crate::auth::{self, Principal};
use crate::{AppError, AppState};

/// Largest page a caller may ask for.
pub const MAX_PAGE: i64 = 500;

fn outside(what: &str) -> AppError {
    // Objects of other agencies are reported as missing, so that their
    // existence is not revealed.
    AppError::NotFound(what.to_string())
}

// ---------- agencies ----------

pub async fn list_agencies(st: &AppState, p: &Principal) -> Result<Vec<Agency>, AppError> {
    p.require(Action::ReadRegistry)?;
    Ok(st.store.list_agencies(&p.scope).await?)
}

pub async fn get_agency(st: &AppState, p: &Principal, code: &str) -> Result<Agency, AppError> {
    p.require(Action::ReadRegistry)?;
    let what = format!("agency '{code}'");
    let a = st.store.agency(code).await?.ok_or_else(|| outside(&what))?;
    if !p.scope.allows(a.id) {
        return Err(outside(&what));
    }
    Ok(a)
}

pub async fn create_agency(st: &AppState, p: &Principal, a: NewAgency) -> Result<Agency, AppError> {
    p.require(Action::WriteAgencies)?;
    Ok(st.store.create_agency(&p.ctx(), a).await?)
}

pub async fn update_agency(
    st: &AppState,
    p: &Principal,
    code: &str,
    a: NewAgency,
) -> Result<Agency, AppError> {
    p.require(Action::WriteAgencies)?;
    get_agency(st, p, code).await?;
    Ok(st.store.update_agency(&p.ctx(), code, a).await?)
}

// ---------- systems ----------

/// Filters a caller may set; the scope always comes from the principal.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SystemFilter {
    pub q: Option<String>,
    pub agency_code: Option<String>,
    pub level: Option<String>,
    pub status: Option<String>,
    pub population_db: Option<String>,
    pub sort: Option<String>,
    pub order: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub page: Option<i64>,
}

impl SystemFilter {
    pub fn to_query(&self, scope: Scope, default_limit: i64) -> Result<SystemQuery, AppError> {
        let nonempty = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
        let limit = self.limit.unwrap_or(default_limit);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(AppError::invalid(
                "limit",
                format!("must be 1 to {MAX_PAGE}"),
            ));
        }
        let offset = match (self.offset, self.page) {
            (Some(o), _) if o >= 0 => o,
            (Some(_), _) => return Err(AppError::invalid("offset", "must not be negative")),
            (None, Some(p)) if p >= 1 => (p - 1).saturating_mul(limit),
            (None, Some(_)) => return Err(AppError::invalid("page", "starts at 1")),
            (None, None) => 0,
        };
        let level = match nonempty(&self.level) {
            Some(l) => Some(
                l.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|l| (1..=5).contains(l))
                    .ok_or_else(|| AppError::invalid("level", "must be 1 to 5"))?,
            ),
            None => None,
        };
        let status = match nonempty(&self.status) {
            Some(s) => Some(
                lachan_core::registry::DossierStatus::parse(&s)
                    .ok_or_else(|| AppError::invalid("status", "unknown dossier status"))?,
            ),
            None => None,
        };
        let population_db = match nonempty(&self.population_db).as_deref() {
            Some("true" | "1" | "yes") => Some(true),
            Some("false" | "0" | "no") => Some(false),
            Some(_) => return Err(AppError::invalid("population_db", "must be true or false")),
            None => None,
        };
        let sort = match nonempty(&self.sort) {
            Some(s) => lachan_store::SystemSort::parse(&s)
                .ok_or_else(|| AppError::invalid("sort", "unknown sort column"))?,
            None => lachan_store::SystemSort::Code,
        };
        Ok(SystemQuery {
            scope,
            text: nonempty(&self.q),
            agency_code: nonempty(&self.agency_code),
            level,
            status,
            population_db,
            sort,
            descending: self.order.as_deref() == Some("desc"),
            offset,
            limit,
        })
    }
}

pub async fn list_systems(
    st: &AppState,
    p: &Principal,
    f: &SystemFilter,
    default_limit: i64,
) -> Result<(Page<System>, SystemQuery), AppError> {
    p.require(Action::ReadRegistry)?;
    let q = f.to_query(p.scope.clone(), default_limit)?;
    Ok((st.store.list_systems(&q).await?, q))
}

pub async fn get_system(st: &AppState, p: &Principal, code: &str) -> Result<System, AppError> {
    p.require(Action::ReadRegistry)?;
    let what = format!("system '{code}'");
    let s = st.store.system(code).await?.ok_or_else(|| outside(&what))?;
    if !p.scope.allows(s.agency_id) {
        return Err(outside(&what));
    }
    Ok(s.system)
}

/// The agency a system is written under must be inside the caller's scope.
async fn check_target_agency(st: &AppState, p: &Principal, code: &str) -> Result<(), AppError> {
    let a = st
        .store
        .agency(code.trim())
        .await?
        .ok_or_else(|| AppError::invalid("agency_code", format!("unknown agency '{code}'")))?;
    if !p.scope.allows(a.id) {
        return Err(AppError::Forbidden(format!(
            "agency '{code}' is outside the agencies you may manage"
        )));
    }
    Ok(())
}

pub async fn create_system(st: &AppState, p: &Principal, s: NewSystem) -> Result<System, AppError> {
    p.require(Action::WriteSystems)?;
    check_target_agency(st, p, &s.agency_code).await?;
    Ok(st.store.create_system(&p.ctx(), s).await?)
}

pub async fn update_system(
    st: &AppState,
    p: &Principal,
    code: &str,
    s: NewSystem,
) -> Result<System, AppError> {
    p.require(Action::WriteSystems)?;
    get_system(st, p, code).await?;
    check_target_agency(st, p, &s.agency_code).await?;
    Ok(st.store.update_system(&p.ctx(), code, s).await?)
}

pub async fn delete_system(st: &AppState, p: &Principal, code: &str) -> Result<(), AppError> {
    writable_system(st, p, code).await?;
    Ok(st.store.delete_system(&p.ctx(), code).await?)
}

pub async fn system_parts(
    st: &AppState,
    p: &Principal,
    code: &str,
) -> Result<(System, Vec<Asset>, Vec<Contact>), AppError> {
    let s = get_system(st, p, code).await?;
    let assets = st.store.list_assets(code).await?;
    let contacts = st.store.list_contacts(code).await?;
    Ok((s, assets, contacts))
}

/// The caller may change `code` and its parts (role and scope).
async fn writable_system(st: &AppState, p: &Principal, code: &str) -> Result<(), AppError> {
    p.require(Action::WriteSystems)?;
    get_system(st, p, code).await.map(|_| ())
}

pub async fn add_asset(
    st: &AppState,
    p: &Principal,
    code: &str,
    a: NewAsset,
) -> Result<Asset, AppError> {
    writable_system(st, p, code).await?;
    Ok(st.store.add_asset(&p.ctx(), code, a).await?)
}

pub async fn delete_asset(
    st: &AppState,
    p: &Principal,
    code: &str,
    id: i64,
) -> Result<(), AppError> {
    writable_system(st, p, code).await?;
    Ok(st.store.delete_asset(&p.ctx(), code, id).await?)
}

pub async fn add_contact(
    st: &AppState,
    p: &Principal,
    code: &str,
    c: NewContact,
) -> Result<Contact, AppError> {
    writable_system(st, p, code).await?;
    Ok(st.store.add_contact(&p.ctx(), code, c).await?)
}

pub async fn delete_contact(
    st: &AppState,
    p: &Principal,
    code: &str,
    id: i64,
) -> Result<(), AppError> {
    writable_system(st, p, code).await?;
    Ok(st.store.delete_contact(&p.ctx(), code, id).await?)
}

// ---------- import / export ----------

/// What a spreadsheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Agencies,
    Systems,
}

impl SheetKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "agencies" => Some(Self::Agencies),
            "systems" => Some(Self::Systems),
            _ => None,
        }
    }
}

fn import_error(e: lachan_sheets::ImportErrors) -> AppError {
    let details = e
        .errors
        .iter()
        .map(|x| json!({"row": x.row, "column": x.column, "message": x.reason}))
        .collect();
    let message = e
        .errors
        .first()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "the file could not be read".into());
    AppError::Import { message, details }
}

pub async fn import(
    st: &AppState,
    p: &Principal,
    kind: SheetKind,
    file_name: Option<&str>,
    bytes: &[u8],
) -> Result<ImportSummary, AppError> {
    p.require(Action::ImportRegistry)?;
    let format = SheetFormat::detect(file_name, bytes);
    let source =
        json!({"file": file_name, "bytes": bytes.len(), "sha256": auth::token_hash_bytes(bytes)})
            .to_string();
    match kind {
        SheetKind::Agencies => {
            p.require(Action::WriteAgencies)?;
            let rows = lachan_sheets::parse_agencies(bytes, format).map_err(import_error)?;
            let rows = rows.into_iter().map(|r| (r.row, r.value)).collect();
            Ok(st.store.import_agencies(&p.ctx(), rows, &source).await?)
        }
        SheetKind::Systems => {
            p.require(Action::WriteSystems)?;
            let rows = lachan_sheets::parse_systems(bytes, format).map_err(import_error)?;
            let rows = rows.into_iter().map(|r| (r.row, r.value)).collect();
            Ok(st
                .store
                .import_systems(&p.ctx(), &p.scope, rows, &source)
                .await?)
        }
    }
}

pub async fn export(
    st: &AppState,
    p: &Principal,
    kind: SheetKind,
    format: SheetFormat,
) -> Result<Vec<u8>, AppError> {
    p.require(Action::ReadRegistry)?;
    let bytes = match kind {
        SheetKind::Agencies => {
            let a = st.store.list_agencies(&p.scope).await?;
            lachan_sheets::export_agencies(&a, format)
        }
        SheetKind::Systems => {
            let s = st
                .store
                .list_systems(&SystemQuery::all(p.scope.clone()))
                .await?;
            lachan_sheets::export_systems(&s.items, format)
        }
    }
    .map_err(|e| AppError::Internal(e.to_string()))?;
    st.store
        .audit(AuditEntry {
            actor: p.user.username.clone(),
            action: "registry.export".into(),
            target: match kind {
                SheetKind::Agencies => "agencies".into(),
                SheetKind::Systems => "systems".into(),
            },
            summary: json!({"format": format.extension(), "bytes": bytes.len()}).to_string(),
            source_ip: p.source_ip.clone(),
        })
        .await?;
    Ok(bytes)
}

// ---------- dashboard and audit ----------

pub async fn dashboard(st: &AppState, p: &Principal) -> Result<Dashboard, AppError> {
    p.require(Action::ReadRegistry)?;
    Ok(st.store.dashboard(&p.scope).await?)
}

pub async fn audit_log(
    st: &AppState,
    p: &Principal,
    q: &AuditQuery,
) -> Result<Page<AuditRecord>, AppError> {
    p.require(Action::ReadAudit)?;
    if !(1..=MAX_PAGE).contains(&q.limit) {
        return Err(AppError::invalid(
            "limit",
            format!("must be 1 to {MAX_PAGE}"),
        ));
    }
    Ok(st.store.list_audit(q).await?)
}

// ---------- users ----------

#[derive(Debug, Clone, serde::Deserialize)]
pub struct CreateUser {
    pub username: String,
    pub password: String,
    pub role: String,
    #[serde(default)]
    pub agency_code: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
}

pub async fn list_users(st: &AppState, p: &Principal) -> Result<Vec<User>, AppError> {
    p.require(Action::ReadUsers)?;
    Ok(st.store.list_users().await?)
}

pub async fn create_user(st: &AppState, p: &Principal, u: CreateUser) -> Result<User, AppError> {
    p.require(Action::ManageUsers)?;
    let role = Role::parse(&u.role).ok_or_else(|| {
        AppError::invalid(
            "role",
            "must be one of admin, analyst, agency_officer, auditor",
        )
    })?;
    auth::check_password_policy(&u.username, &u.password)?;
    // For roles other than agency_officer an agency is kept as information only.
    let agency_code = u.agency_code.filter(|c| !c.trim().is_empty());
    let hash = auth::hash_password(u.password).await?;
    Ok(st
        .store
        .create_user(
            &p.ctx(),
            NewUser {
                username: u.username,
                full_name: u.full_name.unwrap_or_default(),
                password_hash: hash,
                role,
                agency_code,
                must_change_password: true,
            },
        )
        .await?)
}

async fn target_user(st: &AppState, p: &Principal, username: &str) -> Result<User, AppError> {
    p.require(Action::ManageUsers)?;
    Ok(st
        .store
        .user_by_name(username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("user '{username}'")))?
        .user)
}

pub async fn set_user_disabled(
    st: &AppState,
    p: &Principal,
    username: &str,
    disabled: bool,
) -> Result<(), AppError> {
    let u = target_user(st, p, username).await?;
    if disabled && u.id == p.user.id {
        return Err(AppError::Conflict(
            "you cannot disable your own account".into(),
        ));
    }
    Ok(st.store.set_user_disabled(&p.ctx(), u.id, disabled).await?)
}

pub async fn unlock_user(st: &AppState, p: &Principal, username: &str) -> Result<(), AppError> {
    let u = target_user(st, p, username).await?;
    Ok(st.store.unlock_user(&p.ctx(), u.id).await?)
}

/// Set a new temporary password that must be changed at the next login.
pub async fn reset_password(
    st: &AppState,
    p: &Principal,
    username: &str,
    password: Option<String>,
) -> Result<String, AppError> {
    let u = target_user(st, p, username).await?;
    let pw = password.unwrap_or_else(auth::generate_password);
    auth::check_password_policy(&u.username, &pw)?;
    let hash = auth::hash_password(pw.clone()).await?;
    st.store.set_password(&p.ctx(), u.id, &hash, true).await?;
    st.store.unlock_user(&p.ctx(), u.id).await?;
    Ok(pw)
}

/// A user changes their own password (current one required).
pub async fn change_own_password(
    st: &AppState,
    p: &Principal,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let found = st
        .store
        .user_by_name(&p.user.username)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !auth::verify_password(current.to_string(), found.password_hash).await {
        return Err(AppError::invalid("current_password", "is not correct"));
    }
    auth::check_password_policy(&p.user.username, new)?;
    if current == new {
        return Err(AppError::invalid(
            "new_password",
            "must differ from the current password",
        ));
    }
    let hash = auth::hash_password(new.to_string()).await?;
    Ok(st
        .store
        .set_password(&p.ctx(), p.user.id, &hash, false)
        .await?)
}

// ---------- API tokens ----------

pub async fn list_tokens(st: &AppState, p: &Principal) -> Result<Vec<ApiToken>, AppError> {
    p.require(Action::ManageOwnTokens)?;
    Ok(st.store.list_api_tokens(p.user.id).await?)
}

/// Returns the stored record and the token itself (shown once).
pub async fn create_token(
    st: &AppState,
    p: &Principal,
    name: &str,
) -> Result<(ApiToken, String), AppError> {
    p.require(Action::ManageOwnTokens)?;
    let token = auth::random_token("lct_");
    let t = st
        .store
        .create_api_token(&p.ctx(), p.user.id, name, &auth::token_hash(&token))
        .await?;
    Ok((t, token))
}

pub async fn revoke_token(st: &AppState, p: &Principal, id: i64) -> Result<(), AppError> {
    p.require(Action::ManageOwnTokens)?;
    Ok(st.store.revoke_api_token(&p.ctx(), p.user.id, id).await?)
}
