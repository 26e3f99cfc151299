//! Hostile and broken servers: endless redirects, huge, slow and non-HTML responses,
//! malformed HTML, 5xx and refused connections. The checker must finish within its limits
//! and report clear findings, never hang or panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use lachan_webcheck::{Checker, Kind, Options, SiteReport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone)]
enum Reply {
    Plain {
        status: u16,
        ctype: &'static str,
        extra: String,
        body: Vec<u8>,
    },
    /// Headers, then one byte every 200 ms for a long time.
    Drip,
    /// Announces and streams a body far above the byte limit.
    Huge,
}

fn html(status: u16, body: &str) -> Reply {
    Reply::Plain {
        status,
        ctype: "text/html; charset=utf-8",
        extra: String::new(),
        body: body.as_bytes().to_vec(),
    }
}

fn redirect(to: &str) -> Reply {
    Reply::Plain {
        status: 302,
        ctype: "text/html",
        extra: format!("Location: {to}\r\n"),
        body: Vec::new(),
    }
}

async fn serve(route: Arc<dyn Fn(&str) -> Reply + Send + Sync>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let route = route.clone();
            tokio::spawn(async move { handle(sock, route).await });
        }
    });
    format!("http://{addr}/")
}

async fn handle(mut sock: TcpStream, route: Arc<dyn Fn(&str) -> Reply + Send + Sync>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let req = String::from_utf8_lossy(&buf);
    let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
    match route(&path) {
        Reply::Plain {
            status,
            ctype,
            extra,
            body,
        } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(&body).await;
        }
        Reply::Drip => {
            let _ = sock
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n",
                )
                .await;
            for _ in 0..500 {
                if sock.write_all(b"<").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        Reply::Huge => {
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000000\r\n\r\n<html><body>")
                .await;
            let block = vec![b'a'; 64 * 1024];
            for _ in 0..16_000 {
                if sock.write_all(&block).await.is_err() {
                    return;
                }
            }
        }
    }
}

fn opts() -> Options {
    Options {
        timeout: Duration::from_secs(2),
        site_budget: Duration::from_secs(10),
        max_page_bytes: 1 << 20,
        ..Options::default()
    }
}

async fn check(route: impl Fn(&str) -> Reply + Send + Sync + 'static) -> (SiteReport, Duration) {
    let url = serve(Arc::new(route)).await;
    let checker = Checker::new(&opts()).unwrap();
    let start = Instant::now();
    let r = checker.check_site(&url).await;
    (r, start.elapsed())
}

fn kinds(r: &SiteReport) -> Vec<Kind> {
    r.findings.iter().map(|f| f.kind).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_redirect_loop_is_unavailable_with_reason() {
    let (r, took) = check(|p| match p {
        "/" => redirect("/a"),
        "/a" => redirect("/b"),
        _ => redirect("/"),
    })
    .await;
    assert!(took < Duration::from_secs(5));
    let f = r
        .findings
        .iter()
        .find(|f| f.kind == Kind::SiteUnavailable)
        .expect("finding");
    assert!(f.detail.contains("redirect loop"), "{}", f.detail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_unique_redirects_hit_the_limit() {
    let (r, _) = check(|p| {
        let n: u64 = p.trim_start_matches("/r/").parse().unwrap_or(0);
        redirect(&format!("/r/{}", n + 1))
    })
    .await;
    let f = r
        .findings
        .iter()
        .find(|f| f.kind == Kind::SiteUnavailable)
        .expect("finding");
    assert!(f.detail.contains("redirects"), "{}", f.detail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_drip_times_out() {
    let (r, took) = check(|_| Reply::Drip).await;
    assert_eq!(kinds(&r), vec![Kind::SiteUnavailable]);
    assert!(took < Duration::from_secs(6), "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_page_is_cut_at_the_byte_limit() {
    let (r, took) = check(|p| {
        if p == "/" {
            Reply::Huge
        } else {
            html(404, "no")
        }
    })
    .await;
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(
        !kinds(&r).contains(&Kind::SiteUnavailable),
        "{:?}",
        r.findings
    );
    assert!(kinds(&r).iter().all(|k| !k.is_integrity()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_html_home_and_malformed_pages() {
    let (r, _) = check(|p| match p {
        "/" => Reply::Plain {
            status: 200,
            ctype: "application/pdf",
            extra: String::new(),
            body: b"%PDF-1.4\x00\x01\x02 binary".to_vec(),
        },
        _ => html(404, "<html><body><div><div><p>unterminated <a href='"),
    })
    .await;
    assert!(
        kinds(&r).iter().all(|k| !k.is_integrity()),
        "{:?}",
        r.findings
    );

    let deep = format!(
        "<html><body>{}<a href=/x>x</a><table><td><<<>>>",
        "<div><span>".repeat(20_000)
    );
    let (r, _) = check(move |_| html(200, &deep)).await;
    assert!(
        kinds(&r).iter().all(|k| !k.is_integrity()),
        "{:?}",
        r.findings
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_and_refused_connections() {
    let (r, _) = check(|_| html(503, "<h1>Bảo trì hệ thống</h1>")).await;
    assert_eq!(kinds(&r), vec![Kind::SiteUnavailable]);
    assert!(r.findings[0].detail.contains("503"));

    // A port nobody listens on.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let checker = Checker::new(&opts()).unwrap();
    let r = checker
        .check_site(&format!("http://127.0.0.1:{port}/"))
        .await;
    assert_eq!(kinds(&r), vec![Kind::SiteUnavailable]);

    let r = checker.check_site("not a url").await;
    assert!(r.findings.is_empty() && !r.notes.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soft_404_site_has_no_exposure_findings() {
    // Every path answers 200 with the same HTML page (common CMS behaviour).
    let (r, _) = check(|_| {
        html(200, "<html><head><title>Trang chủ</title></head><body><h1>UBND xã</h1><a href='/tin-tuc'>Tin tức</a> ref: refs/heads/master DB_PASSWORD=x CREATE TABLE phpinfo() PHP Version Index of /</body></html>")
    })
    .await;
    assert_eq!(
        kinds(&r),
        vec![Kind::MissingSecurityHeaders],
        "{:?}",
        r.findings
    );
}
