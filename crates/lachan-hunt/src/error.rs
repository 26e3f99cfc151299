//! Error type of the crate.

use std::path::PathBuf;

/// Errors of reading inputs and writing results.
#[derive(Debug, thiserror::Error)]
pub enum HuntError {
    /// A file could not be opened or read.
    #[error("{path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong (with record or line number when known).
        reason: String,
    },
    /// A path given on the command line does not exist.
    #[error("{path}: no such file or directory")]
    Missing {
        /// The path.
        path: PathBuf,
    },
    /// Writing output failed.
    #[error("writing output: {0}")]
    Write(#[from] std::io::Error),
    /// Writing CSV failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A JSON value could not be serialized.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
}
