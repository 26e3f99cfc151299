//! Endpoint agents: enrollment tokens (admins), enrollment, the batch gateway with
//! per-agent sequence numbers, heartbeats, the agent list (scoped) and revocation.

use std::io::Read;

use lachan_core::auth::Action;
use lachan_ingest::{NdjsonLimits, parse_ndjson};
use lachan_sigma::LogEvent;
use lachan_store::{Agent, BatchOutcome, EnrollToken, NewAgent};
use serde::{Deserialize, Serialize};

use crate::auth::{self, Principal};
use crate::pipeline::Incoming;
use crate::{AppError, AppState};

/// Largest compressed or plain batch body.
pub const MAX_BATCH_BYTES: usize = 8 * 1024 * 1024;
/// Largest batch after decompression (guards against compression bombs).
pub const MAX_BATCH_INFLATED: u64 = 64 * 1024 * 1024;

/// A new enrollment token: the secret is shown once.
#[derive(Debug, Serialize)]
pub struct IssuedToken {
    pub token: String,
    #[serde(flatten)]
    pub info: EnrollToken,
}

pub async fn create_enroll_token(
    st: &AppState,
    p: &Principal,
    agency_code: &str,
    group_id: Option<i64>,
    valid_hours: i64,
) -> Result<IssuedToken, AppError> {
    p.require(Action::ManageAgents)?;
    if !(1..=24 * 90).contains(&valid_hours) {
        return Err(AppError::invalid(
            "expires_in_hours",
            "must be 1 to 2160 (90 days)",
        ));
    }
    let agency =
        st.store.agency(agency_code.trim()).await?.ok_or_else(|| {
            AppError::invalid("agency_code", format!("no agency '{agency_code}'"))
        })?;
    let token = auth::random_token("lce_");
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(valid_hours);
    let info = st
        .store
        .create_enroll_token(
            &p.ctx(),
            agency.id,
            group_id,
            &auth::token_hash(&token),
            &lachan_ingest::normalize::rfc3339_ms(expires),
        )
        .await?;
    Ok(IssuedToken { token, info })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    pub token: String,
    pub hostname: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub ips: Vec<String>,
    #[serde(default)]
    pub version: String,
}

#[derive(Debug, Serialize)]
pub struct Enrolled {
    pub agent_id: i64,
    pub uid: String,
    /// The agent's own credential; shown once, stored only as a hash.
    pub credential: String,
    pub agency_code: String,
}

fn bounded(field: &str, v: &str, max: usize) -> Result<String, AppError> {
    let v = v.trim();
    if v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(AppError::invalid(
            field,
            format!("at most {max} printable characters"),
        ));
    }
    Ok(v.to_string())
}

