//! Incidents, findings, letters, inspection plans and the periodic report. Every use
//! case checks the role, then the agency scope of the object (objects of agencies
//! outside the caller's scope answer 404), then validates through `lachan_core::ops`.

use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::ops::{
    FindingChange, FindingStatus, IncidentChange, NewFinding, NewIncident, NewLetter, NewPlan,
    NewTarget, Severity, TargetResult, TargetStatus, incident_deadlines,
};
use lachan_store::{
    Evidence, Finding, FindingQuery, FindingRecord, Incident, IncidentQuery, IncidentRecord,
    Letter, LogEntry, Page, Plan, ReportFigures, Target, TargetRecord, Task,
};
use serde::{Deserialize, Serialize};

use super::MAX_PAGE;
use crate::auth::Principal;
use crate::{AppError, AppState};

/// Largest evidence file accepted.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

fn today_vn() -> String {
    datefmt::date_iso(datefmt::now_utc().to_offset(datefmt::VN_OFFSET).date())
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn page_limit(limit: Option<i64>) -> Result<i64, AppError> {
    let l = limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&l) {
        return Err(AppError::invalid(
            "limit",
            format!("must be 1 to {MAX_PAGE}"),
        ));
    }
    Ok(l)
}

/// The agency `code` as (id), which must exist and be inside the caller's scope.
async fn agency_in_scope(st: &AppState, p: &Principal, code: &str) -> Result<i64, AppError> {
    let a = st
        .store
        .agency(code)
        .await?
        .ok_or_else(|| AppError::invalid("agency_code", format!("unknown agency '{code}'")))?;
    if !p.scope.allows(a.id) {
        return Err(AppError::Forbidden(format!(
            "agency '{code}' is outside the agencies you may act for"
        )));
    }
    Ok(a.id)
}

/// The system `code`, which must belong to `agency_id`.
async fn system_of(
    st: &AppState,
    field: &str,
    code: &Option<String>,
    agency_id: i64,
) -> Result<Option<i64>, AppError> {
    let Some(code) = code else { return Ok(None) };
    let s = st
        .store
        .system(code)
        .await?
        .ok_or_else(|| AppError::invalid(field, format!("unknown system '{code}'")))?;
    if s.agency_id != agency_id {
        return Err(AppError::invalid(
            field,
            format!("system '{code}' is not a system of that agency"),
        ));
    }
    Ok(Some(s.system.id))
}

// ---------- incidents ----------

/// An incident with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub incident: Incident,
    pub deadlines: Option<lachan_core::ops::IncidentDeadlines>,
    pub overdue: bool,
    pub allowed_moves: Vec<&'static str>,
    pub timeline: Vec<LogEntry>,
    pub tasks: Vec<Task>,
    pub evidence: Vec<Evidence>,
}

pub fn is_overdue(i: &Incident) -> bool {
    i.status != "closed" && i.resolve_by < datefmt::to_rfc3339(datefmt::now_utc())
}

