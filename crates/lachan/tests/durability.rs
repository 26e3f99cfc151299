//! Kill -9 of the server in the middle of an ingest run loses no acknowledged event and
//! stores no half batch: every request answered 202 is found whole after a restart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PW: &str = "durability-admin-pw-1";
const BATCH: usize = 200;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request with `Connection: close`; returns status and body.
fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{auth}Content-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line in {text:?}")))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

fn start(dir: &std::path::Path, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_lachan"))
        .args(["serve", "--data"])
        .arg(dir)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("LACHAN_ADMIN_PASSWORD", PW)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lachan serve");
    let mut child = child;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok((200, _)) = request(port, "GET", "/healthz", None, b"") {
            return child;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not come up on {port}");
}

fn login(port: u16) -> String {
    let body = format!("{{\"username\":\"admin\",\"password\":\"{PW}\"}}");
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let json = out.split_once("\r\n\r\n").unwrap().1;
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["token"].as_str().unwrap().to_string()
}

fn total(port: u16, token: &str, q: &str) -> i64 {
    let (st, body) = request(
        port,
        "GET",
        &format!("/api/v1/events?limit=1&q={q}"),
        Some(token),
        b"",
    )
    .unwrap();
    assert_eq!(st, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["total"].as_i64().unwrap()
}

#[test]
fn kill_9_mid_ingest_loses_no_acknowledged_event() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = start(dir.path(), port);
    let token = login(port);

    let acked: Arc<Mutex<Vec<usize>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acked, stop, token) = (acked.clone(), stop.clone(), token.clone());
        std::thread::spawn(move || {
            let mut b = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let body: String = (0..BATCH)
                    .map(|i| {
                        format!(
                            "{{\"Channel\":\"syslog\",\"host\":\"dur-{i}\",\"program\":\"sshd\",\"message\":\"Failed password for root\",\"batch\":\"{b}\",\"seq\":{i}}}\n"
                        )
                    })
                    .collect();
                match request(
                    port,
                    "POST",
                    "/api/v1/events",
                    Some(&token),
                    body.as_bytes(),
                ) {
                    Ok((202, _)) => acked.lock().unwrap().push(b),
                    Ok((st, body)) => panic!("batch {b}: status {st}: {body}"),
                    Err(_) => break, // the server is gone
                }
                b += 1;
            }
            b
        })
    };
    // Let some batches land, then kill the server without warning.
    let deadline = Instant::now() + Duration::from_secs(30);
    while acked.lock().unwrap().len() < 10 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    let sent = writer.join().unwrap();
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 10,
        "only {} batches acknowledged before the kill",
        acked.len()
    );

    let mut server = start(dir.path(), port);
    let token = login(port);
    let stored = total(port, &token, "");
    // Every acknowledged batch is there, whole; at most the one in flight was added too,
    // and never partly.
    for b in &acked {
        assert_eq!(
            total(port, &token, &format!("batch:{b}")),
            BATCH as i64,
            "batch {b}"
        );
    }
    assert_eq!(
        stored % BATCH as i64,
        0,
        "a batch was stored in part: {stored} events"
    );
    let extra = stored / BATCH as i64 - acked.len() as i64;
    assert!(
        (0..=1).contains(&extra),
        "{extra} unacknowledged batches stored (sent {sent})"
    );
    server.kill().unwrap();
    server.wait().unwrap();
}
