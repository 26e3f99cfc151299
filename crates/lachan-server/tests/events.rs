//! The event pipeline through the API: NDJSON ingestion (all or nothing), search,
//! routing of the flat Windows form, live detection into alerts, agency scoping of
//! events and alerts, triage, and the syslog receivers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::{ADMIN_PW, TestServer};
use lachan_server::ServerConfig;
use lachan_server::pipeline::RulesConfig;
use serde_json::{Value, json};

const PW: &str = "user-password-1";
const NDJSON: &str = "application/x-ndjson";

/// A process-creation rule (Sysmon 1 and Security 4688 both route to it).
const WHOAMI_RULE: &str = r#"
title: Whoami execution
id: 11111111-2222-3333-4444-555555555555
status: test
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\whoami.exe'
    condition: selection
level: high
"#;

struct World {
    s: TestServer,
    admin: String,
    auditor: String,
    officer_a: String,
    officer_b: String,
    _rules: tempfile::TempDir,
}

async fn world() -> World {
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(rules.path().join("whoami.yml"), WHOAMI_RULE).unwrap();
    let s = TestServer::with_rules(
        ServerConfig::default(),
        RulesConfig {
            dir: Some(rules.path().to_path_buf()),
            mapping: None,
        },
    )
    .await;
    let admin = s.login("admin", ADMIN_PW).await;
    for code in ["A", "B"] {
        let (st, v) = s
            .call("POST", "/api/v1/agencies", Some(&admin), Some(json!({"code": code, "name": format!("Sở {code}"), "kind": "province_department"})))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    for (user, role, agency) in [
        ("auditor", "auditor", None),
        ("officer_a", "agency_officer", Some("A")),
        ("officer_b", "agency_officer", Some("B")),
    ] {
        let (st, v) = s
            .call(
                "POST",
                "/api/v1/users",
                Some(&admin),
                Some(
                    json!({"username": user, "password": PW, "role": role, "agency_code": agency}),
                ),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    World {
        auditor: s.login("auditor", PW).await,
        officer_a: s.login("officer_a", PW).await,
        officer_b: s.login("officer_b", PW).await,
        admin,
        s,
        _rules: rules,
    }
}

fn ndjson(events: &[Value]) -> Vec<u8> {
    events
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes()
}

async fn total(s: &TestServer, token: &str, query: &str) -> i64 {
    let (st, v) = s
        .call("GET", &format!("/api/v1/events?{query}"), Some(token), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v["total"].as_i64().unwrap()
}

/// Poll the alert queue until `pred` holds (detection is asynchronous).
async fn alerts_until(
    s: &TestServer,
    token: &str,
    query: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..100 {
        let (st, v) = s
            .call("GET", &format!("/api/v1/alerts?{query}"), Some(token), None)
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        if pred(&v) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("alerts never matched for {query}");
}

fn sysmon_whoami(host: &str) -> Value {
    json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Computer": host,
        "Image": "C:\\Windows\\System32\\whoami.exe", "CommandLine": "whoami /all",
        "UtcTime": "2026-12-01 02:00:00.000"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_is_all_or_nothing_and_searchable() {
    let w = world().await;
    let s = &w.s;
    let body = ndjson(&[
        json!({"@timestamp": "2026-12-01T01:00:00Z", "host": {"name": "web-1"}, "message": "GET /index.php 200"}),
        json!({"message": "no time here: arrival time is used"}),
        sysmon_whoami("pc-01"),
    ]);
    let (st, v) = s
        .send("POST", "/api/v1/events", Some(&w.admin), NDJSON, body)
        .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v, json!({"accepted": 3}));
    assert_eq!(total(s, &w.admin, "").await, 3);
    assert_eq!(total(s, &w.admin, "q=whoami").await, 1);
    assert_eq!(total(s, &w.admin, "q=host.name:web-1").await, 1);
    assert_eq!(
        total(s, &w.admin, "q=event.code:1%20host.name:pc-01").await,
        1
    );
    assert_eq!(
        total(
            s,
            &w.admin,
            "from=2026-12-01T00:00:00Z&to=2026-12-01T01:30:00Z"
        )
        .await,
        1
    );
    let (_, v) = s
        .call("GET", "/api/v1/events?q=whoami", Some(&w.admin), None)
        .await;
    let item = &v["items"][0];
    assert_eq!(item["doc"]["process.command_line"], "whoami /all");
    assert_eq!(item["doc"]["@timestamp"], "2026-12-01T02:00:00.000Z");
    assert_eq!(item["doc"]["original"]["EventID"], 1);
    let id = item["id"].as_str().unwrap();
    let (st, one) = s
        .call("GET", &format!("/api/v1/events/{id}"), Some(&w.admin), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(one["host"], "pc-01");

    // A malformed line rejects the whole body, naming the line; nothing is stored.
    let mut bad = ndjson(&[json!({"message": "fine"}), json!({"message": "also fine"})]);
    bad.extend_from_slice(b"\n{\"message\": \"broken\"\n{\"message\": \"after\"}");
    let (st, v) = s
        .send("POST", "/api/v1/events", Some(&w.admin), NDJSON, bad)
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("line 3"), "{msg}");
    assert_eq!(total(s, &w.admin, "").await, 3);
    let (st, _) = s
        .send(
            "POST",
            "/api/v1/events",
            Some(&w.admin),
            NDJSON,
            b"[1,2]".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = s
        .send("POST", "/api/v1/events", Some(&w.admin), NDJSON, Vec::new())
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);

    // Bad parameters and credentials are 4xx.
    let (st, _) = s
        .call("GET", "/api/v1/events?from=yesterday", Some(&w.admin), None)
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = s
        .call("GET", "/api/v1/events?q=a%24b:1", Some(&w.admin), None)
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = s
        .send(
            "POST",
            "/api/v1/events",
            Some("not-a-token"),
            NDJSON,
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = s
        .send("POST", "/api/v1/events", None, NDJSON, b"{}".to_vec())
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // The auditor reads but does not ingest.
    let (st, _) = s
        .send(
            "POST",
            "/api/v1/events",
            Some(&w.auditor),
            NDJSON,
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(total(s, &w.auditor, "").await, 3);
    // Oversized bodies are refused before parsing.
    let huge = vec![b' '; 17 * 1024 * 1024];
    let (st, _) = s
        .send("POST", "/api/v1/events", Some(&w.admin), NDJSON, huge)
        .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(total(s, &w.admin, "").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detections_become_scoped_alerts() {
    let w = world().await;
    let s = &w.s;
    // Officer A's events land in agency A; the flat Security 4688 form routes to the same
    // process_creation rule as Sysmon 1 does.
    let security = json!({"Channel": "Security", "EventID": 4688, "Computer": "pc-a1",
        "NewProcessName": "C:\\Windows\\System32\\whoami.exe", "CommandLine": "whoami",
        "TimeCreated": "2026-12-01T03:00:00Z"});
    let (st, v) = s
        .send(
            "POST",
            "/api/v1/events",
            Some(&w.officer_a),
            NDJSON,
            ndjson(&[security.clone(), security]),
        )
        .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{v}");
    let (st, _) = s
        .send(
            "POST",
            "/api/v1/events",
            Some(&w.officer_b),
            NDJSON,
            ndjson(&[sysmon_whoami("pc-b1")]),
        )
        .await;
    assert_eq!(st, StatusCode::ACCEPTED);

    let all = alerts_until(s, &w.admin, "", |v| v["total"] == 2).await;
    let a = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["host"] == "pc-a1")
        .unwrap()
        .clone();
    for key in [
        "id",
        "rule_id",
        "rule_title",
        "level",
        "host",
        "agency_code",
        "first_seen",
        "last_seen",
        "count",
        "status",
    ] {
        assert!(a.get(key).is_some(), "alert lacks {key}: {a}");
    }
    assert_eq!(a["rule_id"], "11111111-2222-3333-4444-555555555555");
    assert_eq!(a["level"], "high");
    assert_eq!(a["agency_code"], "A");
    assert_eq!(a["count"], 2, "duplicates are grouped: {a}");
    assert_eq!(a["status"], "open");
    let id = a["id"].as_i64().unwrap();

    // Scoping: each officer sees their own agency's alerts and events only.
    let mine = alerts_until(s, &w.officer_a, "", |_| true).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["host"], "pc-a1");
    let theirs = alerts_until(s, &w.officer_b, "", |_| true).await;
    assert_eq!(theirs["total"], 1);
    assert_eq!(theirs["items"][0]["host"], "pc-b1");
    let (st, _) = s
        .call(
            "GET",
            &format!("/api/v1/alerts/{id}"),
            Some(&w.officer_b),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s
        .call(
            "PATCH",
            &format!("/api/v1/alerts/{id}"),
            Some(&w.officer_b),
            Some(json!({"status": "acknowledged"})),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(total(s, &w.officer_a, "q=whoami").await, 2);
    assert_eq!(total(s, &w.officer_b, "q=whoami").await, 1);
    let (_, v) = s
        .call(
            "GET",
            "/api/v1/events?q=host.name:pc-a1",
            Some(&w.officer_b),
            None,
        )
        .await;
    assert_eq!(v["total"], 0);
    let other_event = a["event_ids"][0].as_str().unwrap();
    let (st, _) = s
        .call(
            "GET",
            &format!("/api/v1/events/{other_event}"),
            Some(&w.officer_b),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s
        .call(
            "GET",
            &format!("/api/v1/events/{other_event}"),
            Some(&w.officer_a),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, v) = s
        .call(
            "GET",
            "/api/v1/alerts?agency_code=A",
            Some(&w.officer_b),
            None,
        )
        .await;
    assert_eq!(v["total"], 0);

    // Triage: the auditor may not; closing needs a reason; the change is audited.
    let (st, _) = s
        .call(
            "PATCH",
            &format!("/api/v1/alerts/{id}"),
            Some(&w.auditor),
            Some(json!({"status": "acknowledged"})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, v) = s
        .call(
            "PATCH",
            &format!("/api/v1/alerts/{id}"),
            Some(&w.officer_a),
            Some(json!({"status": "closed"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (st, v) = s.call("PATCH", &format!("/api/v1/alerts/{id}"), Some(&w.officer_a), Some(json!({"status": "closed", "reason": "quản trị viên kiểm tra", "assignee": "officer_a"}))).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "closed");
    assert_eq!(v["assignee"], "officer_a");
    let (st, _) = s
        .call(
            "PATCH",
            &format!("/api/v1/alerts/{id}"),
            Some(&w.officer_a),
            Some(json!({"status": "gone"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, audit) = s
        .call(
            "GET",
            "/api/v1/audit?action=alert.update",
            Some(&w.admin),
            None,
        )
        .await;
    assert!(
        audit.to_string().contains(&format!("alert:{id}")),
        "{audit}"
    );
    let (_, v) = s
        .call("GET", "/api/v1/alerts?status=active", Some(&w.admin), None)
        .await;
    assert_eq!(v["total"], 1);
    let (st, _) = s
        .call("GET", "/api/v1/alerts?status=weird", Some(&w.admin), None)
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syslog_udp_and_tcp_feed_detection() {
    let w = world().await;
    let s = &w.s;
    let pipeline = s.state.pipeline.clone();
    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let udp_addr = udp.local_addr().unwrap();
    tokio::spawn(lachan_server::pipeline::syslog::serve_udp(
        pipeline.clone(),
        udp,
    ));
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tcp_addr = tcp.local_addr().unwrap();
    tokio::spawn(lachan_server::pipeline::syslog::serve_tcp(pipeline, tcp));

    // Twelve failed SSH logins in a minute from one host: the burst correlation fires.
    let sender = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    for i in 0..12 {
        let msg = format!(
            "<38>Dec  1 04:00:{i:02} gw-1 sshd[42]: Failed password for root from 203.0.113.9 port 5{i:04} ssh2"
        );
        sender.send_to(msg.as_bytes(), udp_addr).await.unwrap();
    }
    // TCP: one octet-counted RFC 5424 message and one line-framed RFC 3164 message.
    use tokio::io::AsyncWriteExt;
    let mut c = tokio::net::TcpStream::connect(tcp_addr).await.unwrap();
    let m1 = "<86>1 2026-12-01T04:05:00Z srv-2 useradd 77 - - new user: name=backdoor, UID=1001";
    let frame = format!(
        "{} {m1}<86>Dec  1 04:05:01 srv-2 usermod[78]: add 'backdoor' to group 'sudo'\n",
        m1.len()
    );
    c.write_all(frame.as_bytes()).await.unwrap();
    c.shutdown().await.unwrap();

    let v = alerts_until(s, &w.admin, "level=high", |v| {
        v["total"].as_i64() == Some(2)
    })
    .await;
    let titles: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["rule_title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Burst of failed SSH logins (password guessing)"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Local account added to an administrators group"),
        "{titles:?}"
    );
    let (_, v) = s
        .call(
            "GET",
            "/api/v1/alerts?rule_id=5d0f7a0e-8a4e-4c57-9c1a-0c2b1f6a7d01",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(v["items"][0]["count"], 12);
    assert_eq!(v["items"][0]["host"], "gw-1");
    assert_eq!(total(s, &w.admin, "q=event.dataset:syslog").await, 14);
    assert_eq!(total(s, &w.admin, "q=backdoor").await, 2);
    let (_, v) = s
        .call(
            "GET",
            "/api/v1/events?q=host.name:srv-2%20useradd",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(v["items"][0]["doc"]["event.peer"], "127.0.0.1");
    // Senders the registry does not know carry no agency: agency officers do not see them.
    assert_eq!(total(s, &w.officer_a, "q=event.dataset:syslog").await, 0);

    // Once an information system of agency B lists the sender's address as an asset, its
    // messages are agency B's.
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/systems",
            Some(&w.admin),
            Some(json!({"code": "SB1", "name": "Cổng B", "agency_code": "B", "security_level": 2})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/systems/SB1/assets",
            Some(&w.admin),
            Some(json!({"kind": "server", "name": "gw-b", "address": "gw-b1"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    sender
        .send_to(b"<38>Dec  1 05:00:00 gw-b1 sshd[9]: Failed password for root from 198.51.100.3 port 1 ssh2", udp_addr)
        .await
        .unwrap();
    for _ in 0..100 {
        if total(s, &w.officer_b, "q=host.name:gw-b1").await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(total(s, &w.officer_b, "q=host.name:gw-b1").await, 1);
    assert_eq!(total(s, &w.officer_a, "q=host.name:gw-b1").await, 0);
    let (_, stats) = s
        .call("GET", "/api/v1/pipeline", Some(&w.admin), None)
        .await;
    assert!(stats["events_stored"].as_u64().unwrap() >= 15, "{stats}");
}

/// Wait until detection has looked at `n` events in all.
async fn analysed(s: &TestServer, token: &str, n: u64) {
    for _ in 0..100 {
        let (_, v) = s.call("GET", "/api/v1/pipeline", Some(token), None).await;
        if v["events_analysed"].as_u64().unwrap_or(0) >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    panic!("detection did not reach {n} events");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tuning_disables_relevels_and_suppresses() {
    let w = world().await;
    let s = &w.s;
    let rule = "11111111-2222-3333-4444-555555555555";
    let post = |who: String, host: &'static str| async move {
        let (st, v) = w_send(s, &who, host).await;
        assert_eq!(st, StatusCode::ACCEPTED, "{v}");
    };
    post(w.officer_a.clone(), "pc-a1").await;
    analysed(s, &w.admin, 1).await;
    let v = alerts_until(s, &w.admin, "", |v| v["total"] == 1).await;
    let id = v["items"][0]["id"].as_i64().unwrap();

    // Only admins and analysts tune; a reason is required; the level must be known.
    let path = format!("/api/v1/rules/{rule}/override");
    let (st, _) = s
        .call(
            "PUT",
            &path,
            Some(&w.officer_a),
            Some(json!({"enabled": false, "reason": "x"})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = s
        .call(
            "PUT",
            &path,
            Some(&w.admin),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = s
        .call(
            "PUT",
            &path,
            Some(&w.admin),
            Some(json!({"enabled": true, "level": "severe", "reason": "x"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);

    // Switched off: the next hit is dropped and counted.
    let (st, v) = s
        .call(
            "PUT",
            &path,
            Some(&w.admin),
            Some(json!({"enabled": false, "reason": "quá nhiều cảnh báo giả"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["updated_by"], "admin");
    post(w.officer_a.clone(), "pc-a1").await;
    analysed(s, &w.admin, 2).await;
    let (_, a) = s
        .call("GET", &format!("/api/v1/alerts/{id}"), Some(&w.admin), None)
        .await;
    assert_eq!(a["count"], 1);
    let (_, stats) = s
        .call("GET", "/api/v1/pipeline", Some(&w.admin), None)
        .await;
    assert_eq!(stats["hits_disabled"], 1);

    // Re-levelled: hits come back, a new alert for another host carries the new level.
    let (st, _) = s
        .call(
            "PUT",
            &path,
            Some(&w.admin),
            Some(json!({"enabled": true, "level": "low", "reason": "quan sát"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    post(w.officer_b.clone(), "pc-b9").await;
    let v = alerts_until(s, &w.admin, "host=pc-b9", |v| v["total"] == 1).await;
    assert_eq!(v["items"][0]["level"], "low");

    // A suppression for one host of agency A silences exactly that.
    let (st, _) = s.call("POST", "/api/v1/suppressions", Some(&w.admin), Some(json!({"field": "CommandLine", "value": "*whoami*", "agency_code": "A", "reason": "x", "expires_at": "2020-01-01T00:00:00Z"}))).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "expiry in the past");
    let (st, _) = s
        .call(
            "POST",
            "/api/v1/suppressions",
            Some(&w.admin),
            Some(json!({"field": "a b", "value": "x", "reason": "x"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, sup) = s.call("POST", "/api/v1/suppressions", Some(&w.admin), Some(json!({"rule_id": rule, "field": "CommandLine", "value": "*WHOAMI*", "agency_code": "A", "host": "pc-a1", "reason": "kịch bản kiểm tra hằng ngày", "expires_at": "2099-01-01T00:00:00Z"}))).await;
    assert_eq!(st, StatusCode::CREATED, "{sup}");
    assert_eq!(sup["agency_code"], "A");
    post(w.officer_a.clone(), "pc-a1").await;
    post(w.officer_b.clone(), "pc-b9").await;
    analysed(s, &w.admin, 5).await;
    let (_, a) = s
        .call("GET", &format!("/api/v1/alerts/{id}"), Some(&w.admin), None)
        .await;
    assert_eq!(a["count"], 1, "suppressed on pc-a1");
    let v = alerts_until(s, &w.admin, "host=pc-b9", |v| v["items"][0]["count"] == 2).await;
    assert_eq!(v["total"], 1);
    let (_, stats) = s
        .call("GET", "/api/v1/pipeline", Some(&w.admin), None)
        .await;
    assert_eq!(stats["hits_suppressed"], 1);

    // Tuning is visible to readers, changes are audited, and removal works.
    let (st, t) = s
        .call("GET", "/api/v1/tuning", Some(&w.auditor), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(t["overrides"][0]["level"], "low");
    assert_eq!(
        t["suppressions"][0]["reason"],
        "kịch bản kiểm tra hằng ngày"
    );
    let sid = sup["id"].as_i64().unwrap();
    let (st, _) = s
        .call(
            "DELETE",
            &format!("/api/v1/suppressions/{sid}"),
            Some(&w.auditor),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = s
        .call(
            "DELETE",
            &format!("/api/v1/suppressions/{sid}"),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = s
        .call(
            "DELETE",
            &format!("/api/v1/suppressions/{sid}"),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s.call("DELETE", &path, Some(&w.admin), None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, audit) = s
        .call("GET", "/api/v1/audit?limit=100", Some(&w.admin), None)
        .await;
    let text = audit.to_string();
    for action in [
        "rule.override",
        "suppression.create",
        "suppression.delete",
        "rule.override_remove",
    ] {
        assert!(
            text.contains(&format!("\"{action}\"")),
            "{action} not audited"
        );
    }
}

async fn w_send(s: &TestServer, token: &str, host: &str) -> (StatusCode, Value) {
    let ev = json!({"Channel": "Security", "EventID": 4688, "Computer": host,
        "NewProcessName": "C:\\Windows\\System32\\whoami.exe", "CommandLine": "whoami /groups"});
    s.send("POST", "/api/v1/events", Some(token), NDJSON, ndjson(&[ev]))
        .await
}
