//! Storage for Lá Chắn.
//!
//! Callers see only the [`Store`] trait; [`sqlite::SqliteStore`] is the
//! embedded implementation. A PostgreSQL implementation plugs in behind the
//! same trait without touching callers.
//!
//! Invariants:
//! - only this crate speaks SQL;
//! - every state-changing method takes an [`AuditCtx`] and writes its audit
//!   row in the same transaction as the change, so a change and its record
//!   are stored together or not at all;
//! - an import is one transaction: one bad row and nothing is stored.

pub mod agents;
pub mod compliance;
mod error;
pub mod events;
pub mod monitors;
pub mod notify;
pub mod ops;
pub mod sqlite;
mod types;

pub use agents::*;
pub use compliance::*;
pub use error::{StoreError, StoreResult};
pub use events::*;
pub use monitors::*;
pub use notify::*;
pub use ops::*;
pub use types::*;

use async_trait::async_trait;
use lachan_core::audit::{AuditEntry, AuditRecord, ChainError};
use lachan_core::auth::Scope;
use lachan_core::registry::{
    Agency, Asset, Contact, NewAgency, NewAsset, NewContact, NewSystem, System,
};

/// Everything the server needs from its main database: accounts, the
/// registry, the alert queue and the audit log. Implemented for every type
/// that implements the parts. Events live in a separate [`EventStore`].
pub trait Store:
    AccountStore
    + RegistryStore
    + AuditStore
    + AlertStore
    + TuningStore
    + AgentStore
    + OpsStore
    + NotifyStore
    + MonitorStore
{
}

/// Service and portal monitors: definitions (audited), the schedule, check history.
#[async_trait]
pub trait MonitorStore: Send + Sync + 'static {
    async fn create_monitor(&self, ctx: &AuditCtx, m: &MonitorRecord) -> StoreResult<Monitor>;
    async fn update_monitor(
        &self,
        ctx: &AuditCtx,
        id: i64,
        m: &MonitorRecord,
    ) -> StoreResult<Monitor>;
    async fn delete_monitor(&self, ctx: &AuditCtx, id: i64) -> StoreResult<()>;
    async fn monitor(&self, id: i64) -> StoreResult<Option<Monitor>>;
    async fn list_monitors(&self, scope: &Scope) -> StoreResult<Vec<Monitor>>;
    /// Enabled monitors whose next check is due at `now`.
    async fn due_monitors(&self, now: &str, limit: i64) -> StoreResult<Vec<Monitor>>;
    async fn postpone_monitor(&self, id: i64, until: &str) -> StoreResult<()>;
    async fn record_check(&self, id: i64, c: &CheckRecord) -> StoreResult<()>;
    /// Newest first.
    async fn monitor_results(
        &self,
        id: i64,
        since: &str,
        limit: i64,
    ) -> StoreResult<Vec<MonitorResult>>;
    async fn monitor_uptime(&self, id: i64, since: &str) -> StoreResult<Uptime>;
    async fn prune_monitor_results(&self, before: &str) -> StoreResult<u64>;
}

/// Notification subscriptions and the delivery log (retried until sent or given up).
#[async_trait]
pub trait NotifyStore: Send + Sync + 'static {
    async fn create_subscription(
        &self,
        ctx: &AuditCtx,
        s: &NewSubscription,
    ) -> StoreResult<Subscription>;
    async fn subscription(&self, id: i64) -> StoreResult<Option<Subscription>>;
    /// Every subscription, enabled or not.
    async fn list_subscriptions(&self) -> StoreResult<Vec<Subscription>>;
    /// Disable a subscription (kept for the delivery log).
    async fn delete_subscription(&self, ctx: &AuditCtx, id: i64) -> StoreResult<()>;
    async fn queue_delivery(
        &self,
        subscription_id: i64,
        event: &str,
        subject: &str,
        body: &str,
    ) -> StoreResult<i64>;
    async fn due_deliveries(&self, now: &str, limit: i64) -> StoreResult<Vec<Delivery>>;
    async fn record_attempt(
        &self,
        id: i64,
        error: Option<&str>,
        retry_at: Option<&str>,
    ) -> StoreResult<()>;
    async fn list_deliveries(&self, limit: i64) -> StoreResult<Vec<Delivery>>;
}

impl<
    T: AccountStore
        + RegistryStore
        + AuditStore
        + AlertStore
        + TuningStore
        + AgentStore
        + OpsStore
        + NotifyStore
        + MonitorStore,
