//! Roles and the permission matrix. Agency scoping (an officer sees only
//! its own agency and the agencies below it) is applied by the store from
//! the [`Scope`] computed here; this module decides which actions a role
//! may take at all.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users and settings.
    Admin,
    /// SOC analyst: reads everything, maintains the registry.
    Analyst,
    /// Officer of one agency: reads and edits only its agency and children.
    AgencyOfficer,
    /// Read-only over everything, including the audit log.
    Auditor,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Admin,
        Role::Analyst,
        Role::AgencyOfficer,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::AgencyOfficer => "agency_officer",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.code() == s.trim())
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Analyst => "Chuyên viên phân tích",
            Role::AgencyOfficer => "Cán bộ đơn vị",
            Role::Auditor => "Kiểm toán viên",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Analyst => "Analyst",
            Role::AgencyOfficer => "Agency officer",
            Role::Auditor => "Auditor",
        }
    }

    /// Whether an agency must be attached to a user of this role.
    pub fn needs_agency(self) -> bool {
        self == Role::AgencyOfficer
    }

    pub fn can(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Admin => true,
            Role::Analyst => matches!(
                action,
                ReadRegistry
                    | WriteSystems
                    | WriteAgencies
                    | ImportRegistry
                    | ManageOwnTokens
                    | IngestEvents
                    | ReadEvents
                    | TriageAlerts
                    | TuneDetection
                    | ReadOperations
                    | HandleIncidents
                    | RecordFindings
                    | RespondToFindings
                    | IssueLetters
                    | ManagePlans
                    | ManageMonitors
            ),
            Role::AgencyOfficer => {
                matches!(
                    action,
                    ReadRegistry
                        | WriteSystems
                        | ImportRegistry
                        | ManageOwnTokens
                        | IngestEvents
                        | ReadEvents
                        | TriageAlerts
                        | ReadOperations
                        | HandleIncidents
                        | RespondToFindings
                        | ManageMonitors
                )
            }
            Role::Auditor => matches!(
                action,
                ReadRegistry
                    | ReadAudit
                    | ReadUsers
                    | ManageOwnTokens
                    | ReadEvents
                    | ReadOperations
            ),
        }
    }

    /// Whether this role sees all agencies or only its own subtree.
    pub fn is_scoped(self) -> bool {
        self == Role::AgencyOfficer
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// What a caller wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ReadRegistry,
    WriteSystems,
    WriteAgencies,
    ImportRegistry,
    ReadUsers,
    ManageUsers,
    ReadAudit,
    ManageOwnTokens,
    /// Send events to the ingest API (an agency officer's land in its agency).
    IngestEvents,
    /// Search events and read alerts (scoped for agency officers).
    ReadEvents,
    /// Acknowledge, assign and close alerts.
    TriageAlerts,
    /// Switch rules off, re-level them, add and remove suppressions.
    TuneDetection,
    /// Create enrollment tokens and revoke agents.
    ManageAgents,
    /// Read incidents, findings, letters, plans and reports (scoped for officers).
    ReadOperations,
    /// Open incidents and move them through handling (officers: their agencies').
    HandleIncidents,
    /// Record findings, verify fixes by re-inspection, accept risks.
    RecordFindings,
    /// Acknowledge a finding or report it fixed (the owning agency's answer).
    RespondToFindings,
    /// Issue recommendation letters.
    IssueLetters,
    /// Create inspection plans and record inspection results.
    ManagePlans,
    /// Agency-wide and webhook notification subscriptions; the delivery log.
    ManageNotifications,
    /// Create, change and remove service and portal monitors (officers: their agencies').
    ManageMonitors,
}

/// Which agencies a caller may see: all, or a set of agency ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Agencies(Vec<i64>),
}

impl Scope {
    pub fn allows(&self, agency_id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Agencies(ids) => ids.contains(&agency_id),
        }
    }

    /// Whether an object owned by `agency` is visible; objects with no agency (syslog
    /// from unknown senders, say) belong to the province and are visible unscoped only.
    pub fn allows_owner(&self, agency: Option<i64>) -> bool {
        match (self, agency) {
            (Scope::All, _) => true,
            (Scope::Agencies(ids), Some(a)) => ids.contains(&a),
            (Scope::Agencies(_), None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix() {
        use Action::*;
        let all = [
            ReadRegistry,
            WriteSystems,
            WriteAgencies,
            ImportRegistry,
            ReadUsers,
            ManageUsers,
            ReadAudit,
            ManageOwnTokens,
            IngestEvents,
            ReadEvents,
            TriageAlerts,
            TuneDetection,
            ManageAgents,
            ReadOperations,
            HandleIncidents,
            RecordFindings,
            RespondToFindings,
            IssueLetters,
            ManagePlans,
            ManageNotifications,
            ManageMonitors,
        ];
        let allowed = |r: Role| all.iter().filter(|a| r.can(**a)).count();
        assert_eq!(allowed(Role::Admin), all.len());
        assert!(!Role::Auditor.can(WriteSystems) && Role::Auditor.can(ReadAudit));
        assert!(!Role::Analyst.can(ManageUsers) && !Role::Analyst.can(ReadAudit));
        assert!(!Role::AgencyOfficer.can(WriteAgencies) && Role::AgencyOfficer.can(WriteSystems));
        assert!(Role::AgencyOfficer.is_scoped() && !Role::Auditor.is_scoped());
        assert!(Role::Auditor.can(ReadEvents) && !Role::Auditor.can(TriageAlerts));
        assert!(!Role::Auditor.can(IngestEvents) && Role::AgencyOfficer.can(TriageAlerts));
        assert!(Role::Analyst.can(TuneDetection) && !Role::AgencyOfficer.can(TuneDetection));
        assert!(!Role::Analyst.can(ManageAgents) && Role::Admin.can(ManageAgents));
        assert!(
            Role::AgencyOfficer.can(RespondToFindings) && !Role::AgencyOfficer.can(RecordFindings)
        );
        assert!(!Role::AgencyOfficer.can(IssueLetters) && !Role::AgencyOfficer.can(ManagePlans));
        assert!(Role::Auditor.can(ReadOperations) && !Role::Auditor.can(HandleIncidents));
    }
}
