//! Service and portal monitors (giám sát dịch vụ): the monitors in scope with their
//! state and uptime, adding one, its page with the history chart, checking it now,
//! editing and deleting it, and the status page of an agency.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::monitor::{MonitorKind, MonitorState, NewMonitor};
use lachan_store::{Monitor, MonitorResult, Uptime};
use serde::Deserialize;
use serde_json::json;

use super::i18n::{Lang, t};
use super::incidents::{Coded, error_field, label_of, on_form, options_of, some, when};
use super::render::{self, Ctx, Fail, done, enc, html};
use super::session::{CsrfOnly, OrPage, Ui};
use super::systems::{Opt, agency_options};
use crate::service::monitors::{self as svc, MonitorView};
use crate::{AppError, AppState};

/// Results listed under the chart.
const TABLE_ROWS: usize = 50;
/// History spans offered above the chart, in hours.
const SPANS: &[(i64, &str)] = &[
    (24, "mon.span_24h"),
    (168, "mon.span_7d"),
    (720, "mon.span_30d"),
];
/// The chart is at least this many results wide, so a few bars stay narrow.
const CHART_MIN_WIDTH: usize = 60;
/// Days in the strip of the status page.
const STRIP_DAYS: i64 = 30;

impl Coded for MonitorKind {
    fn all() -> &'static [Self] {
        MonitorKind::ALL
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
        MonitorKind::parse(s)
    }
}

impl Coded for MonitorState {
    fn all() -> &'static [Self] {
        MonitorState::ALL
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
        MonitorState::parse(s)
    }
}

/// An uptime share for people: `99,5 %` in Vietnamese, `99.5%` in English, `—` without checks.
pub fn percent(lang: Lang, u: &Uptime) -> String {
    match u.percent {
        None => "—".into(),
        Some(p) => match lang {
            Lang::Vi => format!("{} %", format!("{p:.1}").replace('.', ",")),
            Lang::En => format!("{p:.1}%"),
        },
    }
}

/// The state code as stored, limited to the known ones (it names a CSS class).
fn state_code(s: &str) -> &'static str {
    MonitorState::parse(s)
        .unwrap_or(MonitorState::Unknown)
        .code()
}

/// "HTTP(S) 60 s; TCP 60 s; …": the default interval of every kind.
fn interval_hint(lang: Lang) -> String {
    MonitorKind::ALL
        .iter()
        .map(|k| format!("{} {} s", k.label(lang), k.default_interval()))
        .collect::<Vec<_>>()
        .join("; ")
}

// ---------- the form ----------

/// What the monitor form holds (new and edit).
#[derive(Debug, Default, Deserialize)]
pub struct MonitorInput {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    system_code: String,
    #[serde(default)]
    interval_secs: String,
    #[serde(default)]
    timeout_secs: String,
    #[serde(default)]
    keyword: String,
    #[serde(default)]
    keyword_absent: Option<String>,
    #[serde(default)]
    expect_status: String,
    #[serde(default)]
    tls_warn_days: String,
    #[serde(default)]
    enabled: Option<String>,
}

fn number(field: &str, v: &str) -> Result<Option<i64>, AppError> {
    match v.trim() {
        "" => Ok(None),
        s => s
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("'{s}' is not a number"))),
    }
}

impl MonitorInput {
    fn blank() -> Self {
        MonitorInput {
            kind: MonitorKind::Http.code().into(),
            enabled: Some("on".into()),
            ..Default::default()
        }
    }

    fn of(m: &Monitor) -> Self {
        let n = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
        MonitorInput {
            csrf: String::new(),
            name: m.name.clone(),
            kind: m.kind.clone(),
            target: m.target.clone(),
            agency_code: m.agency_code.clone(),
            system_code: m.system_code.clone().unwrap_or_default(),
            interval_secs: m.interval_secs.to_string(),
            timeout_secs: m.timeout_secs.to_string(),
            keyword: m.keyword.clone().unwrap_or_default(),
            keyword_absent: m.keyword_absent.then(|| "on".into()),
            expect_status: n(m.expect_status),
            tls_warn_days: m.tls_warn_days.to_string(),
            enabled: m.enabled.then(|| "on".into()),
        }
    }

