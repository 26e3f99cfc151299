//! The Lá Chắn server: JSON API under `/api/v1`, the server-rendered
//! console, authentication and authorisation.
//!
//! Both the API handlers (`api/`) and the console pages (`console/`) are
//! thin: every decision about who may do what lives in `service/`, so the
//! two front ends cannot disagree about permissions or agency scoping.

pub mod api;
pub mod auth;
pub mod console;
mod demo_scans;
mod error;
pub mod monitor;
pub mod notify;
pub mod pipeline;
pub mod seed;
pub mod service;
mod state;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::AppError;
pub use state::{AppState, ServerConfig};

/// Largest request body accepted anywhere (imports are the largest).
pub const MAX_BODY_BYTES: usize = 25 * 1024 * 1024;

/// The whole HTTP application.
pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api/v1", api::router())
        .merge(console::router())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
            ),
        ))
        .with_state(state)
}

/// Serve until `shutdown` resolves, then drain connections for up to 10 s.
pub async fn serve(
    state: Arc<AppState>,
    addr: SocketAddr,
    tls: Option<axum_server::tls_rustls::RustlsConfig>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let handle = axum_server::Handle::new();
    let h = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        h.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    let sweeper = tokio::spawn(state::sweep_sessions(state.clone()));
    let retention = tokio::spawn(state::sweep_events(state.clone()));
    let make = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let res = match tls {
        Some(cfg) => {
            axum_server::bind_rustls(addr, cfg)
                .handle(handle)
                .serve(make)
                .await
        }
        None => axum_server::bind(addr).handle(handle).serve(make).await,
    };
    sweeper.abort();
    retention.abort();
    res
}
