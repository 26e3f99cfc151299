//! Service and portal monitors against local servers: HTTP status and keyword, TCP,
//! DNS, the flap guard and the alerts of state changes, a portal integrity scan whose
//! findings are recorded, history and uptime, the status page, and scoping.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::StatusCode;
use common::{ADMIN_PW, TestServer};
use serde_json::{Value, json};

const PW: &str = "monitor-user-pw-1";

/// A portal whose home page can be switched to failing.
async fn portal(failing: Arc<AtomicBool>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let failing = failing.clone();
            async move {
                if failing.load(Ordering::SeqCst) {
                    (StatusCode::SERVICE_UNAVAILABLE, "bảo trì".to_string())
                } else {
                    (
                        StatusCode::OK,
                        "<h1>Cổng thông tin điện tử Sở Y tế</h1>".to_string(),
                    )
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    port
}

struct World {
    s: TestServer,
    admin: String,
    officer_b: String,
    auditor: String,
}

async fn world() -> World {
    let s = TestServer::new().await;
    let admin = s.login("admin", ADMIN_PW).await;
    for code in ["A", "B"] {
        let (st, _) = s
            .call("POST", "/api/v1/agencies", Some(&admin), Some(json!({"code": code, "name": format!("Sở {code}"), "kind": "province_department"})))
            .await;
        assert_eq!(st, StatusCode::CREATED);
    }
    for (u, role, agency) in [
        ("officer_b", "agency_officer", Some("B")),
        ("auditor", "auditor", None),
    ] {
        let (st, _) = s
            .call(
                "POST",
                "/api/v1/users",
                Some(&admin),
                Some(json!({"username": u, "password": PW, "role": role, "agency_code": agency})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED);
    }
    World {
        officer_b: s.login("officer_b", PW).await,
        auditor: s.login("auditor", PW).await,
        admin,
        s,
    }
}

impl World {
    async fn monitor(&self, body: Value) -> i64 {
        let (st, v) = self
            .s
            .call("POST", "/api/v1/monitors", Some(&self.admin), Some(body))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }
    async fn check(&self, id: i64) -> Value {
        let (st, v) = self
            .s
            .call(
                "POST",
                &format!("/api/v1/monitors/{id}/check"),
                Some(&self.admin),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        v
    }
    async fn alerts(&self, rule: &str) -> i64 {
        let (_, v) = self
            .s
            .call(
                "GET",
                &format!("/api/v1/alerts?rule_id={rule}"),
                Some(&self.admin),
                None,
            )
            .await;
        v["total"].as_i64().unwrap_or(0)
    }
}

#[tokio::test]
async fn http_monitor_goes_down_after_two_failures_and_raises_an_alert() {
    let w = world().await;
    let failing = Arc::new(AtomicBool::new(false));
    let port = portal(failing.clone()).await;
    let id = w
        .monitor(json!({"name": "Cổng Sở Y tế", "kind": "http", "target": format!("http://127.0.0.1:{port}/"),
            "agency_code": "A", "keyword": "Sở Y tế", "interval_secs": 3600}))
        .await;
    let r = w.check(id).await;
    assert_eq!(
        (r["ok"].clone(), r["state"].clone()),
        (json!(true), json!("up")),
        "{r}"
    );
    failing.store(true, Ordering::SeqCst);
    let r = w.check(id).await;
    assert_eq!(
        (r["ok"].clone(), r["state"].clone()),
        (json!(false), json!("up")),
        "one failure is not an outage"
    );
    assert_eq!(r["detail"], "HTTP 503");
    let r = w.check(id).await;
    assert_eq!(
        (r["state"].clone(), r["state_changed"].clone()),
        (json!("down"), json!(true))
    );
    assert_eq!(w.alerts("lachan.monitor.down").await, 1);
    failing.store(false, Ordering::SeqCst);
    w.check(id).await;
    let r = w.check(id).await;
    assert_eq!(r["state"], "up");
    assert_eq!(w.alerts("lachan.monitor.recovered").await, 1);
    // History and uptime.
    let (_, v) =
        w.s.call(
            "GET",
            &format!("/api/v1/monitors/{id}?hours=1"),
            Some(&w.auditor),
            None,
        )
        .await;
    assert!(v["results"].as_array().unwrap().len() >= 5, "{v}");
    assert!(v["uptime_24h"]["checks"].as_i64().unwrap() >= 5);
    let pct = v["uptime_24h"]["percent"].as_f64().unwrap();
    assert!(pct > 0.0 && pct < 100.0, "{pct}");
    // The alert names the monitor and links its event.
    let (_, a) =
        w.s.call(
            "GET",
            "/api/v1/alerts?rule_id=lachan.monitor.down",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(a["items"][0]["agency_code"], "A");
    assert_eq!(a["items"][0]["host"], "127.0.0.1");

    // Keyword that must be absent, and one that is missing.
    let kw = w
        .monitor(
            json!({"name": "kw", "kind": "http", "target": format!("http://127.0.0.1:{port}/"),
            "agency_code": "A", "keyword": "cá cược", "keyword_absent": true}),
        )
        .await;
    assert_eq!(w.check(kw).await["ok"], true);
    let missing = w
        .monitor(
            json!({"name": "missing", "kind": "http", "target": format!("http://127.0.0.1:{port}/"),
            "agency_code": "A", "keyword": "Sở Tài chính"}),
        )
        .await;
    let r = w.check(missing).await;
    assert_eq!(r["ok"], false);
    assert!(r["detail"].as_str().unwrap().contains("missing"), "{r}");
}

#[tokio::test]
async fn tcp_and_dns_monitors() {
    let w = world().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let _ = listener.accept().await;
        }
    });
    let open = w
        .monitor(json!({"name": "SSH", "kind": "tcp", "target": format!("127.0.0.1:{port}"), "agency_code": "B"}))
        .await;
    assert_eq!(w.check(open).await["ok"], true);
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let closed = w
        .monitor(json!({"name": "closed", "kind": "tcp", "target": format!("127.0.0.1:{closed_port}"), "agency_code": "B", "timeout_secs": 2}))
        .await;
    let r = w.check(closed).await;
    assert_eq!(r["ok"], false);
    let dns = w
        .monitor(json!({"name": "DNS", "kind": "dns", "target": "localhost", "agency_code": "B"}))
        .await;
    let r = w.check(dns).await;
    assert_eq!(r["ok"], true, "{r}");
    assert!(
        r["detail"].as_str().unwrap().contains("127.0.0.1")
            || r["detail"].as_str().unwrap().contains("::1")
    );
    w.check(dns).await;
    assert_eq!(
        w.alerts("lachan.monitor.dns_change").await,
        0,
        "same answer, no alert"
    );

    // Scoping: B's officer sees B's monitors and status page, not A's.
    let (st, v) =
        w.s.call("GET", "/api/v1/status/B", Some(&w.officer_b), None)
            .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["monitors"].as_array().unwrap().len(), 3);
    assert_eq!(v["down"], 0, "one failure is not down yet");
    assert_eq!(
        w.s.call("GET", "/api/v1/status/A", Some(&w.officer_b), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let a_mon = w
        .monitor(json!({"name": "A", "kind": "dns", "target": "localhost", "agency_code": "A"}))
        .await;
    assert_eq!(
        w.s.call(
            "GET",
            &format!("/api/v1/monitors/{a_mon}"),
            Some(&w.officer_b),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let body = json!({"name": "x", "kind": "dns", "target": "localhost", "agency_code": "A"});
    assert_eq!(
        w.s.call(
            "POST",
            "/api/v1/monitors",
            Some(&w.officer_b),
            Some(body.clone())
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.s.call("POST", "/api/v1/monitors", Some(&w.auditor), Some(body))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (st, v) =
        w.s.call(
            "POST",
            "/api/v1/monitors",
            Some(&w.officer_b),
            Some(json!({"name": "x", "kind": "tcp", "target": "nohost", "agency_code": "B"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("target"))
    );
    let (_, list) =
        w.s.call("GET", "/api/v1/monitors", Some(&w.officer_b), None)
            .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    // Removal keeps the rest.
    let (st, _) =
        w.s.call(
            "DELETE",
            &format!("/api/v1/monitors/{closed}"),
            Some(&w.officer_b),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, list) =
        w.s.call("GET", "/api/v1/monitors", Some(&w.officer_b), None)
            .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    // The report counts the monitors in scope and their checks.
    let (_, r) =
        w.s.call("GET", "/api/v1/reports/summary", Some(&w.officer_b), None)
            .await;
    assert_eq!(r["monitors_total"], 2, "{r}");
    assert!(r["monitors_uptime_percent"].as_f64().unwrap() > 50.0);
}

#[tokio::test]
async fn scheduled_portal_scan_records_findings_and_alerts_on_new_compromise() {
    let corpus = std::path::Path::new("../../../shared/corpus/web/sites/d05/www/index.html");
    let page = std::fs::read_to_string(corpus).unwrap_or_else(|e| {
        panic!(
            "test data missing: {} ({e}); the shared corpus must sit beside the repository",
            corpus.display()
        )
    });
    let page = page
        .replace("{{TODAY}}", "Thứ Ba, 01/12/2026")
        .replace("{{ONLINE}}", "12")
        .replace("{{VISITS}}", "34567");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let p = page.clone();
            async move { axum::response::Html(p) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let w = world().await;
    let id = w
        .monitor(json!({"name": "Cổng huyện", "kind": "webcheck", "target": format!("http://127.0.0.1:{port}/"),
            "agency_code": "A", "interval_secs": 86400}))
        .await;
    let r = w.check(id).await;
    assert_eq!(r["ok"], true, "{r}");
    assert!(
        r["detail"]
            .as_str()
            .unwrap()
            .contains("seo_spam_hidden_links"),
        "{r}"
    );
    assert_eq!(w.alerts("lachan.monitor.webcheck").await, 1);
    let (_, f) =
        w.s.call(
            "GET",
            "/api/v1/findings?source=webcheck",
            Some(&w.admin),
            None,
        )
        .await;
    let kinds: Vec<&str> = f["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["source_ref"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"seo_spam_hidden_links"), "{f}");
    // The same compromise again: no new alert, the findings fold (one more occurrence).
    w.check(id).await;
    let (_, a) =
        w.s.call(
            "GET",
            "/api/v1/alerts?rule_id=lachan.monitor.webcheck",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(a["items"][0]["count"], 1, "no new kinds, no new hit");
    let (_, f2) =
        w.s.call(
            "GET",
            "/api/v1/findings?source=webcheck",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(f2["total"], f["total"]);
    assert_eq!(f2["items"][0]["occurrences"], 2);
}

/// The portal's visible content is fingerprinted; when it is replaced the scan raises a
/// defacement alert and finding, then adopts the new content.
#[tokio::test]
async fn portal_scan_baselines_content_and_detects_replacement() {
    let hacked = Arc::new(AtomicBool::new(false));
    let flag = hacked.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let flag = flag.clone();
            async move {
                axum::response::Html(if flag.load(Ordering::SeqCst) {
                    "<html><head><title>owned</title></head><body><h1>Hacked by Shadow Team</h1><p>security is an illusion, greetz to the crew</p></body></html>".to_string()
                } else {
                    "<html><head><title>UBND xã Tân Phú</title></head><body><h1>Cổng thông tin điện tử xã Tân Phú</h1>\
                     <p>Hội nghị triển khai nhiệm vụ phát triển kinh tế xã hội năm 2027 của xã</p>\
                     <p>Trao học bổng cho học sinh nghèo vượt khó tại các thôn trên địa bàn</p>\
                     <a href='/tin-tuc'>Tin tức</a> <a href='/thu-tuc'>Thủ tục hành chính</a> <a href='/lien-he'>Liên hệ</a></body></html>".to_string()
                })
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let w = world().await;
    let id = w
        .monitor(json!({"name": "Cổng xã", "kind": "webcheck", "target": format!("http://127.0.0.1:{port}/"),
            "agency_code": "A", "interval_secs": 86400}))
        .await;
    let r = w.check(id).await;
    assert_eq!(r["ok"], true, "{r}");
    w.check(id).await;
    assert_eq!(
        w.alerts("lachan.monitor.defacement").await,
        0,
        "stable content"
    );
    hacked.store(true, Ordering::SeqCst);
    w.check(id).await;
    assert_eq!(w.alerts("lachan.monitor.defacement").await, 1);
    let (_, f) =
        w.s.call(
            "GET",
            "/api/v1/findings?source=webcheck",
            Some(&w.admin),
            None,
        )
        .await;
    assert!(
        f["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["source_ref"] == "defacement"),
        "{f}"
    );
    // The replaced content is the new baseline: no second alert hit.
    w.check(id).await;
    let (_, a) =
        w.s.call(
            "GET",
            "/api/v1/alerts?rule_id=lachan.monitor.defacement",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(a["items"][0]["count"], 1);
}
