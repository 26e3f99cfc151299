//! Stored shapes of the operations workflow: incidents, findings, letters, plans and
//! the figures of the periodic report.

use std::collections::BTreeMap;

use lachan_core::auth::Scope;
use serde::Serialize;

/// An incident as stored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Incident {
    pub id: i64,
    /// Human reference, `SC-<year>-<n>`.
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    pub severity: String,
    pub category: String,
    pub status: String,
    #[serde(skip)]
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub system_code: Option<String>,
    pub system_level: Option<i64>,
    pub assets: Vec<String>,
    pub assignee: Option<String>,
    pub impact: Option<String>,
    pub personal_data: bool,
    pub detected_at: String,
    pub reported_at: Option<String>,
    pub resolve_by: String,
    pub closed_at: Option<String>,
    pub close_reason: Option<String>,
    pub alert_ids: Vec<i64>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// An incident to store: validated, agency and system resolved, deadline computed.
#[derive(Debug, Clone)]
pub struct IncidentRecord {
    pub input: lachan_core::ops::NewIncident,
    pub agency_id: i64,
    pub system_id: Option<i64>,
    pub detected_at: String,
    pub resolve_by: String,
}

#[derive(Debug, Clone, Default)]
pub struct IncidentQuery {
    pub scope: Option<Scope>,
    /// A status code, or `open` for every status but closed.
    pub status: Option<String>,
    pub severity: Option<String>,
    pub category: Option<String>,
    pub agency_id: Option<i64>,
    /// Past `resolve_by` and not closed.
    pub overdue_at: Option<String>,
    /// Detected at or after (RFC 3339).
    pub from: Option<String>,
    /// Detected before (RFC 3339).
    pub to: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// One line of an incident's or finding's history.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LogEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    /// `created`, `status`, `note`, `change`, `task`, `evidence`, `alerts`, `letter`, `occurrence`.
    pub kind: String,
    pub text: String,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Task {
    pub id: i64,
    pub incident_id: i64,
    pub title: String,
    pub assignee: Option<String>,
    pub due_date: Option<String>,
    pub done: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// An evidence file's description (its bytes are fetched separately).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    pub id: i64,
    pub incident_id: i64,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub note: Option<String>,
    pub added_by: String,
    pub added_at: String,
}

/// A finding as stored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub severity: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub source: String,
    pub source_ref: Option<String>,
    #[serde(skip)]
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub system_code: Option<String>,
    pub asset: Option<String>,
    pub evidence: Option<String>,
    pub recommendation: Option<String>,
    pub occurrences: i64,
    pub first_seen: String,
    pub last_seen: String,
    pub due_date: Option<String>,
    pub target_id: Option<i64>,
    /// Letters that named this finding, oldest first.
    pub letters: Vec<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct FindingRecord {
    pub input: lachan_core::ops::NewFinding,
    pub agency_id: i64,
    pub system_id: Option<i64>,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Default)]
pub struct FindingQuery {
    pub scope: Option<Scope>,
    /// A status code, or `outstanding` for open and acknowledged.
    pub status: Option<String>,
    pub severity: Option<String>,
    pub source: Option<String>,
    pub agency_id: Option<i64>,
    pub system_id: Option<i64>,
    /// Outstanding with a due date before this date (yyyy-mm-dd).
    pub overdue_on: Option<String>,
    /// Not yet named in any letter.
    pub without_letter: bool,
    pub letter_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// A recommendation letter.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Letter {
    pub id: i64,
    pub number: String,
    pub date: String,
    #[serde(skip)]
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub subject: Option<String>,
    pub signer: Option<String>,
    pub body: Option<String>,
    pub deadline: String,
    pub finding_ids: Vec<i64>,
    /// Findings of the letter still open or acknowledged.
    pub outstanding: i64,
    pub created_by: String,
    pub created_at: String,
}

/// An inspection plan with the targets the caller may see.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    pub id: i64,
    pub number: String,
    pub date: String,
    pub title: String,
    pub start_date: String,
    pub end_date: String,
    pub team: Vec<String>,
    pub description: Option<String>,
    pub targets_total: i64,
    pub targets_done: i64,
    pub targets: Vec<Target>,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Target {
    pub id: i64,
    pub plan_id: i64,
    pub kind: String,
    #[serde(skip)]
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub system_code: Option<String>,
    pub name: Option<String>,
    pub scheduled_date: Option<String>,
    pub checklist: String,
    pub reinspection: bool,
    pub status: String,
    pub inspected_on: Option<String>,
    pub passed: i64,
    pub failed: i64,
    pub not_applicable: i64,
    pub summary: Option<String>,
    pub inspector: Option<String>,
    /// Findings recorded at this target.
    pub findings: i64,
    /// Checklist items, and those answered.
    pub items_total: i64,
    pub items_answered: i64,
}