pub async fn create_incident(
    st: &AppState,
    p: &Principal,
    mut n: NewIncident,
) -> Result<Incident, AppError> {
    p.require(Action::HandleIncidents)?;
    n.validate()?;
    let agency_id = agency_in_scope(st, p, &n.agency_code).await?;
    let system_id = system_of(st, "system_code", &n.system_code, agency_id).await?;
    // Alerts must be visible to the caller; T0 defaults to the earliest alert's time.
    let mut earliest: Option<String> = None;
    for id in &n.alert_ids {
        let (a, agency) = st
            .store
            .alert(*id)
            .await?
            .filter(|(_, ag)| p.scope.allows_owner(*ag))
            .ok_or_else(|| AppError::invalid("alert_ids", format!("alert {id} not found")))?;
        if agency.is_some_and(|ag| ag != agency_id) {
            return Err(AppError::invalid(
                "alert_ids",
                format!("alert {id} belongs to another agency"),
            ));
        }
        let first = datefmt::parse_rfc3339(&a.first_seen)
            .map(datefmt::to_rfc3339)
            .unwrap_or(a.first_seen);
        if earliest.as_ref().is_none_or(|e| first < *e) {
            earliest = Some(first);
        }
    }
    let detected_at = n
        .detected_at
        .clone()
        .or(earliest)
        .unwrap_or_else(|| datefmt::to_rfc3339(datefmt::now_utc()));
    let deadlines = incident_deadlines(n.severity, &detected_at)
        .ok_or_else(|| AppError::invalid("detected_at", "is not a valid time"))?;
    let rec = IncidentRecord {
        input: n,
        agency_id,
        system_id,
        detected_at,
        resolve_by: deadlines.resolve_by,
    };
    let created = st.store.create_incident(&p.ctx(), &rec).await?;
    st.notifier
        .emit(crate::notify::incident_notice(&created, "mới tiếp nhận"));
    Ok(created)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IncidentFilter {
    pub status: Option<String>,
    pub severity: Option<String>,
    pub category: Option<String>,
    pub agency_code: Option<String>,
    pub overdue: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub page: Option<i64>,
}

fn time_param(field: &str, v: &Option<String>) -> Result<Option<String>, AppError> {
    match nonempty(v) {
        None => Ok(None),
        Some(s) => {
            if let Some(t) = datefmt::parse_rfc3339(&s) {
                return Ok(Some(datefmt::to_rfc3339(t)));
            }
            // A bare date means midnight of that Vietnam day.
            let d = datefmt::parse_date(&s).ok_or_else(|| {
                AppError::invalid(field, format!("'{s}' is not an RFC 3339 time or a date"))
            })?;
            Ok(Some(datefmt::to_rfc3339(
                d.midnight().assume_offset(datefmt::VN_OFFSET),
            )))
        }
    }
}

fn offset_of(offset: Option<i64>, page: Option<i64>, limit: i64) -> Result<i64, AppError> {
    match (offset, page) {
        (Some(o), _) if o >= 0 => Ok(o),
        (Some(_), _) => Err(AppError::invalid("offset", "must not be negative")),
        (None, Some(p)) if p >= 1 => Ok((p - 1).saturating_mul(limit)),
        (None, Some(_)) => Err(AppError::invalid("page", "starts at 1")),
        (None, None) => Ok(0),
    }
}

async fn agency_filter(
    st: &AppState,
    p: &Principal,
    code: &Option<String>,
) -> Result<Option<i64>, AppError> {
    match nonempty(code) {
        None => Ok(None),
        Some(c) => match st.store.agency(&c).await? {
            Some(a) if p.scope.allows(a.id) => Ok(Some(a.id)),
            // An agency outside the scope filters to nothing rather than revealing it.
            _ => Ok(Some(-1)),
        },
    }
}

fn enum_param<T>(
    field: &str,
    v: &Option<String>,
    parse: impl Fn(&str) -> Option<T>,
    code: impl Fn(T) -> &'static str,
    extra: &[&str],
) -> Result<Option<String>, AppError> {
    match nonempty(v) {
        None => Ok(None),
        Some(s) if extra.contains(&s.as_str()) => Ok(Some(s)),
        Some(s) => parse(&s)
            .map(|x| Some(code(x).to_string()))
            .ok_or_else(|| AppError::invalid(field, format!("unknown value '{s}'"))),
    }
}

pub async fn list_incidents(
    st: &AppState,
    p: &Principal,
    f: &IncidentFilter,
) -> Result<Page<Incident>, AppError> {
    p.require(Action::ReadOperations)?;
    let limit = page_limit(f.limit)?;
    use lachan_core::ops::{IncidentCategory, IncidentStatus};
    let q = IncidentQuery {
        scope: Some(p.scope.clone()),
        status: enum_param(
            "status",
            &f.status,
            IncidentStatus::parse,
            |s| s.code(),
            &["open"],
        )?,
        severity: enum_param("severity", &f.severity, Severity::parse, |s| s.code(), &[])?,
        category: enum_param(
            "category",
            &f.category,
            IncidentCategory::parse,
            |s| s.code(),
            &[],
        )?,
        agency_id: agency_filter(st, p, &f.agency_code).await?,
        overdue_at: matches!(f.overdue.as_deref(), Some("true" | "1" | "yes"))
            .then(|| datefmt::to_rfc3339(datefmt::now_utc())),
        from: time_param("from", &f.from)?,
        to: time_param("to", &f.to)?,
        limit,
        offset: offset_of(f.offset, f.page, limit)?,
    };
    Ok(st.store.list_incidents(&q).await?)
}

pub async fn get_incident(st: &AppState, p: &Principal, id: i64) -> Result<Incident, AppError> {
    p.require(Action::ReadOperations)?;
    let what = format!("incident {id}");
    let i = st
        .store
        .incident(id)
        .await?
        .ok_or_else(|| AppError::NotFound(what.clone()))?;
    if !p.scope.allows(i.agency_id) {
        return Err(AppError::NotFound(what));
    }
    Ok(i)
}

pub async fn incident_detail(
    st: &AppState,
    p: &Principal,
    id: i64,
) -> Result<IncidentDetail, AppError> {
    let incident = get_incident(st, p, id).await?;
    let status = lachan_core::ops::IncidentStatus::parse(&incident.status)
        .unwrap_or(lachan_core::ops::IncidentStatus::New);
    let severity = Severity::parse(&incident.severity).unwrap_or(Severity::Medium);
    Ok(IncidentDetail {
        deadlines: incident_deadlines(severity, &incident.detected_at),
        overdue: is_overdue(&incident),
        allowed_moves: status.allowed_moves().iter().map(|s| s.code()).collect(),
        timeline: st.store.incident_log(id).await?,
        tasks: st.store.incident_tasks(id).await?,
        evidence: st.store.incident_evidence(id).await?,
        incident,
    })
}

/// The incident, writable by the caller.
async fn writable_incident(st: &AppState, p: &Principal, id: i64) -> Result<Incident, AppError> {
    p.require(Action::HandleIncidents)?;
    get_incident(st, p, id).await
}

pub async fn update_incident(
    st: &AppState,
    p: &Principal,
    id: i64,
    mut c: IncidentChange,
) -> Result<Incident, AppError> {
    let before = writable_incident(st, p, id).await?;
    c.validate()?;
    let resolve_by = match c.severity {
        Some(s) if s.code() != before.severity => {
            incident_deadlines(s, &before.detected_at).map(|d| d.resolve_by)
        }
        _ => None,
    };
    let after = st
        .store
        .update_incident(&p.ctx(), id, &c, resolve_by.as_deref())
        .await?;
    if after.status != before.status {
        let what = format!("chuyển sang \"{}\"", after.status);
        st.notifier
            .emit(crate::notify::incident_notice(&after, &what));
    }
    Ok(after)
}

pub async fn add_note(st: &AppState, p: &Principal, id: i64, text: &str) -> Result<(), AppError> {
    writable_incident(st, p, id).await?;
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid("text", "is required"));
    }
    if text.chars().count() > 10_000 {
        return Err(AppError::invalid("text", "is longer than 10000 characters"));
    }
    Ok(st.store.add_incident_note(&p.ctx(), id, text).await?)
}

