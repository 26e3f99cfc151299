//! The server-rendered web console (Vietnamese by default, English on request).
//!
//! Plain HTML forms work without JavaScript; the small script under
//! `/static/` only adds conveniences. Every page handler is thin: it
//! resolves the caller with [`session::Ui`], checks the form's CSRF token,
//! calls a use case in [`crate::service`] (which enforces role and agency
//! scope) and renders an askama template. Every POST redirects on success.

mod account;
mod agencies;
mod agent_groups;
mod agents;
mod alerts;
mod assets;
mod audit;
mod chart;
mod checklist;
mod compliance;
mod dashboard;
mod events;
mod findings;
pub mod i18n;
mod import;
mod incidents;
mod login;
mod monitors;
mod pdf;
mod plans;
mod render;
mod report;
mod session;
mod subscriptions;
mod systems;
mod tuning;
mod upload;
mod users;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use i18n::Lang;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(dashboard::page))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang", get(login::switch_lang))
        .route(
            "/password",
            get(account::forced_form).post(account::forced_submit),
        )
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route(
            "/account/notifications",
            get(subscriptions::page).post(subscriptions::create),
        )
        .route(
            "/account/notifications/{id}/delete",
            post(subscriptions::delete),
        )
        .route("/agencies", get(agencies::list).post(agencies::create))
        .route(
            "/agencies/{code}/edit",
            get(agencies::edit_form).post(agencies::update),
        )
        .route("/systems", get(systems::list))
        .route("/systems/new", get(systems::new_form).post(systems::create))
        .route("/systems/{code}", get(systems::detail))
        .route(
            "/systems/{code}/edit",
            get(systems::edit_form).post(systems::update),
        )
        .route(
            "/systems/{code}/delete",
            get(systems::delete_form).post(systems::delete),
        )
        .route("/systems/{code}/assets", post(systems::add_asset))
        .route(
            "/systems/{code}/assets/{id}/delete",
            post(systems::delete_asset),
        )
        .route("/systems/{code}/contacts", post(systems::add_contact))
        .route(
            "/systems/{code}/contacts/{id}/delete",
            post(systems::delete_contact),
        )
        .route("/import", get(import::page).post(import::upload))
        .route("/export/{kind}", get(import::export))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{username}/{op}", post(users::operate))
        .route("/audit", get(audit::page))
        .route("/alerts", get(alerts::list))
        .route("/alerts/{id}", get(alerts::detail).post(alerts::triage))
        .route("/events", get(events::list))
        .route("/events/{id}", get(events::detail))
        .route("/agents", get(agents::list))
        .route("/agents/tokens", post(agents::create_token))
        .route("/agents/{id}/revoke", post(agents::revoke))
        .route("/agents/{id}/group", post(agent_groups::assign))
        .route(
            "/agents/groups",
            get(agent_groups::list).post(agent_groups::create),
        )
        .route(
            "/agents/groups/{id}",
            get(agent_groups::edit).post(agent_groups::update),
        )
        .route("/agents/groups/{id}/delete", post(agent_groups::delete))
        .route("/tuning", get(tuning::page))
        .route("/tuning/override", post(tuning::save_override))
        .route("/tuning/override/delete", post(tuning::remove_override))
        .route("/tuning/suppressions", post(tuning::add_suppression))
        .route(
            "/tuning/suppressions/{id}/delete",
            post(tuning::remove_suppression),
        )
        .route("/incidents", get(incidents::list).post(incidents::create))
        .route("/incidents/new", get(incidents::new_form))
        .route("/incidents/{id}", get(incidents::detail))
        .route("/incidents/{id}/status", post(incidents::move_status))
        .route("/incidents/{id}/edit", post(incidents::edit))
        .route("/incidents/{id}/notes", post(incidents::add_note))
        .route("/incidents/{id}/alerts", post(incidents::link_alerts))
        .route("/incidents/{id}/tasks", post(incidents::add_task))
        .route("/incidents/{id}/tasks/{task_id}", post(incidents::set_task))
        .route("/incidents/{id}/evidence", post(incidents::add_evidence))
        .route("/incidents/{id}/evidence/{eid}", get(incidents::evidence))
        .route("/incidents/{id}/report", get(incidents::report))
        .route("/findings", get(findings::list).post(findings::create))
        .route("/findings/new", get(findings::new_form))
        .route("/findings/{id}", get(findings::detail))
        .route("/findings/{id}/status", post(findings::move_status))
        .route(
            "/letters",
            get(findings::letters).post(findings::create_letter),
        )
        .route("/letters/{id}", get(findings::letter))
        .route("/plans", get(plans::list).post(plans::create))
        .route("/plans/{id}", get(plans::detail))
        .route("/plans/{id}/targets", post(plans::add_target))
        .route("/targets/{id}/result", post(plans::record_result))
        .route("/compliance", get(compliance::page))
        .route(
            "/compliance/import",
            post(compliance::import).layer(axum::extract::DefaultBodyLimit::max(
                crate::service::scans::MAX_SCAN_BYTES + 64 * 1024,
            )),
        )
        .route("/targets/{id}", get(checklist::page))
        .route("/targets/{id}/items", post(checklist::save))
        .route("/monitors", get(monitors::list).post(monitors::create))
        .route(
            "/monitors/{id}",
            get(monitors::detail).post(monitors::update),
        )
        .route("/monitors/{id}/check", post(monitors::check_now))
        .route("/monitors/{id}/delete", post(monitors::delete))
        .route("/status/{agency_code}", get(monitors::status))
        .route("/report", get(report::page))
        .route("/static/{file}", get(assets::serve))
}
