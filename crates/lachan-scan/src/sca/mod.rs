//! Security Configuration Assessment: a policy engine compatible with the Wazuh
//! SCA policy format.
//!
//! [`parse_policy`]/[`load_policies`] turn YAML into a [`Policy`]; [`run_policy`]
//! evaluates it on a [`Platform`] and returns a serializable [`PolicyResult`].

pub mod command;
pub mod eval;
pub mod model;
pub mod parse;
pub mod pattern;
pub mod platform;
pub mod registry;
pub mod result;
pub mod rule;

pub use eval::{
    CheckResult, CheckStatus, Counts, PolicyResult, RuleEvidence, RuleOutcome, run_policy,
};
pub use model::{Check, Condition, Policy, Severity, Text};
pub use parse::{PolicyError, load_policies, load_policy_file, parse_policy};
pub use platform::{OsFamily, Platform, ProcessNames};
