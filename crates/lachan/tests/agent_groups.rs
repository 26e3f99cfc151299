//! An agent enrolled into a group runs the group's central settings: file integrity on
//! the group's path, a YARA scan of each file that appears there (an EICAR test file
//! becomes a malware finding of the agency), and, after the group's settings change, the
//! new log file the group names — without restarting the agent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{PW, free_port, http, serve, wait_for};
use serde_json::json;

/// The EICAR anti-malware test string, built at run time from two halves.
fn eicar() -> String {
    let a = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$";
    let b = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    format!("{a}{b}")
}

const RULE: &str = r#"
rule EICAR_Test_File {
  strings:
    $eicar = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!" ascii
  condition:
    $eicar and filesize < 128
}
"#;

fn found(port: u16, admin: &str, q: &str) -> bool {
    http(
        port,
        "GET",
        &format!("/api/v1/events?q={q}&limit=5"),
        Some(admin),
        "",
    )
    .is_some_and(|(_, v)| v["total"].as_i64().unwrap_or(0) > 0)
}

#[test]
fn agent_runs_its_groups_settings_and_follows_changes() {
    let dir = tempfile::tempdir().unwrap();
    let watched = dir.path().join("watched");
    let rules = dir.path().join("yara");
    std::fs::create_dir_all(&watched).unwrap();
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join("eicar.yar"), RULE).unwrap();
    std::fs::write(watched.join("hosts"), "127.0.0.1 localhost\n").unwrap();
    let app_log = dir.path().join("app.log");
    std::fs::write(&app_log, "").unwrap();

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
    let mut group = json!({"name": "d06", "agency_code": "XA-09", "settings": {
        "fim": [watched],
        "malware": {"rules": rules, "on_fim": true}}});
    let (st, g) = http(
        port,
        "POST",
        "/api/v1/agent-groups",
        Some(&admin),
        &group.to_string(),
    )
    .unwrap();
    assert_eq!(st, 201, "{g}");
    let gid = g["id"].as_i64().unwrap();
    let (_, t) = http(
        port,
        "POST",
        "/api/v1/enroll-tokens",
        Some(&admin),
        &json!({"agency_code": "XA-09", "group_id": gid}).to_string(),
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
        ])
        .arg("--data")
        .arg(dir.path().join("agent"))
        .args(["--no-inventory", "--heartbeat-secs", "1"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // The group's integrity monitor runs: a baseline, then a new file is reported …
    wait_for("the agent to come online", || {
        http(port, "GET", "/api/v1/agents", Some(&admin), "").is_some_and(|(_, v)| {
            v["items"][0]["heartbeat"]["collectors"]
                .as_array()
                .is_some()
        })
    });
    let (_, agents) = http(port, "GET", "/api/v1/agents", Some(&admin), "").unwrap();
    let collectors = agents["items"][0]["heartbeat"]["collectors"].to_string();
    assert!(
        collectors.contains("fim") && collectors.contains("malware"),
        "{collectors}"
    );
    assert_eq!(agents["items"][0]["group_name"], "d06");
    std::thread::sleep(std::time::Duration::from_secs(2));
    std::fs::write(watched.join("invoice.com"), eicar()).unwrap();
    wait_for("the FIM event of the new file", || {
        found(port, &admin, "invoice")
    });

    // … and scanned: the EICAR file becomes a malware finding of the agency.
    wait_for("the malware finding", || {
        http(
            port,
            "GET",
            "/api/v1/findings?source=scan",
            Some(&admin),
            "",
        )
        .is_some_and(|(_, f)| {
            f["items"].as_array().is_some_and(|a| {
                a.iter().any(|x| {
                    x["source_ref"]
                        .as_str()
                        .is_some_and(|r| r.starts_with("malware:"))
                        && x["agency_code"] == "XA-09"
                })
            })
        })
    });

    // The group now also follows a log file; the running agent picks it up.
    group["settings"]["files"] = json!([app_log]);
    let (st, g) = http(
        port,
        "PUT",
        &format!("/api/v1/agent-groups/{gid}"),
        Some(&admin),
        &group.to_string(),
    )
    .unwrap();
    assert_eq!(st, 200, "{g}");
    wait_for("the agent to run the new settings", || {
        http(port, "GET", "/api/v1/agents", Some(&admin), "").is_some_and(|(_, v)| {
            v["items"][0]["heartbeat"]["settings_version"] == format!("g{gid}r2")
                && v["items"][0]["heartbeat"]["collectors"]
                    .to_string()
                    .contains("files")
        })
    });
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&app_log)
        .unwrap();
    writeln!(f, "payment gateway started marker-7f3a").unwrap();
    drop(f);
    wait_for("the new log file's line", || {
        found(port, &admin, "marker-7f3a")
    });

    let _ = agent.kill();
    let _ = agent.wait();
    let _ = server.kill();
    let _ = server.wait();
}
