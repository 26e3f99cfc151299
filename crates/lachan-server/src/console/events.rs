//! Event search (tìm kiếm sự kiện): free text and `field:value` filters over the stored
//! events in the caller's scope, a time range in Vietnam time, paging, one event's
//! document.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use lachan_core::datefmt;
use serde::Deserialize;

use super::render::{self, Ctx, Fail};
use super::session::{OrPage, Ui};
use crate::service::events::{self as ev, EventFilter};
use crate::{AppError, AppState};

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    q: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
}

impl Filter {
    fn href(&self, page: i64) -> String {
        render::list_href(
            "/events",
            &[("q", &self.q), ("from", &self.from), ("to", &self.to)],
            page,
        )
    }
}

/// `dd/mm/yyyy` or `dd/mm/yyyy HH:MM` in Vietnam time → RFC 3339 UTC. A bare date as
/// an upper bound means the end of that day.
fn vn_time(field: &str, s: &str, end_of_day: bool) -> Result<Option<String>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || AppError::invalid(field, "must be dd/mm/yyyy or dd/mm/yyyy HH:MM");
    let (date, clock) = match s.split_once(' ') {
        Some((d, c)) => (d, Some(c.trim())),
        None => (s, None),
    };
    let d = datefmt::parse_date(date).ok_or_else(bad)?;
    let t = match clock {
        Some(c) => {
            let (h, m) = c.split_once(':').ok_or_else(bad)?;
            let h: u8 = h.parse().map_err(|_| bad())?;
            let m: u8 = m.parse().map_err(|_| bad())?;
            let tm = time::Time::from_hms(h, m, 0).map_err(|_| bad())?;
            d.with_time(tm).assume_offset(datefmt::VN_OFFSET)
        }
        None if end_of_day => {
            d.midnight().assume_offset(datefmt::VN_OFFSET) + time::Duration::days(1)
        }
        None => d.midnight().assume_offset(datefmt::VN_OFFSET),
    };
    Ok(Some(datefmt::to_rfc3339(t)))
}

pub struct Row {
    pub id: String,
    pub at: String,
    pub host: String,
    pub agency: String,
    pub dataset: String,
    pub code: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    c: Ctx,
    f: Filter,
    rows: Vec<Row>,
    total: i64,
    /// False when matches run past the exact-count bound (`total` is then a lower bound).
    total_exact: bool,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

fn summary(doc: &serde_json::Value) -> String {
    let s = [
        "message",
        "process.command_line",
        "process.executable",
        "file.path",
    ]
    .iter()
    .find_map(|k| doc.get(*k).and_then(|v| v.as_str()))
    .map(str::to_owned)
    .unwrap_or_else(|| {
        doc.get("original")
            .map(|o| o.to_string())
            .unwrap_or_default()
    });
    let mut out: String = s.chars().take(240).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

pub async fn list(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(f): Query<Filter>,
) -> Result<Response, Fail> {
    let page = render::page_number(&f.page).or_page(&ui)?;
    let q = EventFilter {
        q: Some(f.q.clone()),
        from: vn_time("from", &f.from, false).or_page(&ui)?,
        to: vn_time("to", &f.to, true).or_page(&ui)?,
        limit: Some(PAGE_SIZE),
        offset: Some((page - 1).saturating_mul(PAGE_SIZE)),
    };
    let items = ev::search_events(&st, &ui.p, &q).await.or_page(&ui)?;
    let pages = ((items.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let rows = items
        .items
        .into_iter()
        .map(|e| Row {
            at: datefmt::datetime_vn(&e.timestamp),
            summary: summary(&e.doc),
            id: e.id,
            host: e.host,
            agency: e.agency_code.unwrap_or_default(),
            dataset: e.dataset,
            code: e.code,
        })
        .collect();
    render::page(&EventsPage {
        rows,
        total: items.total,
        total_exact: items.total_exact,
        page,
        pages,
        prev: (page > 1).then(|| f.href(page - 1)),
        next: (page < pages).then(|| f.href(page + 1)),
        f,
        c: ui.c,
    })
}

#[derive(Template)]
#[template(path = "event_detail.html")]
struct DetailPage {
    c: Ctx,
    e: Row,
    fields: Vec<(String, String)>,
    original: String,
}

pub async fn detail(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<String>,
) -> Result<Response, Fail> {
    let e = ev::get_event(&st, &ui.p, &id).await.or_page(&ui)?;
    let mut fields = Vec::new();
    let mut original = String::new();
    if let serde_json::Value::Object(m) = &e.doc {
        for (k, v) in m {
            if k == "original" {
                original = serde_json::to_string_pretty(v).unwrap_or_default();
                continue;
            }
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            fields.push((k.clone(), v));
        }
    }
    render::page(&DetailPage {
        e: Row {
            at: datefmt::datetime_vn(&e.timestamp),
            summary: summary(&e.doc),
            id: e.id,
            host: e.host,
            agency: e.agency_code.unwrap_or_default(),
            dataset: e.dataset,
            code: e.code,
        },
        fields,
        original,
        c: ui.c,
    })
}