/// A target to store, agency and system resolved, with its checklist.
#[derive(Debug, Clone)]
pub struct TargetRecord {
    pub input: lachan_core::ops::NewTarget,
    pub agency_id: i64,
    pub system_id: Option<i64>,
    pub items: Vec<lachan_core::ops::ChecklistItem>,
}

/// One checklist item of a target and its answer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TargetItem {
    pub code: String,
    pub title: String,
    pub title_en: String,
    /// `pending`, `passed`, `failed` or `not_applicable`.
    pub result: String,
    pub note: Option<String>,
    pub updated_at: String,
}

/// Results an item may take.
pub const ITEM_RESULTS: &[&str] = &["pending", "passed", "failed", "not_applicable"];

/// Figures of the periodic report for a period and scope.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct ReportFigures {
    pub systems_total: i64,
    /// "1".."5" → number of systems.
    pub systems_by_level: BTreeMap<String, i64>,
    pub systems_approved: i64,
    pub systems_approved_in_period: i64,
    pub systems_population_db: i64,
    pub incidents_total: i64,
    pub incidents_by_category: BTreeMap<String, i64>,
    pub incidents_by_severity: BTreeMap<String, i64>,
    pub incidents_by_status: BTreeMap<String, i64>,
    pub incidents_open: i64,
    pub incidents_overdue: i64,
    pub findings_total: i64,
    pub findings_by_status: BTreeMap<String, i64>,
    pub findings_by_severity: BTreeMap<String, i64>,
    pub findings_overdue: i64,
    pub letters_issued: i64,
    pub inspections: InspectionFigures,
    pub alerts_total: i64,
    pub alerts_by_level: BTreeMap<String, i64>,
    pub agents_total: i64,
    /// Latest `lachan scan` of each host finished inside the period, per agency.
    pub compliance_by_agency: Vec<ComplianceFigure>,
    pub monitors_total: i64,
    /// Monitors down when the report is made.
    pub monitors_down: i64,
    /// Successful checks of all monitors inside the period, percent.
    pub monitors_uptime_percent: Option<f64>,
    /// Portal findings (scheduled integrity scans) first recorded inside the period.
    pub web_compromises: i64,
    pub per_agency: Vec<AgencyReport>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct InspectionFigures {
    pub planned: i64,
    pub done: i64,
    /// Of the planned targets, workstations (Đề án 06).
    pub workstations_planned: i64,
    pub workstations_done: i64,
    pub reinspections: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct AgencyReport {
    pub code: String,
    pub name: String,
    pub systems: i64,
    pub incidents: i64,
    pub incidents_open: i64,
    pub findings: i64,
    pub findings_outstanding: i64,
    pub findings_overdue: i64,
    pub inspections_planned: i64,
    pub inspections_done: i64,
}

/// An uploaded endpoint assessment.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScanRecord {
    pub id: i64,
    #[serde(skip)]
    pub agency_id: i64,
    pub agency_code: String,
    pub host: String,
    pub target_id: Option<i64>,
    /// The information system the host serves, when known.
    pub system_code: Option<String>,
    pub started_at: String,
    pub finished_at: String,
    pub score: Option<f64>,
    pub passed: i64,
    pub failed: i64,
    pub not_applicable: i64,
    /// Findings recorded or updated from it.
    pub findings: i64,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// A scan to store with the findings it yields, in one transaction.
#[derive(Debug, Clone)]
pub struct NewScan {
    pub agency_id: i64,
    pub host: String,
    pub target_id: Option<i64>,
    pub started_at: String,
    pub finished_at: String,
    pub score: Option<f64>,
    pub passed: i64,
    pub failed: i64,
    pub not_applicable: i64,
    pub system_id: Option<i64>,
    /// The uploaded JSON, kept as evidence.
    pub report: String,
    pub findings: Vec<FindingRecord>,
    /// The failed policy checks (for "most failed checks").
    pub failed_checks: Vec<FailedCheck>,
    /// Fingerprints of the findings of checks that now pass on this host: a live finding
    /// with one of them is verified by this scan.
    pub passing: Vec<String>,
}

/// One failed policy check of a scan.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FailedCheck {
    pub policy_id: String,
    pub check_id: String,
    pub title: String,
    pub severity: String,
}

/// Compliance of one agency: the mean score of the latest scan of each host.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct ComplianceFigure {
    pub code: String,
    pub name: String,
    pub hosts: i64,
    pub mean_score: Option<f64>,
    pub failed_checks: i64,
}
