//! A real agent enrolled to a real server: log lines become searchable events, a Sigma
//! rule fires on them, and while the server is down the agent spools and later delivers
//! everything exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{PW, free_port, http, serve, wait_for};

#[test]
fn agent_delivers_log_lines_and_survives_a_server_outage() {
    let dir = tempfile::tempdir().unwrap();
    let server_dir = dir.path().join("server");
    let agent_dir = dir.path().join("agent");
    let log = dir.path().join("auth.log");
    std::fs::write(&log, "history before the agent started\n").unwrap();
    let etc = dir.path().join("etc");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::write(etc.join("sudoers"), "root ALL=(ALL) ALL\n").unwrap();
    let sysfs = dir.path().join("sysfs");
    std::fs::create_dir_all(&sysfs).unwrap();
    let port = free_port();
    let mut server = serve(&server_dir, port);
    let login = format!("{{\"username\":\"admin\",\"password\":\"{PW}\"}}");
    let (_, v) = http(port, "POST", "/api/v1/auth/login", None, &login).unwrap();
    let admin = v["token"].as_str().unwrap().to_string();
    let (st, _) = http(
        port,
        "POST",
        "/api/v1/agencies",
        Some(&admin),
        r#"{"code":"XA-07","name":"UBND xã Bảy","kind":"commune_ward"}"#,
    )
    .unwrap();
    assert_eq!(st, 201);
    let (st, t) = http(
        port,
        "POST",
        "/api/v1/enroll-tokens",
        Some(&admin),
        r#"{"agency_code":"XA-07"}"#,
    )
    .unwrap();
    assert_eq!(st, 201, "{t}");
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
        .arg(&agent_dir)
        .arg("--file")
        .arg(dir.path().join("*.log"))
        .args(["--heartbeat-secs", "1", "--usb", "--usb-sysfs"])
        .arg(&sysfs)
        .arg("--fim")
        .arg(&etc)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the agent to enroll and report", || {
        http(port, "GET", "/api/v1/agents", Some(&admin), "").is_some_and(|(_, v)| {
            v["items"][0]["status"] == "online"
                && v["items"][0]["heartbeat"]["rss_bytes"]
                    .as_u64()
                    .unwrap_or(0)
                    > 0
        })
    });
    std::thread::sleep(Duration::from_millis(800)); // the first poll skips history

    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    writeln!(
        f,
        "<86>Dec  1 09:00:00 pc-xa07 useradd[501]: new user: name=agentprobe, UID=1002"
    )
    .unwrap();
    for i in 0..5 {
        writeln!(f, "<38>Dec  1 09:00:0{i} pc-xa07 sshd[77]: Failed password for admin from 203.0.113.7 port 4{i} ssh2 online{i}").unwrap();
    }
    let count = |q: &str| -> i64 {
        http(
            port,
            "GET",
            &format!("/api/v1/events?limit=1&q={q}"),
            Some(&admin),
            "",
        )
        .map(|(_, v)| v["total"].as_i64().unwrap_or(-1))
        .unwrap_or(-1)
    };
    wait_for("events to arrive", || count("host.name:pc-xa07") == 6);
    assert_eq!(count("history"), 0, "history is not replayed");
    wait_for("the new-user alert", || {
        http(port, "GET", "/api/v1/alerts?host=pc-xa07", Some(&admin), "").is_some_and(|(_, v)| {
            v.to_string().contains("New local user account")
                && v["items"][0]["agency_code"] == "XA-07"
        })
    });

    // File integrity and a (simulated) USB stick on this machine.
    std::fs::write(
        etc.join("sudoers"),
        "root ALL=(ALL) ALL\nintruder ALL=(ALL) NOPASSWD:ALL\n",
    )
    .unwrap();
    let stick = sysfs.join("2-1");
    std::fs::create_dir_all(&stick).unwrap();
    for (f, v) in [
        ("idVendor", "0781"),
        ("idProduct", "5567"),
        ("manufacturer", "SanDisk"),
        ("product", "Cruzer"),
        ("serial", "E2E0001"),
    ] {
        std::fs::write(stick.join(f), v).unwrap();
    }
    std::fs::create_dir_all(sysfs.join("2-1:1.0")).unwrap();
    std::fs::write(sysfs.join("2-1:1.0/bInterfaceClass"), "08\n").unwrap();
    wait_for("the FIM and USB alerts", || {
        http(port, "GET", "/api/v1/alerts?level=high", Some(&admin), "").is_some_and(|(_, v)| {
            let t = v.to_string();
            t.contains("USB mass storage attached")
                && t.contains("Account or privilege file changed")
        })
    });
    assert_eq!(count("usb.serial:E2E0001"), 1);
    let fim_events = count("event.dataset:lachan.fim");
    assert!(fim_events >= 1, "FIM events stored: {fim_events}");
    let base = count("host.name:pc-xa07");

    // Server down: the agent keeps collecting into its spool.
    server.kill().unwrap();
    server.wait().unwrap();
    for i in 0..20 {
        writeln!(f, "<38>Dec  1 09:10:{i:02} pc-xa07 sshd[78]: Failed password for admin from 203.0.113.8 port 5{i} ssh2 offline{i}").unwrap();
    }
    f.flush().unwrap();
    std::thread::sleep(Duration::from_secs(4));
    let spooled = std::fs::read_dir(agent_dir.join("spool"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .to_string_lossy()
                .ends_with(".gz")
        })
        .count();
    assert!(spooled >= 1, "nothing spooled while the server was down");

    // Server back: everything arrives, nothing twice.
    let mut server = serve(&server_dir, port);
    let (_, v) = http(port, "POST", "/api/v1/auth/login", None, &login).unwrap();
    let admin = v["token"].as_str().unwrap().to_string();
    let count = |q: &str| -> i64 {
        http(
            port,
            "GET",
            &format!("/api/v1/events?limit=1&q={q}"),
            Some(&admin),
            "",
        )
        .map(|(_, v)| v["total"].as_i64().unwrap_or(-1))
        .unwrap_or(-1)
    };
    wait_for("the spool to drain", || {
        count("host.name:pc-xa07") == base + 20
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        count("host.name:pc-xa07"),
        base + 20,
        "no duplicates after the drain"
    );
    for i in [0, 7, 19] {
        assert_eq!(count(&format!("offline{i}")), 1, "offline{i}");
    }

    // Revocation stops the agent's traffic.
    let (_, list) = http(port, "GET", "/api/v1/agents", Some(&admin), "").unwrap();
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (st, _) = http(
        port,
        "POST",
        &format!("/api/v1/agents/{id}/revoke"),
        Some(&admin),
        "",
    )
    .unwrap();
    assert_eq!(st, 204);
    writeln!(f, "<38>Dec  1 09:20:00 pc-xa07 sshd[79]: after revoke").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut exited = None;
    while Instant::now() < deadline {
        if let Some(s) = agent.try_wait().unwrap() {
            exited = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = agent.kill();
    let _ = agent.wait();
    assert!(
        exited.is_some_and(|s| !s.success()),
        "a revoked agent stops"
    );
    assert_eq!(count("revoke"), 0);
    server.kill().unwrap();
    server.wait().unwrap();
}
