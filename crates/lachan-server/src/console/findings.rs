//! Findings (phát hiện) and recommendation letters (công văn kiến nghị): the list
//! with filters, recording a finding (also at an inspection target), a finding's page
//! with its history and the owner's answer, drafting a letter from the findings of one
//! agency, the letters and the printable letter.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::ops::{
    FindingChange, FindingSource, FindingStatus, NewFinding, NewLetter, Severity,
};
use lachan_store::Finding;
use serde::Deserialize;
use serde_json::json;

use super::i18n::Lang;
use super::incidents::{
    LogRow, StatusForm, day, doc_date, error_field, label_of, log_row, on_form, opt, options_of,
    some,
};
use super::render::{self, Ctx, Fail, done, html};
use super::session::{OrPage, Ui};
use super::systems::{Opt, agency_options};
use crate::service::ops::{self, FindingFilter};
use crate::{AppError, AppState};

const PAGE_SIZE: i64 = 50;

fn today_iso() -> String {
    datefmt::date_iso(datefmt::now_utc().to_offset(datefmt::VN_OFFSET).date())
}

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    without_letter: String,
    #[serde(default)]
    page: String,
    // Prefill of the new-finding form (`/findings/new?…`).
    #[serde(default)]
    target_id: String,
    #[serde(default)]
    system_code: String,
    #[serde(default)]
    source: String,
}

fn on(v: &str) -> bool {
    matches!(v, "on" | "true" | "1" | "yes")
}

impl Filter {
    fn status(&self) -> String {
        self.status.clone().unwrap_or_else(|| "outstanding".into())
    }

    fn href(&self, page: i64) -> String {
        let status = self.status();
        render::list_href(
            "/findings",
            &[
                ("status", &status),
                ("severity", &self.severity),
                ("agency_code", &self.agency_code),
                ("overdue", &self.overdue),
                ("without_letter", &self.without_letter),
            ],
            page,
        )
    }
}

pub struct Row {
    pub id: i64,
    pub title: String,
    pub severity: String,
    pub severity_label: String,
    pub status_label: String,
    pub source_label: String,
    pub agency: String,
    pub where_: String,
    pub due: String,
    pub overdue: bool,
    pub letters: String,
    pub occurrences: i64,
}

fn row(lang: Lang, f: &Finding) -> Row {
    let where_ = match (&f.system_code, &f.asset) {
        (Some(s), Some(a)) => format!("{s} · {a}"),
        (Some(s), None) => s.clone(),
        (None, Some(a)) => a.clone(),
        (None, None) => String::new(),
    };
    Row {
        id: f.id,
        title: f.title.clone(),
        severity: f.severity.clone(),
        severity_label: label_of::<Severity>(lang, &f.severity),
        status_label: label_of::<FindingStatus>(lang, &f.status),
        source_label: label_of::<FindingSource>(lang, &f.source),
        agency: f.agency_code.clone(),
        where_,
        due: day(&f.due_date),
        overdue: ops::is_finding_overdue(f),
        letters: f.letters.join(", "),
        occurrences: f.occurrences,
    }
}

/// What the new-finding form holds.
#[derive(Debug, Default, Deserialize)]
pub struct FindingInput {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    system_code: String,
    #[serde(default)]
    asset: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    recommendation: String,
    #[serde(default)]
    target_id: String,
}

impl FindingInput {
    fn to_new(&self) -> Result<NewFinding, AppError> {
        let severity = Severity::parse(&self.severity)
            .ok_or_else(|| AppError::invalid("severity", "choose a severity"))?;
        let source = match some(&self.source) {
            None => FindingSource::Manual,
            Some(s) => FindingSource::parse(&s)
                .ok_or_else(|| AppError::invalid("source", "choose a source"))?,
        };
        let target_id = match some(&self.target_id) {
            None => None,
            Some(t) => Some(
                t.parse::<i64>()
                    .map_err(|_| AppError::invalid("target_id", "is not a target number"))?,
            ),
        };
        // The same shape the API accepts; absent optional parts take their defaults.
        let v = json!({
            "title": self.title,
            "severity": severity,
            "agency_code": self.agency_code,
            "system_code": some(&self.system_code),
            "asset": some(&self.asset),
            "source": source,
            "description": some(&self.description),
            "evidence": some(&self.evidence),
            "recommendation": some(&self.recommendation),
            "target_id": target_id,
        });
        serde_json::from_value(v).map_err(|e| AppError::BadRequest(e.to_string()))
    }
}

