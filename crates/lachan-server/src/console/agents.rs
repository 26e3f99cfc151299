//! Enrolled agents (tác tử giám sát): status per agency, enrollment tokens and
//! revocation for administrators.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use serde::Deserialize;

use super::render::{self, Ctx, Fail};
use super::session::CsrfOnly;
use super::session::{OrPage, Ui};
use crate::service::agents as svc;
use crate::{AppError, AppState};

pub struct Row {
    pub id: i64,
    pub hostname: String,
    pub agency: String,
    pub os: String,
    pub ips: String,
    pub version: String,
    pub last_seen: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub rss_mb: String,
    /// 0: in no group.
    pub group_id: i64,
    pub group: String,
}

#[derive(Template)]
#[template(path = "agents.html")]
struct AgentsPage {
    c: Ctx,
    rows: Vec<Row>,
    can_manage: bool,
    agencies: Vec<(String, String)>,
    /// (id, name, agency code or empty for province-wide) of the visible groups.
    groups: Vec<(i64, String, String)>,
    issued: Option<(String, String, String)>,
}

async fn render_page(
    st: &AppState,
    ui: Ui,
    issued: Option<(String, String, String)>,
) -> Result<Response, Fail> {
    let agents = svc::list_agents(st, &ui.p).await.or_page(&ui)?;
    let rows = agents
        .into_iter()
        .map(|v| {
            let a = v.agent;
            Row {
                id: a.id,
                rss_mb: a.heartbeat["rss_bytes"]
                    .as_f64()
                    .map(|b| format!("{:.1}", b / 1_048_576.0))
                    .unwrap_or_default(),
                group_id: a.group_id.unwrap_or(0),
                group: a.group_name.unwrap_or_default(),
                hostname: a.hostname,
                agency: a.agency_code,
                os: a.os,
                ips: a.ips.join(", "),
                version: a.version,
                last_seen: a
                    .last_seen
                    .map(|l| datefmt::datetime_vn(&l))
                    .unwrap_or_default(),
                status: v.status,
                status_label: ui.t(&format!("agents.status.{}", v.status)),
            }
        })
        .collect();
    let can_manage = ui.can(Action::ManageAgents);
    let agencies = manageable_agencies(st, &ui, can_manage).await?;
    let groups = crate::service::agent_groups::list(st, &ui.p)
        .await
        .or_page(&ui)?
        .into_iter()
        .map(|g| (g.id, g.name, g.agency_code.unwrap_or_default()))
        .collect();
    render::page(&AgentsPage {
        rows,
        can_manage,
        agencies,
        groups,
        issued,
        c: ui.c,
    })
}

/// (code, name) of the agencies an agent manager may pick (none for readers).
pub(super) async fn manageable_agencies(
    st: &AppState,
    ui: &Ui,
    can_manage: bool,
) -> Result<Vec<(String, String)>, Fail> {
    if !can_manage {
        return Ok(Vec::new());
    }
    Ok(crate::service::list_agencies(st, &ui.p)
        .await
        .or_page(ui)?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect())
}

pub async fn list(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    render_page(&st, ui, None).await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    group_id: String,
}

/// Issue an enrollment token and show it once on the page (not via a redirect, so the
/// secret never lands in a URL or the browser history).
pub async fn create_token(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(f): Form<TokenForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let days: i64 = match f.days.trim() {
        "" => 7,
        d => d
            .parse()
            .map_err(|_| ui.fail(AppError::invalid("days", "must be a whole number of days")))?,
    };
    let group = match f.group_id.trim() {
        "" => None,
        g => Some(
            g.parse::<i64>()
                .map_err(|_| ui.fail(AppError::invalid("group_id", "not a group")))?,
        ),
    };
    let t = svc::create_enroll_token(&st, &ui.p, &f.agency_code, group, days.saturating_mul(24))
        .await
        .or_page(&ui)?;
    let until = datefmt::datetime_vn(&t.info.expires_at);
    render_page(&st, ui, Some((t.token, t.info.agency_code, until))).await
}

pub async fn revoke(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    svc::revoke_agent(&st, &ui.p, id).await.or_page(&ui)?;
    render::done("/agents", "agent_revoked")
}
