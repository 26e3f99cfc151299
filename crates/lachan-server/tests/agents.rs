//! Agent enrollment and the gateway: tokens, enrollment, numbered batches (gzip, retries
//! stored once, all or nothing), heartbeats and status, scoping, revocation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;

use axum::http::{Request, StatusCode};
use common::{ADMIN_PW, TestServer};
use serde_json::{Value, json};

const PW: &str = "user-password-1";

async fn setup() -> (TestServer, String, String, String) {
    let s = TestServer::new().await;
    let admin = s.login("admin", ADMIN_PW).await;
    for code in ["A", "B"] {
        let (st, _) = s
            .call("POST", "/api/v1/agencies", Some(&admin), Some(json!({"code": code, "name": format!("Sở {code}"), "kind": "province_department"})))
            .await;
        assert_eq!(st, StatusCode::CREATED);
    }
    for (u, a) in [("officer_a", "A"), ("officer_b", "B")] {
        let (st, _) = s
            .call("POST", "/api/v1/users", Some(&admin), Some(json!({"username": u, "password": PW, "role": "agency_officer", "agency_code": a})))
            .await;
        assert_eq!(st, StatusCode::CREATED);
    }
    let a = s.login("officer_a", PW).await;
    let b = s.login("officer_b", PW).await;
    (s, admin, a, b)
}