> Store for T
{
}

/// The operations workflow: incidents, findings, letters, inspection plans and the
/// periodic report. Status moves are checked against `lachan_core::ops` inside the
/// writing transaction; every change is audited and written to the object's history.
#[async_trait]
pub trait OpsStore: Send + Sync + 'static {
    // ---- incidents ----
    async fn create_incident(&self, ctx: &AuditCtx, r: &IncidentRecord) -> StoreResult<Incident>;
    async fn incident(&self, id: i64) -> StoreResult<Option<Incident>>;
    async fn list_incidents(&self, q: &IncidentQuery) -> StoreResult<Page<Incident>>;
    /// `resolve_by` is the new deadline when the severity changes.
    async fn update_incident(
        &self,
        ctx: &AuditCtx,
        id: i64,
        change: &lachan_core::ops::IncidentChange,
        resolve_by: Option<&str>,
    ) -> StoreResult<Incident>;
    async fn incident_log(&self, id: i64) -> StoreResult<Vec<LogEntry>>;
    async fn add_incident_note(&self, ctx: &AuditCtx, id: i64, text: &str) -> StoreResult<()>;
    async fn link_incident_alerts(
        &self,
        ctx: &AuditCtx,
        id: i64,
        alert_ids: &[i64],
    ) -> StoreResult<()>;
    async fn add_incident_task(
        &self,
        ctx: &AuditCtx,
        id: i64,
        title: &str,
        assignee: Option<&str>,
        due_date: Option<&str>,
    ) -> StoreResult<Task>;
    async fn set_incident_task_done(
        &self,
        ctx: &AuditCtx,
        id: i64,
        task_id: i64,
        done: bool,
    ) -> StoreResult<Task>;
    async fn incident_tasks(&self, id: i64) -> StoreResult<Vec<Task>>;
    async fn add_incident_evidence(
        &self,
        ctx: &AuditCtx,
        id: i64,
        name: &str,
        media_type: &str,
        bytes: &[u8],
        note: Option<&str>,
    ) -> StoreResult<Evidence>;
    async fn incident_evidence(&self, id: i64) -> StoreResult<Vec<Evidence>>;
    async fn evidence_content(
        &self,
        id: i64,
        evidence_id: i64,
    ) -> StoreResult<Option<(Evidence, Vec<u8>)>>;
    // ---- findings and letters ----
    /// Store a finding, or fold it into the live finding with the same fingerprint
    /// (`false` in the result: one more occurrence, newer evidence).
    async fn record_finding(
        &self,
        ctx: &AuditCtx,
        r: &FindingRecord,
    ) -> StoreResult<(Finding, bool)>;
    async fn finding(&self, id: i64) -> StoreResult<Option<Finding>>;
    async fn list_findings(&self, q: &FindingQuery) -> StoreResult<Page<Finding>>;
    async fn update_finding(
        &self,
        ctx: &AuditCtx,
        id: i64,
        change: &lachan_core::ops::FindingChange,
    ) -> StoreResult<Finding>;
    async fn finding_log(&self, id: i64) -> StoreResult<Vec<LogEntry>>;
    async fn create_letter(
        &self,
        ctx: &AuditCtx,
        l: &lachan_core::ops::NewLetter,
        agency_id: i64,
    ) -> StoreResult<Letter>;
    async fn letter(&self, id: i64) -> StoreResult<Option<Letter>>;
    async fn list_letters(&self, scope: &Scope) -> StoreResult<Vec<Letter>>;
    // ---- inspection plans ----
    async fn create_plan(
        &self,
        ctx: &AuditCtx,
        p: &lachan_core::ops::NewPlan,
        targets: &[TargetRecord],
    ) -> StoreResult<Plan>;
    /// Replace a plan's number, dates, title, team and description (targets stay).
    async fn update_plan(
        &self,
        ctx: &AuditCtx,
        id: i64,
        p: &lachan_core::ops::NewPlan,
    ) -> StoreResult<Plan>;
    async fn add_plan_targets(
        &self,
        ctx: &AuditCtx,
        plan_id: i64,
        targets: &[TargetRecord],
    ) -> StoreResult<Vec<Target>>;
    /// The plan with the targets inside `scope`; `None` when there is no such plan.
    async fn plan(&self, id: i64, scope: &Scope) -> StoreResult<Option<Plan>>;
    /// Plans with at least one target inside `scope` (all plans when unscoped).
    async fn list_plans(&self, scope: &Scope) -> StoreResult<Vec<Plan>>;
    async fn target(&self, id: i64) -> StoreResult<Option<Target>>;
    async fn target_items(&self, target_id: i64) -> StoreResult<Vec<TargetItem>>;
    /// Answer checklist items `(code, result, note)`; counts and status follow.
    async fn answer_target_items(
        &self,
        ctx: &AuditCtx,
        target_id: i64,
        answers: &[(String, String, Option<String>)],
    ) -> StoreResult<Target>;
    async fn record_target_result(
        &self,
        ctx: &AuditCtx,
        target_id: i64,
        status: lachan_core::ops::TargetStatus,
        result: &lachan_core::ops::TargetResult,
    ) -> StoreResult<Target>;
    // ---- uploaded scans ----
    /// Store a scan and record its findings (created or folded into live ones) in one
    /// transaction; a target, when given, is marked inspected with the scan's counts.
    /// Returns the record and how many findings were new.
    async fn record_scan(&self, ctx: &AuditCtx, s: &NewScan) -> StoreResult<(ScanRecord, i64)>;
    async fn scan(&self, id: i64) -> StoreResult<Option<(ScanRecord, String)>>;
    async fn list_scans(
        &self,
        scope: &Scope,
        host: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<ScanRecord>>;
    /// Per agency in scope, from the latest scan of each host.
    async fn compliance(&self, scope: &Scope) -> StoreResult<Vec<ComplianceFigure>>;
    /// Compliance per agency, information system or security level, with its trend over
    /// `q.days`, the most failed checks and each host's latest scan.
    async fn compliance_view(
        &self,
        scope: &Scope,
        q: &ComplianceQuery,
    ) -> StoreResult<ComplianceView>;
    /// The information system of `agency_id` whose registry assets name this host (by
    /// host name, short host name or one of its addresses), when exactly one does.
    async fn system_for_host(
        &self,
        agency_id: i64,
        host: &str,
        addresses: &[String],
    ) -> StoreResult<Option<(i64, String)>>;
    // ---- report ----
    /// Figures for dates `from..=to` (yyyy-mm-dd, Vietnam calendar days) in `scope`.
    async fn report_figures(
        &self,
        scope: &Scope,
        from: &str,
        to: &str,
        today: &str,
    ) -> StoreResult<ReportFigures>;
}

