//! Agent groups: central settings validated with the key named, the authorization and
//! scoping matrix, tokens that enroll into a group, the settings an agent fetches and the
//! version its heartbeat answer announces, audit rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
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

async fn enroll(s: &TestServer, admin: &str, agency: &str, group: Option<i64>) -> (i64, String) {
    let (st, t) = s
        .call(
            "POST",
            "/api/v1/enroll-tokens",
            Some(admin),
            Some(json!({"agency_code": agency, "group_id": group})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    let (st, e) = s
        .call(
            "POST",
            "/api/v1/agent/enroll",
            None,
            Some(
                json!({"token": t["token"], "hostname": format!("pc-{agency}"), "os": "Debian 12"}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    (
        e["agent_id"].as_i64().unwrap(),
        e["credential"].as_str().unwrap().to_string(),
    )
}

async fn heartbeat_version(s: &TestServer, cred: &str) -> String {
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/agent/heartbeat",
            Some(cred),
            Some(json!({"rss_bytes": 1})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v["settings_version"].as_str().unwrap().to_string()
}

fn d06() -> Value {
    json!({"name": "d06", "agency_code": "A", "description": "Máy tính Đề án 06",
        "settings": {"fim": ["/etc"], "usb": true, "journald": true,
            "compliance": {"every_minutes": 720, "policies": ["lachan_d06_workstation_linux"]},
            "malware": {"rules": "/etc/lachan/yara", "on_fim": true}}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_are_validated_with_the_key_named() {
    let (s, admin, _, _) = setup().await;
    let cases = [
        (json!({"fim": ["etc"]}), "settings.fim[0]"),
        (
            json!({"compliance": {"every_minutes": 1}}),
            "settings.compliance.every_minutes",
        ),
        (
            json!({"malware": {"rules": "/r", "on_fim": true}}),
            "settings.malware.on_fim",
        ),
        (json!({"heartbeat_secs": 0}), "settings.heartbeat_secs"),
    ];
    for (settings, field) in cases {
        let (st, v) = s
            .call(
                "POST",
                "/api/v1/agent-groups",
                Some(&admin),
                Some(json!({"name": "x", "settings": settings})),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["field"], field, "{v}");
    }
    // Unknown keys are refused, not ignored.
    let (st, _) = s
        .call(
            "POST",
            "/api/v1/agent-groups",
            Some(&admin),
            Some(json!({"name": "x", "settings": {"filez": []}})),
        )
        .await;
    assert!(st.is_client_error(), "{st}");
    let (st, _) = s
        .call(
            "POST",
            "/api/v1/agent-groups",
            Some(&admin),
            Some(json!({"name": "", "settings": {}})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    // Names are unique per agency.
    let (st, _) = s
        .call("POST", "/api/v1/agent-groups", Some(&admin), Some(d06()))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = s
        .call("POST", "/api/v1/agent-groups", Some(&admin), Some(d06()))
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (_, list) = s
        .call("GET", "/api/v1/agent-groups", Some(&admin), None)
        .await;
    assert_eq!(
        list["total"], 1,
        "nothing of the refused requests was stored: {list}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_follow_roles_and_agencies() {
    let (s, admin, officer_a, officer_b) = setup().await;
    // Officers cannot manage groups.
    let (st, _) = s
        .call(
            "POST",
            "/api/v1/agent-groups",
            Some(&officer_a),
            Some(d06()),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, g) = s
        .call("POST", "/api/v1/agent-groups", Some(&admin), Some(d06()))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let ga = g["id"].as_i64().unwrap();
    assert_eq!(g["revision"], 1);
    let (st, g) = s
        .call(
            "POST",
            "/api/v1/agent-groups",
            Some(&admin),
            Some(json!({"name": "servers", "settings": {"files": ["/var/log/auth.log"]}})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let province = g["id"].as_i64().unwrap();
    assert_eq!(g["agency_code"], Value::Null);
    let (st, g) = s
        .call(
            "POST",
            "/api/v1/agent-groups",
            Some(&admin),
            Some(json!({"name": "b-only", "agency_code": "B"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let gb = g["id"].as_i64().unwrap();

    // Officers see their agency's groups and the province-wide ones, nothing else.
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, la) = s
        .call("GET", "/api/v1/agent-groups", Some(&officer_a), None)
        .await;
    assert_eq!(names(&la), ["servers", "d06"]);
    let (_, lb) = s
        .call("GET", "/api/v1/agent-groups", Some(&officer_b), None)
        .await;
    assert_eq!(names(&lb), ["servers", "b-only"]);
    let (st, _) = s
        .call(
            "GET",
            &format!("/api/v1/agent-groups/{ga}"),
            Some(&officer_b),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    for (m, body) in [("PUT", Some(d06())), ("DELETE", None)] {
        let (st, _) = s
            .call(
                m,
                &format!("/api/v1/agent-groups/{ga}"),
                Some(&officer_a),
                body,
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{m}");
    }

    // A token places agents into a group of their agency; another agency's group is refused.
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/enroll-tokens",
            Some(&admin),
            Some(json!({"agency_code": "A", "group_id": gb})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "group_id");
    let (agent, cred) = enroll(&s, &admin, "A", Some(ga)).await;
    let (_, agents) = s.call("GET", "/api/v1/agents", Some(&admin), None).await;
    assert_eq!(agents["items"][0]["group_name"], "d06");

    // The agent fetches its group's settings; the heartbeat answer carries their version.
    let (st, doc) = s
        .call("GET", "/api/v1/agent/settings", Some(&cred), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{doc}");
    assert_eq!(doc["group"], "d06");
    assert_eq!(doc["settings"]["fim"], json!(["/etc"]));
    assert_eq!(doc["settings"]["compliance"]["every_minutes"], 720);
    let v1 = heartbeat_version(&s, &cred).await;
    assert_eq!(v1, doc["version"]);
    let (st, _) = s
        .call("GET", "/api/v1/agent/settings", Some(&admin), None)
        .await;
    assert_eq!(
        st,
        StatusCode::UNAUTHORIZED,
        "a user token is not an agent credential"
    );

    // A change raises the revision and the version the agent is told about.
    let mut changed = d06();
    changed["settings"]["files"] = json!(["/var/log/auth.log"]);
    let (st, g) = s
        .call(
            "PUT",
            &format!("/api/v1/agent-groups/{ga}"),
            Some(&admin),
            Some(changed),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{g}");
    assert_eq!(g["revision"], 2);
    let v2 = heartbeat_version(&s, &cred).await;
    assert_ne!(v1, v2);
    // The agency of a group does not change.
    let mut moved = d06();
    moved["agency_code"] = json!("B");
    let (st, _) = s
        .call(
            "PUT",
            &format!("/api/v1/agent-groups/{ga}"),
            Some(&admin),
            Some(moved),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);

    // Moving agents: into another agency's group is refused, into a province-wide one works.
    let (st, v) = s
        .call(
            "PUT",
            &format!("/api/v1/agents/{agent}/group"),
            Some(&admin),
            Some(json!({"group_id": gb})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (st, _) = s
        .call(
            "PUT",
            &format!("/api/v1/agents/{agent}/group"),
            Some(&officer_a),
            Some(json!({"group_id": province})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, a) = s
        .call(
            "PUT",
            &format!("/api/v1/agents/{agent}/group"),
            Some(&admin),
            Some(json!({"group_id": province})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    assert_eq!(a["group_name"], "servers");
    let (_, doc) = s
        .call("GET", "/api/v1/agent/settings", Some(&cred), None)
        .await;
    assert_eq!(doc["settings"]["files"], json!(["/var/log/auth.log"]));
    assert_ne!(heartbeat_version(&s, &cred).await, v2);

    // Deleting the group leaves the agent without central settings.
    let (st, _) = s
        .call(
            "DELETE",
            &format!("/api/v1/agent-groups/{province}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(heartbeat_version(&s, &cred).await, "none");
    let (_, doc) = s
        .call("GET", "/api/v1/agent/settings", Some(&cred), None)
        .await;
    assert_eq!(doc["group"], Value::Null);
    assert_eq!(doc["settings"], json!({}));

    // Every change is in the audit log.
    let (_, audit) = s
        .call("GET", "/api/v1/audit?limit=100", Some(&admin), None)
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    for a in [
        "agent_group.create",
        "agent_group.update",
        "agent.group",
        "agent_group.delete",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}