    fn to_new(&self) -> Result<NewMonitor, AppError> {
        let kind = MonitorKind::parse(&self.kind)
            .ok_or_else(|| AppError::invalid("kind", "choose what is checked"))?;
        let expect_status = match number("expect_status", &self.expect_status)? {
            None => None,
            Some(s) => Some(
                u16::try_from(s)
                    .map_err(|_| AppError::invalid("expect_status", "must be an HTTP status"))?,
            ),
        };
        // The same shape the API accepts; absent optional parts take their defaults.
        let v = json!({
            "name": self.name,
            "kind": kind,
            "target": self.target,
            "agency_code": self.agency_code,
            "system_code": some(&self.system_code),
            "interval_secs": number("interval_secs", &self.interval_secs)?,
            "timeout_secs": number("timeout_secs", &self.timeout_secs)?,
            "keyword": some(&self.keyword),
            "keyword_absent": self.keyword_absent.is_some(),
            "expect_status": expect_status,
            "tls_warn_days": number("tls_warn_days", &self.tls_warn_days)?,
            "enabled": self.enabled.is_some(),
        });
        serde_json::from_value(v).map_err(|e| AppError::BadRequest(e.to_string()))
    }
}

/// The selects and hints the monitor form needs.
pub struct FormParts {
    pub kinds: Vec<Opt>,
    pub agencies: Vec<Opt>,
    pub interval_placeholder: i64,
    pub interval_hint: String,
}

async fn form_parts(st: &AppState, ui: &Ui, v: &MonitorInput) -> Result<FormParts, Fail> {
    let lang = ui.c.lang;
    let kind = MonitorKind::parse(&v.kind).unwrap_or(MonitorKind::Http);
    Ok(FormParts {
        kinds: options_of::<MonitorKind>(lang, &v.kind, None),
        agencies: agency_options(st, ui, &v.agency_code, None).await?,
        interval_placeholder: kind.default_interval(),
        interval_hint: interval_hint(lang),
    })
}

// ---------- the list ----------

pub struct Row {
    pub id: i64,
    pub name: String,
    pub kind_label: String,
    pub target: String,
    pub agency_code: String,
    pub agency_code_url: String,
    pub agency_name: String,
    pub enabled: bool,
    pub state: &'static str,
    pub state_label: String,
    pub since: String,
    pub last_checked: String,
    pub latency: Option<i64>,
    pub uptime_24h: String,
    pub uptime_30d: String,
}

fn row(lang: Lang, v: &MonitorView) -> Row {
    let m = &v.monitor;
    Row {
        id: m.id,
        name: m.name.clone(),
        kind_label: label_of::<MonitorKind>(lang, &m.kind),
        target: m.target.clone(),
        agency_code: m.agency_code.clone(),
        agency_code_url: enc(&m.agency_code),
        agency_name: m.agency_name.clone(),
        enabled: m.enabled,
        state: state_code(&m.state),
        state_label: label_of::<MonitorState>(lang, &m.state),
        since: when(&m.state_since),
        last_checked: when(&m.last_checked_at),
        latency: m.last_latency_ms,
        uptime_24h: percent(lang, &v.uptime_24h),
        uptime_30d: percent(lang, &v.uptime_30d),
    }
}

/// An agency with monitors, linking to its status page.
pub struct StatusLink {
    pub code: String,
    pub code_url: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "monitors.html")]
struct ListPage {
    c: Ctx,
    rows: Vec<Row>,
    status_links: Vec<StatusLink>,
    v: MonitorInput,
    f: Option<FormParts>,
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
    v: MonitorInput,
    error: Option<AppError>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let views = svc::list(st, &ui.p).await.or_page(&ui)?;
    let mut status_links: Vec<StatusLink> = Vec::new();
    for m in views.iter().map(|v| &v.monitor) {
        if !status_links.iter().any(|s| s.code == m.agency_code) {
            status_links.push(StatusLink {
                code: m.agency_code.clone(),
                code_url: enc(&m.agency_code),
                name: m.agency_name.clone(),
            });
        }
    }
    status_links.sort_by(|a, b| a.code.cmp(&b.code));
    let f = if ui.can(Action::ManageMonitors) {
        Some(form_parts(st, &ui, &v).await?)
    } else {
        None
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status());
    let page = ListPage {
        rows: views.iter().map(|v| row(lang, v)).collect(),
        status_links,
        f,
        error_field: error_field(&error),
        error: error.as_ref().map(|e| render::message(lang, e)),
        v,
        c: ui.c,
    };
    Ok(html(status, &page))
}

