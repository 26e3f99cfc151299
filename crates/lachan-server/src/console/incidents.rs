//! Incidents (sự cố): the queue with filters, opening an incident (also from an
//! alert), its page with the handling workflow, notes, tasks, evidence and timeline,
//! and the printable incident report. Helpers shared by the other operations pages
//! (labels of the workflow codes, times typed in Vietnam time) live here too.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::ops::{
    Checklist, FindingSource, FindingStatus, IncidentCategory, IncidentChange, IncidentStatus,
    NewIncident, Severity, TargetKind, TargetStatus,
};
use lachan_store::{Evidence, Incident, LogEntry};
use serde::Deserialize;

use super::i18n::{Lang, t};
use super::render::{self, Ctx, Fail, done, html};
use super::session::{OrPage, Ui};
use super::systems::{Opt, agency_options};
use crate::service::events as ev;
use crate::service::ops::{self, IncidentFilter, TaskInput};
use crate::{AppError, AppState};

const PAGE_SIZE: i64 = 25;

// ---------- helpers shared by the operations pages ----------

/// A workflow code with labels in both languages.
pub trait Coded: Copy + PartialEq + 'static {
    fn all() -> &'static [Self];
    fn code_of(self) -> &'static str;
    fn label(self, lang: Lang) -> &'static str;
    fn from_code(s: &str) -> Option<Self>;
}

macro_rules! coded {
    ($($t:ident),*) => {$(
        impl Coded for $t {
            fn all() -> &'static [Self] {
                $t::ALL
            }
            fn code_of(self) -> &'static str {
                self.code()
            }
            fn label(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Vi => self.label_vi(),
                    Lang::En => self.label_en(),
                }
            }
            fn from_code(s: &str) -> Option<Self> {
                $t::parse(s)
            }
        }
    )*};
}

coded!(
    Severity,
    IncidentCategory,
    IncidentStatus,
    FindingStatus,
    FindingSource,
    TargetKind,
    Checklist,
    TargetStatus
);

