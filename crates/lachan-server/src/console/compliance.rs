//! Compliance (`/compliance`): from each host's latest `lachan scan` result (uploaded by
//! inspectors or sent by agents), the pass rate grouped by agency, information system or
//! security level, its trend day by day, the checks failing on most hosts, and each
//! host's latest result. Filters are query parameters, so every view has a link.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::Response;
use lachan_core::datefmt;
use lachan_store::{ComplianceBy, ComplianceGroup, SystemQuery};

use super::chart::{self, Trend};
use super::incidents::{Coded, step5};
use super::render::{self, Ctx, Fail};
use super::session::{OrPage, Ui};
use super::systems::Opt;
use super::upload::UploadForm;
use crate::service::scans::{self, ComplianceParams, given};
use crate::{AppError, AppState};
use lachan_core::auth::Action;

/// Recent scans listed below the figures.
const RECENT_SCANS: i64 = 50;

pub struct GroupRow {
    pub label: String,
    /// Query string that narrows the page to this group (empty: none).
    pub href: String,
    pub hosts: i64,
    pub rate: String,
    pub step: i64,
    pub failed: i64,
    pub spark: Vec<String>,
}

pub struct CheckRow {
    pub policy: String,
    pub id: String,
    pub title: String,
    pub severity: String,
    pub severity_code: String,
    pub hosts: i64,
}

pub struct HostRow {
    pub host: String,
    pub agency: String,
    pub system: String,
    pub level: String,
    pub at: String,
    pub score: String,
    pub passed: i64,
    pub failed: i64,
}

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

#[derive(Template)]
#[template(path = "compliance.html")]
struct Page {
    c: Ctx,
    by_options: Vec<Opt>,
    agency_options: Vec<Opt>,
    system_options: Vec<Opt>,
    level_options: Vec<Opt>,
    day_options: Vec<Opt>,
    by_heading: &'static str,
    hosts: i64,
    rate: String,
    failed: i64,
    trend: Trend,
    trend_box: String,
    trend_note: String,
    groups: Vec<GroupRow>,
    checks: Vec<CheckRow>,
    host_rows: Vec<HostRow>,
    hosts_more: i64,
    scans: Vec<ScanRow>,
    /// The import form, for those who may record findings.
    can_import: bool,
    import_agencies: Vec<Opt>,
    import_systems: Vec<Opt>,
}

