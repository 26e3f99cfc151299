//! The scan report: JSON document, terminal table and self-contained HTML.

mod host;
pub mod html;
pub mod table;

use serde::{Deserialize, Serialize};

pub use host::{HostFacts, Interface};

use crate::accounts::AccountFinding;
use crate::malware::{MalwareFinding, MalwareScanSummary};
use crate::sca::{CheckStatus, PolicyResult, Severity};

/// Everything one `lachan scan` found on a host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    /// Producer and version (`lachan 0.1.0`).
    pub tool: String,
    pub host: HostFacts,
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: u64,
    /// Security level the checks were selected for, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_level: Option<u8>,
    pub policies: Vec<PolicyResult>,
    pub accounts: Vec<AccountFinding>,
    pub malware: Vec<MalwareFinding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malware_scan: Option<MalwareScanSummary>,
    /// Problems that did not stop the scan (policy warnings, unreadable inputs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// RFC 3339 UTC timestamp for now.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A failed check with its policy, for summaries.
pub struct FailedCheck<'a> {
    pub policy: &'a PolicyResult,
    pub check: &'a crate::sca::CheckResult,
}

impl ScanReport {
    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Overall score over every policy: passed / (passed + failed) × 100.
    pub fn overall_score(&self) -> Option<f64> {
        let (p, f) = self.policies.iter().fold((0usize, 0usize), |(p, f), r| {
            (p + r.counts.passed, f + r.counts.failed)
        });
        (p + f > 0).then(|| (p as f64 * 1000.0 / (p + f) as f64).round() / 10.0)
    }

    /// Failed checks, most severe first.
    pub fn failed_checks(&self) -> Vec<FailedCheck<'_>> {
        let mut v: Vec<FailedCheck<'_>> = self
            .policies
            .iter()
            .flat_map(|p| {
                p.checks
                    .iter()
                    .filter(|c| c.result == CheckStatus::Failed)
                    .map(move |c| FailedCheck {
                        policy: p,
                        check: c,
                    })
            })
            .collect();
        v.sort_by_key(|f| std::cmp::Reverse(f.check.severity));
        v
    }

    /// Failed-check counts per severity (critical first).
    pub fn failed_by_severity(&self) -> Vec<(Severity, usize)> {
        [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
        ]
        .into_iter()
        .map(|s| {
            (
                s,
                self.failed_checks()
                    .iter()
                    .filter(|f| f.check.severity == s)
                    .count(),
            )
        })
        .collect()
    }
}
