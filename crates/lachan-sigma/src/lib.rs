//! `lachan-sigma`: the Sigma detection engine of Lá Chắn.
//!
//! Parsing, validation, compilation and matching of Sigma rules are done by the pinned
//! `rsigma-parser` / `rsigma-eval` crates; this crate adds what a log-hunting and
//! live-detection product needs around them:
//!
//! - [`RuleSet`]: load a rules tree in parallel, with a status (`ok` / `unsupported` /
//!   `error`) and a reason for every rule ([`RuleReport`]).
//! - [`Mapping`]: log-source routing (product / category / service → channel + event ids)
//!   and field mapping, from an embedded YAML file or a user file.
//! - [`LogEvent`]: one event; EVTX JSON and the flat Windows JSON form give the same fields.
//! - [`Detector`]: rules grouped by route, one compiled engine per group; stateless and
//!   shared between threads (`detect(&self, &LogEvent)`).
//! - [`Correlator`]: correlation state over a time-ordered stream, fed one event at a time.
//!
//! ```no_run
//! # fn main() -> Result<(), lachan_sigma::SigmaError> {
//! use lachan_sigma::{Detector, LogEvent, Mapping, RuleSet};
//! let rules = RuleSet::load_dir(std::path::Path::new("rules"))?;
//! let detector = Detector::new(&rules, &Mapping::builtin()?);
//! let ev = LogEvent::from_json(serde_json::json!({"Channel": "Security", "EventID": 1102}));
//! for d in detector.detect(&ev) {
//!     println!("{}", detector.rules()[d.rule].title);
//! }
//! # Ok(()) }
//! ```

mod correlation;
mod detector;
mod error;
mod event;
mod mapping;
mod renamed;
mod rules;

pub use correlation::{CorrelationHit, Correlator};
pub use detector::{Detection, Detector};
pub use error::SigmaError;
pub use event::{LogEvent, parse_time};
pub use jiff::Timestamp;
pub use mapping::{DEFAULT_MAPPING, Mapping, Source};
pub use rules::{Level, LoadedRule, RuleMeta, RuleReport, RuleSet, Status, rule_files};
