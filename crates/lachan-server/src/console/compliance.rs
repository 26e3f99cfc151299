//! Compliance (`/compliance`): per agency, the mean score of each host's latest
//! `lachan scan` result (uploaded by inspectors or sent by agents), and the latest
//! results per host with their failed checks.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lachan_core::datefmt;
use lachan_store::ComplianceFigure;

use super::incidents::step5;
use super::render::{self, Ctx, Fail};
use super::session::{OrPage, Ui};
use crate::AppState;
use crate::service::scans;

pub struct ScanRow {
    pub host: String,
    pub agency: String,
    pub at: String,
    pub score: String,
    pub passed: i64,
    pub failed: i64,
    pub findings: i64,
    pub by: String,
}

pub struct AgencyRow {
    pub f: ComplianceFigure,
    pub score: String,
    pub step: i64,
}

#[derive(Template)]
#[template(path = "compliance.html")]
struct Page {
    c: Ctx,
    agencies: Vec<AgencyRow>,
    scans: Vec<ScanRow>,
}

pub async fn page(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    let figures = scans::compliance(&st, &ui.p).await.or_page(&ui)?;
    let recent = scans::list(&st, &ui.p, None).await.or_page(&ui)?;
    let pct = |s: Option<f64>| s.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into());
    let agencies = figures
        .into_iter()
        .map(|f| AgencyRow {
            score: pct(f.mean_score),
            step: step5(f.mean_score.unwrap_or(0.0).round() as i64, 100),
            f,
        })
        .collect();
    let scans = recent
        .into_iter()
        .take(100)
        .map(|s| ScanRow {
            host: s.host,
            agency: s.agency_code,
            at: datefmt::datetime_vn(&s.finished_at),
            score: pct(s.score),
            passed: s.passed,
            failed: s.failed,
            findings: s.findings,
            by: s.uploaded_by,
        })
        .collect();
    render::page(&Page {
        agencies,
        scans,
        c: ui.c,
    })
}