pub async fn link_alerts(
    st: &AppState,
    p: &Principal,
    id: i64,
    alert_ids: &[i64],
) -> Result<Incident, AppError> {
    let i = writable_incident(st, p, id).await?;
    if alert_ids.is_empty() || alert_ids.len() > 500 {
        return Err(AppError::invalid("alert_ids", "give 1 to 500 alerts"));
    }
    for a in alert_ids {
        let ok =
            st.store.alert(*a).await?.is_some_and(|(_, ag)| {
                p.scope.allows_owner(ag) && ag.is_none_or(|g| g == i.agency_id)
            });
        if !ok {
            return Err(AppError::invalid(
                "alert_ids",
                format!("alert {a} not found for this incident's agency"),
            ));
        }
    }
    st.store
        .link_incident_alerts(&p.ctx(), id, alert_ids)
        .await?;
    get_incident(st, p, id).await
}

#[derive(Debug, Clone, Deserialize)]
pub struct TaskInput {
    pub title: String,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub due_date: Option<String>,
}

pub async fn add_task(
    st: &AppState,
    p: &Principal,
    id: i64,
    t: TaskInput,
) -> Result<Task, AppError> {
    writable_incident(st, p, id).await?;
    let title = t.title.trim();
    if title.is_empty() || title.chars().count() > 300 {
        return Err(AppError::invalid("title", "must be 1 to 300 characters"));
    }
    let due = match nonempty(&t.due_date) {
        None => None,
        Some(d) => Some(datefmt::date_iso(datefmt::parse_date(&d).ok_or_else(
            || AppError::invalid("due_date", format!("'{d}' is not a date")),
        )?)),
    };
    let assignee = nonempty(&t.assignee);
    Ok(st
        .store
        .add_incident_task(&p.ctx(), id, title, assignee.as_deref(), due.as_deref())
        .await?)
}

