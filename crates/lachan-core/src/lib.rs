//! Domain types and rules of Lá Chắn, with no IO and no async.
//!
//! Everything that decides whether a value is acceptable lives here, so the
//! API, the console, CSV/XLSX import and the demo seed all enforce the same
//! rules: a security level is 1..=5, an approved dossier needs a decision
//! number and date, codes are short identifiers, and so on.
//!
//! ```
//! use lachan_core::registry::{DossierStatus, NewSystem};
//! let mut s = NewSystem::minimal("HTTT-01", "Cổng thông tin", "SO-TC", 7);
//! assert!(s.validate().is_err());
//! s.security_level = 3;
//! s.dossier_status = Some(DossierStatus::Approved);
//! let err = s.validate().unwrap_err();
//! assert_eq!(err.field, "approval_decision_no");
//! ```

pub mod agent_settings;
pub mod audit;
pub mod auth;
pub mod datefmt;
pub mod demo;
pub mod demo_ops;
pub mod error;
pub mod logins;
pub mod monitor;
pub mod ops;
pub mod regime;
pub mod registry;

pub use error::FieldError;

/// Free text of at most `max` characters, without control characters.
pub(crate) fn ops_text(field: &str, v: &str, max: usize, required: bool) -> Result<(), FieldError> {
    registry::validate_text(field, v, max, required)
}
