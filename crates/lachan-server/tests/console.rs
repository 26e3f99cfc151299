//! The web console through the real router: login and sessions, CSRF,
//! forced password change, agency scoping, form errors, both languages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use lachan_core::auth::Role;
use lachan_server::{AppState, ServerConfig};
use lachan_store::sqlite::SqliteStore;
use lachan_store::{AccountStore, AuditCtx, NewUser};
use tower::ServiceExt;

const ADMIN_PW: &str = "admin-console-pw-1";

struct Server {
    app: Router,
    pipeline: Arc<lachan_server::pipeline::Pipeline>,
    _dir: tempfile::TempDir,
}

async fn server(config: ServerConfig) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("t.db")).await.unwrap());
    let hash = lachan_server::auth::hash_password(ADMIN_PW.into())
        .await
        .unwrap();
    store
        .create_user(
            &AuditCtx::local("test"),
            NewUser {
                username: "admin".into(),
                full_name: "Quản trị".into(),
                password_hash: hash,
                role: Role::Admin,
                agency_code: None,
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let pipeline = lachan_server::pipeline::Pipeline::open(
        dir.path(),
        store.clone(),
        &lachan_server::pipeline::RulesConfig::default(),
    )
    .await
    .unwrap();
    let app = lachan_server::app(AppState::new(store, pipeline.clone(), config));
    Server {
        app,
        pipeline,
        _dir: dir,
    }
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Resp {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden `_csrf` field of the page.
    fn csrf(&self) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let i = self.body.find(marker).expect("page has a CSRF field") + marker.len();
        let end = self.body[i..].find('"').unwrap();
        self.body[i..i + end].to_string()
    }
}

/// A browser stand-in with a cookie jar.
struct Client<'a> {
    srv: &'a Server,
    jar: BTreeMap<String, String>,
}

impl<'a> Client<'a> {
    fn new(srv: &'a Server) -> Self {
        Self {
            srv,
            jar: BTreeMap::new(),
        }
    }