pub async fn set_task_done(
    st: &AppState,
    p: &Principal,
    id: i64,
    task_id: i64,
    done: bool,
) -> Result<Task, AppError> {
    writable_incident(st, p, id).await?;
    Ok(st
        .store
        .set_incident_task_done(&p.ctx(), id, task_id, done)
        .await?)
}

pub async fn add_evidence(
    st: &AppState,
    p: &Principal,
    id: i64,
    name: &str,
    media_type: &str,
    bytes: &[u8],
    note: Option<&str>,
) -> Result<Evidence, AppError> {
    writable_incident(st, p, id).await?;
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "is empty"));
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(AppError::BadRequest(format!(
            "evidence files are limited to {MAX_EVIDENCE_BYTES} bytes"
        )));
    }
    // Keep only the last path component, printable, bounded.
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let name = if name.trim().is_empty() {
        "evidence.bin".to_string()
    } else {
        name
    };
    let media_type = if media_type.len() <= 100 && media_type.is_ascii() && !media_type.is_empty() {
        media_type
    } else {
        "application/octet-stream"
    };
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    Ok(st
        .store
        .add_incident_evidence(&p.ctx(), id, &name, media_type, bytes, note)
        .await?)
}

pub async fn evidence_file(
    st: &AppState,
    p: &Principal,
    id: i64,
    evidence_id: i64,
) -> Result<(Evidence, Vec<u8>), AppError> {
    get_incident(st, p, id).await?;
    st.store
        .evidence_content(id, evidence_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("evidence {evidence_id} of incident {id}")))
}

// ---------- findings ----------

pub async fn create_finding(
    st: &AppState,
    p: &Principal,
    mut n: NewFinding,
) -> Result<(Finding, bool), AppError> {
    p.require(Action::RecordFindings)?;
    n.validate()?;
    let agency_id = agency_in_scope(st, p, &n.agency_code).await?;
    let system_id = system_of(st, "system_code", &n.system_code, agency_id).await?;
    let fingerprint = n.fingerprint();
    let rec = FindingRecord {
        input: n,
        agency_id,
        system_id,
        fingerprint,
    };
    Ok(st.store.record_finding(&p.ctx(), &rec).await?)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FindingFilter {
    pub status: Option<String>,
    pub severity: Option<String>,
    pub source: Option<String>,
    pub agency_code: Option<String>,
    pub system_code: Option<String>,
    pub overdue: Option<String>,
    pub without_letter: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub page: Option<i64>,
}

fn flag(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("true" | "1" | "yes" | "on"))
}