pub async fn enroll(
    st: &AppState,
    source_ip: &str,
    r: EnrollRequest,
) -> Result<Enrolled, AppError> {
    let hostname = bounded("hostname", &r.hostname, 253)?;
    if hostname.is_empty() {
        return Err(AppError::invalid("hostname", "is required"));
    }
    if r.ips.len() > 64 {
        return Err(AppError::invalid("ips", "at most 64 addresses"));
    }
    let ips = r
        .ips
        .iter()
        .map(|ip| {
            ip.trim()
                .parse::<std::net::IpAddr>()
                .map(|a| a.to_string())
                .map_err(|_| AppError::invalid("ips", format!("'{ip}' is not an IP address")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !r.token.starts_with("lce_") || r.token.len() > 200 {
        return Err(AppError::Unauthorized);
    }
    let credential = auth::random_token("lca_");
    let uid = auth::random_token("agt_");
    let new = NewAgent {
        uid: uid.clone(),
        hostname,
        os: bounded("os", &r.os, 200)?,
        ips,
        version: bounded("version", &r.version, 50)?,
        credential_hash: auth::token_hash(&credential),
    };
    let agent = match st
        .store
        .enroll_agent(&auth::token_hash(&r.token), source_ip, &new)
        .await
    {
        Ok(a) => a,
        Err(lachan_store::StoreError::NotFound(_)) => return Err(AppError::Unauthorized),
        Err(lachan_store::StoreError::Conflict(m)) => return Err(AppError::Forbidden(m)),
        Err(e) => return Err(e.into()),
    };
    Ok(Enrolled {
        agent_id: agent.id,
        uid,
        credential,
        agency_code: agent.agency_code,
    })
}

/// What the gateway answers for a batch.
#[derive(Debug, Serialize)]
pub struct BatchAck {
    pub seq: i64,
    pub stored: usize,
    pub duplicate: bool,
}

/// Store batch `seq` of `agent` (NDJSON, gzip when `gzip`), all or nothing.
pub async fn agent_batch(
    st: &AppState,
    agent: &Agent,
    seq: i64,
    gzip: bool,
    body: &[u8],
) -> Result<BatchAck, AppError> {
    if seq < 1 {
        st.pipeline.reject();
        return Err(AppError::BadRequest(
            "X-Lachan-Seq must be a positive integer".into(),
        ));
    }
    let plain;
    let text: &[u8] = if gzip {
        let mut out = Vec::new();
        let n = flate2::read::GzDecoder::new(body)
            .take(MAX_BATCH_INFLATED + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                st.pipeline.reject();
                AppError::BadRequest(format!("batch is not valid gzip: {e}"))
            })?;
        if n as u64 > MAX_BATCH_INFLATED {
            st.pipeline.reject();
            return Err(AppError::BadRequest(format!(
                "batch inflates past {MAX_BATCH_INFLATED} bytes"
            )));
        }
        plain = out;
        &plain
    } else {
        body
    };
    let lines = if text.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        parse_ndjson(text, NdjsonLimits::default()).map_err(|e| {
            st.pipeline.reject();
            AppError::BadRequest(format!("nothing stored: {e}"))
        })?
    };
    let batch: Vec<Incoming> = lines
        .into_iter()
        .map(|m| Incoming {
            event: LogEvent::from_json(serde_json::Value::Object(m)),
            agency: Some((agent.agency_id, agent.agency_code.clone())),
            peer: Some(agent.uid.clone()),
        })
        .collect();
    let n = batch.len();
    let outcome = st.pipeline.ingest_agent(agent.id, seq, batch).await?;
    // Last contact, written at most every 30 s (heartbeats also keep it fresh).
    let stale = agent
        .last_seen
        .as_deref()
        .and_then(|l| l.parse::<jiff::Timestamp>().ok())
        .is_none_or(|l| {
            jiff::Timestamp::now().duration_since(l) > jiff::SignedDuration::from_secs(30)
        });
    if stale {
        st.store.touch_agent(agent.id, None).await?;
    }
    Ok(match outcome {
        BatchOutcome::Stored(_) => BatchAck {
            seq,
            stored: n,
            duplicate: false,
        },
        BatchOutcome::Duplicate { .. } => BatchAck {
            seq,
            stored: 0,
            duplicate: true,
        },
    })
}

pub async fn heartbeat(
    st: &AppState,
    agent: &Agent,
    body: serde_json::Value,
) -> Result<(), AppError> {
    if !body.is_object() {
        return Err(AppError::BadRequest("a heartbeat is a JSON object".into()));
    }
    let text = body.to_string();
    if text.len() > 64 * 1024 {
        return Err(AppError::BadRequest("heartbeat larger than 64 KiB".into()));
    }
    st.store.touch_agent(agent.id, Some(&text)).await?;
    Ok(())
}

/// An agent as listed, with its status computed from the last contact.
#[derive(Debug, Serialize)]
pub struct AgentView {
    #[serde(flatten)]
    pub agent: Agent,
    /// `online`, `offline` or `revoked`.
    pub status: &'static str,
}

pub async fn list_agents(st: &AppState, p: &Principal) -> Result<Vec<AgentView>, AppError> {
    p.require(Action::ReadEvents)?;
    let agents = st.store.list_agents(&p.scope).await?;
    let silence = jiff::SignedDuration::try_from(st.config.offline_after).unwrap_or_default();
    let cutoff = lachan_ingest::normalize::rfc3339_ms(jiff::Timestamp::now() - silence);
    Ok(agents
        .into_iter()
        .map(|a| {
            let status = if a.revoked {
                "revoked"
            } else if a
                .last_seen
                .as_deref()
                .is_some_and(|l| normalize_time(l) >= cutoff)
            {
                "online"
            } else {
                "offline"
            };
            AgentView { agent: a, status }
        })
        .collect())
}

/// Stored times are RFC 3339 from two writers; compare them in one form.
fn normalize_time(s: &str) -> String {
    s.parse::<jiff::Timestamp>()
        .map(lachan_ingest::normalize::rfc3339_ms)
        .unwrap_or_else(|_| s.to_string())
}

pub async fn revoke_agent(st: &AppState, p: &Principal, id: i64) -> Result<(), AppError> {
    p.require(Action::ManageAgents)?;
    let a = st
        .store
        .agent(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("agent {id}")))?;
    if !p.scope.allows(a.agency_id) {
        return Err(AppError::NotFound(format!("agent {id}")));
    }
    st.store.revoke_agent(&p.ctx(), id).await?;
    Ok(())
}
