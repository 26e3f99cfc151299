//! The operations workflow through the API: incidents (workflow, timeline, alerts,
//! tasks, evidence), findings (de-duplication, answers by the owning agency,
//! re-inspection), letters, plans, the report summary (figures recomputed here), and
//! the authorisation matrix with agency scoping.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{ADMIN_PW, TestServer};
use lachan_store::{AlertHit, AlertStore};
use serde_json::{Value, json};

const PW: &str = "user-password-1";

struct World {
    s: TestServer,
    admin: String,
    analyst: String,
    auditor: String,
    officer_a: String,
    officer_b: String,
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
    for (code, agency, level, status) in [
        ("SYS-A1", "A", 3, "approved"),
        ("SYS-A2", "A", 2, "drafting"),
        ("SYS-B1", "B", 4, "approved"),
        ("SYS-B2", "B", 4, "submitted"),
        ("SYS-B3", "B", 1, "drafting"),
    ] {
        let mut body = json!({"code": code, "name": format!("Hệ thống {code}"), "agency_code": agency,
            "security_level": level, "dossier_status": status});
        if status == "approved" {
            body["approval_decision_no"] = json!("12/QĐ-UBND");
            body["approval_date"] = json!("2026-02-10");
        }
        let (st, v) = s
            .call("POST", "/api/v1/systems", Some(&admin), Some(body))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    for (user, role, agency) in [
        ("analyst", "analyst", None),
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
        analyst: s.login("analyst", PW).await,
        auditor: s.login("auditor", PW).await,
        officer_a: s.login("officer_a", PW).await,
        officer_b: s.login("officer_b", PW).await,
        admin,
        s,
    }
}

impl World {
    async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.s
            .call("POST", &format!("/api/v1{path}"), Some(token), Some(body))
            .await
    }
    async fn patch(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.s
            .call("PATCH", &format!("/api/v1{path}"), Some(token), Some(body))
            .await
    }
    async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.s
            .call("GET", &format!("/api/v1{path}"), Some(token), None)
            .await
    }
    async fn incident(&self, token: &str, body: Value) -> i64 {
        let (st, v) = self.post(token, "/incidents", body).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }
    async fn finding(&self, body: Value) -> i64 {
        let (st, v) = self.post(&self.analyst, "/findings", body).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }
}