async fn post_batch(
    s: &TestServer,
    cred: &str,
    seq: Option<i64>,
    body: Vec<u8>,
    gzip: bool,
) -> (StatusCode, Value) {
    let mut r = Request::builder()
        .method("POST")
        .uri("/api/v1/agent/events")
        .header("authorization", format!("Bearer {cred}"))
        .header("content-type", "application/x-ndjson");
    if let Some(n) = seq {
        r = r.header("x-lachan-seq", n.to_string());
    }
    if gzip {
        r = r.header("content-encoding", "gzip");
    }
    let (st, bytes, _) = s.raw(r.body(axum::body::Body::from(body)).unwrap()).await;
    (st, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn gz(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enroll_send_dedupe_scope_and_revoke() {
    let (s, admin, officer_a, officer_b) = setup().await;

    // Only admins create enrollment tokens.
    let (st, _) = s
        .call(
            "POST",
            "/api/v1/enroll-tokens",
            Some(&officer_a),
            Some(json!({"agency_code": "A"})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = s
        .call(
            "POST",
            "/api/v1/enroll-tokens",
            Some(&admin),
            Some(json!({"agency_code": "ZZ"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, t) = s
        .call(
            "POST",
            "/api/v1/enroll-tokens",
            Some(&admin),
            Some(json!({"agency_code": "A", "expires_in_hours": 24})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    let token = t["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("lce_"));

    // Enrollment: a wrong token is refused; a good one yields the agent's credential.
    let info =
        json!({"hostname": "pc-xa-01", "os": "Debian 12", "ips": ["10.1.2.3"], "version": "0.1.0"});
    let mut bad = info.clone();
    bad["token"] = json!("lce_wrong");
    let (st, _) = s
        .call("POST", "/api/v1/agent/enroll", None, Some(bad))
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let mut bad_ip = info.clone();
    bad_ip["token"] = json!(token);
    bad_ip["ips"] = json!(["not-an-ip"]);
    let (st, _) = s
        .call("POST", "/api/v1/agent/enroll", None, Some(bad_ip))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let mut good = info.clone();
    good["token"] = json!(token);
    let (st, e) = s
        .call("POST", "/api/v1/agent/enroll", None, Some(good))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    assert_eq!(e["agency_code"], "A");
    let cred = e["credential"].as_str().unwrap().to_string();
    let agent_id = e["agent_id"].as_i64().unwrap();

    // Batches: numbered, gzip or plain, all or nothing, a retry is stored once.
    let lines = "{\"Channel\":\"syslog\",\"host\":\"pc-xa-01\",\"program\":\"useradd\",\"message\":\"new user: name=tmp1\"}\n{\"Channel\":\"syslog\",\"host\":\"pc-xa-01\",\"program\":\"cron\",\"message\":\"job ran\"}\n";
    let (st, _) = post_batch(&s, &cred, None, lines.into(), false).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "no sequence number");
    let (st, v) = post_batch(&s, &cred, Some(1), gz(lines), true).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v, json!({"seq": 1, "stored": 2, "duplicate": false}));
    let (st, v) = post_batch(&s, &cred, Some(1), gz(lines), true).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["duplicate"], true);
    let (st, _) = post_batch(&s, &cred, Some(2), b"not gzip".to_vec(), true).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, v) = post_batch(&s, &cred, Some(2), b"{\"ok\":1}\n{broken".to_vec(), false).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(v["error"]["message"].as_str().unwrap().contains("line 2"));
    let (st, v) = post_batch(
        &s,
        &cred,
        Some(2),
        b"{\"message\":\"plain\",\"host\":\"pc-xa-01\"}".to_vec(),
        false,
    )
    .await;
    assert_eq!((st, v["stored"].clone()), (StatusCode::OK, json!(1)));
    let (_, ev) = s
        .call(
            "GET",
            "/api/v1/events?q=host.name:pc-xa-01",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(ev["total"], 3, "{ev}");
    assert_eq!(ev["items"][0]["agency_code"], "A");

    // The agent's events are its agency's: officer A sees them, officer B does not.
    let (_, ev) = s
        .call(
            "GET",
            "/api/v1/events?q=host.name:pc-xa-01",
            Some(&officer_b),
            None,
        )
        .await;
    assert_eq!(ev["total"], 0);
    let mut alert = Value::Null;
    for _ in 0..100 {
        let (_, v) = s
            .call(
                "GET",
                "/api/v1/alerts?host=pc-xa-01",
                Some(&officer_a),
                None,
            )
            .await;
        if v["total"] == 1 {
            alert = v;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        alert["items"][0]["rule_title"], "New local user account",
        "{alert}"
    );
    let (_, v) = s
        .call(
            "GET",
            "/api/v1/alerts?host=pc-xa-01",
            Some(&officer_b),
            None,
        )
        .await;
    assert_eq!(v["total"], 0);

    // Heartbeat and status.
    let r = Request::builder()
        .method("POST")
        .uri("/api/v1/agent/heartbeat")
        .header("authorization", format!("Bearer {cred}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"rss_bytes": 18_000_000, "cpu_percent": 0.2, "spool_bytes": 0, "dropped": 0})
                .to_string(),
        ))
        .unwrap();
    let (st, _, _) = s.raw(r).await;
    assert_eq!(st, StatusCode::OK);
    let (_, list) = s
        .call("GET", "/api/v1/agents", Some(&officer_a), None)
        .await;
    assert_eq!(list["total"], 1);
    let a = &list["items"][0];
    assert_eq!(
        (
            a["hostname"].clone(),
            a["status"].clone(),
            a["agency_code"].clone()
        ),
        (json!("pc-xa-01"), json!("online"), json!("A"))
    );
    assert_eq!(a["heartbeat"]["rss_bytes"], 18_000_000);
    assert!(a.get("credential_hash").is_none());
    let (_, list) = s
        .call("GET", "/api/v1/agents", Some(&officer_b), None)
        .await;
    assert_eq!(list["total"], 0);

    // A user token is not an agent credential.
    let (st, _) = post_batch(&s, &admin, Some(3), b"{}".to_vec(), false).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    // Revocation stops the agent at once; only admins revoke.
    let (st, _) = s
        .call(
            "POST",
            &format!("/api/v1/agents/{agent_id}/revoke"),
            Some(&officer_a),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = s
        .call(
            "POST",
            &format!("/api/v1/agents/{agent_id}/revoke"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = post_batch(&s, &cred, Some(3), b"{}".to_vec(), false).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, list) = s.call("GET", "/api/v1/agents", Some(&admin), None).await;
    assert_eq!(list["items"][0]["status"], "revoked");
    let (_, audit) = s
        .call("GET", "/api/v1/audit?limit=100", Some(&admin), None)
        .await;
    let text = audit.to_string();
    for action in ["agent.enroll_token", "agent.enroll", "agent.revoke"] {
        assert!(
            text.contains(&format!("\"{action}\"")),
            "{action} not audited"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_fim_and_usb_events_raise_builtin_alerts() {
    let (s, admin, officer_a, officer_b) = setup().await;
    let (_, t) = s
        .call(
            "POST",
            "/api/v1/enroll-tokens",
            Some(&admin),
            Some(json!({"agency_code": "A"})),
        )
        .await;
    let (_, e) = s
        .call(
            "POST",
            "/api/v1/agent/enroll",
            None,
            Some(json!({"token": t["token"], "hostname": "pc-cccd-01"})),
        )
        .await;
    let cred = e["credential"].as_str().unwrap().to_string();
    // The event forms the agent's FIM and USB collectors produce.
    let lines = [
        json!({"Channel": "lachan.usb", "host": "pc-cccd-01", "event.action": "attached", "usb.vendor_id": "0781", "usb.product": "Cruzer Blade", "usb.serial": "4C530001", "message": "USB storage attached"}),
        json!({"Channel": "lachan.fim", "host": "pc-cccd-01", "event.action": "modified", "file.path": "/etc/sudoers", "file.hash.sha256": "ab"}),
        json!({"Channel": "lachan.fim", "host": "pc-cccd-01", "event.action": "modified", "file.path": "/home/an/notes.txt"}),
        json!({"Channel": "lachan.inventory", "host": "pc-cccd-01", "inventory.kind": "account_change", "event.action": "admin_granted", "user.name": "an", "user.admin_groups": ["sudo"]}),
    ]
    .iter()
    .map(|v| v.to_string())
    .collect::<Vec<_>>()
    .join("\n");
    let (st, v) = post_batch(&s, &cred, Some(1), lines.into_bytes(), false).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let mut titles = Vec::new();
    for _ in 0..100 {
        let (_, v) = s
            .call(
                "GET",
                "/api/v1/alerts?host=pc-cccd-01",
                Some(&officer_a),
                None,
            )
            .await;
        titles = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["rule_title"].as_str().unwrap().to_string())
            .collect();
        if titles.len() == 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    titles.sort();
    assert_eq!(
        titles,
        vec![
            "Account or privilege file changed",
            "Local account given administrator rights",
            "Monitored system file changed",
            "USB mass storage attached"
        ]
    );
    let (_, v) = s
        .call(
            "GET",
            "/api/v1/events?q=usb.serial:4C530001",
            Some(&officer_a),
            None,
        )
        .await;
    assert_eq!(v["total"], 1);
    let (_, v) = s
        .call(
            "GET",
            "/api/v1/alerts?host=pc-cccd-01",
            Some(&officer_b),
            None,
        )
        .await;
    assert_eq!(v["total"], 0);
}
