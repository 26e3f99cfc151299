//! Bounded HTTP fetching: per-request timeout, a per-site deadline, byte limits, manual
//! redirect following that never leaves the site, and concurrency limits per site and in
//! total. Certificates are not verified here (content of sites with bad certificates must
//! still be inspected); TLS validity is judged separately by [`crate::tls`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, LOCATION};
use reqwest::{Client, Url};
use tokio::sync::Semaphore;

use crate::error::{Error, FetchError};
use crate::redirect::{Destination, classify};

/// One redirect hop.
#[derive(Debug, Clone)]
pub struct Hop {
    pub url: Url,
    pub status: u16,
    pub location: Url,
}

/// A response (the last one of a redirect chain).
#[derive(Debug, Clone)]
pub struct Response {
    /// URL of this response.
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The body was cut at the byte limit.
    pub truncated: bool,
    /// Redirects followed before this response, in order.
    pub chain: Vec<Hop>,
    /// An off-site redirect that was not followed (this response is the 30x).
    pub offsite: Option<Url>,
    pub elapsed: Duration,
}

impl Response {
    pub fn content_type(&self) -> String {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    }

    pub fn is_html(&self) -> bool {
        let ct = self.content_type();
        if ct.contains("html") {
            return true;
        }
        if ct.is_empty() {
            let head = String::from_utf8_lossy(&self.body[..self.body.len().min(256)])
                .to_ascii_lowercase();
            return head.contains("<html") || head.contains("<!doctype html");
        }
        false
    }

    /// The body decoded as text (charset from the header, a `<meta charset>`, or UTF-8).
    pub fn text(&self) -> String {
        decode_body(&self.body, &self.content_type())
    }
}

/// Decodes bytes using the charset from `content_type` or a `<meta>` in the first 1 KiB.
pub fn decode_body(body: &[u8], content_type: &str) -> String {
    let label = charset_of(content_type).or_else(|| {
        let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
        head.find("charset=").map(|i| {
            head[i + 8..]
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect()
        })
    });
    let enc = label
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = enc.decode(body);
    text.into_owned()
}

fn charset_of(ct: &str) -> Option<String> {
    let i = ct.find("charset=")?;
    Some(
        ct[i + 8..]
            .trim_matches(['"', '\'', ' '])
            .split(';')
            .next()
            .unwrap_or("")
            .to_string(),
    )
}

/// Builds the shared HTTP client (no certificate verification, no automatic redirects).
pub fn build_client(opts: &crate::Options) -> Result<Client, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(crate::tls::AcceptAnyCert::new(provider)))
        .with_no_client_auth();
    Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(opts.timeout)
        .timeout(opts.timeout)
        .pool_max_idle_per_host(opts.per_host_concurrency)
        .pool_idle_timeout(Duration::from_secs(5))
        .no_proxy()
        .build()
        .map_err(|e| Error::Client(e.to_string()))
}

/// A fetcher bound to one site: shares the client and the global limit, owns the per-site
/// limit and deadline.
#[derive(Clone)]
pub struct SiteFetcher {
    client: Client,
    global: Arc<Semaphore>,
    host: Arc<Semaphore>,
    deadline: Instant,
    timeout: Duration,
    max_redirects: usize,
    requests: Arc<AtomicU32>,
}

/// What to send.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub user_agent: &'a str,
    pub referer: Option<&'a str>,
    pub max_bytes: usize,
    pub follow_redirects: bool,
}

impl SiteFetcher {
    pub fn new(client: Client, global: Arc<Semaphore>, opts: &crate::Options) -> Self {
        SiteFetcher {
            client,
            global,
            host: Arc::new(Semaphore::new(opts.per_host_concurrency.max(1))),
            deadline: Instant::now() + opts.site_budget,
            timeout: opts.timeout,
            max_redirects: opts.max_redirects,
            requests: Arc::new(AtomicU32::new(0)),
        }
    }

