//! The server-rendered web console (Vietnamese by default, English on request).

use std::sync::Arc;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
}
