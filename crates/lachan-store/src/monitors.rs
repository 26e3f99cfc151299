//! Stored shapes of service and portal monitors.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Monitor {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub target: String,
    #[serde(skip)]
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub system_code: Option<String>,
    pub interval_secs: i64,
    pub timeout_secs: i64,
    pub keyword: Option<String>,
    pub keyword_absent: bool,
    pub expect_status: Option<i64>,
    pub tls_warn_days: i64,
    pub enabled: bool,
    pub state: String,
    pub state_since: Option<String>,
    pub fail_streak: i64,
    pub ok_streak: i64,
    pub last_checked_at: Option<String>,
    pub last_latency_ms: Option<i64>,
    pub last_detail: Option<String>,
    pub next_due_at: String,
    /// Kind-specific memory: DNS answers, the portal's integrity finding kinds.
    #[serde(skip)]
    pub baseline: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A monitor to store, agency and system resolved.
#[derive(Debug, Clone)]
pub struct MonitorRecord {
    pub input: lachan_core::monitor::NewMonitor,
    pub agency_id: i64,
    pub system_id: Option<i64>,
}

/// One check's outcome, and the monitor's state after it.
#[derive(Debug, Clone)]
pub struct CheckRecord {
    pub at: String,
    pub ok: bool,
    pub latency_ms: Option<i64>,
    pub status: Option<i64>,
    pub detail: String,
    pub state: String,
    /// Set when the state changed with this result.
    pub state_changed: bool,
    pub fail_streak: i64,
    pub ok_streak: i64,
    pub next_due_at: String,
    /// `Some` replaces the stored baseline.
    pub baseline: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonitorResult {
    pub at: String,
    pub ok: bool,
    pub latency_ms: Option<i64>,
    pub status: Option<i64>,
    pub detail: String,
}

/// Share of successful checks since a time.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Default)]
pub struct Uptime {
    pub checks: i64,
    pub ok: i64,
    /// Percent with one decimal; `None` without checks.
    pub percent: Option<f64>,
}
