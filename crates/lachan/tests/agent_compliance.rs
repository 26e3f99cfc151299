//! An enrolled agent runs its compliance checks on a schedule and the server records
//! each result for the agent's agency and host, with findings for the failed checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Stdio};

use common::{PW, free_port, http, serve, wait_for};

#[test]
fn agent_sends_compliance_results() {
    let dir = tempfile::tempdir().unwrap();
    let forbidden = dir.path().join("forbidden");
    std::fs::write(&forbidden, "x").unwrap();
    let policy = dir.path().join("p.yml");
    std::fs::write(
        &policy,
        format!(
            "policy: {{id: agent_policy, name: Agent policy}}\nchecks:\n  - {{id: 1, title: Forbidden file absent, severity: high, condition: none, rules: ['f:{}']}}\n  - {{id: 2, title: Temp dir present, condition: all, rules: ['d:/tmp']}}\n",
            forbidden.display()
        ),
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
        r#"{"code":"XA-05","name":"UBND xã Năm","kind":"commune_ward"}"#,
    )
    .unwrap();
    assert_eq!(st, 201);
    let (_, t) = http(
        port,
        "POST",
        "/api/v1/enroll-tokens",
        Some(&admin),
        r#"{"agency_code":"XA-05"}"#,
    )
    .unwrap();
    let token = t["token"].as_str().unwrap().to_string();
    let mut agent = Command::new(env!("CARGO_BIN_EXE_lachan"))
        .args([
            "agent",
            "--server",
            &format!("http://127.0.0.1:{port}"),
            "--token",
            &token,
            "--data",
        ])
        .arg(dir.path().join("agent"))
        .args([
            "--no-inventory",
            "--compliance-minutes",
            "60",
            "--compliance-policy",
        ])
        .arg(&policy)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut scans = serde_json::Value::Null;
    wait_for("the agent's compliance result", || {
        scans = http(port, "GET", "/api/v1/scans", Some(&admin), "")
            .map(|x| x.1)
            .unwrap_or_default();
        scans["items"].as_array().is_some_and(|a| !a.is_empty())
    });
    let _ = agent.kill();
    let _ = agent.wait();
    let s = &scans["items"][0];
    let (_, agents) = http(port, "GET", "/api/v1/agents", Some(&admin), "").unwrap();
    assert_eq!(
        s["host"], agents["items"][0]["hostname"],
        "recorded for the enrolled host"
    );
    assert_eq!(s["agency_code"], "XA-05");
    assert_eq!(
        (s["passed"].clone(), s["failed"].clone()),
        (1.into(), 1.into()),
        "{s}"
    );
    let (_, f) = http(
        port,
        "GET",
        "/api/v1/findings?source=scan",
        Some(&admin),
        "",
    )
    .unwrap();
    assert!(
        f["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["source_ref"] == "agent_policy:1"),
        "{f}"
    );
    let (_, c) = http(port, "GET", "/api/v1/compliance", Some(&admin), "").unwrap();
    assert_eq!(c["groups"][0]["pass_rate"], 50.0);
    let _ = server.kill();
    let _ = server.wait();
}
