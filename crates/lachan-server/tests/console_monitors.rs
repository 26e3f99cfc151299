//! The monitor pages of the console through the real router: adding a monitor through
//! the form, checking it now, its history, editing and deleting it, agency scope and
//! the status page of an agency.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod form_client;

use axum::http::StatusCode;
use common::{ADMIN_PW, TestServer};
use form_client::Client;
use lachan_core::auth::Role;
use lachan_store::{AccountStore, AuditCtx, NewUser};
use serde_json::json;

const PW: &str = "console-monitors-pw-1";

/// Agencies A and B, a system of A, and officers of each who need no password change.
async fn world() -> TestServer {
    let s = TestServer::new().await;
    let admin = s.login("admin", ADMIN_PW).await;
    for code in ["A", "B"] {
        let (st, v) = s
            .call(
                "POST",
                "/api/v1/agencies",
                Some(&admin),
                Some(json!({"code": code, "name": format!("Sở {code}"), "kind": "province_department"})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/systems",
            Some(&admin),
            Some(
                json!({"code": "SYS-A1", "name": "Cổng dịch vụ công A", "agency_code": "A",
                "security_level": 3, "dossier_status": "drafting"}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    for (user, agency) in [("officer_a", "A"), ("officer_b", "B")] {
        let hash = lachan_server::auth::hash_password(PW.into()).await.unwrap();
        s.store
            .create_user(
                &AuditCtx::local("test"),
                NewUser {
                    username: user.into(),
                    full_name: format!("Cán bộ {user}"),
                    password_hash: hash,
                    role: Role::AgencyOfficer,
                    agency_code: Some(agency.into()),
                    must_change_password: false,
                },
            )
            .await
            .unwrap();
    }
    s
}

/// A TCP service on 127.0.0.1 that accepts every connection; its `host:port`.
async fn open_port() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((conn, _)) = l.accept().await {
            drop(conn);
        }
    });
    addr.to_string()
}

/// A `host:port` on 127.0.0.1 where nothing listens.
async fn closed_port() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    addr.to_string()
}

fn id_after(body: &str, prefix: &str) -> i64 {
    let i = body
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in {body}"))
        + prefix.len();
    body[i..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap()
}

/// The new-monitor form filled for a TCP check of `target` in agency A.
fn tcp_form<'a>(csrf: &'a str, name: &'a str, target: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("name", name),
        ("kind", "tcp"),
        ("target", target),
        ("agency_code", "A"),
        ("system_code", ""),
        ("interval_secs", ""),
        ("timeout_secs", "5"),
        ("keyword", ""),
        ("expect_status", ""),
        ("tls_warn_days", ""),
        ("enabled", "on"),
    ]
}

async fn create(c: &mut Client<'_>, name: &str, target: &str) -> i64 {
    let csrf = c.csrf().await;
    let r = c.post("/monitors", &tcp_form(&csrf, name, target)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("?ok=created"), "{}", r.location());
    id_after(r.location(), "/monitors/")
}