#[tokio::test]
async fn incident_walks_the_workflow_and_refuses_illegal_moves() {
    let w = world().await;
    let id = w
        .incident(
            &w.analyst,
            json!({"title": "Mã độc trên máy chủ web", "severity": "high", "category": "malware",
                   "agency_code": "A", "system_code": "SYS-A1", "assets": ["10.0.0.5"],
                   "detected_at": "2026-11-30T01:00:00Z"}),
        )
        .await;
    let (st, v) = w.get(&w.analyst, &format!("/incidents/{id}")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "new");
    assert_eq!(v["resolve_by"], "2026-12-03T01:00:00Z", "high: 72 h");
    assert_eq!(v["deadlines"]["notify_by"], "2026-12-01T01:00:00Z");
    assert!(v["code"].as_str().unwrap().starts_with("SC-2026-"));
    assert_eq!(v["allowed_moves"], json!(["triage", "closed"]));

    // Skipping steps, or going back, is refused with 422 naming the status.
    let path = format!("/incidents/{id}");
    let (st, v) = w
        .patch(&w.analyst, &path, json!({"status": "recovery"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("triage"));
    let (st, _) = w.patch(&w.analyst, &path, json!({"status": "bogus"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    // Closing early needs a reason.
    let (st, v) = w
        .patch(&w.analyst, &path, json!({"status": "closed"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "reason");

    for s in ["triage", "containment", "eradication", "recovery", "closed"] {
        let (st, v) = w.patch(&w.analyst, &path, json!({"status": s})).await;
        assert_eq!(st, StatusCode::OK, "{s}: {v}");
        assert_eq!(v["status"], s);
    }
    let (st, _) = w.patch(&w.analyst, &path, json!({"status": "new"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = w
        .patch(&w.analyst, &path, json!({"status": "triage"}))
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reopen needs a reason"
    );
    let (st, v) = w
        .patch(
            &w.analyst,
            &path,
            json!({"status": "triage", "reason": "tái nhiễm"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["closed_at"], Value::Null);

    // Severity change moves the deadline; notes and tasks join the timeline.
    let (st, v) = w
        .patch(
            &w.analyst,
            &path,
            json!({"severity": "critical", "assignee": "analyst"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["resolve_by"], "2026-12-01T01:00:00Z");
    let (st, _) = w
        .post(
            &w.analyst,
            &format!("{path}/notes"),
            json!({"text": "Đã cô lập máy chủ"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, t) = w
        .post(
            &w.analyst,
            &format!("{path}/tasks"),
            json!({"title": "Thu thập log", "due_date": "05/12/2026"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    assert_eq!(t["due_date"], "2026-12-05");
    let (st, t) = w
        .patch(
            &w.analyst,
            &format!("{path}/tasks/{}", t["id"]),
            json!({"done": true}),
        )
        .await;
    assert_eq!((st, t["done"].clone()), (StatusCode::OK, json!(true)));
    let (_, v) = w.get(&w.analyst, &path).await;
    let kinds: Vec<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[0], "created");
    assert_eq!(kinds.iter().filter(|k| **k == "status").count(), 6);
    assert!(kinds.contains(&"note") && kinds.contains(&"task") && kinds.contains(&"change"));
    assert!(
        v["overdue"].as_bool().unwrap(),
        "critical, detected days ago"
    );

    // Every change is in the audit log.
    let (_, audit) = w.get(&w.admin, "/audit?limit=200").await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "incident.create",
        "incident.update",
        "incident.note",
        "incident.task_add",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

#[tokio::test]
async fn incident_from_alerts_takes_their_time_and_checks_agency() {
    let w = world().await;
    let (_, a) = w.get(&w.admin, "/agencies/A").await;
    let (_, b) = w.get(&w.admin, "/agencies/B").await;
    let hit = |agency: i64, host: &str, at: &str| AlertHit {
        rule_id: "r-1".into(),
        rule_title: "USB storage".into(),
        level: "high".into(),
        host: host.into(),
        agency_id: Some(agency),
        seen_at: at.into(),
        event_id: "1-1".into(),
        key_fields: json!({}),
    };
    let ids =
        w.s.store
            .record_alert_hits(&[
                hit(a["id"].as_i64().unwrap(), "pc-a", "2026-11-20T03:00:00Z"),
                hit(b["id"].as_i64().unwrap(), "pc-b", "2026-11-20T04:00:00Z"),
            ])
            .await
            .unwrap();
    let (alert_a, alert_b) = (ids[0].0, ids[1].0);
    let id = w
        .incident(
            &w.officer_a,
            json!({"title": "USB lạ", "severity": "medium", "category": "insider",
                   "agency_code": "A", "alert_ids": [alert_a]}),
        )
        .await;
    let (_, v) = w.get(&w.officer_a, &format!("/incidents/{id}")).await;
    assert_eq!(v["detected_at"], "2026-11-20T03:00:00Z");
    assert_eq!(v["alert_ids"], json!([alert_a]));
    // Another agency's alert: not visible to the officer, refused for the analyst.
    let (st, _) = w
        .post(&w.officer_a, "/incidents", json!({"title": "x", "severity": "low", "category": "other", "agency_code": "A", "alert_ids": [alert_b]}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = w
        .post(
            &w.analyst,
            &format!("/incidents/{id}/alerts"),
            json!({"alert_ids": [alert_b]}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn authorisation_matrix_and_scoping() {
    let w = world().await;
    let inc_a = w
        .incident(
            &w.analyst,
            json!({"title": "A", "severity": "low", "category": "dos", "agency_code": "A"}),
        )
        .await;
    let body_b = json!({"title": "B", "severity": "low", "category": "dos", "agency_code": "B"});
    // Officers open incidents only for their agency; auditors not at all.
    let (st, _) = w.post(&w.officer_a, "/incidents", body_b.clone()).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = w.post(&w.auditor, "/incidents", body_b.clone()).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = w.post(&w.officer_b, "/incidents", body_b).await;
    assert_eq!(st, StatusCode::CREATED);
    // Reading: officers see their own agency's only; others' answer 404.
    let path_a = format!("/incidents/{inc_a}");
    assert_eq!(w.get(&w.officer_b, &path_a).await.0, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&w.officer_a, &path_a).await.0, StatusCode::OK);
    assert_eq!(w.get(&w.auditor, &path_a).await.0, StatusCode::OK);
    let (st, _) = w
        .patch(&w.officer_b, &path_a, json!({"status": "triage"}))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = w
        .patch(&w.auditor, &path_a, json!({"status": "triage"}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, v) = w.get(&w.officer_b, "/incidents").await;
    assert_eq!(v["total"], 1);
    let (_, v) = w.get(&w.auditor, "/incidents").await;
    assert_eq!(v["total"], 2);
    let (_, v) = w.get(&w.officer_b, "/incidents?agency_code=A").await;
    assert_eq!(v["total"], 0);
    assert_eq!(w.get(&w.officer_a, "/incidents").await.1["total"], 1);
    // No token: 401.
    assert_eq!(
        w.s.call("GET", "/api/v1/incidents", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Findings: recorded by the unit, answered by the agency.
    let fbody = json!({"title": "Mật khẩu mặc định", "severity": "high", "agency_code": "A", "asset": "srv-01"});
    let (st, _) = w.post(&w.officer_a, "/findings", fbody.clone()).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = w.post(&w.auditor, "/findings", fbody.clone()).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let f = w.finding(fbody).await;
    let fpath = format!("/findings/{f}");
    assert_eq!(w.get(&w.officer_b, &fpath).await.0, StatusCode::NOT_FOUND);
    let (st, _) = w
        .patch(&w.officer_b, &fpath, json!({"status": "acknowledged"}))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, v) = w
        .patch(&w.officer_a, &fpath, json!({"status": "acknowledged"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = w
        .patch(
            &w.officer_a,
            &fpath,
            json!({"status": "accepted_risk", "reason": "x"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = w
        .patch(&w.officer_a, &fpath, json!({"severity": "low"}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = w
        .patch(&w.officer_a, &fpath, json!({"status": "fixed"}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = w
        .patch(&w.officer_a, &fpath, json!({"status": "verified"}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "verification is the unit's");
    // Letters and plans are the unit's.
    let letter = json!({"number": "1/CAT", "date": "2026-11-01", "agency_code": "A", "finding_ids": [f], "deadline": "2026-11-30"});
    assert_eq!(
        w.post(&w.officer_a, "/letters", letter.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.post(&w.auditor, "/letters", letter).await.0,
        StatusCode::FORBIDDEN
    );
    let plan = json!({"number": "1/KH", "date": "2026-01-02", "title": "KH", "start_date": "2026-01-05", "end_date": "2026-06-30"});
    assert_eq!(
        w.post(&w.officer_a, "/plans", plan).await.0,
        StatusCode::FORBIDDEN
    );
    // The report is scoped too.
    let (st, v) = w
        .get(
            &w.officer_b,
            "/reports/summary?from=2026-01-01&to=2026-12-31",
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["findings_by_status"]["fixed"], 0);
    assert_eq!(v["systems_by_level"]["3"], 0);
}

#[tokio::test]
async fn findings_deduplicate_letters_set_deadlines_and_reinspection_verifies() {
    let w = world().await;
    let body = json!({"title": "Thiếu bản vá OpenSSH", "severity": "high", "agency_code": "A",
        "system_code": "SYS-A1", "asset": "10.0.0.5", "source": "vulnerability", "source_ref": "CVE-2024-6387",
        "evidence": "OpenSSH_8.9p1"});
    let f1 = w.finding(body.clone()).await;
    let mut again = body.clone();
    again["title"] = json!("OpenSSH regreSSHion");
    again["evidence"] = json!("OpenSSH_9.0p1");
    let (st, v) = w.post(&w.analyst, "/findings", again).await;
    assert_eq!(
        st,
        StatusCode::OK,
        "same source reference on the same asset: {v}"
    );
    assert_eq!(
        (v["id"].as_i64(), v["deduplicated"].clone()),
        (Some(f1), json!(true))
    );
    assert_eq!(v["occurrences"], 2);
    assert_eq!(v["evidence"], "OpenSSH_9.0p1");
    let mut other = body.clone();
    other["asset"] = json!("10.0.0.6");
    let f2 = w.finding(other).await;
    assert_ne!(f1, f2);
    let fb = w
        .finding(json!({"title": "Cổng quản trị mở", "severity": "medium", "agency_code": "B"}))
        .await;
    // A system of another agency is refused.
    let (st, v) = w
        .post(
            &w.analyst,
            "/findings",
            json!({"title": "x", "severity": "low", "agency_code": "A", "system_code": "SYS-B1"}),
        )
        .await;
    assert_eq!(
        (st, v["error"]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("system_code"))
    );

    // Letter: findings of its agency only, number unique, deadline copied.
    let (st, v) = w
        .post(&w.analyst, "/letters", json!({"number": "125/CAT-PA05", "date": "2026-11-02", "agency_code": "A", "finding_ids": [f1, fb], "deadline": "2026-11-30"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (st, v) = w
        .post(&w.analyst, "/letters", json!({"number": "125/CAT-PA05", "date": "2026-11-02", "agency_code": "A", "finding_ids": [f1, f2], "deadline": "2026-11-30"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let letter = v["id"].as_i64().unwrap();
    assert_eq!(v["finding_ids"], json!([f1, f2]));
    assert_eq!(v["outstanding"], 2);
    let (st, _) = w
        .post(&w.analyst, "/letters", json!({"number": "125/CAT-PA05", "date": "2026-11-03", "agency_code": "A", "finding_ids": [f1], "deadline": "2026-11-30"}))
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (_, v) = w.get(&w.officer_a, &format!("/findings/{f1}")).await;
    assert_eq!(v["due_date"], "2026-11-30");
    assert_eq!(v["letters"], json!(["125/CAT-PA05"]));
    assert_eq!(v["overdue"], json!(true), "deadline passed, still open");
    let (_, v) = w.get(&w.officer_a, "/findings?overdue=true").await;
    assert_eq!(v["total"], 2);
    assert_eq!(
        w.get(&w.officer_b, &format!("/letters/{letter}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (st, v) = w.get(&w.officer_a, &format!("/letters/{letter}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["findings"].as_array().unwrap().len(), 2);

    // The agency reports a fix; re-inspection finds one still there, verifies the other.
    for f in [f1, f2] {
        let (st, _) = w
            .patch(
                &w.officer_a,
                &format!("/findings/{f}"),
                json!({"status": "fixed"}),
            )
            .await;
        assert_eq!(st, StatusCode::OK);
    }
    let (st, _) = w
        .patch(
            &w.analyst,
            &format!("/findings/{f1}"),
            json!({"status": "verified"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, v) = w
        .patch(
            &w.analyst,
            &format!("/findings/{f2}"),
            json!({"status": "open"}),
        )
        .await;
    assert_eq!(
        (st, v["error"]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("reason"))
    );
    let (st, _) = w
        .patch(
            &w.analyst,
            &format!("/findings/{f2}"),
            json!({"status": "open", "reason": "phúc tra: vẫn còn"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, v) = w.get(&w.analyst, &format!("/letters/{letter}")).await;
    assert_eq!(v["outstanding"], 1);
    // After verification the same issue again is a new finding.
    let (st, v) = w.post(&w.analyst, "/findings", body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_ne!(v["id"].as_i64(), Some(f1));
    let (_, h) = w.get(&w.analyst, &format!("/findings/{f1}")).await;
    let kinds: Vec<&str> = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["created", "occurrence", "letter", "status", "status"]
    );
}

#[tokio::test]
async fn evidence_is_stored_with_its_hash() {
    let w = world().await;
    let id = w
        .incident(&w.officer_a, json!({"title": "Deface", "severity": "high", "category": "defacement", "agency_code": "A"}))
        .await;
    let data = b"<html>hacked by x</html>".to_vec();
    let (st, v) =
        w.s.send(
            "POST",
            &format!("/api/v1/incidents/{id}/evidence?name=../../index.html&note=ban%20sao"),
            Some(&w.officer_a),
            "text/html",
            data.clone(),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["name"], "index.html");
    let sha = v["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha.len(), 64);
    let req = axum::http::Request::builder()
        .uri(format!("/api/v1/incidents/{id}/evidence/{}", v["id"]))
        .header("authorization", format!("Bearer {}", w.officer_a))
        .body(axum::body::Body::empty())
        .unwrap();
    let (st, body, headers) = w.s.raw(req).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body, data);
    assert_eq!(headers["x-content-sha256"], sha.as_str());
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let req = axum::http::Request::builder()
        .uri(format!("/api/v1/incidents/{id}/evidence/{}", v["id"]))
        .header("authorization", format!("Bearer {}", w.officer_b))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(w.s.raw(req).await.0, StatusCode::NOT_FOUND);
    let (st, _) =
        w.s.send(
            "POST",
            &format!("/api/v1/incidents/{id}/evidence?name=x"),
            Some(&w.officer_a),
            "text/plain",
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The report's figures, recomputed here from what the test created.
#[tokio::test]
async fn report_summary_counts_what_was_recorded() {
    let w = world().await;
    // Incidents: two inside the first half of 2026 (one closed), one outside.
    let inside = [
        ("2026-01-01T00:30:00+07:00", "malware"),
        ("2026-06-30T23:59:00+07:00", "defacement"),
    ];
    let mut ids = vec![];
    for (at, cat) in inside {
        ids.push(
            w.incident(&w.analyst, json!({"title": cat, "severity": "medium", "category": cat, "agency_code": "A", "detected_at": at}))
                .await,
        );
    }
    w.incident(&w.analyst, json!({"title": "late", "severity": "low", "category": "malware", "agency_code": "B", "detected_at": "2026-07-01T00:00:00+07:00"}))
        .await;
    w.incident(&w.analyst, json!({"title": "early", "severity": "low", "category": "malware", "agency_code": "B", "detected_at": "2025-12-31T23:59:00+07:00"}))
        .await;
    let (st, _) = w
        .patch(
            &w.analyst,
            &format!("/incidents/{}", ids[0]),
            json!({"status": "closed", "reason": "nhầm"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    // Plans: 3 targets inside the period (1 done, 1 cancelled), 1 outside.
    let (st, plan) = w
        .post(&w.analyst, "/plans", json!({"number": "45/KH-PA05", "date": "2026-01-02", "title": "Kiểm tra 2026",
            "start_date": "2026-01-05", "end_date": "2026-12-31", "team": ["Tổ 1"],
            "targets": [
                {"kind": "workstation", "agency_code": "A", "name": "pc-01", "checklist": "d06_workstation", "scheduled_date": "2026-03-01"},
                {"kind": "system", "agency_code": "A", "system_code": "SYS-A1"},
                {"kind": "agency", "agency_code": "B", "scheduled_date": "2026-05-01"},
                {"kind": "agency", "agency_code": "B", "scheduled_date": "2026-09-01", "reinspection": true}
            ]}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{plan}");
    let t = plan["targets"].as_array().unwrap();
    let (st, v) =
        w.s.call(
            "PUT",
            &format!("/api/v1/targets/{}/result", t[0]["id"]),
            Some(&w.analyst),
            Some(
                json!({"status": "done", "inspected_on": "2026-03-02", "passed": 10, "failed": 2}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) =
        w.s.call(
            "PUT",
            &format!("/api/v1/targets/{}/result", t[2]["id"]),
            Some(&w.analyst),
            Some(json!({"status": "cancelled"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, p) = w.get(&w.officer_a, &format!("/plans/{}", plan["id"])).await;
    assert_eq!(
        p["targets"].as_array().unwrap().len(),
        2,
        "officer sees own targets"
    );
    assert_eq!(
        (p["targets_total"].clone(), p["targets_done"].clone()),
        (json!(2), json!(1))
    );
    // Findings and a letter.
    let f = w
        .finding(json!({"title": "F1", "severity": "high", "agency_code": "A"}))
        .await;
    w.finding(json!({"title": "F2", "severity": "low", "agency_code": "B"}))
        .await;
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date()
        .to_string();
    let (st, _) = w
        .post(&w.analyst, "/letters", json!({"number": "7/CAT", "date": today, "agency_code": "A", "finding_ids": [f], "deadline": today}))
        .await;
    assert_eq!(st, StatusCode::CREATED);

    let (st, v) = w
        .get(&w.auditor, "/reports/summary?from=2026-01-01&to=2026-06-30")
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        v["systems_by_level"],
        json!({"1": 1, "2": 1, "3": 1, "4": 2, "5": 0})
    );
    assert_eq!(v["systems_approved"], 2);
    assert_eq!(v["systems_approved_in_period"], 2);
    assert_eq!(v["incidents_total"], 2);
    assert_eq!(v["incidents_by_category"]["malware"], 1);
    assert_eq!(v["incidents_by_category"]["defacement"], 1);
    assert_eq!(v["incidents_open"], 1);
    assert_eq!(v["inspections"]["planned"], 2, "{}", v["inspections"]);
    assert_eq!(v["inspections"]["done"], 1);
    assert_eq!(v["inspections"]["workstations_done"], 1);
    assert!(
        v["method"]["inspections"]["vi"]
            .as_str()
            .unwrap()
            .contains("kế hoạch")
    );
    // Findings and the letter fall in the current period, not the first half.
    let (_, now) = w
        .get(
            &w.auditor,
            &format!("/reports/summary?from={today}&to={today}"),
        )
        .await;
    assert_eq!(now["findings_by_status"]["open"], 2);
    assert_eq!(now["letters_issued"], 1);
    assert_eq!(now["incidents_total"], 0);
    // Scoped: officer B sees B's figures only.
    let (_, b) = w
        .get(
            &w.officer_b,
            "/reports/summary?from=2026-01-01&to=2026-12-31",
        )
        .await;
    assert_eq!(b["incidents_total"], 1);
    assert_eq!(b["systems_total"], 3);
    assert_eq!(
        b["inspections"]["planned"], 1,
        "the re-inspection in September"
    );
    assert_eq!(b["inspections"]["reinspections"], 1);
    // Bad periods are 422.
    let (st, v) = w
        .get(&w.auditor, "/reports/summary?from=2026-06-30&to=2026-01-01")
        .await;
    assert_eq!(
        (st, v["error"]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("to"))
    );
    let (st, _) = w.get(&w.auditor, "/reports/summary?from=hôm-qua").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn targets_carry_checklists_whose_answers_drive_the_result() {
    let w = world().await;
    let (st, plan) = w
        .post(&w.analyst, "/plans", json!({"number": "3/KH", "date": "2026-01-02", "title": "KH",
            "start_date": "2026-01-05", "end_date": "2026-12-31", "targets": [
                {"kind": "workstation", "agency_code": "A", "name": "pc-01", "checklist": "d06_workstation"},
                {"kind": "system", "agency_code": "B", "system_code": "SYS-B1"}]}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{plan}");
    let (ws, sys) = (
        plan["targets"][0]["id"].as_i64().unwrap(),
        plan["targets"][1]["id"].as_i64().unwrap(),
    );
    assert_eq!(plan["targets"][0]["items_total"], 28);
    let (_, v) = w.get(&w.analyst, &format!("/targets/{sys}/items")).await;
    let level4 = v["items"].as_array().unwrap().len();
    assert!(level4 > 10, "level-4 requirements: {level4}");
    // Officers read their own target's checklist only; answering is the unit's.
    assert_eq!(
        w.get(&w.officer_b, &format!("/targets/{ws}/items")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, v) = w.get(&w.officer_a, &format!("/targets/{ws}/items")).await;
    let codes: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect();
    let answers = |result: &str| -> Vec<Value> {
        codes
            .iter()
            .enumerate()
            .map(|(n, c)| json!({"code": c, "result": if n == 4 { "failed" } else { result }}))
            .collect()
    };
    let path = format!("/targets/{ws}/items");
    let (st, _) =
        w.s.call(
            "PUT",
            &format!("/api/v1{path}"),
            Some(&w.officer_a),
            Some(json!({"items": answers("passed")})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, v) =
        w.s.call(
            "PUT",
            &format!("/api/v1{path}"),
            Some(&w.analyst),
            Some(json!({"items": [{"code": "D06-99", "result": "passed"}]})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("code"))
    );
    let (st, v) =
        w.s.call(
            "PUT",
            &format!("/api/v1{path}"),
            Some(&w.analyst),
            Some(json!({"items": [{"code": "D06-01", "result": "maybe"}]})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Half answered: counts follow, still planned.
    let half: Vec<Value> = answers("passed").into_iter().take(10).collect();
    let (st, t) =
        w.s.call(
            "PUT",
            &format!("/api/v1{path}"),
            Some(&w.analyst),
            Some(json!({"items": half})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{t}");
    assert_eq!(
        (
            t["passed"].clone(),
            t["failed"].clone(),
            t["status"].clone()
        ),
        (json!(9), json!(1), json!("planned"))
    );
    // All answered: inspected.
    let (_, t) =
        w.s.call(
            "PUT",
            &format!("/api/v1{path}"),
            Some(&w.analyst),
            Some(json!({"items": answers("passed")})),
        )
        .await;
    assert_eq!(
        (
            t["passed"].clone(),
            t["failed"].clone(),
            t["status"].clone()
        ),
        (json!(27), json!(1), json!("done"))
    );
    assert_eq!(t["items_answered"], 28);
    assert!(t["inspected_on"].is_string());
}

#[tokio::test]
async fn plans_can_be_amended_by_the_unit_only() {
    let w = world().await;
    let (_, plan) = w
        .post(
            &w.analyst,
            "/plans",
            json!({"number": "8/KH", "date": "2026-01-02", "title": "KH",
            "start_date": "2026-01-05", "end_date": "2026-06-30",
            "targets": [{"kind": "agency", "agency_code": "A"}]}),
        )
        .await;
    let path = format!("/api/v1/plans/{}", plan["id"]);
    let body = json!({"number": "8/KH", "date": "2026-01-02", "title": "KH (sửa đổi)",
        "start_date": "2026-01-05", "end_date": "2026-09-30", "team": ["Tổ 2"]});
    let (st, _) =
        w.s.call("PUT", &path, Some(&w.officer_a), Some(body.clone()))
            .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, v) = w.s.call("PUT", &path, Some(&w.analyst), Some(body)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        (v["title"].clone(), v["end_date"].clone()),
        (json!("KH (sửa đổi)"), json!("2026-09-30"))
    );
    assert_eq!(v["targets"].as_array().unwrap().len(), 1, "targets stay");
    let (st, v) =
        w.s.call(
            "PUT",
            &path,
            Some(&w.analyst),
            Some(json!({"number": "8/KH", "date": "2026-01-02", "title": "x",
            "start_date": "2026-06-01", "end_date": "2026-01-01"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("end_date"))
    );
}
