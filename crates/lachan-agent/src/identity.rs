//! The agent's identity after enrollment, kept in `identity.json` (owner-only).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{AgentError, io_err};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identity {
    pub server: String,
    pub agent_id: i64,
    pub uid: String,
    pub credential: String,
    pub agency_code: String,
    /// SHA-256 (hex) of the server certificate pinned at enrollment (HTTPS only).
    pub server_cert_sha256: Option<String>,
}

fn path(data: &Path) -> PathBuf {
    data.join("identity.json")
}

impl Identity {
    pub fn load(data: &Path) -> Result<Option<Self>, AgentError> {
        let p = path(data);
        match std::fs::read(&p) {
            Ok(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| io_err(&p, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(&p, e)),
        }
    }

    pub fn save(&self, data: &Path) -> Result<(), AgentError> {
        let p = path(data);
        let tmp = data.join("identity.json.tmp");
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| io_err(&p, e))?;
        std::fs::write(&tmp, bytes).map_err(|e| io_err(&tmp, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| io_err(&tmp, e))?;
        }
        std::fs::rename(&tmp, &p).map_err(|e| io_err(&p, e))
    }
}
