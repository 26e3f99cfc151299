//! The audit log (nhật ký quản trị) for administrators and auditors.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use lachan_core::datefmt;
use lachan_store::AuditQuery;
use serde::Deserialize;

use super::render::{self, Ctx, Fail};
use super::session::{OrPage, Ui};
use crate::{AppError, AppState, service};

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
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
            "/audit",
            &[
                ("actor", &self.actor),
                ("action", &self.action),
                ("q", &self.q),
                ("from", &self.from),
                ("to", &self.to),
            ],
            page,
        )
    }
}

/// Start of a Vietnamese calendar day (`dd/mm/yyyy`), shifted by `days`, in UTC.
fn day_bound(field: &str, s: &str, days: i64) -> Result<Option<String>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let d = datefmt::parse_date(s)
        .ok_or_else(|| AppError::invalid(field, "must be a date as dd/mm/yyyy"))?;
    let t = d.midnight().assume_offset(datefmt::VN_OFFSET) + time::Duration::days(days);
    Ok(Some(datefmt::to_rfc3339(t)))
}

pub struct Row {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub summary: String,
    pub source_ip: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Ctx,
    f: Filter,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

pub async fn page(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(f): Query<Filter>,
) -> Result<Response, Fail> {
    let page = render::page_number(&f.page).or_page(&ui)?;
    let from = day_bound("from", &f.from, 0).or_page(&ui)?;
    // `to` names a whole day: everything before the start of the next one.
    let to = day_bound("to", &f.to, 1)
        .or_page(&ui)?
        .and_then(|t| datefmt::parse_rfc3339(&t))
        .map(|t| datefmt::to_rfc3339(t - time::Duration::seconds(1)));
    let q = AuditQuery {
        actor: Some(f.actor.trim().to_string()),
        action: Some(f.action.trim().to_string()),
        from,
        to,
        text: Some(f.q.trim().to_string()),
        offset: (page - 1).saturating_mul(PAGE_SIZE),
        limit: PAGE_SIZE,
    };
    let items = service::audit_log(&st, &ui.p, &q).await.or_page(&ui)?;
    let pages = ((items.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let rows = items
        .items
        .into_iter()
        .map(|r| Row {
            seq: r.seq,
            at: datefmt::datetime_vn(&r.at),
            actor: r.actor,
            action: r.action,
            target: r.target,
            summary: r.summary,
            source_ip: r.source_ip,
        })
        .collect();
    render::page(&AuditPage {
        rows,
        total: items.total,
        page,
        pages,
        prev: (page > 1).then(|| f.href(page - 1)),
        next: (page < pages).then(|| f.href(page + 1)),
        f,
        c: ui.c,
    })
}
