//! JSON API under `/api/v1`. Authentication is `Authorization: Bearer`
//! (a login token from `POST /auth/login` or a named API token); cookies
//! are ignored here. Described in `GET /api/v1/openapi.json`.

mod accounts;
mod agents;
mod body;
mod events;
mod openapi;
mod openapi_agents;
mod openapi_ops;
mod ops;
mod registry;

use std::sync::Arc;

use axum::Router;
use axum::routing::{delete, get, patch, post, put};

use crate::AppState;
pub use body::ApiJson;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/auth/login", post(accounts::login))
        .route("/auth/logout", post(accounts::logout))
        .route("/me", get(accounts::me))
        .route("/me/password", post(accounts::change_password))
        .route(
            "/tokens",
            get(accounts::list_tokens).post(accounts::create_token),
        )
        .route("/tokens/{id}", delete(accounts::revoke_token))
        .route(
            "/users",
            get(accounts::list_users).post(accounts::create_user),
        )
        .route("/users/{username}/disable", post(accounts::disable_user))
        .route("/users/{username}/enable", post(accounts::enable_user))
        .route("/users/{username}/unlock", post(accounts::unlock_user))
        .route(
            "/users/{username}/reset-password",
            post(accounts::reset_password),
        )
        .route("/audit", get(accounts::audit_log))
        .route(
            "/agencies",
            get(registry::list_agencies).post(registry::create_agency),
        )
        .route(
            "/agencies/{code}",
            get(registry::get_agency).put(registry::update_agency),
        )
        .route(
            "/systems",
            get(registry::list_systems).post(registry::create_system),
        )
        .route(
            "/systems/{code}",
            get(registry::get_system)
                .put(registry::update_system)
                .delete(registry::delete_system),
        )
        .route(
            "/systems/{code}/assets",
            get(registry::list_assets).post(registry::add_asset),
        )
        .route(
            "/systems/{code}/assets/{id}",
            delete(registry::delete_asset),
        )
        .route(
            "/systems/{code}/contacts",
            get(registry::list_contacts).post(registry::add_contact),
        )
        .route(
            "/systems/{code}/contacts/{id}",
            delete(registry::delete_contact),
        )
        .route("/import/{kind}", post(registry::import))
        .route("/export/{kind}", get(registry::export))
        .route("/regimes", get(registry::regimes))
        .route("/dashboard", get(registry::dashboard))
        .route(
            "/events",
            get(events::search)
                .post(events::ingest)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::service::events::MAX_INGEST_BYTES,
                )),
        )
        .route("/events/{id}", get(events::get_event))
        .route("/alerts", get(events::list_alerts))
        .route(
            "/alerts/{id}",
            get(events::get_alert).patch(events::update_alert),
        )
        .route("/pipeline", get(events::pipeline_stats))
        .route("/tuning", get(events::get_tuning))
        .route("/enroll-tokens", post(agents::create_enroll_token))
        .route("/agents", get(agents::list))
        .route("/agents/{id}/revoke", post(agents::revoke))
        .route("/agents/{id}/group", put(agents::assign_group))
        .route(
            "/agent-groups",
            get(agents::list_groups).post(agents::create_group),
        )
        .route(
            "/agent-groups/{id}",
            get(agents::get_group)
                .put(agents::update_group)
                .delete(agents::delete_group),
        )
        .route("/agent/settings", get(agents::settings))
        .route("/agent/enroll", post(agents::enroll))
        .route(
            "/agent/events",
            post(agents::batch).layer(axum::extract::DefaultBodyLimit::max(
                crate::service::agents::MAX_BATCH_BYTES,
            )),
        )
        .route("/agent/heartbeat", post(agents::heartbeat))
        .route(
            "/agent/scan",
            post(agents::scan).layer(axum::extract::DefaultBodyLimit::max(
                crate::service::scans::MAX_SCAN_BYTES,
            )),
        )
        .route(
            "/rules/{rule_id}/override",
            axum::routing::put(events::put_override).delete(events::delete_override),
        )
        .route("/suppressions", post(events::create_suppression))
        .route("/suppressions/{id}", delete(events::delete_suppression))
        .route(
            "/incidents",
            get(ops::list_incidents).post(ops::create_incident),
        )
        .route(
            "/incidents/{id}",
            get(ops::get_incident).patch(ops::update_incident),
        )
        .route("/incidents/{id}/notes", post(ops::add_note))
        .route("/incidents/{id}/alerts", post(ops::link_alerts))
        .route("/incidents/{id}/tasks", post(ops::add_task))
        .route("/incidents/{id}/tasks/{task_id}", patch(ops::update_task))
        .route(
            "/incidents/{id}/evidence",
            post(ops::add_evidence).layer(axum::extract::DefaultBodyLimit::max(
                crate::service::ops::MAX_EVIDENCE_BYTES,
            )),
        )
        .route(
            "/incidents/{id}/evidence/{evidence_id}",
            get(ops::get_evidence),
        )
        .route(
            "/findings",
            get(ops::list_findings).post(ops::create_finding),
        )
        .route(
            "/findings/{id}",
            get(ops::get_finding).patch(ops::update_finding),
        )
        .route("/letters", get(ops::list_letters).post(ops::create_letter))
        .route("/letters/{id}", get(ops::get_letter))
        .route("/plans", get(ops::list_plans).post(ops::create_plan))
        .route("/plans/{id}", get(ops::get_plan).put(ops::update_plan))
        .route("/plans/{id}/targets", post(ops::add_targets))
        .route("/targets/{id}/result", put(ops::record_result))
        .route(
            "/targets/{id}/items",
            get(ops::target_items).put(ops::answer_items),
        )
        .route("/reports/summary", get(ops::report_summary))
        .route(
            "/subscriptions",
            get(ops::list_subscriptions).post(ops::create_subscription),
        )
        .route("/subscriptions/{id}", delete(ops::delete_subscription))
        .route("/notifications", get(ops::list_deliveries))
        .route(
            "/scans",
            get(ops::list_scans).post(ops::upload_scan).layer(
                axum::extract::DefaultBodyLimit::max(crate::service::scans::MAX_SCAN_BYTES),
            ),
        )
        .route("/scans/{id}", get(ops::get_scan))
        .route("/compliance", get(ops::compliance))
        .route(
            "/monitors",
            get(ops::list_monitors).post(ops::create_monitor),
        )
        .route(
            "/monitors/{id}",
            get(ops::get_monitor)
                .put(ops::update_monitor)
                .delete(ops::delete_monitor),
        )
        .route("/monitors/{id}/check", post(ops::check_monitor))
        .route("/status/{code}", get(ops::status_page))
        .fallback(|| async { crate::AppError::NotFound("API endpoint".into()) })
}
