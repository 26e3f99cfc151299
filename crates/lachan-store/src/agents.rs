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
    /// Agents admitted by this token join this group.
    pub group_id: Option<i64>,
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
    /// The agent group whose settings this agent follows.
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
}

/// A group of agents sharing central settings.
#[derive(Debug, Clone, Serialize)]
pub struct AgentGroup {
    pub id: i64,
    /// `None`: a province-wide group.
    #[serde(skip)]
    pub agency_id: Option<i64>,
    pub agency_code: Option<String>,
    pub name: String,
    pub description: String,
    pub settings: lachan_core::agent_settings::AgentSettings,
    /// Grows with every change; agents compare it to what they run.
    pub revision: i64,
    pub agents: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl AgentGroup {
    /// The settings version an agent of this group runs: changes when the group's
    /// settings change and when the agent moves to another group.
    pub fn settings_version(&self) -> String {
        format!("g{}r{}", self.id, self.revision)
    }
}

/// A group as created or changed (settings already validated).
#[derive(Debug, Clone)]
pub struct NewAgentGroup {
    pub agency_id: Option<i64>,
    pub name: String,
    pub description: String,
    pub settings: lachan_core::agent_settings::AgentSettings,
}

/// Outcome of an agent batch append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Stored; the new event ids.
    Stored(Vec<String>),
    /// This sequence number (or a later one) was stored before: nothing stored again.
    Duplicate { last_seq: i64 },
}
