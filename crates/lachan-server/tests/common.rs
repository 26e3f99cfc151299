//! Shared helpers for the server's integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use lachan_server::{AppState, ServerConfig};
use lachan_store::sqlite::SqliteStore;
use serde_json::Value;
use tower::ServiceExt;

pub struct TestServer {
    pub app: Router,
    pub state: Arc<AppState>,
    pub store: Arc<SqliteStore>,
    _dir: tempfile::TempDir,
}

pub const ADMIN_PW: &str = "admin-password-1";

impl TestServer {
    pub async fn new() -> Self {
        Self::with_config(ServerConfig::default()).await
    }

    pub async fn with_config(config: ServerConfig) -> Self {
        Self::with_rules(config, lachan_server::pipeline::RulesConfig::default()).await
    }

    pub async fn with_rules(
        config: ServerConfig,
        rules: lachan_server::pipeline::RulesConfig,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(&dir.path().join("t.db")).await.unwrap());
        lachan_server::seed::ensure_admin(store.as_ref(), Some(ADMIN_PW.into()))
            .await
            .unwrap();
        let pipeline = lachan_server::pipeline::Pipeline::open(dir.path(), store.clone(), &rules)
            .await
            .unwrap();
        let state = AppState::new(store.clone(), pipeline, config);
        let app = lachan_server::app(state.clone());
        Self {
            app,
            state,
            store,
            _dir: dir,
        }
    }

    pub async fn raw(
        &self,
        mut req: Request<Body>,
    ) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, body, headers)
    }

    /// A request with a raw body and content type.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", content_type);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let (status, bytes, _) = self.raw(b.body(Body::from(body)).unwrap()).await;
        let v = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, v)
    }

    /// A JSON request with an optional bearer token.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header("content-type", "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        let (status, bytes, _) = self.raw(req).await;
        let v = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        (status, v)
    }

    pub async fn login(&self, user: &str, pw: &str) -> String {
        let (s, v) = self
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"username": user, "password": pw})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "login {user}: {v}");
        v["token"].as_str().unwrap().to_string()
    }
}
