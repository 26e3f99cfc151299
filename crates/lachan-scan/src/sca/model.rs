//! Policy model: what a parsed SCA policy file contains.

use serde::{Deserialize, Serialize};

use super::rule::Rule;

/// How a check (or the policy requirements) combines the results of its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Every rule must hold.
    All,
    /// At least one rule must hold.
    Any,
    /// No rule may hold.
    None,
}

impl Condition {
    /// Parses `all`, `any` or `none` (case-insensitive, surrounding space ignored).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "all" => Some(Self::All),
            "any" => Some(Self::Any),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// Severity of a failed check. Wazuh policies carry none; they default to `medium`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Informational finding (inventory, nothing to fix by itself).
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Parses a severity name (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Some(Self::Info),
            "low" => Some(Self::Low),
            "medium" => Some(Self::Medium),
            "high" => Some(Self::High),
            "critical" => Some(Self::Critical),
            _ => None,
        }
    }

    /// Lower-case English name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// Vietnamese name.
    pub fn as_vi(self) -> &'static str {
        match self {
            Self::Info => "thông tin",
            Self::Low => "thấp",
            Self::Medium => "trung bình",
            Self::High => "cao",
            Self::Critical => "nghiêm trọng",
        }
    }
}

/// A piece of prose in English with an optional Vietnamese version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub en: Option<String>,
    pub vi: Option<String>,
}

impl Text {
    /// The Vietnamese text when present, otherwise the English one.
    pub fn preferred_vi(&self) -> Option<&str> {
        self.vi.as_deref().or(self.en.as_deref())
    }
}

/// Policy `requirements`: rules that decide whether the policy applies to a host.
#[derive(Debug, Clone)]
pub struct Requirements {
    pub title: String,
    pub condition: Condition,
    pub rules: Vec<Rule>,
}

/// One check of a policy.
#[derive(Debug, Clone)]
pub struct Check {
    /// Check id as written in the file (Wazuh uses integers).
    pub id: String,
    pub title: Text,
    pub description: Text,
    pub rationale: Text,
    pub remediation: Text,
    pub severity: Severity,
    /// Lowest information-system security level (1–5) the check applies to
    /// (`min_level:` extension key; absent = every level).
    pub min_level: Option<u8>,
    pub condition: Condition,
    pub rules: Vec<Rule>,
    /// `compliance` mapping kept as written (a mapping in Wazuh 5, a list in Wazuh 4).
    pub compliance: Option<serde_json::Value>,
}

/// A parsed, validated policy ready to run.
#[derive(Debug, Clone)]
pub struct Policy {
    pub id: String,
    pub name: Text,
    pub description: Text,
    /// Where the policy came from (a path or `builtin:<name>`), used in messages.
    pub source: String,
    pub requirements: Option<Requirements>,
    pub checks: Vec<Check>,
    /// Non-fatal problems found while loading (e.g. a regex that does not
    /// compile; that rule is reported as not applicable), each naming file and check.
    pub warnings: Vec<String>,
}