pub async fn list(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    list_page(&st, ui, MonitorInput::blank(), None).await
}

pub async fn create(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(v): Form<MonitorInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let result = match v.to_new() {
        Ok(n) => svc::create(&st, &ui.p, n).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => done(&format!("/monitors/{}", m.id), "created"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            list_page(&st, ui, v, Some(e)).await
        }
    }
}

// ---------- one monitor ----------

/// The monitor's facts as shown.
pub struct Facts {
    pub id: i64,
    pub name: String,
    pub kind_label: String,
    pub target: String,
    pub agency_code: String,
    pub agency_code_url: String,
    pub agency_name: String,
    pub system_code: String,
    pub interval_secs: i64,
    pub timeout_secs: i64,
    pub keyword: String,
    pub keyword_absent: bool,
    pub expect_status: Option<i64>,
    pub tls_warn_days: i64,
    pub enabled: bool,
    pub state: &'static str,
    pub state_label: String,
    pub since: String,
    pub last_checked: String,
    pub latency: Option<i64>,
    pub last_detail: String,
    pub next_due: String,
    pub created_by: String,
    pub uptime_24h: String,
    pub uptime_7d: String,
    pub uptime_30d: String,
}

fn facts(lang: Lang, v: &MonitorView) -> Facts {
    let m = &v.monitor;
    Facts {
        id: m.id,
        name: m.name.clone(),
        kind_label: label_of::<MonitorKind>(lang, &m.kind),
        target: m.target.clone(),
        agency_code: m.agency_code.clone(),
        agency_code_url: enc(&m.agency_code),
        agency_name: m.agency_name.clone(),
        system_code: m.system_code.clone().unwrap_or_default(),
        interval_secs: m.interval_secs,
        timeout_secs: m.timeout_secs,
        keyword: m.keyword.clone().unwrap_or_default(),
        keyword_absent: m.keyword_absent,
        expect_status: m.expect_status,
        tls_warn_days: m.tls_warn_days,
        enabled: m.enabled,
        state: state_code(&m.state),
        state_label: label_of::<MonitorState>(lang, &m.state),
        since: when(&m.state_since),
        last_checked: when(&m.last_checked_at),
        latency: m.last_latency_ms,
        last_detail: m.last_detail.clone().unwrap_or_default(),
        next_due: datefmt::datetime_vn(&m.next_due_at),
        created_by: m.created_by.clone(),
        uptime_24h: percent(lang, &v.uptime_24h),
        uptime_7d: percent(lang, &v.uptime_7d),
        uptime_30d: percent(lang, &v.uptime_30d),
    }
}

/// One bar of the history chart (SVG user units: 100 high, one wide per result).
pub struct Bar {
    pub x: usize,
    pub y: i64,
    pub height: i64,
    pub ok: bool,
    pub title: String,
}

/// Bars from oldest to newest, the newest at the right edge of a chart `width` results
/// wide; a failed check is a full-height bar.
fn bars(lang: Lang, results: &[MonitorResult], width: usize) -> Vec<Bar> {
    let offset = width.saturating_sub(results.len());
    let max = results
        .iter()
        .filter_map(|r| r.latency_ms)
        .max()
        .unwrap_or(0)
        .max(1);
    let ok_word = t(lang, "mon.ok");
    let fail_word = t(lang, "mon.fail");
    results
        .iter()
        .rev()
        .enumerate()
        .map(|(x, r)| {
            let height = if r.ok {
                (r.latency_ms.unwrap_or(0) * 100 / max).clamp(2, 100)
            } else {
                100
            };
            let latency = r
                .latency_ms
                .map(|l| format!(" · {l} ms"))
                .unwrap_or_default();
            Bar {
                x: offset + x,
                y: 100 - height,
                height,
                ok: r.ok,
                title: format!(
                    "{} · {}{latency}",
                    datefmt::datetime_vn(&r.at),
                    if r.ok { ok_word } else { fail_word }
                ),
            }
        })
        .collect()
}

pub struct ResultRow {
    pub at: String,
    pub ok: bool,
    pub latency: Option<i64>,
    pub status: Option<i64>,
    pub detail: String,
}

pub struct Span {
    pub hours: i64,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    #[serde(default)]
    hours: String,
}