/// Endpoint agents and enrollment tokens.
#[async_trait]
pub trait AgentStore: Send + Sync + 'static {
    /// A token (stored as its hash) that enrolls agents into `agency_id` until `expires_at`.
    async fn create_enroll_token(
        &self,
        ctx: &AuditCtx,
        agency_id: i64,
        group_id: Option<i64>,
        token_hash: &str,
        expires_at: &str,
    ) -> StoreResult<EnrollToken>;
    /// Enroll an agent with a valid token; audited as the agent.
    async fn enroll_agent(
        &self,
        token_hash: &str,
        source_ip: &str,
        a: &NewAgent,
    ) -> StoreResult<Agent>;
    async fn agent(&self, id: i64) -> StoreResult<Option<Agent>>;
    async fn agent_by_credential(&self, hash: &str) -> StoreResult<Option<Agent>>;
    /// Record contact (and the latest heartbeat, when given).
    async fn touch_agent(&self, id: i64, heartbeat: Option<&str>) -> StoreResult<()>;
    async fn list_agents(&self, scope: &Scope) -> StoreResult<Vec<Agent>>;
    /// Refuse the agent's credential from now on (audited).
    async fn revoke_agent(&self, ctx: &AuditCtx, id: i64) -> StoreResult<()>;
    // ---- agent groups (central settings) ----
    /// Groups of the agencies in scope, and the province-wide groups.
    async fn list_agent_groups(&self, scope: &Scope) -> StoreResult<Vec<AgentGroup>>;
    async fn agent_group(&self, id: i64) -> StoreResult<Option<AgentGroup>>;
    async fn create_agent_group(
        &self,
        ctx: &AuditCtx,
        g: &NewAgentGroup,
    ) -> StoreResult<AgentGroup>;
    /// Replace name, description and settings; the revision grows (audited).
    async fn update_agent_group(
        &self,
        ctx: &AuditCtx,
        id: i64,
        g: &NewAgentGroup,
    ) -> StoreResult<AgentGroup>;
    /// Remove a group; its agents keep running without central settings (audited).
    async fn delete_agent_group(&self, ctx: &AuditCtx, id: i64) -> StoreResult<()>;
    /// Move an agent into a group that fits its agency, or out of any (audited).
    async fn set_agent_group(
        &self,
        ctx: &AuditCtx,
        agent_id: i64,
        group_id: Option<i64>,
    ) -> StoreResult<Agent>;
}

