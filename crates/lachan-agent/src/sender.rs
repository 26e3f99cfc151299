//! Talking to the server: enrollment, batch delivery, heartbeats.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::AgentError;
use crate::identity::Identity;
use crate::tls::PinVerifier;

/// What became of one delivery attempt.
#[derive(Debug)]
pub enum Delivery {
    /// Stored (or stored before): delete it from the spool.
    Acked { duplicate: bool },
    /// The server says the batch itself is bad (4xx other than auth): set it aside.
    Rejected(String),
    /// The credential is refused (revoked): stop.
    Refused(String),
    /// Network trouble or a server error: try again later.
    Retry(String),
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    verifier: Option<Arc<PinVerifier>>,
}

impl Client {
    /// A client for `base`; HTTPS connections accept only the pinned certificate when a
    /// pin is known.
    pub fn new(base: &str, pin: Option<String>) -> Result<Self, AgentError> {
        let mut b = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .no_proxy();
        let mut verifier = None;
        if base.starts_with("https://") {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let v = Arc::new(PinVerifier::new(provider.clone(), pin));
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| AgentError::Client(e.to_string()))?
                .dangerous()
                .with_custom_certificate_verifier(v.clone())
                .with_no_client_auth();
            b = b.tls_backend_preconfigured(tls);
            verifier = Some(v);
        }
        Ok(Self {
            http: b.build().map_err(|e| AgentError::Client(e.to_string()))?,
            base: base.trim_end_matches('/').to_string(),
            verifier,
        })
    }

    /// POST a JSON body with a bearer token to `path` (under `/api/v1`); the status and
    /// the answer's JSON. Used by tools that upload results (`lachan scan --upload`).
    pub async fn post_json(
        &self,
        path: &str,
        token: &str,
        body: Vec<u8>,
    ) -> Result<(u16, Value), AgentError> {
        let r = self
            .http
            .post(format!("{}/api/v1{path}", self.base))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| AgentError::Client(format!("{}: {e}", self.base)))?;
        let status = r.status().as_u16();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }

    /// Enroll with `token`; returns the identity to keep.
    pub async fn enroll(&self, token: &str, facts: &Value) -> Result<Identity, AgentError> {
        let mut body = facts.clone();
        body["token"] = json!(token);
        let r = self
            .http
            .post(format!("{}/api/v1/agent/enroll", self.base))
            .json(&body)
            .send()
            .await
            .map_err(|e| AgentError::Enroll(format!("{}: {e}", self.base)))?;
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        if status.as_u16() != 201 {
            let msg = v["error"]["message"].as_str().unwrap_or("no reason given");
            return Err(AgentError::Enroll(format!("HTTP {status}: {msg}")));
        }
        let get = |k: &str| v[k].as_str().map(str::to_owned).unwrap_or_default();
        Ok(Identity {
            server: self.base.clone(),
            agent_id: v["agent_id"].as_i64().unwrap_or(0),
            uid: get("uid"),
            credential: get("credential"),
            agency_code: get("agency_code"),
            server_cert_sha256: self.verifier.as_ref().and_then(|v| v.seen()),
        })
    }

    /// Deliver one spooled batch (gzip NDJSON).
    pub async fn send_batch(&self, id: &Identity, seq: i64, gz: Vec<u8>) -> Delivery {
        let r = self
            .http
            .post(format!("{}/api/v1/agent/events", self.base))
            .bearer_auth(&id.credential)
            .header("x-lachan-seq", seq.to_string())
            .header("content-encoding", "gzip")
            .header("content-type", "application/x-ndjson")
            .body(gz)
            .send()
            .await;
        let r = match r {
            Ok(r) => r,
            Err(e) => return Delivery::Retry(e.to_string()),
        };
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        let msg = v["error"]["message"].as_str().unwrap_or("").to_string();
        match status {
            200 => Delivery::Acked {
                duplicate: v["duplicate"].as_bool().unwrap_or(false),
            },
            401 | 403 => Delivery::Refused(format!("HTTP {status} {msg}")),
            408 | 429 => Delivery::Retry(format!("HTTP {status}")),
            400..=499 => Delivery::Rejected(format!("HTTP {status} {msg}")),
            _ => Delivery::Retry(format!("HTTP {status} {msg}")),
        }
    }

    /// Send one assessment result (a `lachan scan` JSON document: compliance checks or a
    /// malware scan).
    pub async fn send_scan(&self, id: &Identity, json: String) -> Result<(), String> {
        let r = self
            .http
            .post(format!("{}/api/v1/agent/scan", self.base))
            .bearer_auth(&id.credential)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if r.status().is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {}", r.status()))
        }
    }

    /// Send a heartbeat; the answer names the settings version the agent should run.
    pub async fn heartbeat(&self, id: &Identity, body: &Value) -> Result<Option<String>, String> {
        let r = self
            .http
            .post(format!("{}/api/v1/agent/heartbeat", self.base))
            .bearer_auth(&id.credential)
            .json(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("HTTP {}", r.status()));
        }
        let v: Value = r.json().await.unwrap_or(Value::Null);
        Ok(v["settings_version"].as_str().map(str::to_owned))
    }

    /// The central settings of this agent's group.
    pub async fn settings(&self, id: &Identity) -> Result<CentralSettings, String> {
        let r = self
            .http
            .get(format!("{}/api/v1/agent/settings", self.base))
            .bearer_auth(&id.credential)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("HTTP {}", r.status()));
        }
        let c = r
            .json::<CentralSettings>()
            .await
            .map_err(|e| format!("unreadable settings: {e}"))?;
        // The agent applies only settings that pass the same rules the server enforces.
        c.settings
            .validate()
            .map_err(|e| format!("settings refused: {}: {}", e.field, e.message))?;
        Ok(c)
    }
}

/// What the server answers on `/agent/settings`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CentralSettings {
    pub version: String,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub settings: lachan_core::agent_settings::AgentSettings,
}