#[derive(Template)]
#[template(path = "monitor_detail.html")]
struct DetailPage {
    c: Ctx,
    m: Facts,
    hours: i64,
    spans: Vec<Span>,
    bars: Vec<Bar>,
    chart_width: usize,
    checks: usize,
    failed: usize,
    results: Vec<ResultRow>,
    can_manage: bool,
    v: MonitorInput,
    f: Option<FormParts>,
    edit_open: bool,
    error: Option<String>,
    error_field: String,
}

impl DetailPage {
    fn err(&self, field: &str) -> bool {
        self.error_field == field
    }
}

fn hours_of(q: &DetailQuery) -> Result<i64, AppError> {
    match q.hours.trim() {
        "" => Ok(24),
        s => s
            .parse::<i64>()
            .map_err(|_| AppError::invalid("hours", "must be a number of hours")),
    }
}

async fn detail_page(
    st: &AppState,
    ui: Ui,
    id: i64,
    hours: i64,
    v: Option<MonitorInput>,
    error: Option<AppError>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let (view, results) = svc::detail(st, &ui.p, id, hours).await.or_page(&ui)?;
    let can_manage = ui.can(Action::ManageMonitors);
    let edit_open = v.is_some() && error.is_some();
    let v = v.unwrap_or_else(|| MonitorInput::of(&view.monitor));
    let f = if can_manage {
        Some(form_parts(st, &ui, &v).await?)
    } else {
        None
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status());
    let chart_width = results.len().max(CHART_MIN_WIDTH);
    let page = DetailPage {
        m: facts(lang, &view),
        hours,
        spans: SPANS
            .iter()
            .map(|(h, key)| Span {
                hours: *h,
                label: t(lang, key),
                current: *h == hours,
            })
            .collect(),
        chart_width,
        checks: results.len(),
        failed: results.iter().filter(|r| !r.ok).count(),
        bars: bars(lang, &results, chart_width),
        results: results
            .iter()
            .take(TABLE_ROWS)
            .map(|r| ResultRow {
                at: datefmt::datetime_vn(&r.at),
                ok: r.ok,
                latency: r.latency_ms,
                status: r.status,
                detail: r.detail.clone(),
            })
            .collect(),
        can_manage,
        f,
        edit_open,
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
    Query(q): Query<DetailQuery>,
) -> Result<Response, Fail> {
    let hours = hours_of(&q).or_page(&ui)?;
    detail_page(&st, ui, id, hours, None, None).await
}

/// `POST /monitors/{id}`: save the edit form.
pub async fn update(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(v): Form<MonitorInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let result = match v.to_new() {
        Ok(n) => svc::update(&st, &ui.p, id, n).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => done(&format!("/monitors/{id}"), "saved"),
        Err(e) => {
            let e = on_form(e).or_page(&ui)?;
            detail_page(&st, ui, id, 24, Some(v), Some(e)).await
        }
    }
}

/// `POST /monitors/{id}/check`: check now, outside the schedule.
pub async fn check_now(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    svc::check_now(&st, &ui.p, id).await.or_page(&ui)?;
    done(&format!("/monitors/{id}"), "checked")
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteInput {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /monitors/{id}/delete`: only with the confirmation ticked.
pub async fn delete(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<DeleteInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    if f.confirm.is_none() {
        ui.p.require(Action::ManageMonitors).or_page(&ui)?;
        let e = AppError::invalid("confirm", "tick the box to confirm the deletion");
        return detail_page(&st, ui, id, 24, None, Some(e)).await;
    }
    svc::delete(&st, &ui.p, id).await.or_page(&ui)?;
    done("/monitors", "deleted")
}

// ---------- the status page of an agency ----------

/// One day of the status strip.
pub struct Day {
    pub x: i64,
    /// `none`, `ok`, `part` or `fail` (a CSS class).
    pub class: &'static str,
    pub title: String,
}

pub struct StatusRow {
    pub id: i64,
    pub name: String,
    pub kind_label: String,
    pub agency_code: String,
    pub enabled: bool,
    pub state: &'static str,
    pub state_label: String,
    pub since: String,
    pub uptime_30d: String,
    pub days: Vec<Day>,
}

/// The last [`STRIP_DAYS`] days in Vietnam time, oldest first.
fn strip(lang: Lang, results: &[MonitorResult]) -> Vec<Day> {
    let today = datefmt::now_utc().to_offset(datefmt::VN_OFFSET).date();
    let mut counts = vec![(0i64, 0i64); STRIP_DAYS as usize];
    for r in results {
        let Some(at) = datefmt::parse_rfc3339(&r.at) else {
            continue;
        };
        let ago = (today - at.to_offset(datefmt::VN_OFFSET).date()).whole_days();
        if (0..STRIP_DAYS).contains(&ago) {
            let slot = &mut counts[(STRIP_DAYS - 1 - ago) as usize];
            slot.0 += 1;
            if r.ok {
                slot.1 += 1;
            }
        }
    }
    counts
        .iter()
        .enumerate()
        .map(|(i, (checks, ok))| {
            let date = today - time::Duration::days(STRIP_DAYS - 1 - i as i64);
            let class = match (checks, ok) {
                (0, _) => "none",
                (c, o) if c == o => "ok",
                (_, 0) => "fail",
                _ => "part",
            };
            let share = if *checks == 0 {
                t(lang, "mon.no_checks").to_string()
            } else {
                percent(
                    lang,
                    &Uptime {
                        checks: *checks,
                        ok: *ok,
                        percent: Some((*ok * 1000 / *checks) as f64 / 10.0),
                    },
                )
            };
            Day {
                x: i as i64,
                class,
                title: format!("{} · {share}", datefmt::date_vn(date)),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    c: Ctx,
    agency_code: String,
    agency_name: String,
    down: usize,
    rows: Vec<StatusRow>,
    strip_days: i64,
}

pub async fn status(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(code): Path<String>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let (agency, views) = svc::status_page(&st, &ui.p, &code).await.or_page(&ui)?;
    let mut rows = Vec::with_capacity(views.len());
    for v in &views {
        let m = &v.monitor;
        let (_, results) = svc::detail(&st, &ui.p, m.id, STRIP_DAYS * 24)
            .await
            .or_page(&ui)?;
        rows.push(StatusRow {
            id: m.id,
            name: m.name.clone(),
            kind_label: label_of::<MonitorKind>(lang, &m.kind),
            agency_code: m.agency_code.clone(),
            enabled: m.enabled,
            state: state_code(&m.state),
            state_label: label_of::<MonitorState>(lang, &m.state),
            since: when(&m.state_since),
            uptime_30d: percent(lang, &v.uptime_30d),
            days: strip(lang, &results),
        });
    }
    let down = rows
        .iter()
        .filter(|r| r.enabled && r.state == MonitorState::Down.code())
        .count();
    let page = StatusPage {
        agency_code: agency.code.clone(),
        agency_name: agency.name.clone(),
        down,
        rows,
        strip_days: STRIP_DAYS,
        c: ui.c,
    };
    render::page(&page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_read_naturally() {
        let u = Uptime {
            checks: 200,
            ok: 199,
            percent: Some(99.5),
        };
        assert_eq!(percent(Lang::Vi, &u), "99,5 %");
        assert_eq!(percent(Lang::En, &u), "99.5%");
        assert_eq!(percent(Lang::En, &Uptime::default()), "—");
    }

    #[test]
    fn bars_scale_to_the_slowest_check() {
        let r = |ok, ms: Option<i64>| MonitorResult {
            at: "2025-01-01T00:00:00Z".into(),
            ok,
            latency_ms: ms,
            status: None,
            detail: String::new(),
        };
        // Newest first, as the service returns them.
        let b = bars(
            Lang::En,
            &[r(false, None), r(true, Some(50)), r(true, Some(100))],
            3,
        );
        assert_eq!(
            b.iter().map(|b| (b.x, b.height, b.ok)).collect::<Vec<_>>(),
            vec![(0, 100, true), (1, 50, true), (2, 100, false)]
        );
        assert_eq!(b[1].y, 50);
        // A short history sits at the right (newest) end of the chart.
        assert_eq!(bars(Lang::En, &[r(true, Some(1))], 60)[0].x, 59);
    }

    #[test]
    fn every_kind_and_state_has_a_label() {
        for k in MonitorKind::ALL {
            assert!(!k.label(Lang::Vi).is_empty() && !k.label(Lang::En).is_empty());
        }
        assert_eq!(state_code("weird"), "unknown");
        assert_eq!(label_of::<MonitorState>(Lang::Vi, "up"), "Hoạt động");
    }
}
