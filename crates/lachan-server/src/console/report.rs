//! The periodic report (báo cáo định kỳ): every figure of the period in tables with
//! simple bars, each section followed by how it was counted. The current half-year
//! unless a period is given.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use lachan_core::datefmt;
use lachan_core::ops::{FindingStatus, IncidentCategory, IncidentStatus, Severity};
use lachan_store::{InspectionFigures, ReportFigures};
use serde::Deserialize;

use super::i18n::{Lang, t};
use super::incidents::{Coded, step5};
use super::render::{self, Ctx, Fail};
use super::session::{OrPage, Ui};
use crate::AppState;
use crate::service::ops::{self, Period, REPORT_METHOD};

/// One bar of a chart: a label, its figure and its width step (0, 5 … 100).
pub struct Bar {
    pub label: String,
    pub count: i64,
    pub step: i64,
}

fn bars_of<T: Coded>(lang: Lang, m: &BTreeMap<String, i64>) -> Vec<Bar> {
    let max = m.values().copied().max().unwrap_or(0);
    T::all()
        .iter()
        .map(|v| {
            let count = m.get(v.code_of()).copied().unwrap_or(0);
            Bar {
                label: v.label(lang).to_string(),
                count,
                step: step5(count, max),
            }
        })
        .collect()
}

fn bars_keyed(
    m: &BTreeMap<String, i64>,
    keys: &[&str],
    label: impl Fn(&str) -> String,
) -> Vec<Bar> {
    let max = m.values().copied().max().unwrap_or(0);
    keys.iter()
        .map(|k| {
            let count = m.get(*k).copied().unwrap_or(0);
            Bar {
                label: label(k),
                count,
                step: step5(count, max),
            }
        })
        .collect()
}

fn method(lang: Lang, key: &str) -> &'static str {
    REPORT_METHOD
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, vi, en)| match lang {
            Lang::Vi => *vi,
            Lang::En => *en,
        })
        .unwrap_or("")
}

/// How each section was counted, in the console's language.
pub struct Methods {
    pub systems: &'static str,
    pub incidents: &'static str,
    pub findings: &'static str,
    pub letters: &'static str,
    pub inspections: &'static str,
    pub alerts: &'static str,
    pub agents: &'static str,
    pub compliance: &'static str,
    pub monitors: &'static str,
}

pub struct QuickLink {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    print: Option<String>,
    /// `pdf` for a PDF copy.
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    c: Ctx,
    from: String,
    to: String,
    from_vn: String,
    to_vn: String,
    print: bool,
    print_href: String,
    pdf_href: String,
    quick: Vec<QuickLink>,
    f: ReportFigures,
    i: InspectionFigures,
    systems_level: Vec<Bar>,
    inc_category: Vec<Bar>,
    inc_severity: Vec<Bar>,
    inc_status: Vec<Bar>,
    fnd_status: Vec<Bar>,
    fnd_severity: Vec<Bar>,
    alerts_level: Vec<Bar>,
    inspections_step: i64,
    workstations_step: i64,
    m: Methods,
}

const ALERT_LEVELS: &[&str] = &["critical", "high", "medium", "low", "informational"];

pub async fn page(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(q): Query<ReportQuery>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let period = Period {
        from: q.from.clone(),
        to: q.to.clone(),
    };
    let (from, to, f) = ops::report_summary(&st, &ui.p, &period)
        .await
        .or_page(&ui)?;
    let year = from.get(..4).unwrap_or("").to_string();
    let quick = [
        ("report.h1", "01-01", "06-30"),
        ("report.h2", "07-01", "12-31"),
        ("report.year", "01-01", "12-31"),
    ]
    .iter()
    .map(|(key, a, b)| {
        let (qa, qb) = (format!("{year}-{a}"), format!("{year}-{b}"));
        QuickLink {
            label: t(lang, key),
            current: qa == from && qb == to,
            href: format!("/report?from={qa}&to={qb}"),
        }
    })
    .collect();
    let level_label = |k: &str| format!("{} {k}", t(lang, "sys.level"));
    let page = ReportPage {
        from_vn: datefmt::iso_to_vn(&from),
        to_vn: datefmt::iso_to_vn(&to),
        print: q.print.is_some(),
        print_href: format!("/report?from={from}&to={to}&print=1"),
        pdf_href: format!("/report?from={from}&to={to}&format=pdf"),
        quick,
        systems_level: bars_keyed(&f.systems_by_level, &["1", "2", "3", "4", "5"], level_label),
        inc_category: bars_of::<IncidentCategory>(lang, &f.incidents_by_category),
        inc_severity: bars_of::<Severity>(lang, &f.incidents_by_severity),
        inc_status: bars_of::<IncidentStatus>(lang, &f.incidents_by_status),
        fnd_status: bars_of::<FindingStatus>(lang, &f.findings_by_status),
        fnd_severity: bars_of::<Severity>(lang, &f.findings_by_severity),
        alerts_level: bars_keyed(&f.alerts_by_level, ALERT_LEVELS, |k| {
            t(lang, &format!("level.{k}")).to_string()
        }),
        inspections_step: step5(f.inspections.done, f.inspections.planned),
        workstations_step: step5(
            f.inspections.workstations_done,
            f.inspections.workstations_planned,
        ),
        i: f.inspections.clone(),
        m: Methods {
            systems: method(lang, "systems"),
            incidents: method(lang, "incidents"),
            findings: method(lang, "findings"),
            letters: method(lang, "letters"),
            inspections: method(lang, "inspections"),
            alerts: method(lang, "alerts"),
            agents: method(lang, "agents"),
            compliance: method(lang, "compliance"),
            monitors: method(lang, "monitors"),
        },
        f,
        from,
        to,
        c: ui.c,
    };
    if q.format.as_deref() == Some("pdf") {
        let mut page = page;
        page.print = true;
        let name = format!("bao-cao-{}-{}.pdf", page.from, page.to);
        return super::pdf::respond(&page, &name)
            .await
            .map_err(|e| Fail::new(e, page.c.clone()));
    }
    render::page(&page)
}
