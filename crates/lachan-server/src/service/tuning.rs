//! Detection tuning: rule overrides (off / another level) and suppressions. Everyone
//! who reads alerts may see the tuning, so silenced noise is never hidden; only admins
//! and analysts change it, each change audited, and the live pipeline reloads it at once.

use lachan_core::auth::Action;
use lachan_store::{LEVELS, NewSuppression, RuleOverride, Suppression};
use serde::Deserialize;

use crate::auth::Principal;
use crate::{AppError, AppState};

fn reason(r: Option<String>) -> Result<String, AppError> {
    let r = r.map(|r| r.trim().to_string()).unwrap_or_default();
    if r.is_empty() {
        return Err(AppError::invalid("reason", "a reason is required"));
    }
    if r.chars().count() > 1000 {
        return Err(AppError::invalid("reason", "at most 1000 characters"));
    }
    Ok(r)
}

fn rule_id(id: &str) -> Result<String, AppError> {
    let id = id.trim();
    if id.is_empty() || id.chars().count() > 300 {
        return Err(AppError::invalid("rule_id", "must be 1 to 300 characters"));
    }
    Ok(id.to_string())
}

/// Everything tuned, for the console and `GET /tuning`.
pub async fn list(
    st: &AppState,
    p: &Principal,
) -> Result<(Vec<RuleOverride>, Vec<Suppression>), AppError> {
    p.require(Action::ReadEvents)?;
    Ok((
        st.store.list_overrides().await?,
        st.store.list_suppressions().await?,
    ))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    pub enabled: bool,
    pub level: Option<String>,
    pub reason: Option<String>,
}

pub async fn set_override(
    st: &AppState,
    p: &Principal,
    id: &str,
    o: OverrideInput,
) -> Result<RuleOverride, AppError> {
    p.require(Action::TuneDetection)?;
    let level = o
        .level
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty());
    if let Some(l) = &level
        && !LEVELS.contains(&l.as_str())
    {
        return Err(AppError::invalid(
            "level",
            format!("must be one of {}", LEVELS.join(", ")),
        ));
    }
    let ov = RuleOverride {
        rule_id: rule_id(id)?,
        enabled: o.enabled,
        level,
        reason: reason(o.reason)?,
        updated_by: String::new(),
        updated_at: String::new(),
    };
    let saved = st.store.set_override(&p.ctx(), &ov).await?;
    st.pipeline.reload_tuning().await?;
    Ok(saved)
}

pub async fn delete_override(st: &AppState, p: &Principal, id: &str) -> Result<(), AppError> {
    p.require(Action::TuneDetection)?;
    st.store.delete_override(&p.ctx(), &rule_id(id)?).await?;
    st.pipeline.reload_tuning().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionInput {
    pub rule_id: Option<String>,
    pub field: String,
    pub value: String,
    pub agency_code: Option<String>,
    pub host: Option<String>,
    pub reason: Option<String>,
    /// RFC 3339; empty or absent for no expiry.
    pub expires_at: Option<String>,
}

pub async fn create_suppression(
    st: &AppState,
    p: &Principal,
    s: SuppressionInput,
) -> Result<Suppression, AppError> {
    p.require(Action::TuneDetection)?;
    let nonempty = |v: Option<String>| v.map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
    let field = s.field.trim().to_string();
    if field.is_empty()
        || field.len() > 100
        || !field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@' | '-'))
    {
        return Err(AppError::invalid(
            "field",
            "must be a field name of letters, digits and _.@- (at most 100)",
        ));
    }
    let value = s.value.trim().to_string();
    if value.is_empty() || value.chars().count() > 500 {
        return Err(AppError::invalid("value", "must be 1 to 500 characters"));
    }
    let agency_id = match nonempty(s.agency_code) {
        None => None,
        Some(code) => Some(
            st.store
                .agency(&code)
                .await?
                .ok_or_else(|| AppError::invalid("agency_code", format!("no agency '{code}'")))?
                .id,
        ),
    };
    let expires_at = match nonempty(s.expires_at) {
        None => None,
        Some(t) => {
            let ts: jiff::Timestamp = t.parse().map_err(|e| {
                AppError::invalid("expires_at", format!("'{t}' is not an RFC 3339 time: {e}"))
            })?;
            if ts <= jiff::Timestamp::now() {
                return Err(AppError::invalid("expires_at", "must be in the future"));
            }
            Some(lachan_ingest::normalize::rfc3339_ms(ts))
        }
    };
    let new = NewSuppression {
        rule_id: nonempty(s.rule_id).map(|r| rule_id(&r)).transpose()?,
        field,
        value,
        agency_id,
        host: nonempty(s.host),
        reason: reason(s.reason)?,
        expires_at,
    };
    let id = st.store.create_suppression(&p.ctx(), &new).await?;
    st.pipeline.reload_tuning().await?;
    st.store
        .list_suppressions()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::Internal(format!("suppression {id} vanished")))
}

pub async fn delete_suppression(st: &AppState, p: &Principal, id: i64) -> Result<(), AppError> {
    p.require(Action::TuneDetection)?;
    st.store.delete_suppression(&p.ctx(), id).await?;
    st.pipeline.reload_tuning().await?;
    Ok(())
}