fn pct(s: Option<f64>) -> String {
    s.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

fn opts(items: Vec<(String, String)>, chosen: Option<&str>, all: &str) -> Vec<Opt> {
    let mut v = vec![Opt {
        value: String::new(),
        label: all.to_string(),
        selected: chosen.is_none(),
    }];
    v.extend(items.into_iter().map(|(value, label)| Opt {
        selected: chosen == Some(value.as_str()),
        value,
        label,
    }));
    v
}

/// `key=value&…` of the filters kept when narrowing to a group.
fn narrow(q: &ComplianceParams, by: ComplianceBy, g: &ComplianceGroup) -> String {
    let enc = render::enc;
    let mut parts = vec![format!("by={}", by.code())];
    if let Some(d) = given(&q.days) {
        parts.push(format!("days={}", enc(d)));
    }
    match by {
        ComplianceBy::Agency => parts.push(format!("agency_code={}", enc(&g.key))),
        ComplianceBy::System => parts.push(format!("system_code={}", enc(&g.key))),
        ComplianceBy::Level => parts.push(format!("level={}", enc(&g.key))),
    }
    parts.join("&")
}

pub async fn page(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(q): Query<ComplianceParams>,
) -> Result<Response, Fail> {
    let view = scans::view(&st, &ui.p, &q).await.or_page(&ui)?;
    let recent = scans::list(&st, &ui.p, None, RECENT_SCANS)
        .await
        .or_page(&ui)?;
    let agencies = crate::service::list_agencies(&st, &ui.p)
        .await
        .or_page(&ui)?;
    let systems = st
        .store
        .list_systems(&SystemQuery::all(ui.p.scope.clone()))
        .await
        .map_err(crate::AppError::from)
        .or_page(&ui)?
        .items;
    let c = &ui.c;
    let level_name = |l: &str| format!("{} {l}", c.t("cmp.level"));
    let unassigned = c.t("cmp.no_system");

    let groups = view
        .groups
        .iter()
        .map(|g| GroupRow {
            label: match (view.by, g.key.is_empty()) {
                (_, true) => unassigned.to_string(),
                (ComplianceBy::Level, false) => level_name(&g.key),
                (ComplianceBy::System, false) => format!(
                    "{} — {} ({} {})",
                    g.key,
                    g.name,
                    c.t("cmp.level"),
                    g.security_level.unwrap_or(0)
                ),
                (ComplianceBy::Agency, false) => format!("{} — {}", g.key, g.name),
            },
            href: if g.key.is_empty() {
                String::new()
            } else {
                narrow(&q, view.by, g)
            },
            hosts: g.hosts,
            rate: pct(g.pass_rate),
            step: step5(g.pass_rate.unwrap_or(0.0).round() as i64, 100),
            failed: g.failed_checks,
            spark: chart::spark(&g.trend),
        })
        .collect();
    let checks = view
        .top_failed
        .iter()
        .map(|f| CheckRow {
            policy: f.policy_id.clone(),
            id: f.check_id.clone(),
            title: f.title.clone(),
            severity: lachan_core::ops::Severity::parse(&f.severity)
                .map(|s| s.label(c.lang).to_string())
                .unwrap_or_else(|| f.severity.clone()),
            severity_code: f.severity.clone(),
            hosts: f.hosts,
        })
        .collect();
    let host_rows = view
        .hosts
        .iter()
        .map(|h| HostRow {
            host: h.host.clone(),
            agency: h.agency_code.clone(),
            system: h.system_code.clone().unwrap_or_default(),
            level: h.security_level.map(|l| l.to_string()).unwrap_or_default(),
            at: datefmt::datetime_vn(&h.finished_at),
            score: pct(h.score),
            passed: h.passed,
            failed: h.failed,
        })
        .collect();
    let scans = recent
        .into_iter()
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

    let by_options = [
        (ComplianceBy::Agency, "cmp.by_agency"),
        (ComplianceBy::System, "cmp.by_system"),
        (ComplianceBy::Level, "cmp.by_level"),
    ]
    .into_iter()
    .map(|(b, key)| Opt {
        value: b.code().into(),
        label: c.t(key).into(),
        selected: b == view.by,
    })
    .collect();
    let all = c.t("filter.all");
    let can_import = ui.p.user.role.can(Action::RecordFindings);
    let coded = |code: &str, name: &str| (code.to_string(), format!("{code} — {name}"));
    let agency_items: Vec<_> = agencies.iter().map(|a| coded(&a.code, &a.name)).collect();
    let system_items: Vec<_> = systems.iter().map(|s| coded(&s.code, &s.name)).collect();
    let import_agencies = agency_items
        .iter()
        .map(|(value, label)| Opt {
            value: value.clone(),
            label: label.clone(),
            selected: false,
        })
        .collect();
    let import_systems = opts(system_items.clone(), None, c.t("cmp.system_auto"));
    let agency_options = opts(agency_items, given(&q.agency_code), all);
    let system_options = opts(system_items, given(&q.system_code), all);
    let level_options = opts(
        (1..=5)
            .map(|l: i64| (l.to_string(), level_name(&l.to_string())))
            .collect(),
        given(&q.level),
        all,
    );
    let days_now = view.overall.trend.len().to_string();
    let day_options = ["7", "30", "90", "180", "365"]
        .into_iter()
        .map(|d| Opt {
            value: d.into(),
            label: format!("{d} {}", c.t("cmp.days")),
            selected: d == days_now,
        })
        .collect();
    let by_heading = match view.by {
        ComplianceBy::Agency => c.t("cmp.by_agency"),
        ComplianceBy::System => c.t("cmp.by_system"),
        ComplianceBy::Level => c.t("cmp.by_level"),
    };
    let trend = chart::trend(&view.overall.trend, c.t("cmp.hosts_word"));
    let trend_note = match (trend.first, trend.last) {
        (Some(f), Some(l)) => format!("{f:.1}% → {l:.1}%"),
        _ => String::new(),
    };
    let trend_box = format!("{:.0}", trend.width + 20.0);
    render::page(&Page {
        trend_box,
        trend_note,
        by_options,
        agency_options,
        system_options,
        level_options,
        day_options,
        by_heading,
        hosts: view.overall.hosts,
        rate: pct(view.overall.pass_rate),
        failed: view.overall.failed_checks,
        trend,
        groups,
        checks,
        hosts_more: view.overall.hosts - view.hosts.len() as i64,
        host_rows,
        scans,
        can_import,
        import_agencies,
        import_systems,
        c: ui.c,
    })
}

/// `POST /compliance/import`: a `lachan scan` JSON result uploaded from the console,
/// recorded exactly as `lachan scan --upload` records it.
pub async fn import(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    form: Multipart,
) -> Result<Response, Fail> {
    let form = UploadForm::read(&ui, form).await?;
    ui.check_csrf(form.text("_csrf"))?;
    let params = scans::UploadParams {
        agency_code: form.given("agency_code"),
        system_code: form.given("system_code"),
        target_id: None,
    };
    let Some(file) = form.file else {
        return Err(ui.fail(AppError::invalid(
            "file",
            "choose the JSON result of lachan scan (--format json)",
        )));
    };
    scans::upload(&st, &ui.p, &params, &file.bytes)
        .await
        .or_page(&ui)?;
    render::done("/compliance", "scan_imported")
}
