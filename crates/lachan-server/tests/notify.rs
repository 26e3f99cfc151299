//! Notifications reach a local SMTP sink and a webhook receiver; a failed webhook is
//! retried and every attempt recorded; subscribers get only what they may see.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use common::{ADMIN_PW, TestServer};
use lachan_server::ServerConfig;
use lachan_server::notify::{NotifyConfig, SmtpConfig, SmtpTls};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const PW: &str = "user-password-1";

/// A minimal SMTP server that keeps every message it is given.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mail = Arc::new(Mutex::new(Vec::new()));
    let keep = mail.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let keep = keep.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut r = BufReader::new(r);
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut line = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let cmd = line.trim_end().to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if cmd == "DATA" {
                        w.write_all(b"354 go on\r\n").await.unwrap();
                        let mut msg = String::new();
                        loop {
                            line.clear();
                            r.read_line(&mut line).await.unwrap();
                            if line == ".\r\n" {
                                break;
                            }
                            msg.push_str(&line);
                        }
                        keep.lock().unwrap().push(msg);
                        b"250 queued\r\n"
                    } else if cmd == "QUIT" {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, mail)
}

/// A webhook receiver that fails its first request with 500.
async fn webhook_receiver() -> (u16, Arc<Mutex<Vec<Value>>>, Arc<Mutex<u32>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let calls = Arc::new(Mutex::new(0u32));
    let (g, c) = (got.clone(), calls.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(v): axum::Json<Value>| {
            let (g, c) = (g.clone(), c.clone());
            async move {
                let n = {
                    let mut c = c.lock().unwrap();
                    *c += 1;
                    *c
                };
                if n == 1 {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                g.lock().unwrap().push(v);
                StatusCode::OK
            }
        }),
    );
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (port, got, calls)
}

async fn until<T>(mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(v) = f() {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("condition not reached in 10 s");
}

#[tokio::test]
async fn incidents_reach_email_and_webhook_with_retries() {
    let (smtp_port, mail) = smtp_sink().await;
    let (hook_port, hooks, calls) = webhook_receiver().await;
    let config = ServerConfig {
        notify: NotifyConfig {
            smtp: Some(SmtpConfig {
                host: "127.0.0.1".into(),
                port: smtp_port,
                tls: SmtpTls::None,
                username: None,
                password: None,
                from: "Lá Chắn <canhbao@hanguyen.gov.vn>".into(),
                ca_pem: None,
            }),
            retry_base: Duration::from_millis(100),
            max_attempts: 4,
            console_url: Some("https://lachan.hanguyen.gov.vn".into()),
        },
        ..Default::default()
    };
    let s = TestServer::with_config(config).await;
    let admin = s.login("admin", ADMIN_PW).await;
    for code in ["A", "B"] {
        let (st, _) = s
            .call(
                "POST",
                "/api/v1/agencies",
                Some(&admin),
                Some(json!({"code": code, "name": code, "kind": "province_department"})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED);
    }
    let (st, _) = s
        .call("POST", "/api/v1/users", Some(&admin), Some(json!({"username": "officer_b", "password": PW, "role": "agency_officer", "agency_code": "B"})))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let officer_b = s.login("officer_b", PW).await;

    let sub = |body: Value, token: &str| {
        let token = token.to_string();
        let s = &s;
        async move {
            s.call("POST", "/api/v1/subscriptions", Some(&token), Some(body))
                .await
        }
    };
    let (st, v) = sub(
        json!({"channel": "email", "target": "soc@hanguyen.gov.vn", "events": ["incident"]}),
        &admin,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v) = sub(json!({"channel": "webhook", "target": format!("http://127.0.0.1:{hook_port}/hook"), "template": "chat", "agency_code": "A"}), &admin).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    // Officers subscribe their own address, to their own agency's events; no webhooks.
    let (st, v) = sub(
        json!({"channel": "email", "target": "canbo@b.hanguyen.gov.vn", "min_severity": "low"}),
        &officer_b,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert!(v["user_id"].is_i64(), "personal: {v}");
    let (st, _) = sub(
        json!({"channel": "webhook", "target": "https://chat.example.vn/x"}),
        &officer_b,
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, v) = sub(
        json!({"channel": "email", "target": "not-an-address"}),
        &admin,
    )
    .await;
    assert_eq!(
        (st, v["error"]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("target"))
    );
    let (st, _) = sub(
        json!({"channel": "webhook", "target": "http://chat.example.vn/x"}),
        &admin,
    )
    .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "plain http off this machine"
    );
    let (_, mine) = s
        .call("GET", "/api/v1/subscriptions", Some(&officer_b), None)
        .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);

    // A low incident notifies nobody but officer B's low-threshold subscription — and
    // it is A's, so not even that.
    let (st, _) = s
        .call(
            "POST",
            "/api/v1/incidents",
            Some(&admin),
            Some(
                json!({"title": "nhỏ", "severity": "low", "category": "other", "agency_code": "A"}),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, inc) = s
        .call("POST", "/api/v1/incidents", Some(&admin), Some(json!({"title": "Chèn liên kết cờ bạc", "severity": "high", "category": "defacement", "agency_code": "A"})))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{inc}");
    let code = inc["code"].as_str().unwrap().to_string();

    let msg = until(|| mail.lock().unwrap().first().cloned()).await;
    assert!(msg.contains("soc@hanguyen.gov.vn"), "{msg}");
    assert!(
        msg.contains("https://lachan.hanguyen.gov.vn/incidents/"),
        "{msg}"
    );
    let hook = until(|| hooks.lock().unwrap().first().cloned()).await;
    assert!(hook["text"].as_str().unwrap().contains(&code), "{hook}");
    assert_eq!(
        *calls.lock().unwrap(),
        2,
        "first attempt failed, second delivered"
    );

    // The delivery log shows both, with the webhook's two attempts; nothing for B.
    let (st, log) = until_log(&s, &admin).await;
    assert_eq!(st, StatusCode::OK);
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{log}");
    let web = items.iter().find(|d| d["channel"] == "webhook").unwrap();
    assert_eq!(
        (web["status"].clone(), web["attempts"].clone()),
        (json!("sent"), json!(2))
    );
    assert!(web["last_error"].as_str().unwrap().contains("500"));
    assert_eq!(mail.lock().unwrap().len(), 1);
    let (st, _) = s
        .call("GET", "/api/v1/notifications", Some(&officer_b), None)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // Moving the incident notifies again; a deleted subscription no longer does.
    let id = inc["id"].as_i64().unwrap();
    let wid = web["subscription_id"].as_i64().unwrap();
    let (st, _) = s
        .call(
            "DELETE",
            &format!("/api/v1/subscriptions/{wid}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = s
        .call(
            "PATCH",
            &format!("/api/v1/incidents/{id}"),
            Some(&admin),
            Some(json!({"status": "triage"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    until(|| (mail.lock().unwrap().len() == 2).then_some(())).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(hooks.lock().unwrap().len(), 1);
}

async fn until_log(s: &TestServer, admin: &str) -> (StatusCode, Value) {
    for _ in 0..100 {
        let (st, v) = s
            .call("GET", "/api/v1/notifications", Some(admin), None)
            .await;
        let settled = v["items"]
            .as_array()
            .is_some_and(|a| a.len() >= 2 && a.iter().all(|d| d["status"] == "sent"));
        if settled {
            return (st, v);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    s.call("GET", "/api/v1/notifications", Some(admin), None)
        .await
}