/// Detection tuning: rule overrides and suppressions (each change audited).
#[async_trait]
pub trait TuningStore: Send + Sync + 'static {
    async fn list_overrides(&self) -> StoreResult<Vec<RuleOverride>>;
    /// Create or replace the override of `o.rule_id`.
    async fn set_override(&self, ctx: &AuditCtx, o: &RuleOverride) -> StoreResult<RuleOverride>;
    async fn delete_override(&self, ctx: &AuditCtx, rule_id: &str) -> StoreResult<()>;
    async fn list_suppressions(&self) -> StoreResult<Vec<Suppression>>;
    async fn create_suppression(&self, ctx: &AuditCtx, s: &NewSuppression) -> StoreResult<i64>;
    async fn delete_suppression(&self, ctx: &AuditCtx, id: i64) -> StoreResult<()>;
}

/// The alert queue.
#[async_trait]
pub trait AlertStore: Send + Sync + 'static {
    /// Fold detections into open alerts (same rule, host and agency) or open new ones,
    /// in one transaction. Returns `(alert id, created)` per hit.
    async fn record_alert_hits(&self, hits: &[AlertHit]) -> StoreResult<Vec<(i64, bool)>>;
    async fn list_alerts(&self, q: &AlertQuery) -> StoreResult<Page<Alert>>;
    /// The alert and its agency id.
    async fn alert(&self, id: i64) -> StoreResult<Option<(Alert, Option<i64>)>>;
    /// Triage (status, assignee, reason), audited in the same transaction.
    async fn update_alert(
        &self,
        ctx: &AuditCtx,
        id: i64,
        change: &AlertChange,
    ) -> StoreResult<Alert>;
}

/// Stored events: durable batch appends, search, retention by day partition.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Store a batch in one transaction; when this returns `Ok` every event is on disk.
    async fn append_events(&self, events: Vec<NewEvent>) -> StoreResult<Vec<String>>;
    /// Store an agent's batch `seq` unless that number (or a later one) was stored before,
    /// in the same transaction as the agent's sequence mark, so a retried batch is never
    /// stored twice. Numbers may skip (batches the agent dropped past its spool bound).
    async fn append_agent_batch(
        &self,
        agent_id: i64,
        seq: i64,
        events: Vec<NewEvent>,
    ) -> StoreResult<BatchOutcome>;
    /// Matching events, newest first; the total is exact up to [`EXACT_TOTAL_UP_TO`].
    async fn search_events(&self, q: &EventQuery) -> StoreResult<EventPage>;
    async fn event(&self, id: &str) -> StoreResult<Option<StoredEvent>>;
    /// The agency of a stored event: `None` when there is no such event.
    async fn event_agency(&self, id: &str) -> StoreResult<Option<Option<i64>>>;
    /// Drop whole day partitions older than `cutoff_ms`; returns the days dropped.
    async fn drop_events_before(&self, cutoff_ms: i64) -> StoreResult<Vec<i64>>;
    async fn event_count(&self) -> StoreResult<i64>;
    async fn close_events(&self);
}

/// Users, console sessions and API tokens.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    // ---- users and authentication ----
    async fn user_count(&self) -> StoreResult<i64>;
    async fn create_user(&self, ctx: &AuditCtx, user: NewUser) -> StoreResult<User>;
    async fn user_by_name(&self, username: &str) -> StoreResult<Option<UserWithHash>>;
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>>;
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    /// Count a failed login; lock the account until `lock_until` when given.
    async fn record_login_failure(
        &self,
        ctx: &AuditCtx,
        user_id: i64,
        lock_until: Option<String>,
    ) -> StoreResult<i64>;
    async fn record_login_success(&self, ctx: &AuditCtx, user_id: i64) -> StoreResult<()>;
    async fn set_password(
        &self,
        ctx: &AuditCtx,
        user_id: i64,
        password_hash: &str,
        must_change: bool,
    ) -> StoreResult<()>;
    async fn set_user_disabled(
        &self,
        ctx: &AuditCtx,
        user_id: i64,
        disabled: bool,
    ) -> StoreResult<()>;
    async fn unlock_user(&self, ctx: &AuditCtx, user_id: i64) -> StoreResult<()>;
    // ---- sessions and tokens ----
    async fn create_session(&self, s: &Session) -> StoreResult<()>;
    async fn session(&self, id_hash: &str) -> StoreResult<Option<Session>>;
    async fn touch_session(&self, id_hash: &str, now: &str, expires_at: &str) -> StoreResult<()>;
    async fn delete_session(&self, id_hash: &str) -> StoreResult<()>;
    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<()>;
    async fn delete_expired_sessions(&self, now: &str) -> StoreResult<u64>;
    async fn create_api_token(
        &self,
        ctx: &AuditCtx,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiToken>;
    async fn api_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>>;
    async fn list_api_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiToken>>;
    async fn revoke_api_token(&self, ctx: &AuditCtx, user_id: i64, id: i64) -> StoreResult<()>;
    async fn touch_api_token(&self, id: i64, now: &str) -> StoreResult<()>;
}