pub async fn list_findings(
    st: &AppState,
    p: &Principal,
    f: &FindingFilter,
) -> Result<Page<Finding>, AppError> {
    p.require(Action::ReadOperations)?;
    let limit = page_limit(f.limit)?;
    use lachan_core::ops::FindingSource;
    let system_id = match nonempty(&f.system_code) {
        None => None,
        Some(c) => Some(
            st.store
                .system(&c)
                .await?
                .map(|s| s.system.id)
                .unwrap_or(-1),
        ),
    };
    let q = FindingQuery {
        scope: Some(p.scope.clone()),
        status: enum_param(
            "status",
            &f.status,
            FindingStatus::parse,
            |s| s.code(),
            &["outstanding"],
        )?,
        severity: enum_param("severity", &f.severity, Severity::parse, |s| s.code(), &[])?,
        source: enum_param("source", &f.source, FindingSource::parse, |s| s.code(), &[])?,
        agency_id: agency_filter(st, p, &f.agency_code).await?,
        system_id,
        overdue_on: flag(&f.overdue).then(today_vn),
        without_letter: flag(&f.without_letter),
        letter_id: None,
        limit,
        offset: offset_of(f.offset, f.page, limit)?,
    };
    Ok(st.store.list_findings(&q).await?)
}

pub async fn get_finding(st: &AppState, p: &Principal, id: i64) -> Result<Finding, AppError> {
    p.require(Action::ReadOperations)?;
    let what = format!("finding {id}");
    let f = st
        .store
        .finding(id)
        .await?
        .ok_or_else(|| AppError::NotFound(what.clone()))?;
    if !p.scope.allows(f.agency_id) {
        return Err(AppError::NotFound(what));
    }
    Ok(f)
}

pub async fn finding_history(
    st: &AppState,
    p: &Principal,
    id: i64,
) -> Result<(Finding, Vec<LogEntry>), AppError> {
    let f = get_finding(st, p, id).await?;
    Ok((f, st.store.finding_log(id).await?))
}

pub fn is_finding_overdue(f: &Finding) -> bool {
    let outstanding = FindingStatus::parse(&f.status).is_some_and(|s| s.is_outstanding());
    outstanding
        && f.due_date
            .as_deref()
            .is_some_and(|d| d < today_vn().as_str())
}

pub async fn update_finding(
    st: &AppState,
    p: &Principal,
    id: i64,
    mut c: FindingChange,
) -> Result<Finding, AppError> {
    let full = p.role().can(Action::RecordFindings);
    if !full {
        p.require(Action::RespondToFindings)?;
    }
    get_finding(st, p, id).await?;
    c.validate()?;
    if !full {
        // The owning agency answers: acknowledged or fixed; verification, accepted risk
        // and the finding's own terms stay with the inspecting unit.
        let answer = matches!(
            c.status,
            None | Some(FindingStatus::Acknowledged | FindingStatus::Fixed)
        );
        if !answer || c.severity.is_some() || c.recommendation.is_some() || c.due_date.is_some() {
            return Err(AppError::Forbidden(
                "an agency may acknowledge a finding or report it fixed; other changes are made by the inspecting unit".into(),
            ));
        }
    }
    Ok(st.store.update_finding(&p.ctx(), id, &c).await?)
}

// ---------- letters ----------

pub async fn create_letter(
    st: &AppState,
    p: &Principal,
    mut l: NewLetter,
) -> Result<Letter, AppError> {
    p.require(Action::IssueLetters)?;
    l.validate()?;
    let agency_id = agency_in_scope(st, p, &l.agency_code).await?;
    Ok(st.store.create_letter(&p.ctx(), &l, agency_id).await?)
}

pub async fn list_letters(st: &AppState, p: &Principal) -> Result<Vec<Letter>, AppError> {
    p.require(Action::ReadOperations)?;
    Ok(st.store.list_letters(&p.scope).await?)
}

