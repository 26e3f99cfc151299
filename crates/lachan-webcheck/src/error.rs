//! Errors of the web checker. Problems of a checked site are findings, not errors: these
//! errors are about the checker itself (bad options, unreadable CA file) or one request.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("reading CA certificate file {path}: {source}")]
    CaFile {
        path: String,
        source: std::io::Error,
    },
    #[error("CA certificate file {path} holds no usable PEM certificate: {reason}")]
    CaParse { path: String, reason: String },
    #[error("building the HTTP client: {0}")]
    Client(String),
    #[error("TLS configuration: {0}")]
    Tls(String),
}

/// Why one request produced no response.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("no response within {0} s")]
    Timeout(u64),
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("more than {limit} redirects (last {last})")]
    TooManyRedirects { limit: usize, last: String },
    #[error("redirect loop at {0}")]
    RedirectLoop(String),
    #[error("site time budget exhausted")]
    Budget,
    #[error("request failed: {0}")]
    Other(String),
}
