//! Error type of the crate.

use std::path::PathBuf;

/// Everything that can go wrong while loading mappings or rules.
#[derive(Debug, thiserror::Error)]
pub enum SigmaError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A mapping file is not valid YAML or does not have the expected shape.
    #[error("mapping {origin}: {reason}")]
    Mapping {
        /// File name, or `built-in` for the embedded mapping.
        origin: String,
        /// What is wrong and where.
        reason: String,
    },
    /// A rules directory walk failed.
    #[error("cannot walk {path}: {reason}")]
    Walk {
        /// The directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A correlation rule could not be compiled.
    #[error("correlation rule {rule}: {reason}")]
    Correlation {
        /// Rule id or title.
        rule: String,
        /// Why.
        reason: String,
    },
}
