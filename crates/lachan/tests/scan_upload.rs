//! `lachan scan --upload`: an inspector's scan result reaches the server as an
//! inspection of the host; its failed checks become findings of the host's agency, a
//! second upload of the same problems folds into them, and an inspection target named
//! by the upload is marked inspected.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

use common::{PW, free_port, http, serve};

const POLICY: &str = r#"
policy: {id: test_upload, name: Upload test policy}
checks:
  - {id: 1, title: Marker file present, condition: all, rules: ['f:MARKER']}
  - {id: 2, title: Forbidden file absent, severity: high, condition: none, rules: ['f:FORBIDDEN'],
     remediation: Remove the forbidden file.}
"#;

fn scan(policy: &std::path::Path, port: u16, token: &str, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lachan"))
        .args(["scan", "--no-accounts", "--format", "json", "--policy"])
        .arg(policy)
        .args([
            "--upload",
            &format!("http://127.0.0.1:{port}"),
            "--token",
            token,
        ])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn scan_upload_records_an_inspection_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("marker");
    let forbidden = dir.path().join("forbidden");
    std::fs::write(&marker, "x").unwrap();
    std::fs::write(&forbidden, "x").unwrap();
    let policy = dir.path().join("p.yml");
    std::fs::write(
        &policy,
        POLICY
            .replace("MARKER", marker.to_str().unwrap())
            .replace("FORBIDDEN", forbidden.to_str().unwrap()),
    )
    .unwrap();
    let port = free_port();
    let mut server = serve(&dir.path().join("server"), port);
    let login = format!("{{\"username\":\"admin\",\"password\":\"{PW}\"}}");
    let (_, v) = http(port, "POST", "/api/v1/auth/login", None, &login).unwrap();
    let admin = v["token"].as_str().unwrap().to_string();
    let (st, _) = http(
        port,
        "POST",
        "/api/v1/agencies",
        Some(&admin),
        r#"{"code":"XA-09","name":"UBND xã Chín","kind":"commune_ward"}"#,
    )
    .unwrap();
    assert_eq!(st, 201);
    let (st, plan) = http(port, "POST", "/api/v1/plans", Some(&admin),
        r#"{"number":"9/KH","date":"2026-01-02","title":"Đề án 06","start_date":"2026-01-05","end_date":"2026-12-31",
            "targets":[{"kind":"workstation","agency_code":"XA-09","name":"pc-01","checklist":"scan"}]}"#).unwrap();
    assert_eq!(st, 201, "{plan}");
    let target = plan["targets"][0]["id"].as_i64().unwrap();

    // Without an agency or target the upload is refused before anything is sent.
    let out = scan(&policy, port, &admin, &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--agency"));

    let out = scan(&policy, port, &admin, &["--target-id", &target.to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("1 findings (1 new)"), "{err}");
    let (_, list) = http(
        port,
        "GET",
        "/api/v1/findings?agency_code=XA-09",
        Some(&admin),
        "",
    )
    .unwrap();
    assert_eq!(list["total"], 1, "{list}");
    let f = &list["items"][0];
    assert_eq!(
        (f["source"].clone(), f["severity"].clone()),
        ("scan".into(), "high".into())
    );
    assert_eq!(f["source_ref"], "test_upload:2");
    assert_eq!(f["recommendation"], "Remove the forbidden file.");
    assert_eq!(f["target_id"], target);
    let (_, p) = http(
        port,
        "GET",
        &format!("/api/v1/plans/{}", plan["id"]),
        Some(&admin),
        "",
    )
    .unwrap();
    let t = &p["targets"][0];
    assert_eq!(
        (
            t["status"].clone(),
            t["passed"].clone(),
            t["failed"].clone()
        ),
        ("done".into(), 1.into(), 1.into())
    );

    // The same problem again: no new finding, one more occurrence.
    let out = scan(&policy, port, &admin, &["--agency", "XA-09"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("(0 new)"));
    let (_, list) = http(
        port,
        "GET",
        "/api/v1/findings?agency_code=XA-09",
        Some(&admin),
        "",
    )
    .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["occurrences"], 2);
    let (_, scans) = http(port, "GET", "/api/v1/scans", Some(&admin), "").unwrap();
    assert_eq!(scans["items"].as_array().unwrap().len(), 2);
    let (_, c) = http(port, "GET", "/api/v1/compliance", Some(&admin), "").unwrap();
    assert_eq!(c["groups"][0]["key"], "XA-09");
    assert_eq!(c["groups"][0]["pass_rate"], 50.0);

    // A body that is not a scan result: 400, nothing stored.
    let (st, v) = http(
        port,
        "POST",
        "/api/v1/scans?agency_code=XA-09",
        Some(&admin),
        r#"{"host":{}}"#,
    )
    .unwrap();
    assert_eq!(st, 400, "{v}");
    let (_, scans) = http(port, "GET", "/api/v1/scans", Some(&admin), "").unwrap();
    assert_eq!(scans["items"].as_array().unwrap().len(), 2);
    let _ = server.kill();
    let _ = server.wait();
}