    /// Requests sent so far.
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    /// True once the site's time budget is spent.
    pub fn out_of_time(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Fetches `url`, following on-site redirects when asked.
    pub async fn get(&self, url: &Url, req: Request<'_>) -> Result<Response, FetchError> {
        let start = Instant::now();
        let mut chain: Vec<Hop> = Vec::new();
        let mut current = url.clone();
        loop {
            let mut resp = self.get_one(&current, req).await?;
            let is_redirect = matches!(resp.status, 301 | 302 | 303 | 307 | 308);
            let location = resp
                .headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| current.join(l.trim()).ok());
            match (is_redirect, location) {
                (true, Some(next)) if req.follow_redirects => {
                    let hop = Hop {
                        url: current.clone(),
                        status: resp.status,
                        location: next.clone(),
                    };
                    if !matches!(classify(&current, &next), Destination::SameSite) {
                        resp.offsite = Some(next);
                        chain.push(hop);
                        resp.chain = chain;
                        resp.elapsed = start.elapsed();
                        return Ok(resp);
                    }
                    if next == current || chain.iter().any(|h| h.url == next) {
                        return Err(FetchError::RedirectLoop(next.to_string()));
                    }
                    chain.push(hop);
                    if chain.len() > self.max_redirects {
                        return Err(FetchError::TooManyRedirects {
                            limit: self.max_redirects,
                            last: next.to_string(),
                        });
                    }
                    current = next;
                }
                (true, Some(next)) => {
                    if !matches!(classify(&current, &next), Destination::SameSite) {
                        resp.offsite = Some(next);
                    }
                    resp.elapsed = start.elapsed();
                    return Ok(resp);
                }
                _ => {
                    resp.chain = chain;
                    resp.elapsed = start.elapsed();
                    return Ok(resp);
                }
            }
        }
    }

    async fn get_one(&self, url: &Url, req: Request<'_>) -> Result<Response, FetchError> {
        let now = Instant::now();
        if now >= self.deadline {
            return Err(FetchError::Budget);
        }
        let limit = self.timeout.min(self.deadline - now);
        let _g = self
            .global
            .acquire()
            .await
            .map_err(|e| FetchError::Other(e.to_string()))?;
        let _h = self
            .host
            .acquire()
            .await
            .map_err(|e| FetchError::Other(e.to_string()))?;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let fut = async {
            let mut rb = self
                .client
                .get(url.clone())
                .header(
                    reqwest::header::USER_AGENT,
                    HeaderValue::from_str(req.user_agent)
                        .unwrap_or(HeaderValue::from_static("Mozilla/5.0")),
                )
                .header(
                    reqwest::header::ACCEPT,
                    "text/html,application/xhtml+xml,*/*;q=0.8",
                )
                .header(reqwest::header::ACCEPT_LANGUAGE, "vi-VN,vi;q=0.9,en;q=0.8");
            if let Some(r) = req.referer {
                rb = rb.header(reqwest::header::REFERER, r);
            }
            let mut resp = rb.send().await.map_err(classify_error)?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let mut body = Vec::new();
            let mut truncated = false;
            while let Some(chunk) = resp.chunk().await.map_err(classify_error)? {
                let room = req.max_bytes.saturating_sub(body.len());
                if chunk.len() >= room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = chunk.len() > room || room == 0;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok::<_, FetchError>(Response {
                url: url.clone(),
                status,
                headers,
                body,
                truncated,
                chain: Vec::new(),
                offsite: None,
                elapsed: Duration::ZERO,
            })
        };
        match tokio::time::timeout(limit, fut).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout(limit.as_secs().max(1))),
        }
    }
}

fn classify_error(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        return FetchError::Timeout(0);
    }
    if e.is_connect() {
        let mut msg = e.to_string();
        let mut src: Option<&dyn std::error::Error> = std::error::Error::source(&e);
        while let Some(s) = src {
            msg = s.to_string();
            src = s.source();
        }
        return FetchError::Connect(msg);
    }
    FetchError::Other(e.to_string())
}
