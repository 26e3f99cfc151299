//! Agencies: list and (for roles that may) create.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::registry::{AgencyKind, NewAgency};
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
            code: a.code.clone(),
            name: a.name.clone(),
            kind: kind_label(lang, a.kind),
            parent: a.parent_code.clone().unwrap_or_default(),
            created: datefmt::datetime_vn(&a.created_at),
        })
        .collect();
    let kinds = AgencyKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.code().into(),
            label: kind_label(lang, *k).into(),
            selected: k.code() == v.kind,
        })
        .collect();
    let parents = agency_options(st, &ui, &v.parent_code, Some(ui.t("agency.no_parent"))).await?;
    let (status, error_field, message) = match &error {
        Some(e) => (
            e.status(),
            match e {
                AppError::Invalid(f) => f.field.clone(),
                _ => String::new(),
            },
            Some(render::message(lang, e)),
        ),
        None => (StatusCode::OK, String::new(), None),
    };
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
    let result = match AgencyKind::parse(&v.kind) {
        Some(kind) => {
            let a = NewAgency {
                code: v.code.clone(),
                name: v.name.clone(),
                kind,
                parent_code: Some(v.parent_code.clone()).filter(|p| !p.trim().is_empty()),
            };
            service::create_agency(&st, &ui.p, a).await
        }
        None => Err(AppError::invalid("kind", "unknown agency kind")),
    };
    match result {
        Ok(_) => done("/agencies", "created"),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            render_list(&st, ui, v, Some(e)).await
        }
        Err(e) => Err(ui.fail(e)),
    }
}
