//! Compliance per agency, information system and security level through the API: hosts
//! linked to systems (explicitly, by registry asset name or address), trend by day, most
//! failed checks, agency scoping, bad filters, and findings verified or reopened by
//! rescans.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{ADMIN_PW, TestServer};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

const PW: &str = "user-password-1";

struct World {
    s: TestServer,
    admin: String,
    officer_a: String,
}

async fn world() -> World {
    let s = TestServer::new().await;
    let admin = s.login("admin", ADMIN_PW).await;
    for code in ["A", "B"] {
        let (st, v) = s
            .call("POST", "/api/v1/agencies", Some(&admin), Some(json!({"code": code, "name": format!("Sở {code}"), "kind": "province_department"})))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    for (code, agency, level) in [("SYS-A1", "A", 3), ("SYS-A2", "A", 2), ("SYS-B1", "B", 4)] {
        let body = json!({"code": code, "name": format!("Hệ thống {code}"), "agency_code": agency,
            "security_level": level, "dossier_status": "drafting"});
        let (st, v) = s
            .call("POST", "/api/v1/systems", Some(&admin), Some(body))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    for (system, name, address) in [
        ("SYS-A1", "web-a1", "10.0.0.11"),
        ("SYS-A2", "Máy chủ CSDL", "10.0.0.12"),
    ] {
        let (st, v) = s
            .call(
                "POST",
                &format!("/api/v1/systems/{system}/assets"),
                Some(&admin),
                Some(json!({"kind": "server", "name": name, "address": address})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/users",
            Some(&admin),
            Some(json!({"username": "officer_a", "password": PW, "role": "agency_officer", "agency_code": "A"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    World {
        officer_a: s.login("officer_a", PW).await,
        admin,
        s,
    }
}

fn at(days_ago: i64) -> String {
    let t = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() - Duration::days(days_ago);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// A scan of `host` with checks p:1..=n, `failing` among them.
fn scan(host: &str, address: Option<&str>, when: &str, failing: &[u32]) -> Value {
    let checks: Vec<Value> = (1..=4)
        .map(|i| {
            json!({"id": i, "title": format!("Kiểm tra {i}"), "severity": if i == 3 { "high" } else { "medium" },
                   "result": if failing.contains(&i) { "failed" } else { "passed" }})
        })
        .collect();
    let interfaces: Vec<Value> = address
        .map(|a| json!({"name": "eth0", "addresses": [format!("{a}/24")]}))
        .into_iter()
        .collect();
    json!({"host": {"hostname": host, "interfaces": interfaces}, "finished_at": when,
           "policies": [{"id": "p", "name": "Chính sách P", "checks": checks}]})
}

impl World {
    async fn upload(&self, query: &str, body: Value) -> (StatusCode, Value) {
        self.s
            .send(
                "POST",
                &format!("/api/v1/scans?{query}"),
                Some(&self.admin),
                "application/json",
                body.to_string().into_bytes(),
            )
            .await
    }
    async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.s
            .call("GET", &format!("/api/v1{path}"), Some(token), None)
            .await
    }
    async fn finding_status(&self, asset: &str, source_ref: &str) -> (i64, String) {
        let (_, v) = self.get(&self.admin, "/findings?limit=200").await;
        let f = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["asset"] == asset && f["source_ref"] == source_ref)
            .unwrap_or_else(|| panic!("no finding {source_ref} on {asset}: {v}"));
        (
            f["id"].as_i64().unwrap(),
            f["status"].as_str().unwrap().into(),
        )
    }
}

fn groups(v: &Value) -> Vec<(String, i64, f64)> {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["key"].as_str().unwrap().to_string(),
                g["hosts"].as_i64().unwrap(),
                g["pass_rate"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn compliance_by_system_and_level_with_trend_and_rescans() {
    let w = world().await;
    // web-a1: matched to SYS-A1 by asset name; two days ago half its checks fail.
    let (st, v) = w
        .upload(
            "agency_code=A",
            scan("web-a1.tinh.gov.vn", None, &at(2), &[2, 3]),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["system_code"], "SYS-A1", "{v}");
    // db: matched to SYS-A2 by the address of its asset.
    let (st, v) = w
        .upload(
            "agency_code=A",
            scan("db01", Some("10.0.0.12"), &at(1), &[3]),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["system_code"], "SYS-A2", "{v}");
    // Named explicitly.
    let (st, v) = w
        .upload(
            "agency_code=B&system_code=SYS-B1",
            scan("srv-b", None, &at(0), &[]),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    // No system knows this host.
    let (st, v) = w
        .upload("agency_code=A", scan("lone", None, &at(0), &[2, 3, 4]))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["system_code"], Value::Null, "{v}");
    // Another agency's system cannot be named.
    let (st, v) = w
        .upload(
            "agency_code=A&system_code=SYS-B1",
            scan("x", None, &at(0), &[]),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("system_code"), "{v}");

    let (f, _) = w.finding_status("web-a1.tinh.gov.vn", "p:2").await;
    let (fixed_id, _) = w.finding_status("lone", "p:2").await;
    // The agency reports lone's p:2 fixed; the rescan below still fails it.
    let (st, v) =
        w.s.call(
            "PATCH",
            &format!("/api/v1/findings/{fixed_id}"),
            Some(&w.officer_a),
            Some(json!({"status": "fixed"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    // Rescans today: web-a1 now passes everything; lone still fails p:2.
    let (st, v) = w
        .upload(
            "agency_code=A",
            scan("web-a1.tinh.gov.vn", None, &at(0), &[]),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v) = w
        .upload("agency_code=A", scan("lone", None, &at(0), &[2, 3, 4]))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (id, status) = w.finding_status("web-a1.tinh.gov.vn", "p:2").await;
    assert_eq!(
        (id, status.as_str()),
        (f, "verified"),
        "a passing rescan verifies"
    );
    let (_, status) = w.finding_status("lone", "p:2").await;
    assert_eq!(
        status, "open",
        "a finding reported fixed but still failing reopens"
    );
    let (_, log) = w.get(&w.admin, &format!("/findings/{fixed_id}")).await;
    assert!(log.to_string().contains("vẫn còn tồn tại"), "{log}");

    // By level: 4, 3, 2, then hosts of no system; overall mean of latest scores.
    let (st, v) = w.get(&w.admin, "/compliance?by=level&days=7").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        groups(&v),
        vec![
            ("4".into(), 1, 100.0),
            ("3".into(), 1, 100.0),
            ("2".into(), 1, 75.0),
            ("".into(), 1, 25.0)
        ]
    );
    assert_eq!(v["overall"]["hosts"], 4);
    assert_eq!(v["overall"]["pass_rate"], 75.0);
    let trend = v["overall"]["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 7);
    let day = |i: usize| {
        (
            trend[i]["hosts"].as_i64().unwrap(),
            trend[i]["pass_rate"].as_f64(),
        )
    };
    assert_eq!(day(4), (1, Some(50.0)), "two days ago: web-a1 only");
    assert_eq!(day(5), (2, Some(62.5)), "yesterday: web-a1 and db01");
    assert_eq!(day(6), (4, Some(75.0)));
    assert_eq!(day(0), (0, None));
    // Most failed checks over the latest scans: p:3 on db01 and lone.
    assert_eq!(v["top_failed"][0]["check_id"], "3", "{v}");
    assert_eq!(v["top_failed"][0]["hosts"], 2);
    assert_eq!(v["top_failed"][0]["severity"], "high");

    // By system, filtered to level 3.
    let (_, v) = w.get(&w.admin, "/compliance?by=system&level=3").await;
    assert_eq!(groups(&v), vec![("SYS-A1".into(), 1, 100.0)]);
    assert_eq!(v["groups"][0]["name"], "Hệ thống SYS-A1");
    assert_eq!(v["overall"]["trend"].as_array().unwrap().len(), 30);

    // An agency officer sees their own agency only, and cannot ask for another's.
    let (_, v) = w.get(&w.officer_a, "/compliance?by=system").await;
    assert_eq!(
        groups(&v),
        vec![
            ("SYS-A1".into(), 1, 100.0),
            ("SYS-A2".into(), 1, 75.0),
            ("".into(), 1, 25.0)
        ]
    );
    assert!(!v.to_string().contains("srv-b"), "{v}");
    for bad in [
        "agency_code=B",
        "system_code=SYS-B1",
        "by=host",
        "level=7",
        "days=0",
        "days=abc",
    ] {
        let (st, v) = w.get(&w.officer_a, &format!("/compliance?{bad}")).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
    }
    let (st, _) = w.s.call("GET", "/api/v1/compliance", None, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}
