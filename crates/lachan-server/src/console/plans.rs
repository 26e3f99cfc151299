//! Inspection plans (kế hoạch kiểm tra): the plans with their progress, issuing a
//! plan, its targets, adding targets and recording each target's result.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::ops::{Checklist, NewPlan, NewTarget, TargetKind, TargetResult, TargetStatus};
use lachan_store::{Plan, Target};
use serde::Deserialize;

use super::i18n::Lang;
use super::incidents::{error_field, label_of, on_form, options_of, some, step5};
use super::render::{self, Ctx, Fail, done, enc, html};
use super::session::{OrPage, Ui};
use super::systems::{Opt, agency_options};
use crate::service::ops::{self, TargetUpdate};
use crate::{AppError, AppState};

/// Progress of a plan: "done/total", the share done in percent and its bar step.
pub struct Progress {
    pub done: i64,
    pub total: i64,
    pub pct: i64,
    pub step: i64,
}

impl Progress {
    fn of(p: &Plan) -> Self {
        let pct = (p.targets_done * 100)
            .checked_div(p.targets_total)
            .unwrap_or(0);
        Progress {
            done: p.targets_done,
            total: p.targets_total,
            pct,
            step: step5(p.targets_done, p.targets_total),
        }
    }
}

pub struct PlanRow {
    pub id: i64,
    pub number: String,
    pub date: String,
    pub title: String,
    pub period: String,
    pub progress: Progress,
}