#[tokio::test]
async fn monitor_is_created_checked_and_shown() {
    let s = world().await;
    let target = open_port().await;
    let mut o = Client::login(&s, "officer_a", PW).await;
    let list = o.get("/monitors").await.ok();
    assert!(list.body.contains("href=\"/monitors\""), "nav entry");
    assert!(list.body.contains("id=\"new-monitor\""));
    // The agency select offers the officer's agency only.
    assert!(list.body.contains("<option value=\"A\""));
    assert!(!list.body.contains("<option value=\"B\""));
    // The interval's placeholder is the default of the kind selected (HTTP: 60 s).
    assert!(list.body.contains("placeholder=\"60\""));

    let csrf = list.csrf();
    let mut form = tcp_form(&csrf, "Cổng dịch vụ công", &target);
    form.retain(|(k, _)| *k != "system_code");
    form.push(("system_code", "SYS-A1"));
    let r = o.post("/monitors", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_after(r.location(), "/monitors/");

    // Check now: a form without the token is refused.
    let no_csrf = o.post(&format!("/monitors/{id}/check"), &[]).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let r = o
        .post(&format!("/monitors/{id}/check"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/monitors/{id}?ok=checked"));

    let page = o.get(r.location()).await.ok();
    assert!(page.body.contains("Đã kiểm tra."), "flash");
    assert!(
        page.body
            .contains("<span class=\"state state-up\" id=\"monitor-state\">Hoạt động</span>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Cổng dịch vụ công"));
    assert!(page.body.contains(&target));
    assert!(page.body.contains("href=\"/systems/SYS-A1\""));
    // At least one result: a bar in the chart and a row in the table.
    assert!(page.body.contains("<svg class=\"chart\""));
    assert!(page.body.contains("class=\"ok\"><title>"), "a green bar");
    assert!(page.body.contains("id=\"results\""));
    assert!(page.body.contains("<span class=\"tag ok\">Đạt</span>"));
    assert!(
        page.body.contains("100,0 %"),
        "uptime in Vietnamese notation"
    );
    assert!(page.body.contains("id=\"check-now\""));
    assert!(
        page.body
            .contains(&format!("action=\"/monitors/{id}/delete\""))
    );
    for hours in ["168", "720"] {
        let p = o.get(&format!("/monitors/{id}?hours={hours}")).await.ok();
        assert!(
            p.body
                .contains(&format!("hours={hours}#history\" aria-current=\"page\""))
        );
    }
    assert_eq!(
        o.get(&format!("/monitors/{id}?hours=abc")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let list = o.get("/monitors").await.ok();
    let row_at = list.body.find(&format!("id=\"monitor-{id}\"")).unwrap();
    let row = &list.body[row_at..];
    assert!(row.contains("Cổng TCP"), "kind label");
    assert!(row.contains("state-up\">Hoạt động"));
    assert!(row.contains(" ms)"), "latency of the last check");
    assert!(list.body.contains("href=\"/status/A\""));

    let status = o.get("/status/A").await.ok();
    assert!(status.body.contains("Cổng dịch vụ công"));
    assert!(status.body.contains("Tất cả dịch vụ hoạt động bình thường"));
    assert!(status.body.contains("<svg class=\"strip\""));

    // Edit: a new name and interval, the checkbox of the keyword left off.
    let mut edit = tcp_form(&csrf, "Cổng DVC (cổng 443)", &target);
    edit.retain(|(k, _)| *k != "interval_secs");
    edit.push(("interval_secs", "120"));
    let r = o.post(&format!("/monitors/{id}"), &edit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("?ok=saved"));
    let page = o.get(&format!("/monitors/{id}")).await.ok();
    assert!(page.body.contains("Cổng DVC (cổng 443)"));
    assert!(page.body.contains("value=\"120\""));

    // The same pages in English.
    o.jar.insert("lang".into(), "en".into());
    let list = o.get("/monitors").await.ok();
    assert!(list.body.contains("Monitors"));
    assert!(list.body.contains("TCP port"));
    let page = o.get(&format!("/monitors/{id}")).await.ok();
    assert!(
        page.body
            .contains("state-up\" id=\"monitor-state\">Up</span>")
    );
    assert!(page.body.contains("Check now"));
    assert!(page.body.contains("100.0%"));
    let status = o.get("/status/A").await.ok();
    assert!(status.body.contains("All services are operating normally"));
}

#[tokio::test]
async fn invalid_input_is_shown_on_the_form() {
    let s = world().await;
    let mut o = Client::login(&s, "officer_a", PW).await;
    let csrf = o.csrf().await;
    // A TCP target without a port.
    let bad = o
        .post("/monitors", &tcp_form(&csrf, "Cổng", "127.0.0.1"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(!bad.body.contains("??"));
    assert!(bad.body.contains("id=\"form-error\""), "{}", bad.body);
    assert!(bad.body.contains("Địa chỉ kiểm tra: must be host:port"));
    assert!(
        bad.body
            .contains("<details class=\"card\" open id=\"new-monitor-box\">")
    );
    // What was typed stays in the form.
    assert!(bad.body.contains("value=\"127.0.0.1\""));
    // A number that is not one, and an interval too short for the kind.
    let mut form = tcp_form(&csrf, "Cổng", "127.0.0.1:22");
    form.retain(|(k, _)| *k != "interval_secs");
    form.push(("interval_secs", "mỗi phút"));
    let bad = o.post("/monitors", &form).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Chu kỳ kiểm tra:"), "{}", bad.body);
    form.pop();
    form.push(("interval_secs", "5"));
    let bad = o.post("/monitors", &form).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("must be 30 to 604800 seconds"));
    // An unknown system of the agency.
    let mut form = tcp_form(&csrf, "Cổng", "127.0.0.1:22");
    form.retain(|(k, _)| *k != "system_code");
    form.push(("system_code", "SYS-NONE"));
    let bad = o.post("/monitors", &form).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Mã hệ thống:"));

    // The edit form shows its errors on the monitor's page.
    let id = create(&mut o, "Cổng", "127.0.0.1:22").await;
    let bad = o
        .post(
            &format!("/monitors/{id}"),
            &tcp_form(&csrf, "Cổng", "not a host:x"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(!bad.body.contains("??"));
    assert!(bad.body.contains("id=\"edit-monitor\""));
    assert!(bad.body.contains("id=\"form-error\""));
    // Deleting needs the confirmation ticked.
    let r = o
        .post(&format!("/monitors/{id}/delete"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Xác nhận:"), "{}", r.body);
    let r = o
        .post(
            &format!("/monitors/{id}/delete"),
            &[("_csrf", &csrf), ("confirm", "on")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/monitors?ok=deleted");
    assert_eq!(
        o.get(&format!("/monitors/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn officers_see_their_own_agency_only() {
    let s = world().await;
    let target = open_port().await;
    let mut a = Client::login(&s, "officer_a", PW).await;
    let id = create(&mut a, "Cổng thông tin Sở A", &target).await;
    let mut b = Client::login(&s, "officer_b", PW).await;
    let list = b.get("/monitors").await.ok();
    assert!(!list.body.contains("Cổng thông tin Sở A"));
    assert_eq!(
        b.get(&format!("/monitors/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(b.get("/status/A").await.status, StatusCode::NOT_FOUND);
    let csrf = b.csrf().await;
    assert_eq!(
        b.post(&format!("/monitors/{id}/check"), &[("_csrf", &csrf)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.post(
            &format!("/monitors/{id}/delete"),
            &[("_csrf", &csrf), ("confirm", "on")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // Creating one for agency A is refused too.
    let r = b.post("/monitors", &tcp_form(&csrf, "Lạ", &target)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let own = b.get("/status/B").await.ok();
    assert!(own.body.contains("chưa có dịch vụ nào được giám sát"));
    // Agency A still sees its monitor.
    let status = a.get("/status/A").await.ok();
    assert!(status.body.contains(&format!("href=\"/monitors/{id}\"")));
}

#[tokio::test]
async fn status_page_counts_services_down() {
    let s = world().await;
    let up = open_port().await;
    let down = closed_port().await;
    let mut o = Client::login(&s, "officer_a", PW).await;
    let up_id = create(&mut o, "Cổng hoạt động", &up).await;
    let down_id = create(&mut o, "Cổng đã tắt", &down).await;
    let csrf = o.csrf().await;
    for id in [up_id, down_id, down_id] {
        let r = o
            .post(&format!("/monitors/{id}/check"), &[("_csrf", &csrf)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let page = o.get(&format!("/monitors/{down_id}")).await.ok();
    assert!(
        page.body
            .contains("state-down\" id=\"monitor-state\">Gián đoạn")
    );
    assert!(page.body.contains("class=\"fail\"><title>"), "a red bar");
    assert!(page.body.contains("<span class=\"tag bad\">Lỗi</span>"));
    let status = o.get("/status/A").await.ok();
    assert!(
        status.body.contains("1 dịch vụ đang gián đoạn"),
        "{}",
        status.body
    );
    assert!(status.body.contains("Cổng hoạt động"));
    assert!(status.body.contains("Cổng đã tắt"));
    o.jar.insert("lang".into(), "en".into());
    let status = o.get("/status/A").await.ok();
    assert!(status.body.contains("1 service(s) down"));
}
