//! The alert queue (hàng đợi cảnh báo): filter, open an alert, triage it. Scoped by
//! agency through the service layer, like the API.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_store::Alert;
use serde::Deserialize;

use super::render::{self, Ctx, Fail, enc};
use super::session::{OrPage, Ui};
use crate::AppState;
use crate::service::events::{self as ev, AlertFilter, AlertUpdate};

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    level: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    page: String,
}

impl Filter {
    fn status(&self) -> String {
        self.status.clone().unwrap_or_else(|| "active".into())
    }

    fn href(&self, page: i64) -> String {
        let status = self.status();
        render::list_href(
            "/alerts",
            &[
                ("status", &status),
                ("level", &self.level),
                ("host", &self.host),
            ],
            page,
        )
    }
}

/// One `<option>` of a select.
pub struct Opt {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

fn options(c: &Ctx, prefix: &str, values: &[&'static str], current: &str) -> Vec<Opt> {
    values
        .iter()
        .map(|v| Opt {
            value: v,
            label: c.t(&format!("{prefix}.{v}")),
            selected: *v == current,
        })
        .collect()
}

const LEVELS: &[&str] = &["critical", "high", "medium", "low", "informational"];

pub struct Row {
    pub id: i64,
    pub level: String,
    pub level_label: &'static str,
    pub title: String,
    pub host: String,
    pub agency: String,
    pub first_seen: String,
    pub last_seen: String,
    pub count: i64,
    pub status_label: &'static str,
    pub assignee: String,
}

fn row(c: &Ctx, a: Alert) -> Row {
    Row {
        level_label: c.t(&format!("level.{}", a.level)),
        status_label: c.t(&format!("alert.status.{}", a.status)),
        id: a.id,
        level: a.level,
        title: a.rule_title,
        host: a.host,
        agency: a.agency_code.unwrap_or_default(),
        first_seen: datefmt::datetime_vn(&a.first_seen),
        last_seen: datefmt::datetime_vn(&a.last_seen),
        count: a.count,
        assignee: a.assignee.unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    c: Ctx,
    f: Filter,
    status_options: Vec<Opt>,
    level_options: Vec<Opt>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

pub async fn list(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(f): Query<Filter>,
) -> Result<Response, Fail> {
    let page = render::page_number(&f.page).or_page(&ui)?;
    let status = f.status();
    let q = AlertFilter {
        status: (status != "all").then(|| status.clone()),
        level: Some(f.level.clone()),
        host: Some(f.host.clone()),
        offset: Some((page - 1).saturating_mul(PAGE_SIZE)),
        limit: Some(PAGE_SIZE),
        ..Default::default()
    };
    let items = ev::list_alerts(&st, &ui.p, &q).await.or_page(&ui)?;
    let pages = ((items.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let rows = items.items.into_iter().map(|a| row(&ui.c, a)).collect();
    render::page(&AlertsPage {
        rows,
        total: items.total,
        page,
        pages,
        prev: (page > 1).then(|| f.href(page - 1)),
        next: (page < pages).then(|| f.href(page + 1)),
        status_options: options(
            &ui.c,
            "alert.status",
            &["active", "open", "acknowledged", "closed", "all"],
            &status,
        ),
        level_options: options(&ui.c, "level", LEVELS, &f.level),
        f,
        c: ui.c,
    })
}

#[derive(Template)]
#[template(path = "alert_detail.html")]
struct DetailPage {
    c: Ctx,
    a: Row,
    rule_id: String,
    tune_href: String,
    status_options: Vec<Opt>,
    reason: String,
    key_fields: Vec<(String, String)>,
    events: Vec<String>,
    can_triage: bool,
    can_open_incident: bool,
}

pub async fn detail(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, Fail> {
    let a = ev::get_alert(&st, &ui.p, id).await.or_page(&ui)?;
    let key_fields = match &a.key_fields {
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), v)
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut events = a.event_ids.clone();
    events.reverse();
    render::page(&DetailPage {
        rule_id: a.rule_id.clone(),
        tune_href: format!("/tuning?rule_id={}&host={}", enc(&a.rule_id), enc(&a.host)),
        status_options: options(
            &ui.c,
            "alert.status",
            lachan_store::ALERT_STATUSES,
            &a.status,
        ),
        reason: a.close_reason.clone().unwrap_or_default(),
        key_fields,
        events,
        can_triage: ui.can(Action::TriageAlerts),
        can_open_incident: ui.can(Action::HandleIncidents),
        a: row(&ui.c, a),
        c: ui.c,
    })
}

#[derive(Debug, Deserialize)]
pub struct TriageForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    reason: String,
}

pub async fn triage(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<TriageForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let u = AlertUpdate {
        status: Some(f.status.trim().to_string()).filter(|s| !s.is_empty()),
        assignee: Some(f.assignee.trim().to_string()),
        reason: Some(f.reason),
    };
    ev::update_alert(&st, &ui.p, id, u).await.or_page(&ui)?;
    render::done(&format!("/alerts/{id}"), "saved")
}
