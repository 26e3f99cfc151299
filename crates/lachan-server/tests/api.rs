//! The API contract and the authorisation matrix (role × action × own/other agency).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{ADMIN_PW, TestServer};
use serde_json::json;

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
    for (code, parent) in [("A", None), ("A1", Some("A")), ("B", None)] {
        let (st, v) = s
            .call("POST", "/api/v1/agencies", Some(&admin), Some(json!({"code": code, "name": format!("Sở {code}"), "kind": "province_department", "parent_code": parent})))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert_eq!(v["code"], code);
    }
    for (code, agency) in [("SA", "A"), ("SA1", "A1"), ("SB", "B")] {
        let (st, v) = s
            .call("POST", "/api/v1/systems", Some(&admin), Some(json!({"code": code, "name": format!("Hệ thống {code}"), "agency_code": agency, "security_level": 2})))
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
        assert_eq!(v["must_change_password"], true);
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

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect()
}

/// (user, token, visible fixed systems, read SB, create in own agency, write SB,
/// create agency, manage users, read audit)
type Expect<'a> = (
    &'a str,
    &'a str,
    &'a [&'a str],
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
);

#[tokio::test]
async fn authorization_matrix() {
    let w = world().await;
    let s = &w.s;
    // (name, token, visible systems, can read SB, can write own, can write SB, agency/user admin, audit)
    let rows: [Expect; 5] = [
        // name, token, visible, read SB, create in own agency, write SB, create agency, manage users, read audit
        (
            "admin",
            &w.admin,
            &["SA", "SA1", "SB"],
            true,
            true,
            true,
            true,
            true,
            true,
        ),
        (
            "analyst",
            &w.analyst,
            &["SA", "SA1", "SB"],
            true,
            true,
            true,
            true,
            false,
            false,
        ),
        (
            "auditor",
            &w.auditor,
            &["SA", "SA1", "SB"],
            true,
            false,
            false,
            false,
            false,
            true,
        ),
        (
            "officer_a",
            &w.officer_a,
            &["SA", "SA1"],
            false,
            true,
            false,
            false,
            false,
            false,
        ),
        (
            "officer_b",
            &w.officer_b,
            &["SB"],
            true,
            true,
            true,
            false,
            false,
            false,
        ),
    ];
    for (i, (name, tok, visible, read_sb, create_own, write_sb, create_agency, users, audit)) in
        rows.into_iter().enumerate()
    {
        let t = Some(tok);
        let (st, v) = s.call("GET", "/api/v1/systems", t, None).await;
        assert_eq!(st, StatusCode::OK, "{name}");
        // Rows above create systems too; judge visibility of the three fixed ones.
        let seen: Vec<String> = codes(&v)
            .into_iter()
            .filter(|c| c.starts_with('S'))
            .collect();
        assert_eq!(seen, visible, "{name} list");

        let (st, _) = s.call("GET", "/api/v1/systems/SB", t, None).await;
        assert_eq!(st == StatusCode::OK, read_sb, "{name} read SB: {st}");
        if !read_sb {
            assert_eq!(
                st,
                StatusCode::NOT_FOUND,
                "{name}: other agency's object is hidden"
            );
        }

        let own = if name == "officer_b" { "B" } else { "A1" };
        let code = format!("NEW{i}");
        let (st, v) = s
            .call(
                "POST",
                "/api/v1/systems",
                t,
                Some(json!({"code": code, "name": "Mới", "agency_code": own, "security_level": 3})),
            )
            .await;
        assert_eq!(
            st == StatusCode::CREATED,
            create_own,
            "{name} create in {own}: {st} {v}"
        );
        if !create_own {
            assert_eq!(st, StatusCode::FORBIDDEN, "{name}");
        }

        // Writing another agency's system, and moving a system into another agency.
        let (st, v) = s
            .call("PUT", "/api/v1/systems/SB", t, Some(json!({"code": "SB", "name": format!("sửa bởi {name}"), "agency_code": "B", "security_level": 2})))
            .await;
        assert_eq!(st == StatusCode::OK, write_sb, "{name} update SB: {st} {v}");
        if name == "officer_a" {
            assert_eq!(st, StatusCode::NOT_FOUND);
            let (st, _) = s.call("DELETE", "/api/v1/systems/SB", t, None).await;
            assert_eq!(st, StatusCode::NOT_FOUND);
            let (st, _) = s
                .call("POST", "/api/v1/systems", t, Some(json!({"code": "SNEAK", "name": "x", "agency_code": "B", "security_level": 2})))
                .await;
            assert_eq!(st, StatusCode::FORBIDDEN, "officer_a cannot create under B");
            let (st, _) = s
                .call(
                    "PUT",
                    "/api/v1/systems/SA",
                    t,
                    Some(
                        json!({"code": "SA", "name": "x", "agency_code": "B", "security_level": 2}),
                    ),
                )
                .await;
            assert_eq!(st, StatusCode::FORBIDDEN, "officer_a cannot move SA to B");
            let (st, _) = s.call("GET", "/api/v1/systems/SB/assets", t, None).await;
            assert_eq!(st, StatusCode::NOT_FOUND);
            let (st, _) = s
                .call(
                    "POST",
                    "/api/v1/systems/SB/assets",
                    t,
                    Some(json!({"kind": "server", "name": "x"})),
                )
                .await;
            assert_eq!(st, StatusCode::NOT_FOUND);
            let (st, _) = s.call("GET", "/api/v1/agencies/B", t, None).await;
            assert_eq!(st, StatusCode::NOT_FOUND);
            let (st, v) = s.call("GET", "/api/v1/agencies", t, None).await;
            assert_eq!(st, StatusCode::OK);
            assert_eq!(codes(&v), ["A", "A1"]);
            let (_, listed) = s.call("GET", "/api/v1/systems", t, None).await;
            let listed_total = listed["total"].clone();
            let (st, v) = s.call("GET", "/api/v1/dashboard", t, None).await;
            assert_eq!(st, StatusCode::OK);
            assert_eq!(
                v["systems_total"], listed_total,
                "dashboard counts what the list shows: {v}"
            );
            let (st, bytes, _) = s
                .raw(
                    Request::get("/api/v1/export/systems")
                        .header("authorization", format!("Bearer {tok}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(st, StatusCode::OK);
            let csv = String::from_utf8(bytes).unwrap();
            assert!(
                csv.contains("SA1") && !csv.contains("SB,"),
                "export is scoped: {csv}"
            );
        }

        let (st, _) = s
            .call(
                "POST",
                "/api/v1/agencies",
                t,
                Some(json!({"code": format!("AG{i}"), "name": "x"})),
            )
            .await;
        assert_eq!(
            st == StatusCode::CREATED,
            create_agency,
            "{name} create agency: {st}"
        );

        let (st, _) = s
            .call(
                "POST",
                "/api/v1/users",
                t,
                Some(json!({"username": format!("u{i}"), "password": PW, "role": "admin"})),
            )
            .await;
        assert_eq!(st == StatusCode::CREATED, users, "{name} create user: {st}");
        if !users {
            assert_eq!(st, StatusCode::FORBIDDEN);
        }

        let (st, _) = s.call("GET", "/api/v1/audit", t, None).await;
        assert_eq!(st == StatusCode::OK, audit, "{name} audit: {st}");
    }
}

#[tokio::test]
async fn contract_errors() {
    let w = world().await;
    let s = &w.s;
    let t = Some(w.admin.as_str());
    // 401 without or with a wrong token.
    let (st, v) = s.call("GET", "/api/v1/systems", None, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(v["error"]["code"], "unauthorized");
    let (st, _) = s
        .call("GET", "/api/v1/systems", Some("lct_nonsense"), None)
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // 422 naming the field.
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/systems",
            t,
            Some(json!({"code": "X", "name": "x", "agency_code": "A", "security_level": 7})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "security_level");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("security_level")
    );
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/systems",
            t,
            Some(json!({"code": "X", "name": "x", "agency_code": "A", "security_level": "high"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "security_level");
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/systems",
            t,
            Some(json!({"code": "X", "name": "x", "agency_code": "A"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "security_level");
    let (st, v) = s
        .call("POST", "/api/v1/systems", t, Some(json!({"code": "X", "name": "x", "agency_code": "A", "security_level": 3, "dossier_status": "approved"})))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "approval_decision_no");
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/systems",
            t,
            Some(json!({"code": "X", "name": "x", "agency_code": "NOPE", "security_level": 3})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "agency_code");
    // Approval with number and date → approved.
    let (st, v) = s
        .call("POST", "/api/v1/systems", t, Some(json!({"code": "X", "name": "x", "agency_code": "A", "security_level": 3, "approval_decision_no": "12/QĐ-UBND", "approval_date": "2025-04-01"})))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["dossier_status"], "approved");
    let (st, v) = s.call("GET", "/api/v1/systems/X", t, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["security_level"], 3);
    // Duplicate → 409.
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/systems",
            t,
            Some(json!({"code": "X", "name": "x", "agency_code": "A", "security_level": 3})),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    // Malformed JSON → 400, wrong content type → 400.
    let (st, _, _) = s
        .raw(
            Request::post("/api/v1/systems")
                .header("authorization", format!("Bearer {}", w.admin))
                .header("content-type", "application/json")
                .body(Body::from("{\"code\":"))
                .unwrap(),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // Oversized body → 413, never a 500.
    let big = vec![b'a'; lachan_server::MAX_BODY_BYTES + 10];
    let (st, _, _) = s
        .raw(
            Request::post("/api/v1/import/systems")
                .header("authorization", format!("Bearer {}", w.admin))
                .body(Body::from(big))
                .unwrap(),
        )
        .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    // Unknown endpoint → JSON 404.
    let (st, v) = s.call("GET", "/api/v1/nothing", t, None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["error"]["code"], "not_found");
}

#[tokio::test]
async fn lockout_after_repeated_failures() {
    let w = world().await;
    let s = &w.s;
    for _ in 0..5 {
        let (st, v) = s
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "analyst", "password": "wrong-password"})),
            )
            .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{v}");
    }
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "analyst", "password": PW})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"]["code"], "account_locked");
    let (st, _) = s
        .call("POST", "/api/v1/users/analyst/unlock", Some(&w.admin), None)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    s.login("analyst", PW).await;
    // Disabled users cannot log in and their tokens stop working.
    let (st, _) = s
        .call(
            "POST",
            "/api/v1/users/auditor/disable",
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = s.call("GET", "/api/v1/me", Some(&w.auditor), None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = s
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "auditor", "password": PW})),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn api_tokens_work_and_revoke() {
    let w = world().await;
    let s = &w.s;
    let (st, v) = s
        .call(
            "POST",
            "/api/v1/tokens",
            Some(&w.officer_a),
            Some(json!({"name": "script"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let tok = v["token"].as_str().unwrap().to_string();
    let id = v["record"]["id"].as_i64().unwrap();
    let (st, v) = s.call("GET", "/api/v1/systems", Some(&tok), None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        codes(&v),
        ["SA", "SA1"],
        "an API token carries its user's scope"
    );
    let (st, _) = s
        .call(
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            Some(&w.officer_a),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = s.call("GET", "/api/v1/systems", Some(&tok), None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // Logging out ends a login token.
    let (st, _) = s
        .call("POST", "/api/v1/auth/logout", Some(&w.officer_b), None)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = s.call("GET", "/api/v1/me", Some(&w.officer_b), None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_change_is_audited_and_chain_verifies() {
    let w = world().await;
    let (st, v) =
        w.s.call(
            "GET",
            "/api/v1/audit?action=system.&limit=50",
            Some(&w.auditor),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["total"], 3, "{v}");
    let first = &v["items"][0];
    assert_eq!(first["actor"], "admin");
    assert_eq!(first["source_ip"], "127.0.0.1");
    assert!(first["summary"].as_str().unwrap().contains("after"));
    use lachan_store::AuditStore;
    assert!(w.s.store.verify_audit().await.unwrap().is_ok());
}

fn csv_rows(n: usize, bad_row: Option<usize>) -> String {
    let mut out =
        String::from("code,name,agency_code,security_level,approval_decision_no,approval_date\n");
    for i in 0..n {
        let level = if Some(i + 2) == bad_row { 9 } else { 1 + i % 5 };
        out.push_str(&format!(
            "IMP-{i:05},Hệ thống nhập {i},A,{level},{i}/QĐ-UBND,15/03/2024\n"
        ));
    }
    out
}

#[tokio::test]
async fn csv_import_all_or_nothing_and_timed() {
    let w = world().await;
    let s = &w.s;
    let post = |body: String| {
        Request::post("/api/v1/import/systems?filename=systems.csv")
            .header("authorization", format!("Bearer {}", w.admin))
            .header("content-type", "text/csv")
            .body(Body::from(body))
            .unwrap()
    };
    let (st, body, _) = s.raw(post(csv_rows(10_000, Some(5_001)))).await;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["details"][0]["row"], 5_001, "{v}");
    let (_, v) = s
        .call("GET", "/api/v1/systems?limit=1", Some(&w.admin), None)
        .await;
    assert_eq!(v["total"], 3, "nothing imported");

    let t0 = std::time::Instant::now();
    let (st, body, _) = s.raw(post(csv_rows(10_000, None))).await;
    let took = t0.elapsed();
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    println!("imported 10,000 CSV rows through the API in {took:?} (debug build)");
    let (_, v) = s
        .call("GET", "/api/v1/systems?limit=1", Some(&w.admin), None)
        .await;
    assert_eq!(v["total"], 10_003);
    // An officer may not import into another agency: nothing is stored.
    let officer_csv = "code,name,agency_code,security_level\nOK-1,x,A,2\nBAD-1,x,B,2\n".to_string();
    let (st, body, _) = s
        .raw(
            Request::post("/api/v1/import/systems")
                .header("authorization", format!("Bearer {}", w.officer_a))
                .body(Body::from(officer_csv))
                .unwrap(),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let (st, _) = s
        .call("GET", "/api/v1/systems/OK-1", Some(&w.admin), None)
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn openapi_describes_the_api() {
    let s = TestServer::new().await;
    let (st, v) = s.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["openapi"], "3.1.0");
    for p in [
        "/auth/login",
        "/systems",
        "/systems/{code}",
        "/agencies",
        "/users",
        "/audit",
        "/import/{kind}",
    ] {
        assert!(v["paths"][p].is_object(), "{p} missing");
    }
    let (st, _) = s.call("GET", "/healthz", None, None).await;
    assert_eq!(st, StatusCode::OK);
}