/// Agencies, information systems, their assets and contacts.
#[async_trait]
pub trait RegistryStore: Send + Sync + 'static {
    // ---- agencies ----
    async fn create_agency(&self, ctx: &AuditCtx, a: NewAgency) -> StoreResult<Agency>;
    async fn update_agency(&self, ctx: &AuditCtx, code: &str, a: NewAgency) -> StoreResult<Agency>;
    async fn agency(&self, code: &str) -> StoreResult<Option<Agency>>;
    async fn list_agencies(&self, scope: &Scope) -> StoreResult<Vec<Agency>>;
    /// The agency and every agency below it.
    async fn agency_subtree(&self, agency_id: i64) -> StoreResult<Vec<i64>>;
    // ---- information systems ----
    async fn create_system(&self, ctx: &AuditCtx, s: NewSystem) -> StoreResult<System>;
    async fn update_system(&self, ctx: &AuditCtx, code: &str, s: NewSystem) -> StoreResult<System>;
    async fn delete_system(&self, ctx: &AuditCtx, code: &str) -> StoreResult<()>;
    async fn system(&self, code: &str) -> StoreResult<Option<SystemWithAgency>>;
    async fn list_systems(&self, q: &SystemQuery) -> StoreResult<Page<System>>;
    async fn add_asset(&self, ctx: &AuditCtx, system_code: &str, a: NewAsset)
    -> StoreResult<Asset>;
    async fn delete_asset(&self, ctx: &AuditCtx, system_code: &str, id: i64) -> StoreResult<()>;
    async fn list_assets(&self, system_code: &str) -> StoreResult<Vec<Asset>>;
    async fn add_contact(
        &self,
        ctx: &AuditCtx,
        system_code: &str,
        c: NewContact,
    ) -> StoreResult<Contact>;
    async fn delete_contact(&self, ctx: &AuditCtx, system_code: &str, id: i64) -> StoreResult<()>;
    async fn list_contacts(&self, system_code: &str) -> StoreResult<Vec<Contact>>;
    // ---- import (one transaction each) ----
    async fn import_agencies(
        &self,
        ctx: &AuditCtx,
        rows: Vec<(usize, NewAgency)>,
        source: &str,
    ) -> StoreResult<ImportSummary>;
    /// `scope` limits which agencies rows may name (agency officers).
    async fn import_systems(
        &self,
        ctx: &AuditCtx,
        scope: &Scope,
        rows: Vec<(usize, NewSystem)>,
        source: &str,
    ) -> StoreResult<ImportSummary>;
    // ---- dashboard ----
    async fn dashboard(&self, scope: &Scope) -> StoreResult<Dashboard>;
    /// The agency whose information system lists `address` (an IP or host name) as an
    /// asset; `None` when no asset has it or several agencies do.
    async fn agency_for_address(&self, address: &str) -> StoreResult<Option<(i64, String)>>;
}

/// The hash-chained audit log, settings and backups.
#[async_trait]
pub trait AuditStore: Send + Sync + 'static {
    // ---- audit ----
    /// Record an action that changes nothing else (login, logout, export…).
    async fn audit(&self, entry: AuditEntry) -> StoreResult<()>;
    async fn list_audit(&self, q: &AuditQuery) -> StoreResult<Page<AuditRecord>>;
    /// Walk the whole chain; `Ok(rows)` when intact.
    async fn verify_audit(&self) -> StoreResult<Result<u64, ChainError>>;
    // ---- maintenance ----
    /// A consistent copy of the live database in `path` (must not exist).
    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<()>;
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;
}