/// What the letter form holds.
#[derive(Debug, Default)]
pub struct LetterInput {
    csrf: String,
    number: String,
    date: String,
    deadline: String,
    subject: String,
    signer: String,
    body: String,
    agency_code: String,
    finding_ids: Vec<String>,
}

impl LetterInput {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut l = LetterInput::default();
        for (k, v) in pairs {
            match k.as_str() {
                "_csrf" => l.csrf = v,
                "number" => l.number = v,
                "date" => l.date = v,
                "deadline" => l.deadline = v,
                "subject" => l.subject = v,
                "signer" => l.signer = v,
                "body" => l.body = v,
                "agency_code" => l.agency_code = v,
                "finding_ids" => l.finding_ids.push(v),
                _ => {}
            }
        }
        l
    }

    fn to_new(&self) -> Result<NewLetter, AppError> {
        let finding_ids = self
            .finding_ids
            .iter()
            .map(|s| {
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::invalid("finding_ids", "is not a finding number"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewLetter {
            number: self.number.clone(),
            date: self.date.clone(),
            agency_code: self.agency_code.clone(),
            finding_ids,
            deadline: self.deadline.clone(),
            subject: some(&self.subject),
            signer: some(&self.signer),
            body: some(&self.body),
        })
    }
}

#[derive(Template)]
#[template(path = "findings.html")]
struct ListPage {
    c: Ctx,
    overdue: bool,
    without_letter: bool,
    status_options: Vec<Opt>,
    severity_options: Vec<Opt>,
    agency_filter: Vec<Opt>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    can_record: bool,
    can_letter: bool,
    letter_mode: bool,
    l: LetterInput,
    letter_error: Option<String>,
    form_open: bool,
    v: FindingInput,
    form_severity: Vec<Opt>,
    form_source: Vec<Opt>,
    agencies: Vec<Opt>,
    error: Option<String>,
    error_field: String,
}

impl ListPage {
    fn err(&self, field: &str) -> bool {
        self.error_field == field
    }

    fn checked(&self, id: &i64) -> bool {
        let id = id.to_string();
        self.l.finding_ids.contains(&id)
    }
}

struct Forms {
    v: FindingInput,
    form_open: bool,
    error: Option<AppError>,
    l: LetterInput,
    letter_error: Option<AppError>,
}

impl Forms {
    fn blank() -> Self {
        Forms {
            v: FindingInput {
                severity: "medium".into(),
                source: "manual".into(),
                ..Default::default()
            },
            form_open: false,
            error: None,
            l: LetterInput::default(),
            letter_error: None,
        }
    }
}

async fn list_page(st: &AppState, ui: Ui, f: Filter, forms: Forms) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let page = render::page_number(&f.page).or_page(&ui)?;
    let status = f.status();
    let q = FindingFilter {
        status: (status != "all").then(|| status.clone()),
        severity: some(&f.severity),
        agency_code: some(&f.agency_code),
        overdue: on(&f.overdue).then(|| "true".into()),
        without_letter: on(&f.without_letter).then(|| "true".into()),
        limit: Some(PAGE_SIZE),
        page: Some(page),
        ..Default::default()
    };
    let items = ops::list_findings(st, &ui.p, &q).await.or_page(&ui)?;
    let pages = ((items.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let can_record = ui.can(Action::RecordFindings);
    let can_letter = ui.can(Action::IssueLetters);
    let mut status_options = vec![opt("outstanding", ui.t("fnd.status.outstanding"), &status)];
    status_options.extend(options_of::<FindingStatus>(lang, &status, None));
    status_options.push(opt("all", ui.t("filter.all"), &status));
    let agency_filter = agency_options(st, &ui, &f.agency_code, Some(ui.t("filter.all"))).await?;
    let agencies = if can_record {
        agency_options(st, &ui, &forms.v.agency_code, None).await?
    } else {
        Vec::new()
    };
    let mut l = forms.l;
    if l.date.is_empty() {
        l.date = datefmt::iso_to_vn(&today_iso());
    }
    if l.subject.is_empty() {
        l.subject = ui.t("letter.default_subject").to_string();
    }
    l.agency_code = f.agency_code.clone();
    let status_code = forms
        .error
        .as_ref()
        .or(forms.letter_error.as_ref())
        .map_or(StatusCode::OK, |e| e.status());
    let v = forms.v;
    let page_view = ListPage {
        overdue: on(&f.overdue),
        without_letter: on(&f.without_letter),
        rows: items.items.iter().map(|x| row(lang, x)).collect(),
        total: items.total,
        page,
        pages,
        prev: (page > 1).then(|| f.href(page - 1)),
        next: (page < pages).then(|| f.href(page + 1)),
        status_options,
        severity_options: options_of::<Severity>(lang, &f.severity, Some(ui.t("filter.all"))),
        agency_filter,
        can_record,
        can_letter,
        letter_mode: can_letter && !f.agency_code.trim().is_empty(),
        l,
        letter_error: forms
            .letter_error
            .as_ref()
            .map(|e| render::message(lang, e)),
        form_open: forms.form_open || forms.error.is_some(),
        form_severity: options_of::<Severity>(lang, &v.severity, None),
        form_source: options_of::<FindingSource>(lang, &v.source, None),
        agencies,
        error_field: error_field(&forms.error),
        error: forms.error.as_ref().map(|e| render::message(lang, e)),
        v,
        c: ui.c,
    };
    Ok(html(status_code, &page_view))
}

pub async fn list(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(f): Query<Filter>,
) -> Result<Response, Fail> {
    list_page(&st, ui, f, Forms::blank()).await
}

/// `GET /findings/new[?target_id=…&agency_code=…&system_code=…&source=inspection]`.
pub async fn new_form(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(f): Query<Filter>,
) -> Result<Response, Fail> {
    ui.p.require(Action::RecordFindings).or_page(&ui)?;
    let mut forms = Forms::blank();
    forms.form_open = true;
    forms.v.agency_code = f.agency_code.clone();
    forms.v.system_code = f.system_code.clone();
    forms.v.target_id = f.target_id.clone();
    if !f.source.is_empty() {
        forms.v.source = f.source.clone();
    }
    let filter = Filter {
        agency_code: f.agency_code,
        ..Default::default()
    };
    list_page(&st, ui, filter, forms).await
}

pub async fn create(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(v): Form<FindingInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let result = match v.to_new() {
        Ok(n) => ops::create_finding(&st, &ui.p, n).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((f, created)) => done(
            &format!("/findings/{}", f.id),
            if created { "created" } else { "dedup" },
        ),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            let mut forms = Forms::blank();
            forms.v = v;
            forms.error = Some(e);
            list_page(&st, ui, Filter::default(), forms).await
        }
    }
}

// ---------- one finding ----------

pub struct Facts {
    pub id: i64,
    pub title: String,
    pub severity: String,
    pub severity_label: String,
    pub status_label: String,
    pub status_reason: String,
    pub source_label: String,
    pub source_ref: String,
    pub agency: String,
    pub system: String,
    pub asset: String,
    pub description: String,
    pub evidence: String,
    pub recommendation: String,
    pub occurrences: i64,
    pub first_seen: String,
    pub last_seen: String,
    pub due: String,
    pub overdue: bool,
    pub letters: Vec<String>,
    pub target_id: Option<i64>,
    pub created_by: String,
}

#[derive(Template)]
#[template(path = "finding_detail.html")]
struct DetailPage {
    c: Ctx,
    f: Facts,
    moves: Vec<Opt>,
    history: Vec<LogRow>,
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
    let (f, history) = ops::finding_history(st, &ui.p, id).await.or_page(&ui)?;
    let full = ui.can(Action::RecordFindings);
    let answer = ui.can(Action::RespondToFindings);
    let moves = FindingStatus::parse(&f.status)
        .map(|s| s.allowed_moves())
        .unwrap_or(&[])
        .iter()
        .filter(|m| {
            full || (answer && matches!(m, FindingStatus::Acknowledged | FindingStatus::Fixed))
        })
        .map(|m| opt(m.code(), &label_of::<FindingStatus>(lang, m.code()), ""))
        .collect();
    let facts = Facts {
        id: f.id,
        title: f.title.clone(),
        severity: f.severity.clone(),
        severity_label: label_of::<Severity>(lang, &f.severity),
        status_label: label_of::<FindingStatus>(lang, &f.status),
        status_reason: f.status_reason.clone().unwrap_or_default(),
        source_label: label_of::<FindingSource>(lang, &f.source),
        source_ref: f.source_ref.clone().unwrap_or_default(),
        agency: format!("{} — {}", f.agency_code, f.agency_name),
        system: f.system_code.clone().unwrap_or_default(),
        asset: f.asset.clone().unwrap_or_default(),
        description: f.description.clone().unwrap_or_default(),
        evidence: f.evidence.clone().unwrap_or_default(),
        recommendation: f.recommendation.clone().unwrap_or_default(),
        occurrences: f.occurrences,
        first_seen: datefmt::datetime_vn(&f.first_seen),
        last_seen: datefmt::datetime_vn(&f.last_seen),
        due: day(&f.due_date),
        overdue: ops::is_finding_overdue(&f),
        letters: f.letters.clone(),
        target_id: f.target_id,
        created_by: f.created_by.clone(),
    };
    let page = DetailPage {
        f: facts,
        moves,
        history: history
            .into_iter()
            .map(|e| log_row::<FindingStatus>(lang, e))
            .collect(),
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

pub async fn move_status(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let result = match FindingStatus::parse(&f.status) {
        None => Err(AppError::invalid("status", "choose the new status")),
        Some(s) => {
            let c = FindingChange {
                status: Some(s),
                reason: some(&f.reason),
                ..Default::default()
            };
            ops::update_finding(&st, &ui.p, id, c).await
        }
    };
    match result {
        Ok(_) => done(&format!("/findings/{id}"), "saved"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            detail_page(&st, ui, id, Some(e), f.reason).await
        }
    }
}

// ---------- letters ----------

/// `POST /letters`: a letter naming the findings ticked on the findings page.
pub async fn create_letter(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Fail> {
    let l = LetterInput::from_pairs(pairs);
    ui.check_csrf(&l.csrf)?;
    let result = match l.to_new() {
        Ok(n) => ops::create_letter(&st, &ui.p, n).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(letter) => done(&format!("/letters/{}", letter.id), "created"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            let filter = Filter {
                agency_code: l.agency_code.clone(),
                without_letter: "on".into(),
                ..Default::default()
            };
            let mut forms = Forms::blank();
            forms.l = l;
            forms.letter_error = Some(e);
            list_page(&st, ui, filter, forms).await
        }
    }
}

pub struct LetterRow {
    pub id: i64,
    pub number: String,
    pub date: String,
    pub agency: String,
    pub subject: String,
    pub findings: usize,
    pub outstanding: i64,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "letters.html")]
struct LettersPage {
    c: Ctx,
    rows: Vec<LetterRow>,
}

pub async fn letters(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    let items = ops::list_letters(&st, &ui.p).await.or_page(&ui)?;
    let today = today_iso();
    let rows = items
        .into_iter()
        .map(|l| LetterRow {
            overdue: l.outstanding > 0 && l.deadline < today,
            id: l.id,
            number: l.number,
            date: datefmt::iso_to_vn(&l.date),
            agency: format!("{} — {}", l.agency_code, l.agency_name),
            subject: l.subject.unwrap_or_default(),
            findings: l.finding_ids.len(),
            outstanding: l.outstanding,
            deadline: datefmt::iso_to_vn(&l.deadline),
        })
        .collect();
    render::page(&LettersPage { rows, c: ui.c })
}

pub struct LetterFinding {
    pub n: usize,
    pub title: String,
    pub description: String,
    pub severity_label: String,
    pub asset: String,
    pub recommendation: String,
    pub deadline: String,
}

#[derive(Template)]
#[template(path = "letter_detail.html")]
struct LetterPage {
    c: Ctx,
    number: String,
    date_line: String,
    agency_name: String,
    subject: String,
    body: String,
    deadline: String,
    signer: String,
    outstanding: i64,
    findings: Vec<LetterFinding>,
}

/// `GET /letters/{id}`: the letter laid out for printing.
pub async fn letter(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let (l, findings) = ops::get_letter(&st, &ui.p, id).await.or_page(&ui)?;
    let deadline = datefmt::iso_to_vn(&l.deadline);
    let findings = findings
        .iter()
        .enumerate()
        .map(|(i, f)| LetterFinding {
            n: i + 1,
            title: f.title.clone(),
            description: f.description.clone().unwrap_or_default(),
            severity_label: label_of::<Severity>(lang, &f.severity),
            asset: [f.system_code.clone(), f.asset.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            recommendation: f.recommendation.clone().unwrap_or_default(),
            deadline: f
                .due_date
                .as_deref()
                .map(datefmt::iso_to_vn)
                .unwrap_or_else(|| deadline.clone()),
        })
        .collect();
    let subject = l
        .subject
        .clone()
        .unwrap_or_else(|| ui.t("letter.default_subject").to_string());
    let subject = if subject.to_lowercase().starts_with("v/v") {
        subject
    } else {
        format!("V/v {subject}")
    };
    render::page(&LetterPage {
        number: l.number.clone(),
        date_line: doc_date(lang, &l.date),
        agency_name: l.agency_name.clone(),
        subject,
        body: l.body.clone().unwrap_or_default(),
        deadline,
        signer: l.signer.clone().unwrap_or_default(),
        outstanding: l.outstanding,
        findings,
        c: ui.c,
    })
}