/// The label of a stored code; the code itself when unknown.
pub fn label_of<T: Coded>(lang: Lang, code: &str) -> String {
    T::from_code(code)
        .map(|v| v.label(lang).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// Options of a select over every value of `T`, after an optional empty one.
pub fn options_of<T: Coded>(lang: Lang, current: &str, empty: Option<&str>) -> Vec<Opt> {
    let mut v: Vec<Opt> = empty.map(|l| opt("", l, current)).into_iter().collect();
    v.extend(
        T::all()
            .iter()
            .map(|x| opt(x.code_of(), x.label(lang), current)),
    );
    v
}

pub fn opt(value: &str, label: &str, current: &str) -> Opt {
    Opt {
        value: value.to_string(),
        label: label.to_string(),
        selected: value == current,
    }
}

/// A stored `yyyy-mm-dd` as `dd/mm/yyyy`, empty for none.
pub fn day(v: &Option<String>) -> String {
    v.as_deref().map(datefmt::iso_to_vn).unwrap_or_default()
}

/// A stored time as `dd/mm/yyyy HH:MM` Vietnam time, empty for none.
pub fn when(v: &Option<String>) -> String {
    v.as_deref().map(datefmt::datetime_vn).unwrap_or_default()
}

/// A stored UTC time as the value of a `datetime-local` input (Vietnam time).
pub fn local_input(rfc3339: &Option<String>) -> String {
    rfc3339
        .as_deref()
        .and_then(datefmt::parse_rfc3339)
        .map(|t| {
            let t = t.to_offset(datefmt::VN_OFFSET);
            format!(
                "{}T{:02}:{:02}",
                datefmt::date_iso(t.date()),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

/// A date and time typed in Vietnam time (`yyyy-mm-ddTHH:MM` from a `datetime-local`
/// input, or `dd/mm/yyyy HH:MM`, or an RFC 3339 time) as RFC 3339 UTC.
pub fn from_local(field: &str, v: &str) -> Result<Option<String>, AppError> {
    let s = v.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Some(t) = datefmt::parse_rfc3339(s) {
        return Ok(Some(datefmt::to_rfc3339(t)));
    }
    let bad = || AppError::invalid(field, format!("'{s}' is not a date and time"));
    let (d, tm) = s.split_once(['T', ' ']).ok_or_else(bad)?;
    let date = datefmt::parse_date(d).ok_or_else(bad)?;
    let parts: Vec<&str> = tm.trim().split(':').collect();
    let num = |i: usize| -> Result<u8, AppError> {
        parts
            .get(i)
            .map_or(Ok(0), |p| p.parse::<u8>().map_err(|_| bad()))
    };
    if parts.len() < 2 || parts.len() > 3 {
        return Err(bad());
    }
    let time = time::Time::from_hms(num(0)?, num(1)?, num(2)?).map_err(|_| bad())?;
    let at = time::PrimitiveDateTime::new(date, time).assume_offset(datefmt::VN_OFFSET);
    Ok(Some(datefmt::to_rfc3339(at)))
}

/// `n` of `max` in percent, rounded to the nearest 5 (the bar classes `w-0` … `w-100`).
pub fn step5(n: i64, max: i64) -> i64 {
    if max <= 0 || n <= 0 {
        return 0;
    }
    let pct = (n.min(max) * 100 + max / 2) / max;
    // Anything above zero shows at least a sliver.
    ((pct + 2) / 5 * 5).clamp(5, 100)
}

/// `Some(trimmed)` for a non-empty form value.
pub fn some(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|s| !s.is_empty())
}

/// The field an error names, for `aria-invalid`.
pub fn error_field(e: &Option<AppError>) -> String {
    match e {
        Some(AppError::Invalid(f)) => f.field.clone(),
        _ => String::new(),
    }
}

/// Errors about a field are shown on the form; others get the error page.
pub fn on_form(e: AppError) -> Result<AppError, AppError> {
    match e {
        AppError::Invalid(_) | AppError::Conflict(_) => Ok(e),
        other => Err(other),
    }
}

/// One line of a history (incident timeline, finding history).
pub struct LogRow {
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub kind_label: &'static str,
    pub text: String,
}

const LOG_KINDS: &[&str] = &[
    "created",
    "status",
    "note",
    "change",
    "task",
    "evidence",
    "alerts",
    "letter",
    "occurrence",
];

/// A log entry for people: status moves named by their labels (`S` is the workflow).
pub fn log_row<S: Coded>(lang: Lang, e: LogEntry) -> LogRow {
    let text = match e.kind.as_str() {
        "status" => {
            let code = |k: &str| e.detail[k].as_str().unwrap_or("").to_string();
            let mv = format!(
                "{} → {}",
                label_of::<S>(lang, &code("from")),
                label_of::<S>(lang, &code("to"))
            );
            if e.text.is_empty() {
                mv
            } else {
                format!("{mv}: {}", e.text)
            }
        }
        "alerts" => e.detail["alert_ids"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| format!("#{v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        "task" if e.text == "done" || e.text == "reopened" => format!(
            "#{} {}",
            e.detail["task_id"],
            t(lang, &format!("task.{}", e.text))
        ),
        _ => e.text.clone(),
    };
    let kind_label = if LOG_KINDS.contains(&e.kind.as_str()) {
        t(lang, &format!("log.{}", e.kind))
    } else {
        t(lang, "log.other")
    };
    LogRow {
        at: datefmt::datetime_vn(&e.at),
        actor: e.actor,
        kind: e.kind,
        kind_label,
        text,
    }
}

// ---------- the incident queue ----------

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    alert_id: String,
}

impl Filter {
    fn status(&self) -> String {
        self.status.clone().unwrap_or_else(|| "open".into())
    }

    fn href(&self, page: i64) -> String {
        let status = self.status();
        render::list_href(
            "/incidents",
            &[
                ("status", &status),
                ("severity", &self.severity),
                ("category", &self.category),
            ],
            page,
        )
    }
}

pub struct Row {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub severity: String,
    pub severity_label: String,
    pub category_label: String,
    pub status_label: String,
    pub agency: String,
    pub detected: String,
    pub resolve_by: String,
    pub overdue: bool,
}

fn row(lang: Lang, i: &Incident) -> Row {
    Row {
        id: i.id,
        code: i.code.clone(),
        title: i.title.clone(),
        severity: i.severity.clone(),
        severity_label: label_of::<Severity>(lang, &i.severity),
        category_label: label_of::<IncidentCategory>(lang, &i.category),
        status_label: label_of::<IncidentStatus>(lang, &i.status),
        agency: i.agency_code.clone(),
        detected: datefmt::datetime_vn(&i.detected_at),
        resolve_by: datefmt::datetime_vn(&i.resolve_by),
        overdue: ops::is_overdue(i),
    }
}

/// What the new-incident form holds.
#[derive(Debug, Default, Deserialize)]
pub struct IncidentInput {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    system_code: String,
    #[serde(default)]
    assets: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    detected_at: String,
    #[serde(default)]
    alert_id: String,
}

impl IncidentInput {
    fn to_new(&self) -> Result<NewIncident, AppError> {
        let severity = Severity::parse(&self.severity)
            .ok_or_else(|| AppError::invalid("severity", "choose a severity"))?;
        let category = IncidentCategory::parse(&self.category)
            .ok_or_else(|| AppError::invalid("category", "choose a category"))?;
        let alert_ids = match some(&self.alert_id) {
            None => Vec::new(),
            Some(a) => vec![
                a.parse::<i64>()
                    .map_err(|_| AppError::invalid("alert_ids", "is not an alert number"))?,
            ],
        };
        Ok(NewIncident {
            title: self.title.clone(),
            description: some(&self.description),
            severity,
            category,
            agency_code: self.agency_code.clone(),
            system_code: some(&self.system_code),
            assets: self.assets.lines().map(str::to_string).collect(),
            alert_ids,
            detected_at: from_local("detected_at", &self.detected_at)?,
            assignee: None,
            impact: None,
            personal_data: false,
        })
    }
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct ListPage {
    c: Ctx,
    status_options: Vec<Opt>,
    severity_options: Vec<Opt>,
    category_options: Vec<Opt>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    can_create: bool,
    form_open: bool,
    v: IncidentInput,
    form_severity: Vec<Opt>,
    form_category: Vec<Opt>,
    agencies: Vec<Opt>,
    error: Option<String>,
    error_field: String,
}

impl ListPage {
    fn err(&self, field: &str) -> bool {
        self.error_field == field
    }
}

async fn list_page(
    st: &AppState,
    ui: Ui,
    f: Filter,
    v: IncidentInput,
    form_open: bool,
    error: Option<AppError>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let page = render::page_number(&f.page).or_page(&ui)?;
    let status = f.status();
    let q = IncidentFilter {
        status: (status != "all").then(|| status.clone()),
        severity: some(&f.severity),
        category: some(&f.category),
        limit: Some(PAGE_SIZE),
        page: Some(page),
        ..Default::default()
    };
    let items = ops::list_incidents(st, &ui.p, &q).await.or_page(&ui)?;
    let pages = ((items.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let can_create = ui.can(Action::HandleIncidents);
    let agencies = if can_create {
        agency_options(st, &ui, &v.agency_code, None).await?
    } else {
        Vec::new()
    };
    let mut status_options = vec![opt("open", ui.t("inc.status.open"), &status)];
    status_options.extend(options_of::<IncidentStatus>(lang, &status, None));
    status_options.push(opt("all", ui.t("filter.all"), &status));
    let http_status = error.as_ref().map_or(StatusCode::OK, |e| e.status());
    let page_view = ListPage {
        rows: items.items.iter().map(|i| row(lang, i)).collect(),
        total: items.total,
        page,
        pages,
        prev: (page > 1).then(|| f.href(page - 1)),
        next: (page < pages).then(|| f.href(page + 1)),
        status_options,
        severity_options: options_of::<Severity>(lang, &f.severity, Some(ui.t("filter.all"))),
        category_options: options_of::<IncidentCategory>(
            lang,
            &f.category,
            Some(ui.t("filter.all")),
        ),
        can_create,
        form_open: form_open || error.is_some(),
        form_severity: options_of::<Severity>(lang, &v.severity, None),
        form_category: options_of::<IncidentCategory>(lang, &v.category, None),
        agencies,
        error_field: error_field(&error),
        error: error.as_ref().map(|e| render::message(lang, e)),
        v,
        c: ui.c,
    };
    Ok(html(http_status, &page_view))
}

pub async fn list(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(f): Query<Filter>,
) -> Result<Response, Fail> {
    let v = IncidentInput {
        severity: "medium".into(),
        category: "other".into(),
        ..Default::default()
    };
    list_page(&st, ui, f, v, false, None).await
}

/// `GET /incidents/new[?alert_id=N]`: the form open, prefilled from the alert.
pub async fn new_form(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(f): Query<Filter>,
) -> Result<Response, Fail> {
    ui.p.require(Action::HandleIncidents).or_page(&ui)?;
    let mut v = IncidentInput {
        severity: "medium".into(),
        category: "other".into(),
        ..Default::default()
    };
    if let Some(a) = some(&f.alert_id) {
        let id = a
            .parse::<i64>()
            .map_err(|_| AppError::invalid("alert_id", "is not an alert number"))
            .or_page(&ui)?;
        let alert = ev::get_alert(&st, &ui.p, id).await.or_page(&ui)?;
        v.title = alert.rule_title.clone();
        v.agency_code = alert.agency_code.clone().unwrap_or_default();
        v.assets = alert.host.clone();
        v.severity = match alert.level.as_str() {
            "critical" => "critical",
            "high" => "high",
            "low" | "informational" => "low",
            _ => "medium",
        }
        .into();
        v.detected_at = local_input(&Some(alert.first_seen.clone()));
        v.alert_id = id.to_string();
    }
    list_page(&st, ui, Filter::default(), v, true, None).await
}

pub async fn create(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(v): Form<IncidentInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let result = match v.to_new() {
        Ok(n) => ops::create_incident(&st, &ui.p, n).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(i) => done(&format!("/incidents/{}", i.id), "created"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            list_page(&st, ui, Filter::default(), v, true, Some(e)).await
        }
    }
}

// ---------- one incident ----------

pub struct TaskRow {
    pub id: i64,
    pub title: String,
    pub assignee: String,
    pub due: String,
    pub done: bool,
}

pub struct EvidenceRow {
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub note: String,
    pub added_by: String,
    pub added_at: String,
}

/// The incident's facts as shown.
pub struct Facts {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub description: String,
    pub severity: String,
    pub severity_label: String,
    pub category_label: String,
    pub status_label: String,
    pub closed: bool,
    pub agency_code: String,
    pub agency_name: String,
    pub system: String,
    pub assets: Vec<String>,
    pub assignee: String,
    pub impact: String,
    pub personal_data: bool,
    pub detected: String,
    pub reported: String,
    pub reported_input: String,
    pub resolve_by: String,
    pub notify_by: String,
    pub report_by: String,
    pub closed_at: String,
    pub close_reason: String,
    pub overdue: bool,
    pub created_by: String,
    pub alert_ids: Vec<i64>,
}

fn facts(lang: Lang, d: &ops::IncidentDetail) -> Facts {
    let i = &d.incident;
    let system = match (&i.system_code, i.system_level) {
        (Some(c), Some(l)) => format!("{c} ({} {l})", t(lang, "sys.level")),
        (Some(c), None) => c.clone(),
        _ => String::new(),
    };
    Facts {
        id: i.id,
        code: i.code.clone(),
        title: i.title.clone(),
        description: i.description.clone().unwrap_or_default(),
        severity: i.severity.clone(),
        severity_label: label_of::<Severity>(lang, &i.severity),
        category_label: label_of::<IncidentCategory>(lang, &i.category),
        status_label: label_of::<IncidentStatus>(lang, &i.status),
        closed: i.status == "closed",
        agency_code: i.agency_code.clone(),
        agency_name: i.agency_name.clone(),
        system,
        assets: i.assets.clone(),
        assignee: i.assignee.clone().unwrap_or_default(),
        impact: i.impact.clone().unwrap_or_default(),
        personal_data: i.personal_data,
        detected: datefmt::datetime_vn(&i.detected_at),
        reported: when(&i.reported_at),
        reported_input: local_input(&i.reported_at),
        resolve_by: datefmt::datetime_vn(&i.resolve_by),
        notify_by: d
            .deadlines
            .as_ref()
            .map(|x| when(&x.notify_by))
            .unwrap_or_default(),
        report_by: d
            .deadlines
            .as_ref()
            .map(|x| datefmt::datetime_vn(&x.report_by))
            .unwrap_or_default(),
        closed_at: when(&i.closed_at),
        close_reason: i.close_reason.clone().unwrap_or_default(),
        overdue: d.overdue,
        created_by: i.created_by.clone(),
        alert_ids: i.alert_ids.clone(),
    }
}

fn task_rows(d: &ops::IncidentDetail) -> Vec<TaskRow> {
    d.tasks
        .iter()
        .map(|t| TaskRow {
            id: t.id,
            title: t.title.clone(),
            assignee: t.assignee.clone().unwrap_or_default(),
            due: day(&t.due_date),
            done: t.done,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "incident_detail.html")]
struct DetailPage {
    c: Ctx,
    i: Facts,
    moves: Vec<Opt>,
    can_handle: bool,
    tasks: Vec<TaskRow>,
    evidence: Vec<EvidenceRow>,
    timeline: Vec<LogRow>,
    error: Option<String>,
    reason: String,
}

async fn detail_page(
    st: &AppState,
    ui: Ui,
    id: i64,
    error: Option<AppError>,
    reason: String,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let d = ops::incident_detail(st, &ui.p, id).await.or_page(&ui)?;
    let moves = d
        .allowed_moves
        .iter()
        .map(|m| opt(m, &label_of::<IncidentStatus>(lang, m), ""))
        .collect();
    let evidence = d
        .evidence
        .iter()
        .map(|e: &Evidence| EvidenceRow {
            id: e.id,
            name: e.name.clone(),
            size: e.size,
            sha256: e.sha256.clone(),
            note: e.note.clone().unwrap_or_default(),
            added_by: e.added_by.clone(),
            added_at: datefmt::datetime_vn(&e.added_at),
        })
        .collect();
    let page = DetailPage {
        i: facts(lang, &d),
        tasks: task_rows(&d),
        evidence,
        timeline: d
            .timeline
            .iter()
            .cloned()
            .map(|e| log_row::<IncidentStatus>(lang, e))
            .collect(),
        moves,
        can_handle: ui.can(Action::HandleIncidents),
        error: error.as_ref().map(|e| render::message(lang, e)),
        reason,
        c: ui.c,
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status());
    Ok(html(status, &page))
}

pub async fn detail(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, Fail> {
    detail_page(&st, ui, id, None, String::new()).await
}

#[derive(Debug, Deserialize)]
/// A status move with its reason (incidents and findings).
pub struct StatusForm {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /incidents/{id}/status`: a move of the workflow; a refused move is shown on
/// the incident's page.
pub async fn move_status(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let result = match IncidentStatus::parse(&f.status) {
        None => Err(AppError::invalid("status", "choose the next status")),
        Some(s) => {
            let c = IncidentChange {
                status: Some(s),
                reason: some(&f.reason),
                ..Default::default()
            };
            ops::update_incident(&st, &ui.p, id, c).await
        }
    };
    match result {
        Ok(_) => done(&format!("/incidents/{id}"), "saved"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            detail_page(&st, ui, id, Some(e), f.reason).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct EditForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    reported_at: String,
}

/// `POST /incidents/{id}/edit`: assignee, impact and the time it was reported.
pub async fn edit(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let result = match from_local("reported_at", &f.reported_at) {
        Ok(reported_at) => {
            let c = IncidentChange {
                assignee: Some(f.assignee.trim().to_string()),
                impact: Some(f.impact.trim().to_string()),
                reported_at,
                ..Default::default()
            };
            ops::update_incident(&st, &ui.p, id, c).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => done(&format!("/incidents/{id}"), "saved"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            detail_page(&st, ui, id, Some(e), String::new()).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

pub async fn add_note(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<NoteForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    ops::add_note(&st, &ui.p, id, &f.text).await.or_page(&ui)?;
    done(&format!("/incidents/{id}"), "added")
}

#[derive(Debug, Deserialize)]
pub struct AlertsForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    alert_ids: String,
}

/// `POST /incidents/{id}/alerts`: alert numbers separated by commas or spaces.
pub async fn link_alerts(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<AlertsForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let ids: Result<Vec<i64>, AppError> = f
        .alert_ids
        .split([',', ' ', ';', '\n'])
        .map(|s| s.trim().trim_start_matches('#'))
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| AppError::invalid("alert_ids", format!("'{s}' is not a number")))
        })
        .collect();
    let ids = ids.or_page(&ui)?;
    ops::link_alerts(&st, &ui.p, id, &ids).await.or_page(&ui)?;
    done(&format!("/incidents/{id}"), "saved")
}

#[derive(Debug, Deserialize)]
pub struct TaskForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    due_date: String,
}

pub async fn add_task(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<TaskForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let t = TaskInput {
        title: f.title,
        assignee: some(&f.assignee),
        due_date: some(&f.due_date),
    };
    ops::add_task(&st, &ui.p, id, t).await.or_page(&ui)?;
    done(&format!("/incidents/{id}"), "added")
}

#[derive(Debug, Deserialize)]
pub struct TaskDoneForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    done: String,
}

pub async fn set_task(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path((id, task_id)): Path<(i64, i64)>,
    Form(f): Form<TaskDoneForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let done_now = matches!(f.done.as_str(), "true" | "1" | "on");
    ops::set_task_done(&st, &ui.p, id, task_id, done_now)
        .await
        .or_page(&ui)?;
    done(&format!("/incidents/{id}"), "saved")
}

/// `POST /incidents/{id}/evidence`: a multipart form with the file and a note.
pub async fn add_evidence(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, Fail> {
    let form = super::upload::UploadForm::read(&ui, form).await?;
    ui.check_csrf(form.text("_csrf"))?;
    let Some(file) = form.file.as_ref() else {
        return Err(ui.fail(AppError::invalid("file", "choose a file")));
    };
    let (fname, media, bytes) = (
        file.name.clone().unwrap_or_default(),
        &file.media_type,
        &file.bytes,
    );
    let note = form.text("note").to_string();
    ops::add_evidence(&st, &ui.p, id, &fname, media, bytes, Some(&note))
        .await
        .or_page(&ui)?;
    done(&format!("/incidents/{id}"), "added")
}

/// `GET /incidents/{id}/evidence/{eid}`: the file as a download, never inline.
pub async fn evidence(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path((id, eid)): Path<(i64, i64)>,
) -> Result<Response, Fail> {
    let (e, bytes) = ops::evidence_file(&st, &ui.p, id, eid).await.or_page(&ui)?;
    let ascii: String = e
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (
                header::HeaderName::from_static("x-content-sha256"),
                e.sha256.clone(),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---------- the incident report ----------

#[derive(Template)]
#[template(path = "incident_report.html")]
struct ReportPage {
    c: Ctx,
    i: Facts,
    timeline: Vec<LogRow>,
    proposals: Vec<TaskRow>,
    today: String,
    reporter: String,
}

/// `GET /incidents/{id}/report`: the printable incident report (báo cáo sự cố).
pub async fn report(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Query(q): Query<DocQuery>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let d = ops::incident_detail(&st, &ui.p, id).await.or_page(&ui)?;
    let today = datefmt::now_utc().to_offset(datefmt::VN_OFFSET).date();
    let page = ReportPage {
        i: facts(lang, &d),
        timeline: d
            .timeline
            .iter()
            .cloned()
            .map(|e| log_row::<IncidentStatus>(lang, e))
            .collect(),
        proposals: task_rows(&d).into_iter().filter(|t| !t.done).collect(),
        today: doc_date(lang, &datefmt::date_iso(today)),
        reporter: if ui.p.user.full_name.trim().is_empty() {
            ui.p.user.username.clone()
        } else {
            ui.p.user.full_name.clone()
        },
        c: ui.c,
    };
    if q.format.as_deref() == Some("pdf") {
        let name = format!("bao-cao-su-co-{}.pdf", page.i.code);
        return super::pdf::respond(&page, &name)
            .await
            .map_err(|e| Fail::new(e, page.c.clone()));
    }
    render::page(&page)
}

#[derive(Debug, Default, Deserialize)]
pub struct DocQuery {
    /// `pdf` for a PDF copy.
    #[serde(default)]
    format: Option<String>,
}

/// The date line of an official document: "ngày 05 tháng 06 năm 2026".
pub fn doc_date(lang: Lang, iso: &str) -> String {
    match datefmt::parse_date(iso) {
        Some(d) => t(lang, "doc.date_pattern")
            .replace("{d}", &format!("{:02}", d.day()))
            .replace("{m}", &format!("{:02}", d.month() as u8))
            .replace("{y}", &d.year().to_string()),
        None => iso.to_string(),
    }
}