    async fn send(&mut self, method: &str, path: &str, form: Option<&[(&str, &str)]>) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if !self.jar.is_empty() {
            let c: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            b = b.header(header::COOKIE, c.join("; "));
        }
        let mut req = match form {
            Some(f) => b
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(serde_urlencoded::to_string(f).unwrap()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let res = self.srv.app.clone().oneshot(req).await.unwrap();
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
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Resp {
            status,
            headers,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Resp {
        self.send("GET", path, None).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send("POST", path, Some(form)).await
    }

    async fn try_login(&mut self, user: &str, pw: &str) -> Resp {
        let page = self.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = page.csrf();
        self.post(
            "/login",
            &[
                ("username", user),
                ("password", pw),
                ("next", "/"),
                ("_csrf", &csrf),
            ],
        )
        .await
    }

    async fn login(&mut self, user: &str, pw: &str) -> Resp {
        let r = self.try_login(user, pw).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login {user}: {}", r.body);
        r
    }

    /// The session CSRF token, read from a page.
    async fn csrf(&mut self) -> String {
        self.get("/account").await.csrf()
    }
}

async fn admin(srv: &Server) -> Client<'_> {
    let mut c = Client::new(srv);
    c.login("admin", ADMIN_PW).await;
    c
}

#[tokio::test]
async fn login_sets_strict_http_only_cookie() {
    let srv = server(ServerConfig::default()).await;
    let mut c = Client::new(&srv);
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login");
    let r = c.get("/systems?level=3").await;
    assert_eq!(r.location(), "/login?next=%2Fsystems%3Flevel%3D3");

    let r = c.login("admin", ADMIN_PW).await;
    assert_eq!(r.location(), "/");
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("lachan_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(
        !c.jar.contains_key("lachan_login_csrf"),
        "login CSRF cookie is cleared"
    );

    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Tổng quan hệ thống thông tin"));
    assert!(home.body.contains("admin · Quản trị hệ thống"));
    let csp = home
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("style-src 'self'") && !home.body.contains("style=\""));
}

#[tokio::test]
async fn secure_cookie_under_tls() {
    let srv = server(ServerConfig {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    let mut c = Client::new(&srv);
    let r = c.login("admin", ADMIN_PW).await;
    let all: Vec<&str> = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        all.iter()
            .any(|v| v.starts_with("lachan_session=") && v.contains("; Secure"))
    );
}

#[tokio::test]
async fn login_needs_the_presession_csrf_token() {
    let srv = server(ServerConfig::default()).await;
    let mut c = Client::new(&srv);
    // No cookie, no field.
    let r = c
        .post("/login", &[("username", "admin"), ("password", ADMIN_PW)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!c.jar.contains_key("lachan_session"));
    // Cookie from the form page but a different field value.
    c.get("/login").await;
    let r = c
        .post(
            "/login",
            &[
                ("username", "admin"),
                ("password", ADMIN_PW),
                ("_csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("hết hạn"));
    assert!(!c.jar.contains_key("lachan_session"));
}

#[tokio::test]
async fn wrong_passwords_then_lockout_message() {
    let srv = server(ServerConfig::default()).await;
    let mut c = Client::new(&srv);
    let r = c.try_login("admin", "wrong-password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body.contains("Sai tên đăng nhập hoặc mật khẩu"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"admin\""), "username is kept");
    for _ in 0..4 {
        c.try_login("admin", "wrong-password").await;
    }
    c.jar.insert("lang".into(), "en".into());
    let r = c.try_login("admin", ADMIN_PW).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("The account is locked"), "{}", r.body);
}

#[tokio::test]
async fn posts_without_the_session_csrf_token_are_refused() {
    let srv = server(ServerConfig::default()).await;
    let mut c = admin(&srv).await;
    let form = [
        ("code", "SO-TC"),
        ("name", "Sở Tài chính"),
        ("kind", "province_department"),
    ];
    let r = c.post("/agencies", &form).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut bad = form.to_vec();
    bad.push(("_csrf", "not-the-token"));
    assert_eq!(
        c.post("/agencies", &bad).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(c.post("/logout", &[]).await.status, StatusCode::FORBIDDEN);
    assert!(!c.get("/agencies").await.body.contains("Sở Tài chính"));

    let csrf = c.csrf().await;
    let mut good = form.to_vec();
    good.push(("_csrf", &csrf));
    let r = c.post("/agencies", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/agencies?ok=created");
    let list = c.get(r.location()).await;
    assert!(list.body.contains("Sở Tài chính") && list.body.contains("Đã tạo."));
}

async fn make_agency(c: &mut Client<'_>, code: &str, name: &str) {
    let csrf = c.csrf().await;
    let r = c
        .post(
            "/agencies",
            &[
                ("code", code),
                ("name", name),
                ("kind", "commune_ward"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn make_system(c: &mut Client<'_>, code: &str, agency: &str, level: &str) -> Resp {
    let csrf = c.csrf().await;
    c.post(
        "/systems/new",
        &[
            ("code", code),
            ("name", &format!("Hệ thống {code}")),
            ("agency_code", agency),
            ("security_level", level),
            ("regime", ""),
            ("approval_decision_no", "12/QĐ-UBND"),
            ("approval_date", "15/03/2024"),
            ("dossier_status", "approved"),
            ("connects_population_db", "on"),
            ("_csrf", &csrf),
        ],
    )
    .await
}

#[tokio::test]
async fn system_form_reports_field_errors_and_dates_show_vietnamese() {
    let srv = server(ServerConfig::default()).await;
    let mut c = admin(&srv).await;
    make_agency(&mut c, "XA-A", "Xã A").await;
    let r = make_system(&mut c, "HT-1", "XA-A", "7").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Cấp độ: must be a level from 1 to 5"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("id=\"security_level\" name=\"security_level\" aria-invalid=\"true\"")
    );
    assert!(r.body.contains("value=\"HT-1\""), "input is kept");

    let r = make_system(&mut c, "HT-1", "XA-A", "3").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/systems/HT-1?ok=created");
    let d = c.get("/systems/HT-1").await;
    assert!(d.body.contains("15/03/2024"), "date shown as dd/mm/yyyy");
    assert!(d.body.contains("Đã phê duyệt"));
    let home = c.get("/").await;
    assert!(home.body.contains("1/1 đã phê duyệt"), "{}", home.body);

    // Edit, then delete through the confirmation page.
    let csrf = c.csrf().await;
    let r = c
        .post(
            "/systems/HT-1/edit",
            &[
                ("name", "Cổng dịch vụ công"),
                ("agency_code", "XA-A"),
                ("security_level", "4"),
                ("dossier_status", "drafting"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.location(), "/systems/HT-1?ok=saved", "{}", r.body);
    assert!(
        c.get("/systems?level=4")
            .await
            .body
            .contains("Cổng dịch vụ công")
    );
    assert_eq!(c.get("/systems/HT-1/delete").await.status, StatusCode::OK);
    let r = c.post("/systems/HT-1/delete", &[("_csrf", &csrf)]).await;
    assert_eq!(r.location(), "/systems?ok=deleted");
    assert_eq!(c.get("/systems/HT-1").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn officer_must_change_password_and_sees_only_its_agency() {
    let srv = server(ServerConfig::default()).await;
    let mut a = admin(&srv).await;
    make_agency(&mut a, "XA-A", "Xã A").await;
    make_agency(&mut a, "XA-B", "Xã B").await;
    assert_eq!(
        make_system(&mut a, "HT-A", "XA-A", "3").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        make_system(&mut a, "HT-B", "XA-B", "3").await.status,
        StatusCode::SEE_OTHER
    );
    let csrf = a.csrf().await;
    let r = a
        .post(
            "/users",
            &[
                ("username", "canbo_a"),
                ("password", "temporary-pw-1"),
                ("role", "agency_officer"),
                ("agency_code", "XA-A"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let mut o = Client::new(&srv);
    let r = o.login("canbo_a", "temporary-pw-1").await;
    assert_eq!(r.location(), "/password");
    for page in ["/", "/systems", "/systems/HT-A", "/account"] {
        let r = o.get(page).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{page}");
        assert_eq!(r.location(), "/password", "{page}");
    }
    let page = o.get("/password").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf();
    let r = o
        .post(
            "/password",
            &[
                ("current_password", "temporary-pw-1"),
                ("new_password", "officer-own-pw-2"),
                ("confirm_password", "different"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = o
        .post(
            "/password",
            &[
                ("current_password", "temporary-pw-1"),
                ("new_password", "officer-own-pw-2"),
                ("confirm_password", "officer-own-pw-2"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let list = o.get("/systems").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("HT-A"));
    assert!(!list.body.contains("HT-B") && !list.body.contains("Xã B"));
    assert!(!o.get("/agencies").await.body.contains("XA-B"));
    assert_eq!(o.get("/systems/HT-A").await.status, StatusCode::OK);
    let r = o.get("/systems/HT-B").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Không tìm thấy"));
    assert_eq!(
        o.get("/systems/HT-B/edit").await.status,
        StatusCode::NOT_FOUND
    );
    let csrf = o.csrf().await;
    let r = o.post("/systems/HT-B/delete", &[("_csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Creating under another agency is refused; pages the role may not use are 403.
    assert_eq!(
        make_system(&mut o, "HT-X", "XA-B", "3").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(o.get("/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(o.get("/audit").await.status, StatusCode::FORBIDDEN);
    let home = o.get("/").await;
    assert!(!home.body.contains("href=\"/users\"") && !home.body.contains("href=\"/audit\""));
    // Still there for the admin.
    assert_eq!(a.get("/systems/HT-B").await.status, StatusCode::OK);
}

#[tokio::test]
async fn pages_render_in_both_languages() {
    let srv = server(ServerConfig {
        demo: true,
        ..Default::default()
    })
    .await;
    let mut c = admin(&srv).await;
    make_agency(&mut c, "XA-A", "Xã A").await;
    assert_eq!(
        make_system(&mut c, "HT-1", "XA-A", "3").await.status,
        StatusCode::SEE_OTHER
    );
    let pages = [
        "/",
        "/agencies",
        "/systems",
        "/systems?sort=level&order=desc&page=1",
        "/systems/new",
        "/systems/HT-1",
        "/systems/HT-1/edit",
        "/systems/HT-1/delete",
        "/import",
        "/users",
        "/audit",
        "/audit?actor=admin&from=01/01/2020&to=31/12/2099",
        "/account",
    ];
    for (lang, marker, demo) in [
        ("vi", "Hệ thống thông tin", "DỮ LIỆU MINH HỌA"),
        ("en", "Information systems", "DEMO DATA"),
    ] {
        let r = c.get(&format!("/lang?to={lang}&next=%2Fsystems")).await;
        assert_eq!(r.location(), "/systems");
        assert_eq!(c.jar.get("lang").map(String::as_str), Some(lang));
        for p in pages {
            let r = c.get(p).await;
            assert_eq!(r.status, StatusCode::OK, "{lang} {p}: {}", r.body);
            assert!(
                r.body.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {p}"
            );
            assert!(r.body.contains(marker), "{lang} {p}");
            assert!(r.body.contains(demo), "{lang} {p}");
            assert!(!r.body.contains("??"), "{lang} {p}: missing translation");
        }
    }
    // The login page too, before a session exists.
    let mut anon = Client::new(&srv);
    anon.jar.insert("lang".into(), "en".into());
    let r = anon.get("/login").await;
    assert!(r.body.contains("Username") && r.body.contains("Tiếng Việt"));
    // A bad filter is a 422 page, not a crash.
    assert_eq!(
        c.get("/systems?level=9").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        c.get("/audit?from=yesterday").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn users_tokens_logout_and_static() {
    let srv = server(ServerConfig::default()).await;
    let mut c = admin(&srv).await;
    let csrf = c.csrf().await;
    let r = c
        .post(
            "/users",
            &[
                ("username", "kiemtoan"),
                ("password", "auditor-pw-1"),
                ("role", "auditor"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = c.post("/users/kiemtoan/reset", &[("_csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"temp-password\""));
    let r = c.post("/users/kiemtoan/disable", &[("_csrf", &csrf)]).await;
    assert_eq!(r.location(), "/users?ok=saved");
    assert!(c.get("/users").await.body.contains("Đã vô hiệu hóa"));

    let r = c
        .post("/account/tokens", &[("name", "sync"), ("_csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("value=\"lct_"), "token shown once");
    assert!(!c.get("/account").await.body.contains("value=\"lct_"));

    let audit = c.get("/audit?action=user.").await;
    assert!(audit.body.contains("kiemtoan"), "{}", audit.body);

    let css = c.get("/static/console.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert_eq!(c.get("/static/nope.js").await.status, StatusCode::NOT_FOUND);

    let r = c.post("/logout", &[("_csrf", &csrf)]).await;
    assert_eq!(r.location(), "/login");
    assert!(!c.jar.contains_key("lachan_session"));
    assert_eq!(c.get("/").await.location(), "/login");
}

impl Client<'_> {
    /// A multipart upload of the import form.
    async fn upload(&mut self, csrf: &str, kind: &str, name: &str, data: &str) -> Resp {
        let boundary = "XyZlachanBoundary";
        let mut body = String::new();
        for (k, v) in [("_csrf", csrf), ("kind", kind)] {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{data}\r\n--{boundary}--\r\n"
        ));
        let c: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut req = Request::builder()
            .method("POST")
            .uri("/import")
            .header(header::COOKIE, c.join("; "))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let res = self.srv.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Resp {
            status,
            headers,
            body,
        }
    }
}

#[tokio::test]
async fn import_reports_rows_and_imports_all_or_nothing() {
    let srv = server(ServerConfig::default()).await;
    let mut c = admin(&srv).await;
    let csrf = c.csrf().await;
    let agencies = "code,name,kind\nXA-1,Xã Một,commune_ward\nXA-2,Xã Hai,commune_ward\n";
    let r = c.upload(&csrf, "agencies", "agencies.csv", agencies).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Đã nhập: 2 mới"), "{}", r.body);

    let bad = "code,name,agency_code,security_level\nHT-1,Một,XA-1,2\nHT-2,Hai,XA-2,7\n";
    let r = c.upload(&csrf, "systems", "systems.csv", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"import-errors\""), "{}", r.body);
    assert!(
        r.body.contains("<td class=\"num\">3</td>"),
        "row 3 is named: {}",
        r.body
    );
    assert!(
        c.get("/systems")
            .await
            .body
            .contains("Không có hệ thống nào phù hợp")
    );

    let good = "code,name,agency_code,security_level\nHT-1,Một,XA-1,2\nHT-2,Hai,XA-2,4\n";
    let r = c.upload(&csrf, "systems", "systems.csv", good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(c.get("/systems").await.body.contains("HT-2"));
    assert_eq!(
        c.upload("forged", "systems", "s.csv", good).await.status,
        StatusCode::FORBIDDEN
    );

    let csv = c.get("/export/systems?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("HT-1") && csv.body.contains("HT-2"));
    let xlsx = c.get("/export/agencies?format=xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with("PK"), "an XLSX (zip) file");
}

#[tokio::test]
async fn assets_and_contacts_are_added_and_removed() {
    let srv = server(ServerConfig::default()).await;
    let mut c = admin(&srv).await;
    make_agency(&mut c, "XA-A", "Xã A").await;
    assert_eq!(
        make_system(&mut c, "HT-1", "XA-A", "3").await.status,
        StatusCode::SEE_OTHER
    );
    let csrf = c.csrf().await;
    let r = c
        .post(
            "/systems/HT-1/assets",
            &[
                ("kind", "website"),
                ("name", "Cổng TTĐT"),
                ("address", "https://xa-a.gov.vn"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.location(), "/systems/HT-1?ok=added", "{}", r.body);
    let r = c
        .post(
            "/systems/HT-1/contacts",
            &[
                ("name", "Nguyễn Văn A"),
                ("email", "a@xa-a.gov.vn"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.location(), "/systems/HT-1?ok=added", "{}", r.body);
    let bad = c
        .post(
            "/systems/HT-1/contacts",
            &[("name", "B"), ("email", "nope"), ("_csrf", &csrf)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let d = c.get("/systems/HT-1").await;
    assert!(d.body.contains("https://xa-a.gov.vn") && d.body.contains("Nguyễn Văn A"));
    let marker = "/systems/HT-1/assets/";
    let i = d.body.find(marker).unwrap() + marker.len();
    let id: String = d.body[i..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let r = c
        .post(
            &format!("/systems/HT-1/assets/{id}/delete"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(r.location(), "/systems/HT-1?ok=deleted");
    assert!(
        !c.get("/systems/HT-1")
            .await
            .body
            .contains("https://xa-a.gov.vn")
    );
}

#[tokio::test]
async fn auditor_reads_users_and_audit_but_changes_nothing() {
    let srv = server(ServerConfig::default()).await;
    let mut a = admin(&srv).await;
    let csrf = a.csrf().await;
    let r = a
        .post(
            "/users",
            &[
                ("username", "kiemtoan"),
                ("password", "auditor-pw-1"),
                ("role", "auditor"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let mut k = Client::new(&srv);
    k.login("kiemtoan", "auditor-pw-1").await;
    let csrf = k.get("/password").await.csrf();
    let r = k
        .post(
            "/password",
            &[
                ("current_password", "auditor-pw-1"),
                ("new_password", "auditor-own-pw-2"),
                ("confirm_password", "auditor-own-pw-2"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.location(), "/?ok=password");
    let users = k.get("/users").await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.body.contains("kiemtoan") && users.body.contains("admin"));
    assert!(
        !users.body.contains("action=\"/users\""),
        "no create form for auditors"
    );
    assert!(
        !users.body.contains("/reset\""),
        "no reset buttons for auditors"
    );
    assert_eq!(k.get("/audit").await.status, StatusCode::OK);
    assert!(!k.get("/systems").await.body.contains("id=\"new-system\""));
    assert_eq!(k.get("/systems/new").await.status, StatusCode::FORBIDDEN);
    let csrf = k.csrf().await;
    let r = k.post("/users/admin/disable", &[("_csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Không có quyền"));
}

/// Creates a user as `admin` and returns a client logged in as that user,
/// past the forced password change.
async fn user_client<'a>(
    srv: &'a Server,
    admin: &mut Client<'_>,
    username: &str,
    role: &str,
) -> Client<'a> {
    let csrf = admin.csrf().await;
    let first = format!("{username}-pw-1");
    let r = admin
        .post(
            "/users",
            &[
                ("username", username),
                ("password", &first),
                ("role", role),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut c = Client::new(srv);
    c.login(username, &first).await;
    let csrf = c.get("/password").await.csrf();
    let second = format!("{username}-own-pw-2");
    let r = c
        .post(
            "/password",
            &[
                ("current_password", &first),
                ("new_password", &second),
                ("confirm_password", &second),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.location(), "/?ok=password");
    c
}

#[tokio::test]
async fn agencies_are_edited_by_writers_only() {
    let srv = server(ServerConfig::default()).await;
    let mut a = admin(&srv).await;
    make_agency(&mut a, "SO-TC", "Sở Tài chính").await;
    make_agency(&mut a, "XA-A", "Xã A").await;

    // The list links to the form, which is prefilled.
    let list = a.get("/agencies").await;
    assert!(list.body.contains("href=\"/agencies/XA-A/edit\""));
    let form = a.get("/agencies/XA-A/edit").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"Xã A\""));
    assert!(
        form.body
            .contains("<option value=\"commune_ward\" selected>")
    );
    assert!(
        !form.body.contains("<option value=\"XA-A\""),
        "an agency is not offered as its own parent"
    );
    assert_eq!(
        a.get("/agencies/NO-SUCH/edit").await.status,
        StatusCode::NOT_FOUND
    );

    // Admin renames and sets a parent.
    let csrf = form.csrf();
    let r = a
        .post(
            "/agencies/XA-A/edit",
            &[
                ("name", "Xã An Bình"),
                ("kind", "commune_ward"),
                ("parent_code", "SO-TC"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/agencies?ok=saved");
    let list = a.get(r.location()).await;
    assert!(list.body.contains("Xã An Bình") && list.body.contains("Đã lưu."));
    assert!(!list.body.contains("<td>Xã A</td>"));

    // A field error re-renders the form with the error on that field.
    let r = a
        .post(
            "/agencies/XA-A/edit",
            &[("name", ""), ("kind", "commune_ward"), ("_csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"form-error\""));
    assert!(r.body.contains(
        "id=\"name\" name=\"name\" value=\"\" required maxlength=\"300\" aria-invalid=\"true\""
    ));
    let r = a
        .post(
            "/agencies/SO-TC/edit",
            &[
                ("name", "Sở Tài chính"),
                ("kind", "province_department"),
                ("parent_code", "XA-A"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "cycle refused");

    // Without the session CSRF token nothing changes.
    let r = a
        .post(
            "/agencies/XA-A/edit",
            &[("name", "Giả mạo"), ("kind", "commune_ward")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!a.get("/agencies").await.body.contains("Giả mạo"));

    // An analyst may write agencies.
    let mut n = user_client(&srv, &mut a, "phantich", "analyst").await;
    assert!(
        n.get("/agencies")
            .await
            .body
            .contains("/agencies/XA-A/edit")
    );
    let csrf = n.get("/agencies/XA-A/edit").await.csrf();
    let r = n
        .post(
            "/agencies/XA-A/edit",
            &[
                ("name", "Xã An Bình Mới"),
                ("kind", "commune_ward"),
                ("parent_code", "SO-TC"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(n.get("/agencies").await.body.contains("Xã An Bình Mới"));

    // An auditor reads the list without edit links and is refused the form and the POST.
    let mut k = user_client(&srv, &mut a, "kiemtoan", "auditor").await;
    let list = k.get("/agencies").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Xã An Bình Mới") && !list.body.contains("/edit\""));
    assert_eq!(
        k.get("/agencies/XA-A/edit").await.status,
        StatusCode::FORBIDDEN
    );
    let csrf = k.csrf().await;
    let r = k
        .post(
            "/agencies/XA-A/edit",
            &[
                ("name", "Kiểm toán sửa"),
                ("kind", "commune_ward"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Không có quyền"));
    assert!(!a.get("/agencies").await.body.contains("Kiểm toán sửa"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_queue_and_event_search_pages() {
    let srv = server(ServerConfig::default()).await;
    let mut c = admin(&srv).await;
    let empty = c.get("/alerts").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("Hàng đợi cảnh báo"), "{}", empty.body);
    assert!(empty.body.contains("0 cảnh báo"));

    // A syslog-form event that a built-in rule catches.
    let ev = serde_json::json!({"Channel": "syslog", "host": "srv-a", "program": "useradd",
        "message": "new user: name=backdoor, UID=1001", "@timestamp": "2026-12-01T05:06:07Z"});
    srv.pipeline
        .ingest(
            vec![lachan_server::pipeline::Incoming {
                event: lachan_sigma::LogEvent::from_json(ev),
                agency: None,
                peer: None,
            }],
            "api",
        )
        .await
        .unwrap();
    let mut page = c.get("/alerts").await;
    for _ in 0..100 {
        if page.body.contains("1 cảnh báo") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        page = c.get("/alerts").await;
    }
    assert!(
        page.body.contains("New local user account"),
        "{}",
        page.body
    );
    assert!(page.body.contains("level-medium"));
    assert!(
        page.body.contains("01/12/2026 12:06"),
        "Vietnam time: {}",
        page.body
    );
    let i = page.body.find("href=\"/alerts/").unwrap() + "href=\"/alerts/".len();
    let id: String = page.body[i..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();

    let detail = c.get(&format!("/alerts/{id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.body.contains("id=\"triage\""));
    let csrf = detail.csrf();
    let no_csrf = c
        .post(&format!("/alerts/{id}"), &[("status", "acknowledged")])
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let no_reason = c
        .post(
            &format!("/alerts/{id}"),
            &[
                ("_csrf", &csrf),
                ("status", "closed"),
                ("assignee", ""),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = c
        .post(
            &format!("/alerts/{id}"),
            &[
                ("_csrf", &csrf),
                ("status", "closed"),
                ("assignee", "admin"),
                ("reason", "đã kiểm tra"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = c.get(&format!("/alerts/{id}")).await;
    assert!(after.body.contains("Đã đóng") && after.body.contains("đã kiểm tra"));
    assert!(c.get("/alerts").await.body.contains("0 cảnh báo"));
    assert!(
        c.get("/alerts?status=closed")
            .await
            .body
            .contains("1 cảnh báo")
    );

    // The event behind it is searchable, accents or not, and opens.
    let found = c.get("/events?q=backdoor").await;
    assert!(found.body.contains("1 sự kiện"), "{}", found.body);
    let found = c
        .get("/events?q=host.name:srv-a&from=01/12/2026&to=01/12/2026")
        .await;
    assert!(found.body.contains("1 sự kiện"), "{}", found.body);
    let none = c.get("/events?q=host.name:srv-a&from=02/12/2026").await;
    assert!(none.body.contains("0 sự kiện"));
    let bad = c.get("/events?from=31/02/2026").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let i = found.body.find("href=\"/events/").unwrap() + "href=\"/events/".len();
    let eid: String = found.body[i..].chars().take_while(|c| *c != '"').collect();
    let one = c.get(&format!("/events/{eid}")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.body.contains("new user: name=backdoor"));
    assert_eq!(
        c.get("/events/1-999999").await.status,
        StatusCode::NOT_FOUND
    );
    let en = c.get("/alerts?lang=en").await;
    assert_eq!(en.status, StatusCode::OK);

    // Tuning from the alert: the rule and host are prefilled; a suppression is added
    // and removed through forms.
    assert!(after.body.contains("id=\"tune-rule\""));
    let tune = c
        .get("/tuning?rule_id=5d0f7a0e-8a4e-4c57-9c1a-0c2b1f6a7d04&host=srv-a")
        .await;
    assert_eq!(tune.status, StatusCode::OK);
    assert!(
        tune.body
            .contains("value=\"5d0f7a0e-8a4e-4c57-9c1a-0c2b1f6a7d04\"")
    );
    let csrf = tune.csrf();
    let added = c
        .post(
            "/tuning/suppressions",
            &[
                ("_csrf", &csrf),
                ("rule_id", "5d0f7a0e-8a4e-4c57-9c1a-0c2b1f6a7d04"),
                ("field", "program"),
                ("value", "useradd"),
                ("agency_code", ""),
                ("host", "srv-a"),
                ("reason", "máy dựng thử"),
                ("expires", "31/12/2099"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let listed = c.get("/tuning").await;
    assert!(listed.body.contains("máy dựng thử") && listed.body.contains("31/12/2099"));
    let i = listed.body.find("/tuning/suppressions/").unwrap() + "/tuning/suppressions/".len();
    let sid: String = listed.body[i..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let bad = c
        .post(
            "/tuning/override",
            &[
                ("_csrf", &csrf),
                ("rule_id", "x"),
                ("mode", "off"),
                ("level", ""),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let removed = c
        .post(
            &format!("/tuning/suppressions/{sid}/delete"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(!c.get("/tuning").await.body.contains("máy dựng thử"));
}

#[tokio::test]
async fn agents_page_issues_an_enrollment_token_once() {
    let srv = server(ServerConfig::default()).await;
    let mut c = admin(&srv).await;
    let csrf = c.csrf().await;
    let r = c
        .post(
            "/agencies",
            &[
                ("_csrf", &csrf),
                ("code", "XA-01"),
                ("name", "UBND xã Một"),
                ("kind", "commune_ward"),
                ("parent_code", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get("/agents").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Tác tử giám sát trên máy"));
    assert!(page.body.contains("id=\"token-form\""));
    let issued = c
        .post(
            "/agents/tokens",
            &[("_csrf", &csrf), ("agency_code", "XA-01"), ("days", "3")],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    assert!(
        issued.body.contains("id=\"token-value\">lce_"),
        "{}",
        issued.body
    );
    let again = c.get("/agents").await;
    assert!(!again.body.contains("lce_"), "the token is shown only once");
    let bad = c
        .post(
            "/agents/tokens",
            &[("_csrf", &csrf), ("agency_code", "XA-01"), ("days", "abc")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let no_csrf = c.post("/agents/tokens", &[("agency_code", "XA-01")]).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
}
