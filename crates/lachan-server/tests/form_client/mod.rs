//! A browser stand-in for console tests: a cookie jar, CSRF tokens read from pages,
//! form posts through the real router.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::common::TestServer;

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn csrf(&self) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let i = self.body.find(marker).expect("page has a CSRF field") + marker.len();
        let end = self.body[i..].find('"').unwrap();
        self.body[i..i + end].to_string()
    }

    /// The page rendered, with every console string found.
    pub fn ok(self) -> Self {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        assert!(!self.body.contains("??"), "missing i18n key: {}", self.body);
        self
    }
}

/// A browser stand-in with a cookie jar.
pub struct Client<'a> {
    s: &'a TestServer,
    pub jar: BTreeMap<String, String>,
}

impl<'a> Client<'a> {
    pub async fn login(s: &'a TestServer, user: &str, pw: &str) -> Client<'a> {
        let mut c = Client {
            s,
            jar: BTreeMap::new(),
        };
        let page = c.get("/login").await;
        let csrf = page.csrf();
        let r = c
            .post(
                "/login",
                &[
                    ("username", user),
                    ("password", pw),
                    ("next", "/"),
                    ("_csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login {user}: {}", r.body);
        c
    }

    pub async fn request(&mut self, req: axum::http::request::Builder, body: Body) -> Resp {
        let mut b = req;
        if !self.jar.is_empty() {
            let c: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            b = b.header(header::COOKIE, c.join("; "));
        }
        let mut req = b.body(body).unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let res = self.s.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.jar.remove(k);
            } else {
                self.jar.insert(k.to_string(), val.to_string());
            }
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let b = Request::builder().method("GET").uri(path);
        self.request(b, Body::empty()).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        let b = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let body = Body::from(serde_urlencoded::to_string(form).unwrap());
        self.request(b, body).await
    }

    pub async fn csrf(&mut self) -> String {
        self.get("/account").await.csrf()
    }
}