pub async fn get_letter(
    st: &AppState,
    p: &Principal,
    id: i64,
) -> Result<(Letter, Vec<Finding>), AppError> {
    p.require(Action::ReadOperations)?;
    let what = format!("letter {id}");
    let l = st
        .store
        .letter(id)
        .await?
        .filter(|l| p.scope.allows(l.agency_id))
        .ok_or(AppError::NotFound(what))?;
    let findings = st
        .store
        .list_findings(&FindingQuery {
            scope: Some(p.scope.clone()),
            letter_id: Some(id),
            limit: 1000,
            ..Default::default()
        })
        .await?
        .items;
    Ok((l, findings))
}

// ---------- plans ----------

async fn resolve_targets(
    st: &AppState,
    p: &Principal,
    targets: &[NewTarget],
) -> Result<Vec<TargetRecord>, AppError> {
    let mut out = Vec::with_capacity(targets.len());
    for (i, t) in targets.iter().enumerate() {
        let a = st.store.agency(&t.agency_code).await?.ok_or_else(|| {
            AppError::invalid(
                &format!("targets[{i}].agency_code"),
                format!("unknown agency '{}'", t.agency_code),
            )
        })?;
        if !p.scope.allows(a.id) {
            return Err(AppError::Forbidden(format!(
                "agency '{}' is outside the agencies you may act for",
                t.agency_code
            )));
        }
        let system_id = system_of(
            st,
            &format!("targets[{i}].system_code"),
            &t.system_code,
            a.id,
        )
        .await?;
        let system = match &t.system_code {
            Some(c) => st.store.system(c).await?.map(|s| s.system),
            None => None,
        };
        let items = lachan_core::ops::checklist_items(
            t.checklist,
            system.as_ref().map(|s| s.security_level),
            system.as_ref().map(|s| s.regime.as_str()),
        );
        out.push(TargetRecord {
            input: t.clone(),
            agency_id: a.id,
            system_id,
            items,
        });
    }
    Ok(out)
}

pub async fn create_plan(st: &AppState, p: &Principal, mut n: NewPlan) -> Result<Plan, AppError> {
    p.require(Action::ManagePlans)?;
    n.validate()?;
    let targets = resolve_targets(st, p, &n.targets).await?;
    Ok(st.store.create_plan(&p.ctx(), &n, &targets).await?)
}

/// Change a plan's header (targets are added and answered separately).
pub async fn update_plan(
    st: &AppState,
    p: &Principal,
    id: i64,
    mut n: NewPlan,
) -> Result<Plan, AppError> {
    p.require(Action::ManagePlans)?;
    get_plan(st, p, id).await?;
    if !n.targets.is_empty() {
        return Err(AppError::invalid(
            "targets",
            "add targets with POST /plans/{id}/targets",
        ));
    }
    n.validate()?;
    Ok(st.store.update_plan(&p.ctx(), id, &n).await?)
}

pub async fn add_targets(
    st: &AppState,
    p: &Principal,
    plan_id: i64,
    mut targets: Vec<NewTarget>,
) -> Result<Vec<Target>, AppError> {
    p.require(Action::ManagePlans)?;
    get_plan(st, p, plan_id).await?;
    if targets.is_empty() || targets.len() > 2000 {
        return Err(AppError::invalid("targets", "give 1 to 2000 targets"));
    }
    for (i, t) in targets.iter_mut().enumerate() {
        t.validate(&format!("targets[{i}]"))?;
    }
    let recs = resolve_targets(st, p, &targets).await?;
    Ok(st.store.add_plan_targets(&p.ctx(), plan_id, &recs).await?)
}

pub async fn list_plans(st: &AppState, p: &Principal) -> Result<Vec<Plan>, AppError> {
    p.require(Action::ReadOperations)?;
    Ok(st.store.list_plans(&p.scope).await?)
}

pub async fn get_plan(st: &AppState, p: &Principal, id: i64) -> Result<Plan, AppError> {
    p.require(Action::ReadOperations)?;
    let what = format!("plan {id}");
    let plan = st
        .store
        .plan(id, &p.scope)
        .await?
        .ok_or_else(|| AppError::NotFound(what.clone()))?;
    if plan.targets.is_empty() && p.role().is_scoped() {
        return Err(AppError::NotFound(what));
    }
    Ok(plan)
}

