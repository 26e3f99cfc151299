//! Information systems: list with filters, sorting and pages; detail with
//! assets and contacts; create, edit and delete.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::regime;
use lachan_core::registry::{AssetKind, DossierStatus, NewAsset, NewContact, NewSystem, System};
use serde::Deserialize;

use super::dashboard::status_label;
use super::i18n::Lang;
use super::render::{self, Ctx, Fail, done, enc, html};
use super::session::CsrfOnly;
use super::session::{OrPage, Ui};
use crate::service::{self, SystemFilter};
use crate::{AppError, AppState};

const PAGE_SIZE: i64 = 25;

/// An `<option>` of a `<select>`.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opt(value: impl Into<String>, label: impl Into<String>, current: &str) -> Opt {
    let value = value.into();
    Opt {
        selected: value == current,
        value,
        label: label.into(),
    }
}

pub async fn agency_options(
    st: &AppState,
    ui: &Ui,
    current: &str,
    empty: Option<&str>,
) -> Result<Vec<Opt>, Fail> {
    let agencies = service::list_agencies(st, &ui.p).await.or_page(ui)?;
    let mut v: Vec<Opt> = empty.map(|l| opt("", l, current)).into_iter().collect();
    v.extend(
        agencies
            .into_iter()
            .map(|a| opt(a.code.clone(), format!("{} — {}", a.code, a.name), current)),
    );
    Ok(v)
}

fn level_options(current: &str, empty: Option<&str>) -> Vec<Opt> {
    let mut v: Vec<Opt> = empty.map(|l| opt("", l, current)).into_iter().collect();
    v.extend((1..=5).map(|l| opt(l.to_string(), l.to_string(), current)));
    v
}

fn status_options(lang: Lang, current: &str, empty: Option<&str>) -> Vec<Opt> {
    let mut v: Vec<Opt> = empty.map(|l| opt("", l, current)).into_iter().collect();
    v.extend(
        DossierStatus::ALL
            .iter()
            .map(|s| opt(s.code(), status_label(lang, *s), current)),
    );
    v
}

fn regime_label(lang: Lang, code: &str) -> String {
    match regime::find(code) {
        Some(r) => match lang {
            Lang::Vi => r.name_vi.clone(),
            Lang::En => r.name_en.clone(),
        },
        None => code.to_string(),
    }
}

// ---------- list ----------

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    page: String,
}

impl ListQuery {
    fn href(&self, sort: &str, order: &str, page: i64) -> String {
        let pairs = [
            ("q", self.q.as_str()),
            ("agency", &self.agency),
            ("level", &self.level),
            ("status", &self.status),
            ("sort", sort),
            ("order", order),
        ];
        let mut s: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect();
        if page > 1 {
            s.push(format!("page={page}"));
        }
        format!("/systems?{}", s.join("&"))
    }
}

pub struct Row {
    pub code: String,
    pub href: String,
    pub name: String,
    pub agency: String,
    pub level: i64,
    pub status: &'static str,
    pub approved: bool,
    pub approval: String,
    pub population_db: bool,
}

pub struct SortLink {
    pub label: &'static str,
    pub href: String,
    /// `ascending`, `descending` or `none` (for aria-sort).
    pub aria: &'static str,
}

#[derive(Template)]
#[template(path = "systems.html")]
struct ListPage {
    c: Ctx,
    q: String,
    agencies: Vec<Opt>,
    levels: Vec<Opt>,
    statuses: Vec<Opt>,
    columns: Vec<SortLink>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    can_write: bool,
}

fn row(lang: Lang, s: &System) -> Row {
    let approval = match (&s.approval_decision_no, &s.approval_date) {
        (Some(n), Some(d)) => format!("{n} ({})", datefmt::iso_to_vn(d)),
        (Some(n), None) => n.clone(),
        _ => String::new(),
    };
    Row {
        href: format!("/systems/{}", enc(&s.code)),
        code: s.code.clone(),
        name: s.name.clone(),
        agency: s.agency_name.clone(),
        level: s.security_level,
        status: status_label(lang, s.dossier_status),
        approved: s.dossier_status == DossierStatus::Approved,
        approval,
        population_db: s.connects_population_db,
    }
}

