//! Ingestion front ends for the live pipeline, with no IO of their own:
//!
//! - [`ndjson`]: an NDJSON request body into events, all or nothing, errors naming the line;
//! - [`syslog`]: one syslog message (RFC 5424 / RFC 3164) into an event;
//! - [`framing`]: syslog-over-TCP framing (octet counting, RFC 6587, or line feeds);
//! - [`normalize`]: any event into the stored schema (ECS-style names plus the original).
//!
//! Detection always runs on the [`lachan_sigma::LogEvent`] built from the original
//! fields, so an event routes to Sigma log sources the same way whichever door it came
//! in by; the normalised document is what is stored and searched.

pub mod framing;
pub mod ndjson;
pub mod normalize;
pub mod syslog;

pub use framing::{FrameError, SyslogFramer};
pub use ndjson::{NdjsonError, NdjsonLimits, parse_ndjson};
pub use normalize::{Arrival, Normalized, normalize};
