//! `lachan-hunt`: sweep event-log files with Sigma rules.
//!
//! - [`input`]: streaming readers for EVTX, JSON / JSON Lines and syslog text, plus file
//!   discovery ([`input::collect_files`]).
//! - [`hunt()`]: parallel hunting over files with a shared [`lachan_sigma::Detector`].
//! - [`output`]: table / JSON Lines / CSV renderers and the summary.
//! - [`bench`]: throughput measurement (`lachan bench hunt`).

pub mod bench;
mod error;
mod hunt;
pub mod input;
pub mod output;

pub use error::HuntError;
pub use hunt::{CorrelationFinding, FileOutcome, Hit, HuntOptions, HuntResult, hunt};