#[derive(Debug, Clone, Deserialize)]
pub struct TargetUpdate {
    pub status: TargetStatus,
    #[serde(flatten)]
    pub result: TargetResult,
}

pub async fn record_result(
    st: &AppState,
    p: &Principal,
    target_id: i64,
    mut u: TargetUpdate,
) -> Result<Target, AppError> {
    p.require(Action::ManagePlans)?;
    let what = format!("inspection target {target_id}");
    let t = st
        .store
        .target(target_id)
        .await?
        .filter(|t| p.scope.allows(t.agency_id))
        .ok_or(AppError::NotFound(what))?;
    u.result.validate()?;
    if let Some(d) = &u.result.inspected_on
        && *d > today_vn()
    {
        return Err(AppError::invalid("inspected_on", "lies in the future"));
    }
    let _ = t;
    Ok(st
        .store
        .record_target_result(&p.ctx(), target_id, u.status, &u.result)
        .await?)
}

/// A target with its checklist, for the caller's scope.
pub async fn target_checklist(
    st: &AppState,
    p: &Principal,
    target_id: i64,
) -> Result<(Target, Vec<lachan_store::TargetItem>), AppError> {
    p.require(Action::ReadOperations)?;
    let t = st
        .store
        .target(target_id)
        .await?
        .filter(|t| p.scope.allows(t.agency_id))
        .ok_or_else(|| AppError::NotFound(format!("inspection target {target_id}")))?;
    let items = st.store.target_items(target_id).await?;
    Ok((t, items))
}

#[derive(Debug, Clone, Deserialize)]
pub struct ItemAnswer {
    pub code: String,
    /// `passed`, `failed`, `not_applicable` or `pending`.
    pub result: String,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn answer_items(
    st: &AppState,
    p: &Principal,
    target_id: i64,
    answers: Vec<ItemAnswer>,
) -> Result<Target, AppError> {
    p.require(Action::ManagePlans)?;
    target_checklist(st, p, target_id).await?;
    if answers.is_empty() || answers.len() > 1000 {
        return Err(AppError::invalid("items", "give 1 to 1000 answers"));
    }
    let mut rows = Vec::with_capacity(answers.len());
    for a in answers {
        let note = nonempty(&a.note);
        if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            return Err(AppError::invalid("note", "is longer than 2000 characters"));
        }
        rows.push((a.code.trim().to_string(), a.result.trim().to_string(), note));
    }
    Ok(st
        .store
        .answer_target_items(&p.ctx(), target_id, &rows)
        .await?)
}

