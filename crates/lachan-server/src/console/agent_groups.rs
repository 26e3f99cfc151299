//! Agent groups (nhóm tác tử): central settings written as YAML, agents moved between
//! groups. Administrators change them; readers see them.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lachan_core::FieldError;
use lachan_core::agent_settings::AgentSettings;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_store::AgentGroup;
use serde::Deserialize;

use super::agents::manageable_agencies;
use super::incidents::{error_field, on_form};
use super::render::{self, Ctx, Fail, html};
use super::session::{CsrfOnly, OrPage, Ui};
use crate::service::agent_groups::{self as svc, GroupRequest};
use crate::{AppError, AppState};

/// Shown as the placeholder of an empty settings box.
const EXAMPLE: &str = "files:\n  - /var/log/auth.log\njournald: true\nfim:\n  - /etc\nusb: true\n\
compliance:\n  every_minutes: 720\n  policies: [lachan_d06_workstation_linux]\n\
malware:\n  rules: /etc/lachan/yara\n  on_fim: true\n";

#[derive(Debug, Default, Deserialize)]
pub struct GroupForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub agency_code: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub settings: String,
}

impl GroupForm {
    fn of(g: &AgentGroup) -> Self {
        Self {
            csrf: String::new(),
            name: g.name.clone(),
            agency_code: g.agency_code.clone().unwrap_or_default(),
            description: g.description.clone(),
            settings: settings_yaml(&g.settings),
        }
    }

    /// The form as an API request; YAML errors name the `settings` box and the line.
    fn request(&self) -> Result<GroupRequest, AppError> {
        let settings = if self.settings.trim().is_empty() {
            AgentSettings::default()
        } else {
            serde_saphyr::from_str::<AgentSettings>(&self.settings)
                .map_err(|e| AppError::Invalid(FieldError::new("settings", e.to_string())))?
        };
        Ok(GroupRequest {
            name: self.name.clone(),
            agency_code: Some(self.agency_code.clone()).filter(|c| !c.trim().is_empty()),
            description: self.description.clone(),
            settings,
        })
    }
}

fn settings_yaml(s: &AgentSettings) -> String {
    if *s == AgentSettings::default() {
        return String::new();
    }
    serde_saphyr::to_string(s).unwrap_or_else(|_| serde_json::json!(s).to_string())
}

pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub agency: String,
    pub agents: i64,
    pub revision: i64,
    pub updated: String,
    pub summary: String,
}

/// A few words on what a group's settings turn on.
fn summary(s: &AgentSettings) -> String {
    let mut parts = Vec::new();
    if !s.files.is_empty() {
        parts.push(format!("files×{}", s.files.len()));
    }
    if s.journald {
        parts.push("journald".into());
    }
    if !s.fim.is_empty() {
        parts.push(format!("fim×{}", s.fim.len()));
    }
    if s.usb {
        parts.push("usb".into());
    }
    if let Some(c) = &s.compliance {
        parts.push(format!("compliance/{} min", c.every_minutes));
    }
    if let Some(m) = &s.malware {
        parts.push(if m.on_fim {
            "yara+fim".to_string()
        } else {
            "yara".to_string()
        });
    }
    parts.join(", ")
}

#[derive(Template)]
#[template(path = "agent_groups.html")]
struct GroupsPage {
    c: Ctx,
    rows: Vec<GroupRow>,
    can_manage: bool,
    /// The group being edited (`None`: the new-group form).
    editing: Option<i64>,
    v: GroupForm,
    agencies: Vec<(String, String)>,
    example: &'static str,
    error: Option<String>,
    error_field: String,
}

impl GroupsPage {
    fn err(&self, field: &str) -> bool {
        self.error_field == field || self.error_field.starts_with(&format!("{field}."))
    }
}

async fn page(
    st: &AppState,
    ui: Ui,
    editing: Option<i64>,
    v: GroupForm,
    error: Option<AppError>,
) -> Result<Response, Fail> {
    let groups = svc::list(st, &ui.p).await.or_page(&ui)?;
    let lang = ui.c.lang;
    let rows = groups
        .iter()
        .map(|g| GroupRow {
            id: g.id,
            name: g.name.clone(),
            agency: g
                .agency_code
                .clone()
                .unwrap_or_else(|| ui.t("groups.province").to_string()),
            agents: g.agents,
            revision: g.revision,
            updated: datefmt::datetime_vn(&g.updated_at),
            summary: summary(&g.settings),
        })
        .collect();
    let can_manage = ui.can(Action::ManageAgents);
    let agencies = manageable_agencies(st, &ui, can_manage).await?;
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status());
    let p = GroupsPage {
        rows,
        can_manage,
        editing,
        v,
        agencies,
        example: EXAMPLE,
        error_field: error_field(&error),
        error: error.as_ref().map(|e| render::message(lang, e)),
        c: ui.c,
    };
    Ok(html(status, &p))
}

pub async fn list(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    page(&st, ui, None, GroupForm::default(), None).await
}

pub async fn create(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(v): Form<GroupForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let result = match v.request() {
        Ok(r) => svc::create(&st, &ui.p, &r).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => render::done("/agents/groups", "created"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            page(&st, ui, None, v, Some(e)).await
        }
    }
}

/// The edit form of one group, filled with its settings as YAML.
pub async fn edit(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, Fail> {
    let g = svc::get(&st, &ui.p, id).await.or_page(&ui)?;
    page(&st, ui, Some(id), GroupForm::of(&g), None).await
}

pub async fn update(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(v): Form<GroupForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let result = match v.request() {
        Ok(r) => svc::update(&st, &ui.p, id, &r).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => render::done("/agents/groups", "saved"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            page(&st, ui, Some(id), v, Some(e)).await
        }
    }
}

pub async fn delete(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    svc::delete(&st, &ui.p, id).await.or_page(&ui)?;
    render::done("/agents/groups", "deleted")
}

#[derive(Debug, Deserialize)]
pub struct AssignForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    group_id: String,
}

/// Move one agent (from the agents list).
pub async fn assign(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let group = match f.group_id.trim() {
        "" => None,
        g => Some(
            g.parse::<i64>()
                .map_err(|_| ui.fail(AppError::invalid("group_id", "not a group")))?,
        ),
    };
    svc::assign(&st, &ui.p, id, group).await.or_page(&ui)?;
    render::done("/agents", "saved")
}
