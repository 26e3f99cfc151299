//! The dashboard: systems by level and dossier status, approvals per agency.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::registry::DossierStatus;

use super::i18n::Lang;
use super::render::{self, Ctx, Fail};
use super::session::{OrPage, Ui};
use crate::AppState;
use crate::service;
use crate::service::ops::{self, FindingFilter, IncidentFilter, Period};

/// The operations block: open incidents, overdue findings, this half-year's inspections.
pub struct OpsBlock {
    pub incidents_open: i64,
    pub findings_overdue: i64,
    pub inspections_done: i64,
    pub inspections_planned: i64,
    pub step: i64,
}

async fn ops_block(st: &AppState, ui: &Ui) -> Result<Option<OpsBlock>, Fail> {
    if !ui.can(Action::ReadOperations) {
        return Ok(None);
    }
    let one = Some(1);
    let open = IncidentFilter {
        status: Some("open".into()),
        limit: one,
        ..Default::default()
    };
    let overdue = FindingFilter {
        overdue: Some("true".into()),
        limit: one,
        ..Default::default()
    };
    let incidents = ops::list_incidents(st, &ui.p, &open).await.or_page(ui)?;
    let findings = ops::list_findings(st, &ui.p, &overdue).await.or_page(ui)?;
    let (_, _, f) = ops::report_summary(st, &ui.p, &Period::default())
        .await
        .or_page(ui)?;
    Ok(Some(OpsBlock {
        incidents_open: incidents.total,
        findings_overdue: findings.total,
        inspections_done: f.inspections.done,
        inspections_planned: f.inspections.planned,
        step: super::incidents::step5(f.inspections.done, f.inspections.planned),
    }))
}

pub struct Bar {
    pub label: String,
    pub count: i64,
    pub href: String,
}

pub struct AgencyRow {
    pub code: String,
    pub name: String,
    pub approved: i64,
    pub systems: i64,
    pub complete: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Ctx,
    total: i64,
    approved: i64,
    population_db: i64,
    agencies_total: i64,
    max: i64,
    by_level: Vec<Bar>,
    by_status: Vec<Bar>,
    agencies: Vec<AgencyRow>,
    ops: Option<OpsBlock>,
}

pub fn status_label(lang: Lang, s: DossierStatus) -> &'static str {
    match lang {
        Lang::Vi => s.label_vi(),
        Lang::En => s.label_en(),
    }
}

pub async fn page(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    let d = service::dashboard(&st, &ui.p).await.or_page(&ui)?;
    let ops = ops_block(&st, &ui).await?;
    let lang = ui.c.lang;
    let by_level = d
        .by_level
        .iter()
        .enumerate()
        .map(|(i, n)| Bar {
            label: format!("{} {}", ui.t("sys.level"), i + 1),
            count: *n,
            href: format!("/systems?level={}", i + 1),
        })
        .collect();
    let by_status = d
        .by_status
        .iter()
        .map(|(code, n)| Bar {
            label: DossierStatus::parse(code)
                .map(|s| status_label(lang, s).to_string())
                .unwrap_or_else(|| code.clone()),
            count: *n,
            href: format!("/systems?status={code}"),
        })
        .collect();
    let agencies = d
        .per_agency
        .iter()
        .filter(|a| a.systems > 0)
        .map(|a| AgencyRow {
            code: a.code.clone(),
            name: a.name.clone(),
            approved: a.approved,
            systems: a.systems,
            complete: a.approved == a.systems,
        })
        .collect();
    render::page(&DashboardPage {
        total: d.systems_total,
        approved: d.approved,
        population_db: d.population_db,
        agencies_total: d.agencies_total,
        max: d.systems_total.max(1),
        by_level,
        by_status,
        agencies,
        ops,
        c: ui.c,
    })
}
