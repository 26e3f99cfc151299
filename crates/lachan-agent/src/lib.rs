//! The Lá Chắn endpoint agent.
//!
//! Collectors (`collect/`: log files by glob with rotation and saved positions, journald
//! through `journalctl -o json`) turn what happens on the machine into JSON events; the
//! [`spool`] seals them into numbered, compressed batch files on disk before anything is
//! sent, so nothing is lost while the server or the link is down; the [`sender`] delivers
//! the oldest batch first and deletes it only once the server has acknowledged it (the
//! server stores each batch number once, so retries never duplicate). The spool is
//! bounded: past the bound the oldest batches are dropped, counted and reported in the
//! heartbeat.
//!
//! Platform-specific collection sits behind [`collect::Collector`], so a Windows event-log
//! collector can join the Linux ones.
//!
//! What runs comes from the command line, a local file, and the central settings of the
//! agent's group (fetched at start, kept on disk, fetched again when a heartbeat answer
//! names a new version); compliance checks and malware scans run through
//! [`config::Assessors`] supplied by the binary.

mod central;
pub mod collect;
pub mod config;
pub mod identity;
mod malware;
pub mod run;
pub mod sender;
pub mod spool;
mod tls;

pub use config::AgentConfig;

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    #[error("configuration {path}: {reason}")]
    Config { path: String, reason: String },
    #[error("enrollment failed: {0}")]
    Enroll(String),
    #[error("the server refused this agent ({0}); it may have been revoked")]
    Refused(String),
    #[error("http client: {0}")]
    Client(String),
}

pub(crate) fn io_err(path: &std::path::Path, e: impl std::fmt::Display) -> AgentError {
    AgentError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}
