//! Notification subscriptions in the console (`/account/notifications`): everyone may
//! subscribe their own e-mail address to what they may see; administrators also manage
//! webhooks and agency-wide subscriptions and see the delivery log.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::ops::Severity;
use serde::Deserialize;

use super::render::{Ctx, Fail, done, html};
use super::session::{CsrfOnly, OrPage, Ui};
use super::systems::{Opt, agency_options};
use crate::AppState;
use crate::notify::EVENT_KINDS;
use crate::service::notify::{self as svc, SubscriptionInput};

pub struct SubRow {
    pub id: i64,
    pub channel: String,
    pub target: String,
    pub scope: String,
    pub events: String,
    pub min_severity: String,
}

pub struct DeliveryRow {
    pub at: String,
    pub channel: String,
    pub subject: String,
    pub status: String,
    pub attempts: i64,
    pub error: String,
}

#[derive(Template)]
#[template(path = "subscriptions.html")]
struct Page {
    c: Ctx,
    rows: Vec<SubRow>,
    deliveries: Vec<DeliveryRow>,
    admin: bool,
    agencies: Vec<Opt>,
    severities: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

async fn render_page(st: &AppState, ui: &Ui, error: Option<String>) -> Result<Response, Fail> {
    let admin = ui.can(Action::ManageNotifications);
    let lang = ui.c.lang;
    let rows = svc::list(st, &ui.p)
        .await
        .or_page(ui)?
        .into_iter()
        .map(|s| SubRow {
            id: s.id,
            channel: s.channel,
            target: s.target,
            scope: match (&s.agency_code, &s.username) {
                (Some(a), _) => a.clone(),
                (None, Some(u)) => format!("{} ({u})", ui.c.t("sub.personal")),
                (None, None) => ui.c.t("sub.everything").to_string(),
            },
            events: if s.events.is_empty() {
                ui.c.t("sub.all_events").to_string()
            } else {
                s.events
                    .iter()
                    .map(|e| ui.c.t(&format!("sub.kind.{e}")))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            min_severity: Severity::parse(&s.min_severity)
                .map(|v| match lang {
                    super::i18n::Lang::Vi => v.label_vi(),
                    super::i18n::Lang::En => v.label_en(),
                })
                .unwrap_or("")
                .to_string(),
        })
        .collect();
    let deliveries = if admin {
        svc::deliveries(st, &ui.p)
            .await
            .or_page(ui)?
            .into_iter()
            .take(50)
            .map(|d| DeliveryRow {
                at: datefmt::datetime_vn(&d.created_at),
                channel: d.channel,
                subject: d.subject,
                status: ui.c.t(&format!("sub.status.{}", d.status)).to_string(),
                attempts: d.attempts,
                error: d.last_error.unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let severities = Severity::ALL
        .iter()
        .map(|s| {
            (
                s.code(),
                match lang {
                    super::i18n::Lang::Vi => s.label_vi(),
                    super::i18n::Lang::En => s.label_en(),
                },
            )
        })
        .collect();
    let kinds = EVENT_KINDS
        .iter()
        .map(|k| (*k, ui.c.t(&format!("sub.kind.{k}"))))
        .collect();
    let page = Page {
        rows,
        deliveries,
        admin,
        agencies: agency_options(st, ui, "", Some(ui.c.t("sub.any_agency"))).await?,
        severities,
        kinds,
        error,
        c: ui.c.clone(),
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(html(status, &page))
}

pub async fn page(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    render_page(&st, &ui, None).await
}

#[derive(Debug, Default, Deserialize)]
pub struct NewSub {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    template: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    min_severity: String,
    #[serde(default)]
    ev_alert: Option<String>,
    #[serde(default)]
    ev_incident: Option<String>,
    #[serde(default)]
    ev_finding_overdue: Option<String>,
}

pub async fn create(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(f): Form<NewSub>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    let mut events = Vec::new();
    for (on, k) in [
        (&f.ev_alert, "alert"),
        (&f.ev_incident, "incident"),
        (&f.ev_finding_overdue, "finding_overdue"),
    ] {
        if on.is_some() {
            events.push(k.to_string());
        }
    }
    let input = SubscriptionInput {
        channel: if f.channel.is_empty() {
            "email".into()
        } else {
            f.channel.clone()
        },
        target: f.target.clone(),
        template: Some(f.template.clone()).filter(|t| !t.is_empty()),
        agency_code: Some(f.agency_code.clone()).filter(|a| !a.is_empty()),
        personal: !ui.can(Action::ManageNotifications),
        events,
        min_severity: Some(f.min_severity.clone()).filter(|s| !s.is_empty()),
    };
    match svc::create(&st, &ui.p, input).await {
        Ok(_) => done("/account/notifications", "created"),
        Err(e @ crate::AppError::Invalid(_)) => render_page(&st, &ui, Some(e.to_string())).await,
        Err(e) => Err(ui.fail(e)),
    }
}

pub async fn delete(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    svc::delete(&st, &ui.p, id).await.or_page(&ui)?;
    done("/account/notifications", "deleted")
}
