//! Sending one delivery: SMTP through lettre (implicit TLS, STARTTLS, or plain only to
//! a loopback relay), webhooks through reqwest (HTTPS, or HTTP to loopback; no
//! redirects; 10 s timeout).

use std::time::Duration;

use lachan_store::Delivery;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, refused when the server cannot (587).
    StartTls,
    /// No encryption: only for a relay on this machine.
    None,
}

impl SmtpTls {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "tls" => Some(Self::Tls),
            "starttls" => Some(Self::StartTls),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    /// Never logged.
    pub password: Option<String>,
    pub from: String,
    /// An extra trusted root (the province's own CA), PEM.
    pub ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .finish()
    }
}

impl SmtpConfig {
    /// Plain SMTP is accepted only towards a loopback relay.
    pub fn check(&self) -> Result<(), String> {
        if self.tls == SmtpTls::None && !is_loopback(&self.host) {
            return Err(format!(
                "unencrypted SMTP is allowed only to a relay on this machine, not to {}",
                self.host
            ));
        }
        self.from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| format!("sender address '{}': {e}", self.from))?;
        Ok(())
    }
}

pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub(super) struct Sender {
    smtp: Option<SmtpConfig>,
    http: Option<reqwest::Client>,
}

impl Sender {
    pub(super) fn new(smtp: Option<SmtpConfig>) -> Self {
        // One TLS provider for the whole process (ring); a no-op when already set.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("lachan/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| tracing::error!(error = %e, "webhook client unavailable"))
            .ok();
        Self { smtp, http }
    }

    pub(super) async fn deliver(&self, d: &Delivery) -> Result<(), String> {
        match d.channel.as_str() {
            "email" => self.email(d).await,
            "webhook" => self.webhook(d).await,
            other => Err(format!("unknown channel {other}")),
        }
    }

    async fn email(&self, d: &Delivery) -> Result<(), String> {
        let cfg = self
            .smtp
            .as_ref()
            .ok_or("no SMTP server is configured (--smtp-host)")?;
        let body: Value = serde_json::from_str(&d.body).unwrap_or(Value::Null);
        let text = body["text"].as_str().unwrap_or(&d.subject).to_string();
        let msg = Message::builder()
            .from(cfg.from.parse().map_err(|e| format!("sender: {e}"))?)
            .to(d.target.parse().map_err(|e| format!("recipient: {e}"))?)
            .subject(d.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(text)
            .map_err(|e| format!("message: {e}"))?;
        let params = || -> Result<TlsParameters, String> {
            let mut b = TlsParameters::builder(cfg.host.clone());
            if let Some(pem) = &cfg.ca_pem {
                b = b.add_root_certificate(
                    Certificate::from_pem(pem).map_err(|e| format!("CA certificate: {e}"))?,
                );
            }
            b.build_rustls().map_err(|e| format!("TLS: {e}"))
        };
        let tls = match cfg.tls {
            SmtpTls::Tls => Tls::Wrapper(params()?),
            SmtpTls::StartTls => Tls::Required(params()?),
            SmtpTls::None => Tls::None,
        };
        let mut t = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.clone())
            .port(cfg.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(20)));
        if let (Some(u), Some(p)) = (&cfg.username, &cfg.password) {
            t = t.credentials(Credentials::new(u.clone(), p.clone()));
        }
        t.build()
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }

    async fn webhook(&self, d: &Delivery) -> Result<(), String> {
        let http = self.http.as_ref().ok_or("webhook client unavailable")?;
        let event: Value = serde_json::from_str(&d.body).unwrap_or(Value::Null);
        let payload = if d.template == "chat" {
            let text = format!("{}\n{}", d.subject, event["text"].as_str().unwrap_or(""));
            json!({"text": text})
        } else {
            let mut e = event;
            e["delivery_id"] = json!(d.id);
            e
        };
        let res = http
            .post(&d.target)
            .json(&payload)
            .send()
            .await
            .map_err(|e| format!("webhook: {}", without_url(&e)))?;
        if res.status().is_success() {
            Ok(())
        } else {
            Err(format!("webhook answered {}", res.status()))
        }
    }
}

/// reqwest errors name the URL, which may hold a token: keep the message without it.
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_request() {
        "request failed"
    } else {
        "failed"
    };
    kind.to_string()
}

/// A webhook target must be HTTPS, or HTTP to this machine.
pub fn check_webhook_url(url: &str) -> Result<(), String> {
    let u = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    match u.scheme() {
        "https" => Ok(()),
        "http" if u.host_str().is_some_and(is_loopback) => Ok(()),
        _ => Err("must be an https:// URL (http:// only to this machine)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_may_go_unencrypted() {
        assert!(check_webhook_url("https://chat.example.vn/hook/abc").is_ok());
        assert!(check_webhook_url("http://127.0.0.1:9000/x").is_ok());
        assert!(check_webhook_url("http://chat.example.vn/x").is_err());
        assert!(check_webhook_url("ftp://x").is_err());
        let mut c = SmtpConfig {
            host: "mail.example.vn".into(),
            port: 25,
            tls: SmtpTls::None,
            username: None,
            password: None,
            from: "Lá Chắn <canhbao@example.vn>".into(),
            ca_pem: None,
        };
        assert!(c.check().is_err());
        c.host = "127.0.0.1".into();
        assert!(c.check().is_ok());
        c.from = "not an address".into();
        assert!(c.check().is_err());
    }
}
