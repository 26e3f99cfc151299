//! Agencies: list and (for roles that may) create and edit.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::registry::{Agency, AgencyKind, NewAgency};
use serde::Deserialize;

use super::i18n::Lang;
use super::render::{self, Ctx, Fail, done, enc, html};
use super::session::{OrPage, Ui};
use super::systems::{Opt, agency_options};
use crate::{AppError, AppState, service};

pub struct Row {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub parent: String,
    pub systems_href: String,
    pub edit_href: String,
    pub created: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct AgencyInput {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_code: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl AgencyInput {
    fn from_agency(a: &Agency) -> Self {
        Self {
            code: a.code.clone(),
            name: a.name.clone(),
            kind: a.kind.code().into(),
            parent_code: a.parent_code.clone().unwrap_or_default(),
            csrf: String::new(),
        }
    }

    fn to_new(&self) -> Result<NewAgency, AppError> {
        let kind = AgencyKind::parse(&self.kind)
            .ok_or_else(|| AppError::invalid("kind", "unknown agency kind"))?;
        Ok(NewAgency {
            code: self.code.clone(),
            name: self.name.clone(),
            kind,
            parent_code: Some(self.parent_code.clone()).filter(|p| !p.trim().is_empty()),
        })
    }
}

#[derive(Template)]
#[template(path = "agencies.html")]
struct ListPage {
    c: Ctx,
    rows: Vec<Row>,
    can_write: bool,
    v: AgencyInput,
    kinds: Vec<Opt>,
    parents: Vec<Opt>,
    error_field: String,
    error: Option<String>,
}

impl ListPage {
    fn err(&self, field: &str) -> bool {
        self.error_field == field
    }
}

fn kind_label(lang: Lang, k: AgencyKind) -> &'static str {
    match lang {
        Lang::Vi => k.label_vi(),
        Lang::En => k.label_en(),
    }
}

fn kind_options(lang: Lang, current: &str) -> Vec<Opt> {
    AgencyKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.code().into(),
            label: kind_label(lang, *k).into(),
            selected: k.code() == current,
        })
        .collect()
}

/// Status, offending field and message of a form error (200 and nothing without one).
fn form_error(lang: Lang, error: Option<&AppError>) -> (StatusCode, String, Option<String>) {
    match error {
        Some(e) => (
            e.status(),
            match e {
                AppError::Invalid(f) => f.field.clone(),
                _ => String::new(),
            },
            Some(render::message(lang, e)),
        ),
        None => (StatusCode::OK, String::new(), None),
    }
}

async fn render_list(
    st: &AppState,
    ui: Ui,
    v: AgencyInput,
    error: Option<AppError>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let agencies = service::list_agencies(st, &ui.p).await.or_page(&ui)?;
    let rows = agencies
        .iter()
        .map(|a| Row {
            systems_href: format!("/systems?agency={}", enc(&a.code)),
            edit_href: format!("/agencies/{}/edit", enc(&a.code)),
            code: a.code.clone(),
            name: a.name.clone(),
            kind: kind_label(lang, a.kind),
            parent: a.parent_code.clone().unwrap_or_default(),
            created: datefmt::datetime_vn(&a.created_at),
        })
        .collect();
    let kinds = kind_options(lang, &v.kind);
    let parents = agency_options(st, &ui, &v.parent_code, Some(ui.t("agency.no_parent"))).await?;
    let (status, error_field, message) = form_error(lang, error.as_ref());
    let page = ListPage {
        rows,
        can_write: ui.can(Action::WriteAgencies),
        v,
        kinds,
        parents,
        error_field,
        error: message,
        c: ui.c,
    };
    Ok(html(status, &page))
}

pub async fn list(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    let v = AgencyInput {
        kind: AgencyKind::ProvinceDepartment.code().into(),
        ..Default::default()
    };
    render_list(&st, ui, v, None).await
}

pub async fn create(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(v): Form<AgencyInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let result = match v.to_new() {
        Ok(a) => service::create_agency(&st, &ui.p, a).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => done("/agencies", "created"),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            render_list(&st, ui, v, Some(e)).await
        }
        Err(e) => Err(ui.fail(e)),
    }
}

// ---------- edit ----------

#[derive(Template)]
#[template(path = "agency_form.html")]
struct EditPage {
    c: Ctx,
    code: String,
    action: String,
    v: AgencyInput,
    kinds: Vec<Opt>,
    parents: Vec<Opt>,
    error_field: String,
    error: Option<String>,
}

impl EditPage {
    fn err(&self, field: &str) -> bool {
        self.error_field == field
    }
}

async fn render_edit(
    st: &AppState,
    ui: Ui,
    code: String,
    v: AgencyInput,
    error: Option<AppError>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let mut parents =
        agency_options(st, &ui, &v.parent_code, Some(ui.t("agency.no_parent"))).await?;
    // An agency cannot be its own parent; the store also refuses deeper cycles.
    parents.retain(|o| o.value != code);
    let (status, error_field, message) = form_error(lang, error.as_ref());
    let page = EditPage {
        action: format!("/agencies/{}/edit", enc(&code)),
        code,
        kinds: kind_options(lang, &v.kind),
        parents,
        v,
        error_field,
        error: message,
        c: ui.c,
    };
    Ok(html(status, &page))
}

pub async fn edit_form(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(code): Path<String>,
) -> Result<Response, Fail> {
    ui.p.require(Action::WriteAgencies).or_page(&ui)?;
    let a = service::get_agency(&st, &ui.p, &code).await.or_page(&ui)?;
    render_edit(&st, ui, a.code.clone(), AgencyInput::from_agency(&a), None).await
}

pub async fn update(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(code): Path<String>,
    Form(mut v): Form<AgencyInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    v.code = code.clone();
    let result = match v.to_new() {
        Ok(a) => service::update_agency(&st, &ui.p, &code, a).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => done("/agencies", "saved"),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            render_edit(&st, ui, code, v, Some(e)).await
        }
        Err(e) => Err(ui.fail(e)),
    }
}
