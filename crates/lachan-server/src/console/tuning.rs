//! Detection tuning (tinh chỉnh phát hiện): rule overrides and suppressions, visible to
//! everyone who reads alerts, changed by admins and analysts only (the service layer
//! decides), every change audited.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use serde::Deserialize;

use super::render::{self, Ctx, Fail};
use super::session::CsrfOnly;
use super::session::{OrPage, Ui};
use crate::service::tuning::{self, OverrideInput, SuppressionInput};
use crate::{AppError, AppState};

pub struct OverrideRow {
    pub rule_id: String,
    pub enabled: bool,
    pub level: String,
    pub reason: String,
    pub by: String,
    pub at: String,
}

pub struct SuppressionRow {
    pub id: i64,
    pub rule_id: String,
    pub field: String,
    pub value: String,
    pub agency: String,
    pub host: String,
    pub reason: String,
    pub expires: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "tuning.html")]
struct TuningPage {
    c: Ctx,
    overrides: Vec<OverrideRow>,
    suppressions: Vec<SuppressionRow>,
    can_tune: bool,
    prefill_rule: String,
    prefill_host: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Prefill {
    #[serde(default)]
    rule_id: String,
    #[serde(default)]
    host: String,
}

pub async fn page(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Query(pre): Query<Prefill>,
) -> Result<Response, Fail> {
    let (ovs, sups) = tuning::list(&st, &ui.p).await.or_page(&ui)?;
    let overrides = ovs
        .into_iter()
        .map(|o| OverrideRow {
            level: o.level.unwrap_or_default(),
            at: datefmt::datetime_vn(&o.updated_at),
            rule_id: o.rule_id,
            enabled: o.enabled,
            reason: o.reason,
            by: o.updated_by,
        })
        .collect();
    let suppressions = sups
        .into_iter()
        .map(|s| SuppressionRow {
            id: s.id,
            rule_id: s.rule_id.unwrap_or_default(),
            field: s.field,
            value: s.value,
            agency: s.agency_code.unwrap_or_default(),
            host: s.host.unwrap_or_default(),
            reason: s.reason,
            expires: s
                .expires_at
                .map(|e| datefmt::datetime_vn(&e))
                .unwrap_or_default(),
            by: s.created_by,
        })
        .collect();
    render::page(&TuningPage {
        overrides,
        suppressions,
        can_tune: ui.can(Action::TuneDetection),
        prefill_rule: pre.rule_id,
        prefill_host: pre.host,
        c: ui.c,
    })
}

#[derive(Debug, Deserialize)]
pub struct OverrideForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    rule_id: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    reason: String,
}

pub async fn save_override(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(f): Form<OverrideForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let input = OverrideInput {
        enabled: f.mode != "off",
        level: Some(f.level),
        reason: Some(f.reason),
    };
    tuning::set_override(&st, &ui.p, &f.rule_id, input)
        .await
        .or_page(&ui)?;
    render::done("/tuning", "saved")
}

#[derive(Debug, Deserialize)]
pub struct RuleForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    rule_id: String,
}

pub async fn remove_override(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(f): Form<RuleForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    tuning::delete_override(&st, &ui.p, &f.rule_id)
        .await
        .or_page(&ui)?;
    render::done("/tuning", "deleted")
}

#[derive(Debug, Deserialize)]
pub struct SuppressionForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    rule_id: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    reason: String,
    /// dd/mm/yyyy (end of that day, Vietnam time) or empty.
    #[serde(default)]
    expires: String,
}

pub async fn add_suppression(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(f): Form<SuppressionForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let expires_at = match f.expires.trim() {
        "" => None,
        d => {
            let day = datefmt::parse_date(d).ok_or_else(|| {
                ui.fail(AppError::invalid("expires", "must be a date as dd/mm/yyyy"))
            })?;
            // Through the whole of that day, Vietnam time.
            let t = day.midnight().assume_offset(datefmt::VN_OFFSET) + time::Duration::days(1)
                - time::Duration::seconds(1);
            Some(datefmt::to_rfc3339(t))
        }
    };
    let input = SuppressionInput {
        rule_id: Some(f.rule_id),
        field: f.field,
        value: f.value,
        agency_code: Some(f.agency_code),
        host: Some(f.host),
        reason: Some(f.reason),
        expires_at,
    };
    tuning::create_suppression(&st, &ui.p, input)
        .await
        .or_page(&ui)?;
    render::done("/tuning", "created")
}

pub async fn remove_suppression(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    tuning::delete_suppression(&st, &ui.p, id)
        .await
        .or_page(&ui)?;
    render::done("/tuning", "deleted")
}
