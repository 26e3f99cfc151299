//! Serializable results of policy evaluation (what reports and the server store).

use serde::{Deserialize, Serialize};

use super::model::Severity;

/// Result of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Passed,
    Failed,
    NotApplicable,
    /// The engine met an unexpected failure (never expected on a healthy host).
    Error,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::NotApplicable => "not_applicable",
            Self::Error => "error",
        }
    }
}

/// Outcome of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleOutcome {
    Found,
    NotFound,
    NotApplicable,
    Error,
    /// Not evaluated because the check outcome was already decided.
    Skipped,
}

/// What a rule looked at and saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleEvidence {
    pub rule: String,
    pub outcome: RuleOutcome,
    pub detail: String,
}

/// Result of one check, with evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_vi: Option<String>,
    pub severity: Severity,
    /// Lowest security level the check applies to, when the policy says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<u8>,
    pub result: CheckStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<RuleEvidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation_vi: Option<String>,
}

/// Per-status counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub not_applicable: usize,
    pub error: usize,
}

/// Whether the policy requirements held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementsResult {
    pub title: String,
    pub met: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<RuleEvidence>,
}

/// Result of a policy run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyResult {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_vi: Option<String>,
    pub source: String,
    /// `passed / (passed + failed) * 100`, one decimal; `null` when no check applied.
    pub score: Option<f64>,
    pub counts: Counts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<RequirementsResult>,
    pub checks: Vec<CheckResult>,
}