#[derive(Debug, Default, Deserialize)]
pub struct PlanInput {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    description: String,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct ListPage {
    c: Ctx,
    rows: Vec<PlanRow>,
    can_manage: bool,
    v: PlanInput,
    error: Option<String>,
    error_field: String,
}

impl ListPage {
    fn err(&self, field: &str) -> bool {
        self.error_field == field
    }
}

fn period(from: &str, to: &str) -> String {
    format!("{} – {}", datefmt::iso_to_vn(from), datefmt::iso_to_vn(to))
}

async fn list_page(
    st: &AppState,
    ui: Ui,
    v: PlanInput,
    error: Option<AppError>,
) -> Result<Response, Fail> {
    let plans = ops::list_plans(st, &ui.p).await.or_page(&ui)?;
    let rows = plans
        .iter()
        .map(|p| PlanRow {
            id: p.id,
            number: p.number.clone(),
            date: datefmt::iso_to_vn(&p.date),
            title: p.title.clone(),
            period: period(&p.start_date, &p.end_date),
            progress: Progress::of(p),
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status());
    let page = ListPage {
        rows,
        can_manage: ui.can(Action::ManagePlans),
        error_field: error_field(&error),
        error: error.as_ref().map(|e| render::message(ui.c.lang, e)),
        v,
        c: ui.c,
    };
    Ok(html(status, &page))
}

pub async fn list(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    list_page(&st, ui, PlanInput::default(), None).await
}

pub async fn create(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(v): Form<PlanInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let n = NewPlan {
        number: v.number.clone(),
        date: v.date.clone(),
        title: v.title.clone(),
        start_date: v.start_date.clone(),
        end_date: v.end_date.clone(),
        team: v.team.lines().map(str::to_string).collect(),
        description: some(&v.description),
        targets: Vec::new(),
    };
    match ops::create_plan(&st, &ui.p, n).await {
        Ok(p) => done(&format!("/plans/{}", p.id), "created"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            list_page(&st, ui, v, Some(e)).await
        }
    }
}

// ---------- one plan ----------

pub struct TargetRow {
    pub id: i64,
    pub kind_label: String,
    pub agency: String,
    pub agency_code: String,
    pub what: String,
    pub scheduled: String,
    pub checklist_label: String,
    pub reinspection: bool,
    pub status: String,
    pub status_label: String,
    pub inspected_on: String,
    pub passed: i64,
    pub failed: i64,
    pub not_applicable: i64,
    pub summary: String,
    pub inspector: String,
    pub findings: i64,
    pub status_options: Vec<Opt>,
    pub finding_href: String,
}

fn target_row(lang: Lang, t: &Target) -> TargetRow {
    let what = match (&t.system_code, &t.name) {
        (Some(s), Some(n)) => format!("{s} · {n}"),
        (Some(s), None) => s.clone(),
        (None, Some(n)) => n.clone(),
        (None, None) => String::new(),
    };
    let mut finding_href = format!(
        "/findings/new?target_id={}&agency_code={}&source=inspection",
        t.id,
        enc(&t.agency_code)
    );
    if let Some(s) = &t.system_code {
        finding_href.push_str(&format!("&system_code={}", enc(s)));
    }
    TargetRow {
        id: t.id,
        kind_label: label_of::<TargetKind>(lang, &t.kind),
        agency: format!("{} — {}", t.agency_code, t.agency_name),
        agency_code: t.agency_code.clone(),
        what,
        scheduled: t
            .scheduled_date
            .as_deref()
            .map(datefmt::iso_to_vn)
            .unwrap_or_default(),
        checklist_label: label_of::<Checklist>(lang, &t.checklist),
        reinspection: t.reinspection,
        status: t.status.clone(),
        status_label: label_of::<TargetStatus>(lang, &t.status),
        inspected_on: t
            .inspected_on
            .as_deref()
            .map(datefmt::iso_to_vn)
            .unwrap_or_default(),
        passed: t.passed,
        failed: t.failed,
        not_applicable: t.not_applicable,
        summary: t.summary.clone().unwrap_or_default(),
        inspector: t.inspector.clone().unwrap_or_default(),
        findings: t.findings,
        status_options: options_of::<TargetStatus>(lang, &t.status, None),
        finding_href,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TargetInput {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    system_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    scheduled_date: String,
    #[serde(default)]
    checklist: String,
    #[serde(default)]
    reinspection: Option<String>,
}

impl TargetInput {
    fn to_new(&self) -> Result<NewTarget, AppError> {
        Ok(NewTarget {
            kind: TargetKind::parse(&self.kind)
                .ok_or_else(|| AppError::invalid("kind", "choose what is inspected"))?,
            agency_code: self.agency_code.clone(),
            system_code: some(&self.system_code),
            name: some(&self.name),
            scheduled_date: some(&self.scheduled_date),
            checklist: Checklist::parse(&self.checklist)
                .ok_or_else(|| AppError::invalid("checklist", "choose a checklist"))?,
            reinspection: self.reinspection.is_some(),
        })
    }
}

pub struct PlanFacts {
    pub id: i64,
    pub number: String,
    pub date: String,
    pub title: String,
    pub period: String,
    pub team: Vec<String>,
    pub description: String,
    pub created_by: String,
    pub progress: Progress,
}

#[derive(Template)]
#[template(path = "plan_detail.html")]
struct DetailPage {
    c: Ctx,
    p: PlanFacts,
    targets: Vec<TargetRow>,
    can_manage: bool,
    can_record: bool,
    v: TargetInput,
    kinds: Vec<Opt>,
    checklists: Vec<Opt>,
    agencies: Vec<Opt>,
    error: Option<String>,
    error_field: String,
}

impl DetailPage {
    fn err(&self, field: &str) -> bool {
        self.error_field == field || self.error_field.ends_with(&format!(".{field}"))
    }
}

async fn detail_page(
    st: &AppState,
    ui: Ui,
    id: i64,
    v: TargetInput,
    error: Option<AppError>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let plan = ops::get_plan(st, &ui.p, id).await.or_page(&ui)?;
    let can_manage = ui.can(Action::ManagePlans);
    let agencies = if can_manage {
        agency_options(st, &ui, &v.agency_code, None).await?
    } else {
        Vec::new()
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status());
    let page = DetailPage {
        p: PlanFacts {
            id: plan.id,
            number: plan.number.clone(),
            date: datefmt::iso_to_vn(&plan.date),
            title: plan.title.clone(),
            period: period(&plan.start_date, &plan.end_date),
            team: plan.team.clone(),
            description: plan.description.clone().unwrap_or_default(),
            created_by: plan.created_by.clone(),
            progress: Progress::of(&plan),
        },
        targets: plan.targets.iter().map(|t| target_row(lang, t)).collect(),
        can_manage,
        can_record: ui.can(Action::RecordFindings),
        kinds: options_of::<TargetKind>(lang, &v.kind, None),
        checklists: options_of::<Checklist>(lang, &v.checklist, None),
        agencies,
        error_field: error_field(&error),
        error: error.as_ref().map(|e| render::message(lang, e)),
        v,
        c: ui.c,
    };
    Ok(html(status, &page))
}

pub async fn detail(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, Fail> {
    let v = TargetInput {
        kind: "agency".into(),
        checklist: "security_level".into(),
        ..Default::default()
    };
    detail_page(&st, ui, id, v, None).await
}

pub async fn add_target(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(v): Form<TargetInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let result = match v.to_new() {
        Ok(t) => ops::add_targets(&st, &ui.p, id, vec![t]).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => done(&format!("/plans/{id}"), "added"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            detail_page(&st, ui, id, v, Some(e)).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ResultInput {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    inspected_on: String,
    #[serde(default)]
    passed: String,
    #[serde(default)]
    failed: String,
    #[serde(default)]
    not_applicable: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    inspector: String,
}

fn count(field: &str, v: &str) -> Result<i64, AppError> {
    match v.trim() {
        "" => Ok(0),
        s => s
            .parse::<i64>()
            .map_err(|_| AppError::invalid(field, format!("'{s}' is not a number"))),
    }
}

impl ResultInput {
    fn to_update(&self) -> Result<TargetUpdate, AppError> {
        Ok(TargetUpdate {
            status: TargetStatus::parse(&self.status)
                .ok_or_else(|| AppError::invalid("status", "choose a status"))?,
            result: TargetResult {
                inspected_on: some(&self.inspected_on),
                passed: count("passed", &self.passed)?,
                failed: count("failed", &self.failed)?,
                not_applicable: count("not_applicable", &self.not_applicable)?,
                summary: some(&self.summary),
                inspector: some(&self.inspector),
            },
        })
    }
}

/// `POST /targets/{id}/result`: back to the target's plan.
pub async fn record_result(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(v): Form<ResultInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let u = v.to_update().or_page(&ui)?;
    let t = ops::record_result(&st, &ui.p, id, u).await.or_page(&ui)?;
    done(&format!("/plans/{}", t.plan_id), "saved")
}
