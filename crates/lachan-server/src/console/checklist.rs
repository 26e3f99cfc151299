//! The checklist of one inspection target (`/targets/{id}`): every item of the
//! system's level requirements or of the Đề án 06 workstation list, answered passed /
//! failed / not applicable with a note; the target's counts follow the answers.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;

use super::i18n::Lang;
use super::render::{self, Ctx, Fail, done};
use super::session::{OrPage, Ui};
use crate::AppState;
use crate::service::ops::{self, ItemAnswer};

pub struct ItemRow {
    pub code: String,
    pub title: String,
    pub result: String,
    pub note: String,
    pub failed: bool,
}

#[derive(Template)]
#[template(path = "target_checklist.html")]
struct Page {
    c: Ctx,
    id: i64,
    plan_id: i64,
    what: String,
    agency: String,
    status: String,
    counts: (i64, i64, i64, i64),
    items: Vec<ItemRow>,
    results: Vec<(&'static str, &'static str)>,
    can_manage: bool,
    can_record: bool,
    finding_href: String,
}

pub async fn page(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
) -> Result<Response, Fail> {
    let (t, items) = ops::target_checklist(&st, &ui.p, id).await.or_page(&ui)?;
    let lang = ui.c.lang;
    let pending = items.iter().filter(|i| i.result == "pending").count() as i64;
    let rows = items
        .into_iter()
        .map(|i| ItemRow {
            failed: i.result == "failed",
            title: if lang == Lang::En && !i.title_en.is_empty() {
                i.title_en
            } else {
                i.title
            },
            code: i.code,
            result: i.result,
            note: i.note.unwrap_or_default(),
        })
        .collect();
    let what = t
        .system_code
        .clone()
        .or(t.name.clone())
        .unwrap_or_else(|| t.agency_name.clone());
    let finding_href = format!(
        "/findings/new?target_id={}&agency_code={}&source=inspection{}",
        t.id,
        render::enc(&t.agency_code),
        t.system_code
            .as_deref()
            .map(|s| format!("&system_code={}", render::enc(s)))
            .unwrap_or_default()
    );
    let results = ["pending", "passed", "failed", "not_applicable"]
        .iter()
        .map(|r| (*r, ui.c.t(&format!("item.{r}"))))
        .collect();
    render::page(&Page {
        id: t.id,
        plan_id: t.plan_id,
        agency: format!("{} — {}", t.agency_code, t.agency_name),
        status: match &t.inspected_on {
            Some(d) => format!("{} {}", ui.c.t("item.inspected_on"), datefmt::iso_to_vn(d)),
            None => ui.c.t("item.not_inspected").to_string(),
        },
        counts: (t.passed, t.failed, t.not_applicable, pending),
        items: rows,
        results,
        can_manage: ui.can(Action::ManagePlans),
        can_record: ui.can(Action::RecordFindings),
        finding_href,
        what,
        c: ui.c,
    })
}

/// `POST /targets/{id}/items`: fields `result.<code>` and `note.<code>`.
pub async fn save(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, Fail> {
    ui.check_csrf(form.get("_csrf").map(String::as_str).unwrap_or(""))?;
    let answers: Vec<ItemAnswer> = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("result.").map(|code| ItemAnswer {
                code: code.to_string(),
                result: v.clone(),
                note: form.get(&format!("note.{code}")).cloned(),
            })
        })
        .collect();
    ops::answer_items(&st, &ui.p, id, answers)
        .await
        .or_page(&ui)?;
    done(&format!("/targets/{id}"), "saved")
}