pub async fn list(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(q): Query<ListQuery>,
) -> Result<Response, Fail> {
    let page = match q.page.trim() {
        "" => 1,
        p => p
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| ui.fail(AppError::invalid("page", "must be a number from 1")))?,
    };
    let filter = SystemFilter {
        q: Some(q.q.clone()),
        agency_code: Some(q.agency.clone()),
        level: Some(q.level.clone()),
        status: Some(q.status.clone()),
        sort: Some(if q.sort.is_empty() {
            "code".into()
        } else {
            q.sort.clone()
        }),
        order: Some(q.order.clone()),
        page: Some(page),
        limit: Some(PAGE_SIZE),
        ..Default::default()
    };
    let (items, _) = service::list_systems(&st, &ui.p, &filter, PAGE_SIZE)
        .await
        .or_page(&ui)?;
    let lang = ui.c.lang;
    let sort_now = if q.sort.is_empty() {
        "code"
    } else {
        q.sort.as_str()
    };
    let desc_now = q.order == "desc";
    let columns = [
        ("code", "sys.code"),
        ("name", "sys.name"),
        ("agency", "sys.agency"),
        ("level", "sys.level"),
        ("status", "sys.status"),
    ]
    .iter()
    .map(|(col, key)| {
        let active = *col == sort_now;
        let order = if active && !desc_now { "desc" } else { "asc" };
        SortLink {
            label: ui.t(key),
            href: q.href(col, order, 1),
            aria: match (active, desc_now) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            },
        }
    })
    .collect();
    let pages = ((items.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page_href = |p: i64| q.href(&q.sort, &q.order, p);
    let all = ui.t("filter.all");
    render::page(&ListPage {
        q: q.q.clone(),
        agencies: agency_options(&st, &ui, &q.agency, Some(all)).await?,
        levels: level_options(&q.level, Some(all)),
        statuses: status_options(lang, &q.status, Some(all)),
        columns,
        rows: items.items.iter().map(|s| row(lang, s)).collect(),
        total: items.total,
        page,
        pages,
        prev: (page > 1).then(|| page_href(page - 1)),
        next: (page < pages).then(|| page_href(page + 1)),
        can_write: ui.can(Action::WriteSystems),
        c: ui.c,
    })
}

// ---------- detail ----------

pub struct Field {
    pub label: &'static str,
    pub value: String,
}

pub struct AssetRow {
    pub id: i64,
    pub kind: &'static str,
    pub name: String,
    pub address: String,
    pub note: String,
}

pub struct ContactRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub phone: String,
    pub email: String,
}

#[derive(Template)]
#[template(path = "system_detail.html")]
struct DetailPage {
    c: Ctx,
    code: String,
    code_url: String,
    name: String,
    fields: Vec<Field>,
    assets: Vec<AssetRow>,
    contacts: Vec<ContactRow>,
    asset_kinds: Vec<Opt>,
    can_write: bool,
}

fn asset_label(lang: Lang, k: AssetKind) -> &'static str {
    match lang {
        Lang::Vi => k.label_vi(),
        Lang::En => k.label_en(),
    }
}

pub async fn detail(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(code): Path<String>,
) -> Result<Response, Fail> {
    let (s, assets, contacts) = service::system_parts(&st, &ui.p, &code)
        .await
        .or_page(&ui)?;
    let lang = ui.c.lang;
    let yes_no = |b: bool| ui.t(if b { "yes" } else { "no" }).to_string();
    let fields = vec![
        Field {
            label: ui.t("sys.code"),
            value: s.code.clone(),
        },
        Field {
            label: ui.t("sys.agency"),
            value: format!("{} — {}", s.agency_code, s.agency_name),
        },
        Field {
            label: ui.t("sys.level"),
            value: s.security_level.to_string(),
        },
        Field {
            label: ui.t("sys.regime"),
            value: regime_label(lang, &s.regime),
        },
        Field {
            label: ui.t("sys.status"),
            value: status_label(lang, s.dossier_status).into(),
        },
        Field {
            label: ui.t("sys.decision_no"),
            value: s.approval_decision_no.clone().unwrap_or_default(),
        },
        Field {
            label: ui.t("sys.decision_date"),
            value: s
                .approval_date
                .as_deref()
                .map(datefmt::iso_to_vn)
                .unwrap_or_default(),
        },
        Field {
            label: ui.t("sys.population_db"),
            value: yes_no(s.connects_population_db),
        },
        Field {
            label: ui.t("sys.operating_unit"),
            value: s.operating_unit.clone().unwrap_or_default(),
        },
        Field {
            label: ui.t("sys.purpose"),
            value: s.purpose.clone().unwrap_or_default(),
        },
        Field {
            label: ui.t("sys.updated"),
            value: datefmt::datetime_vn(&s.updated_at),
        },
    ];
    render::page(&DetailPage {
        code_url: enc(&s.code),
        code: s.code.clone(),
        name: s.name.clone(),
        fields,
        assets: assets
            .into_iter()
            .map(|a| AssetRow {
                id: a.id,
                kind: asset_label(lang, a.kind),
                name: a.name,
                address: a.address.unwrap_or_default(),
                note: a.note.unwrap_or_default(),
            })
            .collect(),
        contacts: contacts
            .into_iter()
            .map(|c| ContactRow {
                id: c.id,
                name: c.name,
                role: c.role.unwrap_or_default(),
                phone: c.phone.unwrap_or_default(),
                email: c.email.unwrap_or_default(),
            })
            .collect(),
        asset_kinds: AssetKind::ALL
            .iter()
            .map(|k| opt(k.code(), asset_label(lang, *k), ""))
            .collect(),
        can_write: ui.can(Action::WriteSystems),
        c: ui.c,
    })
}