// ---------- report ----------

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Period {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The period's first and last day (yyyy-mm-dd): by default the current half-year.
pub fn period_of(p: &Period) -> Result<(String, String), AppError> {
    let parse = |field: &str, v: &Option<String>| -> Result<Option<String>, AppError> {
        match nonempty(v) {
            None => Ok(None),
            Some(s) => datefmt::parse_date(&s)
                .map(|d| Some(datefmt::date_iso(d)))
                .ok_or_else(|| {
                    AppError::invalid(field, format!("'{s}' is not a date (yyyy-mm-dd)"))
                }),
        }
    };
    let today = datefmt::now_utc().to_offset(datefmt::VN_OFFSET).date();
    let (y, first_half) = (today.year(), (today.month() as u8) <= 6);
    let default_from = if first_half {
        format!("{y}-01-01")
    } else {
        format!("{y}-07-01")
    };
    let default_to = if first_half {
        format!("{y}-06-30")
    } else {
        format!("{y}-12-31")
    };
    let from = parse("from", &p.from)?.unwrap_or(default_from);
    let to = parse("to", &p.to)?.unwrap_or(default_to);
    if to < from {
        return Err(AppError::invalid("to", "must not be before 'from'"));
    }
    Ok((from, to))
}

pub async fn report_summary(
    st: &AppState,
    p: &Principal,
    period: &Period,
) -> Result<(String, String, ReportFigures), AppError> {
    p.require(Action::ReadOperations)?;
    let (from, to) = period_of(period)?;
    let figures = st
        .store
        .report_figures(&p.scope, &from, &to, &today_vn())
        .await?;
    Ok((from, to, figures))
}

/// How each figure of the report is counted (shown beside the figures).
pub const REPORT_METHOD: &[(&str, &str, &str)] = &[
    (
        "systems",
        "Hệ thống thông tin trong phạm vi theo sổ đăng ký tại thời điểm lập báo cáo, theo cấp độ; \"đã phê duyệt\" là hồ sơ cấp độ ở trạng thái đã phê duyệt; \"phê duyệt trong kỳ\" là có ngày phê duyệt trong kỳ.",
        "Information systems in scope as registered when the report is made, by level; approved = dossier approved; approved in period = approval date inside the period.",
    ),
    (
        "incidents",
        "Sự cố có thời điểm phát hiện trong kỳ (giờ Việt Nam), theo loại, mức độ và trạng thái hiện tại; \"chưa đóng\" là chưa ở trạng thái đã đóng; \"quá hạn\" là chưa đóng và đã qua hạn xử lý theo mức độ.",
        "Incidents detected inside the period (Vietnam time), by category, severity and current status; open = not closed; overdue = open and past the severity's handling deadline.",
    ),
    (
        "findings",
        "Phát hiện được ghi nhận lần đầu trong kỳ, theo trạng thái hiện tại và mức độ; \"quá hạn\" là chưa khắc phục/đã tiếp nhận và đã qua hạn khắc phục.",
        "Findings first recorded inside the period, by current status and severity; overdue = open or acknowledged and past the due date.",
    ),
    (
        "letters",
        "Công văn kiến nghị có ngày ban hành trong kỳ.",
        "Recommendation letters dated inside the period.",
    ),
    (
        "inspections",
        "Đối tượng kiểm tra (không tính đối tượng huỷ) có ngày kiểm tra dự kiến — hoặc ngày bắt đầu kế hoạch nếu không có — trong kỳ là \"theo kế hoạch\"; trong số đó, đối tượng đã ghi kết quả là \"đã kiểm tra\".",
        "Inspection targets (not cancelled) whose scheduled date — or, without one, their plan's start date — falls inside the period are planned; those of them with a recorded result are done.",
    ),
    (
        "alerts",
        "Cảnh báo giám sát xuất hiện lần đầu trong kỳ, theo mức độ của luật phát hiện.",
        "Monitoring alerts first seen inside the period, by rule level.",
    ),
    (
        "compliance",
        "Theo từng đơn vị: số máy có kết quả lachan scan kết thúc trong kỳ và điểm trung bình của lần quét gần nhất của mỗi máy (đạt / (đạt + không đạt)).",
        "Per agency: hosts with a lachan scan finished inside the period and the mean score of each host's latest scan (passed / (passed + failed)).",
    ),
    (
        "monitors",
        "Dịch vụ, cổng TTĐT đang được giám sát và số đang gián đoạn tại thời điểm lập báo cáo; tỷ lệ hoạt động là số lần kiểm tra thành công trên tổng số lần kiểm tra trong kỳ; dấu hiệu xâm phạm cổng TTĐT là phát hiện của các lần kiểm tra toàn vẹn định kỳ ghi nhận lần đầu trong kỳ.",
        "Services and portals monitored and those down when the report is made; uptime is successful checks over all checks inside the period; portal compromises are findings of the scheduled integrity scans first recorded inside the period.",
    ),
    (
        "agents",
        "Tác tử đã đăng ký và chưa bị thu hồi tại thời điểm lập báo cáo.",
        "Agents enrolled and not revoked when the report is made.",
    ),
];
