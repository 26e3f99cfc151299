//! Agent groups: central settings that every agent of a group fetches and runs, and the
//! assignment of agents to groups. Admins manage them; readers see the groups of their
//! agencies and the province-wide ones.

use lachan_core::FieldError;
use lachan_core::agent_settings::AgentSettings;
use lachan_core::auth::{Action, Scope};
use lachan_store::{Agent, AgentGroup, NewAgentGroup};
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::{AppError, AppState};

/// A group as submitted.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRequest {
    pub name: String,
    /// Owning agency; absent for a province-wide group.
    #[serde(default)]
    pub agency_code: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub settings: AgentSettings,
}

/// What an agent runs: its group's settings and their version.
#[derive(Debug, Clone, Serialize)]
pub struct SettingsDoc {
    /// Changes whenever the settings an agent should run change.
    pub version: String,
    pub group: Option<String>,
    pub settings: AgentSettings,
}

/// The settings version of an agent that is in no group.
pub const NO_GROUP_VERSION: &str = "none";

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("agent group {id}"))
}

fn visible(scope: &Scope, g: &AgentGroup) -> bool {
    g.agency_id.is_none() || g.agency_id.is_some_and(|a| scope.allows(a))
}

/// Settings errors name their key under `settings.`.
fn settings_field(e: FieldError) -> AppError {
    AppError::Invalid(FieldError::new(format!("settings.{}", e.field), e.message))
}

async fn checked(
    st: &AppState,
    p: &Principal,
    r: &GroupRequest,
) -> Result<NewAgentGroup, AppError> {
    let name = r.name.trim();
    lachan_core::registry::validate_text("name", name, 100, true)?;
    lachan_core::registry::validate_text("description", &r.description, 2000, false)?;
    r.settings.validate().map_err(settings_field)?;
    let agency_id = match r
        .agency_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => {
            if p.scope != Scope::All {
                return Err(AppError::invalid(
                    "agency_code",
                    "only a province-wide account may manage province-wide groups",
                ));
            }
            None
        }
        Some(code) => {
            let a = st
                .store
                .agency(code)
                .await?
                .filter(|a| p.scope.allows(a.id))
                .ok_or_else(|| AppError::invalid("agency_code", format!("no agency '{code}'")))?;
            Some(a.id)
        }
    };
    Ok(NewAgentGroup {
        agency_id,
        name: name.to_string(),
        description: r.description.trim().to_string(),
        settings: r.settings.clone(),
    })
}

pub async fn list(st: &AppState, p: &Principal) -> Result<Vec<AgentGroup>, AppError> {
    p.require(Action::ReadEvents)?;
    Ok(st.store.list_agent_groups(&p.scope).await?)
}

pub async fn get(st: &AppState, p: &Principal, id: i64) -> Result<AgentGroup, AppError> {
    p.require(Action::ReadEvents)?;
    let g = st
        .store
        .agent_group(id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if !visible(&p.scope, &g) {
        return Err(not_found(id));
    }
    Ok(g)
}

pub async fn create(
    st: &AppState,
    p: &Principal,
    r: &GroupRequest,
) -> Result<AgentGroup, AppError> {
    p.require(Action::ManageAgents)?;
    let g = checked(st, p, r).await?;
    Ok(st.store.create_agent_group(&p.ctx(), &g).await?)
}

/// Replace a group's name, description and settings (its agency stays).
pub async fn update(
    st: &AppState,
    p: &Principal,
    id: i64,
    r: &GroupRequest,
) -> Result<AgentGroup, AppError> {
    p.require(Action::ManageAgents)?;
    let old = get(st, p, id).await?;
    let mut g = checked(st, p, r).await?;
    if g.agency_id != old.agency_id {
        return Err(AppError::invalid(
            "agency_code",
            "a group's agency cannot change; create a new group",
        ));
    }
    g.agency_id = old.agency_id;
    Ok(st.store.update_agent_group(&p.ctx(), id, &g).await?)
}

pub async fn delete(st: &AppState, p: &Principal, id: i64) -> Result<(), AppError> {
    p.require(Action::ManageAgents)?;
    let g = get(st, p, id).await?;
    if g.agency_id.is_none() && p.scope != Scope::All {
        return Err(AppError::forbidden());
    }
    Ok(st.store.delete_agent_group(&p.ctx(), id).await?)
}

/// Put agent `agent_id` into group `group_id` (or none).
pub async fn assign(
    st: &AppState,
    p: &Principal,
    agent_id: i64,
    group_id: Option<i64>,
) -> Result<Agent, AppError> {
    p.require(Action::ManageAgents)?;
    let a = st
        .store
        .agent(agent_id)
        .await?
        .filter(|a| p.scope.allows(a.agency_id))
        .ok_or_else(|| AppError::NotFound(format!("agent {agent_id}")))?;
    if let Some(g) = group_id {
        get(st, p, g)
            .await
            .map_err(|_| AppError::invalid("group_id", format!("no agent group {g}")))?;
    }
    Ok(st.store.set_agent_group(&p.ctx(), a.id, group_id).await?)
}

/// The settings `agent` should run now.
pub async fn settings_of(st: &AppState, agent: &Agent) -> Result<SettingsDoc, AppError> {
    let group = match agent.group_id {
        Some(g) => st.store.agent_group(g).await?,
        None => None,
    };
    Ok(match group {
        Some(g) => SettingsDoc {
            version: g.settings_version(),
            group: Some(g.name),
            settings: g.settings,
        },
        None => SettingsDoc {
            version: NO_GROUP_VERSION.to_string(),
            group: None,
            settings: AgentSettings::default(),
        },
    })
}