// ---------- create / edit ----------

/// The system form as submitted (everything as text, parsed here so that
/// a bad value is reported on the form rather than rejected by the parser).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SystemInput {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    security_level: String,
    #[serde(default)]
    regime: String,
    #[serde(default)]
    operating_unit: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    approval_decision_no: String,
    #[serde(default)]
    approval_date: String,
    #[serde(default)]
    dossier_status: String,
    #[serde(default)]
    connects_population_db: Option<String>,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

fn some(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl SystemInput {
    fn to_new(&self) -> Result<NewSystem, AppError> {
        let level = self
            .security_level
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid("security_level", "must be a level from 1 to 5"))?;
        let status = match some(&self.dossier_status) {
            Some(s) => Some(
                DossierStatus::parse(&s)
                    .ok_or_else(|| AppError::invalid("dossier_status", "unknown dossier status"))?,
            ),
            None => None,
        };
        Ok(NewSystem {
            code: self.code.trim().to_string(),
            name: self.name.clone(),
            agency_code: self.agency_code.clone(),
            security_level: level,
            regime: some(&self.regime),
            operating_unit: some(&self.operating_unit),
            purpose: some(&self.purpose),
            approval_decision_no: some(&self.approval_decision_no),
            approval_date: some(&self.approval_date),
            dossier_status: status,
            connects_population_db: self.connects_population_db.is_some(),
        })
    }

    fn from_system(s: &System) -> Self {
        Self {
            code: s.code.clone(),
            name: s.name.clone(),
            agency_code: s.agency_code.clone(),
            security_level: s.security_level.to_string(),
            regime: s.regime.clone(),
            operating_unit: s.operating_unit.clone().unwrap_or_default(),
            purpose: s.purpose.clone().unwrap_or_default(),
            approval_decision_no: s.approval_decision_no.clone().unwrap_or_default(),
            approval_date: s
                .approval_date
                .as_deref()
                .map(datefmt::iso_to_vn)
                .unwrap_or_default(),
            dossier_status: s.dossier_status.code().into(),
            connects_population_db: s.connects_population_db.then(|| "on".into()),
            csrf: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "system_form.html")]
struct FormPage {
    c: Ctx,
    /// `None` when creating.
    editing: Option<String>,
    action: String,
    v: SystemInput,
    population_db: bool,
    agencies: Vec<Opt>,
    levels: Vec<Opt>,
    statuses: Vec<Opt>,
    regimes: Vec<Opt>,
    error_field: String,
    error: Option<String>,
}

impl FormPage {
    fn err(&self, field: &str) -> bool {
        self.error_field == field
    }
}

async fn form_page(
    st: &AppState,
    ui: Ui,
    editing: Option<String>,
    v: SystemInput,
    error: Option<AppError>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let action = match &editing {
        Some(code) => format!("/systems/{}/edit", enc(code)),
        None => "/systems/new".into(),
    };
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
    let regimes = {
        let mut r = vec![opt("", ui.t("sys.regime.auto"), &v.regime)];
        r.extend(regime::all().iter().map(|g| {
            let name = match lang {
                Lang::Vi => &g.name_vi,
                Lang::En => &g.name_en,
            };
            opt(g.code.clone(), name.clone(), &v.regime)
        }));
        r
    };
    let page = FormPage {
        agencies: agency_options(st, &ui, &v.agency_code, None).await?,
        levels: level_options(&v.security_level, None),
        statuses: status_options(lang, &v.dossier_status, Some(ui.t("sys.status.auto"))),
        regimes,
        population_db: v.connects_population_db.is_some(),
        editing,
        action,
        v,
        error_field,
        error: message,
        c: ui.c,
    };
    Ok(html(status, &page))
}

pub async fn new_form(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    ui.p.require(Action::WriteSystems).or_page(&ui)?;
    let v = SystemInput {
        security_level: "1".into(),
        ..Default::default()
    };
    form_page(&st, ui, None, v, None).await
}

/// Errors about a field are shown on the form; others get the error page.
fn on_form(e: AppError) -> Result<AppError, AppError> {
    match e {
        AppError::Invalid(_) | AppError::Conflict(_) => Ok(e),
        other => Err(other),
    }
}

pub async fn create(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(v): Form<SystemInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let result = match v.to_new() {
        Ok(n) => service::create_system(&st, &ui.p, n).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(s) => done(&format!("/systems/{}", enc(&s.code)), "created"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            form_page(&st, ui, None, v, Some(e)).await
        }
    }
}

pub async fn edit_form(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(code): Path<String>,
) -> Result<Response, Fail> {
    ui.p.require(Action::WriteSystems).or_page(&ui)?;
    let s = service::get_system(&st, &ui.p, &code).await.or_page(&ui)?;
    form_page(
        &st,
        ui,
        Some(s.code.clone()),
        SystemInput::from_system(&s),
        None,
    )
    .await
}

pub async fn update(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(code): Path<String>,
    Form(mut v): Form<SystemInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    v.code = code.clone();
    let result = match v.to_new() {
        Ok(n) => service::update_system(&st, &ui.p, &code, n).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(s) => done(&format!("/systems/{}", enc(&s.code)), "saved"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            form_page(&st, ui, Some(code), v, Some(e)).await
        }
    }
}

// ---------- delete ----------

#[derive(Template)]
#[template(path = "system_delete.html")]
struct DeletePage {
    c: Ctx,
    code: String,
    code_url: String,
    name: String,
}

pub async fn delete_form(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(code): Path<String>,
) -> Result<Response, Fail> {
    ui.p.require(Action::WriteSystems).or_page(&ui)?;
    let s = service::get_system(&st, &ui.p, &code).await.or_page(&ui)?;
    render::page(&DeletePage {
        code_url: enc(&s.code),
        code: s.code,
        name: s.name,
        c: ui.c,
    })
}

pub async fn delete(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(code): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    service::delete_system(&st, &ui.p, &code)
        .await
        .or_page(&ui)?;
    done("/systems", "deleted")
}

// ---------- assets and contacts ----------

#[derive(Debug, Default, Deserialize)]
pub struct AssetInput {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    note: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn add_asset(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(code): Path<String>,
    Form(f): Form<AssetInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let kind = AssetKind::parse(&f.kind)
        .ok_or_else(|| ui.fail(AppError::invalid("kind", "unknown asset kind")))?;
    let a = NewAsset {
        kind,
        name: f.name,
        address: some(&f.address),
        note: some(&f.note),
    };
    service::add_asset(&st, &ui.p, &code, a)
        .await
        .or_page(&ui)?;
    done(&format!("/systems/{}", enc(&code)), "added")
}

pub async fn delete_asset(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    service::delete_asset(&st, &ui.p, &code, id)
        .await
        .or_page(&ui)?;
    done(&format!("/systems/{}", enc(&code)), "deleted")
}

#[derive(Debug, Default, Deserialize)]
pub struct ContactInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn add_contact(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(code): Path<String>,
    Form(f): Form<ContactInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let c = NewContact {
        name: f.name,
        role: some(&f.role),
        phone: some(&f.phone),
        email: some(&f.email),
    };
    service::add_contact(&st, &ui.p, &code, c)
        .await
        .or_page(&ui)?;
    done(&format!("/systems/{}", enc(&code)), "added")
}

pub async fn delete_contact(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    service::delete_contact(&st, &ui.p, &code, id)
        .await
        .or_page(&ui)?;
    done(&format!("/systems/{}", enc(&code)), "deleted")
}
