//! Types of endpoint agents and their enrollment.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct EnrollToken {
    pub id: i64,
    pub agency_code: String,
    pub created_by: String,
    pub created_at: String,
    pub expires_at: String,
    pub uses: i64,
}

/// What an agent says about itself when it enrolls.
#[derive(Debug, Clone)]
pub struct NewAgent {
    pub uid: String,
    pub hostname: String,
    pub os: String,
    pub ips: Vec<String>,
    pub version: String,
    pub credential_hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Agent {
    pub id: i64,
    pub uid: String,
    #[serde(skip)]
    pub agency_id: i64,
    pub agency_code: String,
    pub hostname: String,
    pub os: String,
    pub ips: Vec<String>,
    pub version: String,
    pub enrolled_at: String,
    pub last_seen: Option<String>,
    /// The latest heartbeat (agent CPU, memory, spool figures).
    pub heartbeat: serde_json::Value,
    pub revoked: bool,
}

/// Outcome of an agent batch append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Stored; the new event ids.
    Stored(Vec<String>),
    /// This sequence number (or a later one) was stored before: nothing stored again.
    Duplicate { last_seq: i64 },
}
