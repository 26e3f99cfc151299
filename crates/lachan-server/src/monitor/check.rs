//! One check of one monitor: HTTP(S) status/latency/keyword, TCP connect, TLS expiry,
//! DNS answers, or a portal integrity scan by `lachan-webcheck`. Every check is bounded
//! by the monitor's timeout (the portal scan by its own budgets).

use std::sync::Arc;
use std::time::{Duration, Instant};

use lachan_core::monitor::{MonitorKind, split_host_port};
use lachan_store::Monitor;
use serde_json::{Value, json};

/// What one check found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub ok: bool,
    pub latency_ms: Option<i64>,
    pub status: Option<i64>,
    pub detail: String,
    /// Something worth an alert even when reachable (TLS expiring, DNS changed, new
    /// integrity finding): (rule suffix, level, text).
    pub warnings: Vec<(&'static str, &'static str, String)>,
    /// New baseline to keep.
    pub baseline: Option<String>,
    /// Portal findings (kind, severity, evidence URL, detail) to record as findings.
    pub findings: Vec<(String, String, String, String)>,
}

/// Shared clients.
pub struct Checkers {
    http: Option<reqwest::Client>,
    web: Option<lachan_webcheck::Checker>,
    roots: Arc<rustls::RootCertStore>,
}

impl Checkers {
    pub fn new(extra_roots_pem: Vec<String>) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let roots = Arc::new(
            lachan_webcheck::tls::root_store(&extra_roots_pem)
                .unwrap_or_else(|_| rustls::RootCertStore::empty()),
        );
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(concat!("lachan-monitor/", env!("CARGO_PKG_VERSION")))
            .no_proxy();
        for pem in &extra_roots_pem {
            if let Ok(c) = reqwest::Certificate::from_pem(pem.as_bytes()) {
                b = b.add_root_certificate(c);
            }
        }
        let http = b
            .build()
            .map_err(|e| tracing::error!(error = %e, "monitor HTTP client unavailable"))
            .ok();
        let opts = lachan_webcheck::Options {
            extra_roots_pem,
            site_concurrency: 2,
            total_concurrency: 16,
            ..Default::default()
        };
        let web = lachan_webcheck::Checker::new(&opts)
            .map_err(|e| tracing::error!(error = %e, "portal checker unavailable"))
            .ok();
        Self { http, web, roots }
    }

    pub async fn run(&self, m: &Monitor) -> Outcome {
        let timeout = Duration::from_secs(m.timeout_secs.clamp(1, 120) as u64);
        match MonitorKind::parse(&m.kind) {
            Some(MonitorKind::Http) => self.http(m, timeout).await,
            Some(MonitorKind::Tcp) => tcp(m, timeout).await,
            Some(MonitorKind::Tls) => self.tls(m, timeout).await,
            Some(MonitorKind::Dns) => dns(m, timeout).await,
            Some(MonitorKind::Webcheck) => self.webcheck(m).await,
            None => fail(format!("unknown monitor kind {}", m.kind)),
        }
    }

    async fn http(&self, m: &Monitor, timeout: Duration) -> Outcome {
        let Some(http) = &self.http else {
            return fail("HTTP client unavailable".into());
        };
        let t = Instant::now();
        let res = match http.get(&m.target).timeout(timeout).send().await {
            Ok(r) => r,
            Err(e) => return fail(describe(&e)),
        };
        let status = res.status().as_u16();
        // Read at most 2 MiB of the body for the keyword test.
        let mut body = Vec::new();
        let mut res = res;
        let read = tokio::time::timeout(timeout, async {
            while let Ok(Some(chunk)) = res.chunk().await {
                body.extend_from_slice(&chunk);
                if body.len() > 2 << 20 {
                    break;
                }
            }
        })
        .await;
        let latency = t.elapsed().as_millis() as i64;
        let mut out = Outcome {
            latency_ms: Some(latency),
            status: Some(i64::from(status)),
            ..Default::default()
        };
        let status_ok = match m.expect_status {
            Some(s) => i64::from(status) == s,
            None => status < 400,
        };
        if !status_ok {
            out.detail = format!("HTTP {status}");
            return out;
        }
        if read.is_err() {
            out.detail = "the page did not finish loading within the timeout".into();
            return out;
        }
        if let Some(k) = &m.keyword {
            let text = String::from_utf8_lossy(&body).to_lowercase();
            let present = text.contains(&k.to_lowercase());
            if present == m.keyword_absent {
                out.detail = if m.keyword_absent {
                    format!("HTTP {status}; the page contains \"{k}\"")
                } else {
                    format!("HTTP {status}; \"{k}\" is missing from the page")
                };
                return out;
            }
        }
        out.ok = true;
        out.detail = format!("HTTP {status} in {latency} ms");
        out
    }

    async fn tls(&self, m: &Monitor, timeout: Duration) -> Outcome {
        let Some((host, port)) = split_host_port(&m.target) else {
            return fail("bad target".into());
        };
        let t = Instant::now();
        match lachan_webcheck::tls::inspect(&host, port.unwrap_or(443), self.roots.clone(), timeout)
            .await
        {
            Err(e) => fail(format!("TLS connection failed: {e}")),
            Ok(f) => {
                let mut out = Outcome {
                    latency_ms: Some(t.elapsed().as_millis() as i64),
                    ok: f.valid,
                    ..Default::default()
                };
                let days = f.days_left.unwrap_or(0);
                if !f.valid {
                    out.detail = f.error.unwrap_or_else(|| "certificate not valid".into());
                } else {
                    out.detail = format!("certificate valid, {days} days left");
                    if days <= m.tls_warn_days {
                        out.warnings.push((
                            "tls_expiry",
                            "medium",
                            format!("certificate of {host} expires in {days} days"),
                        ));
                    }
                }
                out
            }
        }
    }

    async fn webcheck(&self, m: &Monitor) -> Outcome {
        let Some(web) = &self.web else {
            return fail("portal checker unavailable".into());
        };
        let t = Instant::now();
        let report = web.check_site(&m.target).await;
        let latency = t.elapsed().as_millis() as i64;
        let down = report
            .findings
            .iter()
            .any(|f| f.kind == lachan_webcheck::Kind::SiteUnavailable);
        let mut kinds: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.kind.is_integrity())
            .map(|f| f.kind.as_str().to_string())
            .collect();
        kinds.sort();
        kinds.dedup();
        let prev: Value = m
            .baseline
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or(Value::Null);
        let before: Vec<String> = serde_json::from_value(prev["kinds"].clone()).unwrap_or_default();
        let content_before: Option<lachan_webcheck::baseline::Baseline> =
            serde_json::from_value(prev["content"].clone()).ok();
        let content_now = if down {
            None
        } else {
            self.home_baseline(m).await
        };
        let new: Vec<&String> = kinds.iter().filter(|k| !before.contains(k)).collect();
        let mut out = Outcome {
            ok: !down,
            latency_ms: Some(latency),
            detail: if report.findings.is_empty() {
                format!("no findings ({} pages)", report.pages.len())
            } else {
                report
                    .findings
                    .iter()
                    .map(|f| f.kind.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            baseline: Some(
                json!({"kinds": kinds, "content": content_now.clone().or(content_before.clone())})
                    .to_string(),
            ),
            findings: report
                .findings
                .iter()
                .filter(|f| f.kind != lachan_webcheck::Kind::SiteUnavailable)
                .map(|f| {
                    (
                        f.kind.as_str().to_string(),
                        f.severity.as_str().to_string(),
                        f.evidence_url.clone(),
                        f.detail.clone(),
                    )
                })
                .collect(),
            ..Default::default()
        };
        // Visible content largely replaced since the baseline: a defacement to review.
        // The new content becomes the baseline, so a redesign alerts once.
        if let (Some(b), Some(n)) = (&content_before, &content_now)
            && let Some(reason) = b.compare(n)
        {
            out.warnings
                .push(("defacement", "high", format!("{}: {reason}", m.target)));
            out.findings
                .push(("defacement".into(), "high".into(), m.target.clone(), reason));
        }
        if !new.is_empty() {
            out.warnings.push((
                "webcheck",
                "high",
                format!(
                    "new signs of compromise on {}: {}",
                    m.target,
                    new.iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        out
    }

    /// The home page's content fingerprint (visible text and links).
    async fn home_baseline(&self, m: &Monitor) -> Option<lachan_webcheck::baseline::Baseline> {
        let http = self.http.as_ref()?;
        let url = reqwest::Url::parse(&m.target).ok()?;
        let timeout = Duration::from_secs(m.timeout_secs.clamp(1, 120) as u64);
        let mut res = http.get(url.clone()).timeout(timeout).send().await.ok()?;
        if !res.status().is_success() {
            return None;
        }
        let mut body = Vec::new();
        while let Ok(Some(chunk)) = res.chunk().await {
            body.extend_from_slice(&chunk);
            if body.len() > 2 << 20 {
                break;
            }
        }
        let html = String::from_utf8_lossy(&body);
        let page = lachan_webcheck::page::analyze(&html, &url, &[]);
        Some(lachan_webcheck::baseline::Baseline::from_page(&page))
    }
}

fn fail(detail: String) -> Outcome {
    Outcome {
        ok: false,
        detail,
        ..Default::default()
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer within the timeout".into()
    } else if e.is_connect() {
        "connection refused or unreachable".into()
    } else if e.is_redirect() {
        "too many redirects".into()
    } else {
        "request failed".to_string()
    }
}

async fn tcp(m: &Monitor, timeout: Duration) -> Outcome {
    let Some((host, Some(port))) = split_host_port(&m.target) else {
        return fail("bad target".into());
    };
    let t = Instant::now();
    match tokio::time::timeout(
        timeout,
        tokio::net::TcpStream::connect((host.as_str(), port)),
    )
    .await
    {
        Err(_) => fail("no answer within the timeout".into()),
        Ok(Err(e)) => fail(format!("connection failed: {e}")),
        Ok(Ok(_)) => {
            let ms = t.elapsed().as_millis() as i64;
            Outcome {
                ok: true,
                latency_ms: Some(ms),
                detail: format!("port {port} open in {ms} ms"),
                ..Default::default()
            }
        }
    }
}

async fn dns(m: &Monitor, timeout: Duration) -> Outcome {
    let t = Instant::now();
    let answer =
        tokio::time::timeout(timeout, tokio::net::lookup_host((m.target.as_str(), 0))).await;
    let addrs = match answer {
        Err(_) => return fail("no DNS answer within the timeout".into()),
        Ok(Err(e)) => return fail(format!("name not resolved: {e}")),
        Ok(Ok(a)) => a,
    };
    let mut ips: Vec<String> = addrs.map(|a| a.ip().to_string()).collect();
    ips.sort();
    ips.dedup();
    let now = json!(ips).to_string();
    let mut out = Outcome {
        ok: !ips.is_empty(),
        latency_ms: Some(t.elapsed().as_millis() as i64),
        detail: ips.join(", "),
        baseline: Some(now.clone()),
        ..Default::default()
    };
    if let Some(before) = &m.baseline
        && *before != now
    {
        let old: Value = serde_json::from_str(before).unwrap_or(Value::Null);
        out.warnings.push((
            "dns_change",
            "medium",
            format!(
                "{} now resolves to {} (was {})",
                m.target,
                ips.join(", "),
                old
            ),
        ));
    }
    out
}
