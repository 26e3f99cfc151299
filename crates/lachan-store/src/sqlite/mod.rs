//! The embedded store: one SQLite file in WAL mode, a single writer
//! connection (writes are serialised, which also keeps the audit chain
//! linear) and a small pool of readers.

/// A query text built with `format!` from trusted parts only (table names made from
/// integers, constant column lists); values are always bound.
macro_rules! sql {
    ($($t:tt)*) => {
        sqlx::AssertSqlSafe(format!($($t)*))
    };
}

mod accounts;
mod agent_groups;
mod agents;
mod alerts;
mod audit;
mod compliance;
mod event_writer;
mod events;
mod findings;
mod history;
mod incidents;
mod migrate;
mod monitors;
mod notify;
mod plans;
mod report;
mod scans;
mod tuning;

pub use events::{EVENTS_DB_FILE, SqliteEventStore, day_of};

pub use migrate::latest_version;
mod registry;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use lachan_core::audit::{AuditEntry, GENESIS, chain_hash};
use lachan_core::datefmt;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};

use crate::{StoreError, StoreResult};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "lachan.db";

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Open (creating if needed) the database file and apply migrations.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let opts = SqliteConnectOptions::from_str("sqlite://")
            .map_err(StoreError::Db)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        migrate::run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.read_only(true))
            .await?;
        Ok(Self { writer, reader })
    }

    /// Open an existing database without creating or migrating it (for
    /// verification and restore checks).
    pub async fn open_existing(path: &Path) -> StoreResult<Self> {
        if !path.is_file() {
            return Err(StoreError::NotFound(format!("database {}", path.display())));
        }
        Self::open(path).await
    }

    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

pub(crate) fn now() -> String {
    datefmt::to_rfc3339(datefmt::now_utc())
}

/// Append one audit row inside the caller's transaction.
pub(crate) async fn append_audit(conn: &mut SqliteConnection, e: &AuditEntry) -> StoreResult<()> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let (prev_seq, prev_hash) = last.unwrap_or((0, GENESIS.to_string()));
    let seq = prev_seq + 1;
    let at = now();
    let hash = chain_hash(&prev_hash, seq, &at, e);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, target, summary, source_ip, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(seq)
    .bind(&at)
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.target)
    .bind(&e.summary)
    .bind(&e.source_ip)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) fn entry(
    ctx: &crate::AuditCtx,
    action: &str,
    target: impl Into<String>,
    summary: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        actor: ctx.actor.clone(),
        action: action.to_string(),
        target: target.into(),
        summary: summary.to_string(),
        source_ip: ctx.source_ip.clone(),
    }
}

#[async_trait::async_trait]
impl crate::AlertStore for SqliteStore {
    async fn record_alert_hits(&self, hits: &[crate::AlertHit]) -> StoreResult<Vec<(i64, bool)>> {
        self.record_hits(hits).await
    }
    async fn list_alerts(&self, q: &crate::AlertQuery) -> StoreResult<crate::Page<crate::Alert>> {
        self.query_alerts(q).await
    }
    async fn alert(&self, id: i64) -> StoreResult<Option<(crate::Alert, Option<i64>)>> {
        self.alert_by_id(id).await
    }
    async fn update_alert(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        change: &crate::AlertChange,
    ) -> StoreResult<crate::Alert> {
        self.change_alert(ctx, id, change).await
    }
}

#[async_trait::async_trait]
impl crate::AgentStore for SqliteStore {
    async fn create_enroll_token(
        &self,
        ctx: &crate::AuditCtx,
        agency_id: i64,
        group_id: Option<i64>,
        token_hash: &str,
        expires_at: &str,
    ) -> StoreResult<crate::EnrollToken> {
        self.new_enroll_token(ctx, agency_id, group_id, token_hash, expires_at)
            .await
    }
    async fn enroll_agent(
        &self,
        token_hash: &str,
        source_ip: &str,
        a: &crate::NewAgent,
    ) -> StoreResult<crate::Agent> {
        self.enroll(token_hash, source_ip, a).await
    }
    async fn agent(&self, id: i64) -> StoreResult<Option<crate::Agent>> {
        self.agent_by_id(id).await
    }
    async fn agent_by_credential(&self, hash: &str) -> StoreResult<Option<crate::Agent>> {
        self.agent_by_cred(hash).await
    }
    async fn touch_agent(&self, id: i64, heartbeat: Option<&str>) -> StoreResult<()> {
        self.touch(id, heartbeat).await
    }
    async fn list_agents(
        &self,
        scope: &lachan_core::auth::Scope,
    ) -> StoreResult<Vec<crate::Agent>> {
        self.agents(scope).await
    }
    async fn revoke_agent(&self, ctx: &crate::AuditCtx, id: i64) -> StoreResult<()> {
        self.revoke(ctx, id).await
    }
    async fn list_agent_groups(
        &self,
        scope: &lachan_core::auth::Scope,
    ) -> StoreResult<Vec<crate::AgentGroup>> {
        self.agent_groups(scope).await
    }
    async fn agent_group(&self, id: i64) -> StoreResult<Option<crate::AgentGroup>> {
        self.agent_group_by_id(id).await
    }
    async fn create_agent_group(
        &self,
        ctx: &crate::AuditCtx,
        g: &crate::NewAgentGroup,
    ) -> StoreResult<crate::AgentGroup> {
        self.insert_agent_group(ctx, g).await
    }
    async fn update_agent_group(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        g: &crate::NewAgentGroup,
    ) -> StoreResult<crate::AgentGroup> {
        self.replace_agent_group(ctx, id, g).await
    }
    async fn delete_agent_group(&self, ctx: &crate::AuditCtx, id: i64) -> StoreResult<()> {
        self.remove_agent_group(ctx, id).await
    }
    async fn set_agent_group(
        &self,
        ctx: &crate::AuditCtx,
        agent_id: i64,
        group_id: Option<i64>,
    ) -> StoreResult<crate::Agent> {
        self.move_agent(ctx, agent_id, group_id).await
    }
}

#[async_trait::async_trait]
impl crate::TuningStore for SqliteStore {
    async fn list_overrides(&self) -> StoreResult<Vec<crate::RuleOverride>> {
        self.overrides().await
    }
    async fn set_override(
        &self,
        ctx: &crate::AuditCtx,
        o: &crate::RuleOverride,
    ) -> StoreResult<crate::RuleOverride> {
        self.put_override(ctx, o).await
    }
    async fn delete_override(&self, ctx: &crate::AuditCtx, rule_id: &str) -> StoreResult<()> {
        self.remove_override(ctx, rule_id).await
    }
    async fn list_suppressions(&self) -> StoreResult<Vec<crate::Suppression>> {
        self.suppressions().await
    }
    async fn create_suppression(
        &self,
        ctx: &crate::AuditCtx,
        s: &crate::NewSuppression,
    ) -> StoreResult<i64> {
        self.add_suppression(ctx, s).await
    }
    async fn delete_suppression(&self, ctx: &crate::AuditCtx, id: i64) -> StoreResult<()> {
        self.remove_suppression(ctx, id).await
    }
}

#[async_trait::async_trait]
impl crate::EventStore for SqliteEventStore {
    async fn append_events(&self, events: Vec<crate::NewEvent>) -> StoreResult<Vec<String>> {
        self.append(events).await
    }
    async fn append_agent_batch(
        &self,
        agent_id: i64,
        seq: i64,
        events: Vec<crate::NewEvent>,
    ) -> StoreResult<crate::BatchOutcome> {
        self.append_seq(agent_id, seq, events).await
    }
    async fn search_events(&self, q: &crate::EventQuery) -> StoreResult<crate::EventPage> {
        self.search(q).await
    }
    async fn event(&self, id: &str) -> StoreResult<Option<crate::StoredEvent>> {
        SqliteEventStore::event(self, id).await
    }
    async fn event_agency(&self, id: &str) -> StoreResult<Option<Option<i64>>> {
        SqliteEventStore::event_agency(self, id).await
    }
    async fn drop_events_before(&self, cutoff_ms: i64) -> StoreResult<Vec<i64>> {
        self.drop_before(cutoff_ms).await
    }
    async fn event_count(&self) -> StoreResult<i64> {
        self.count().await
    }
    async fn close_events(&self) {
        self.close().await
    }
}

#[async_trait::async_trait]
impl crate::OpsStore for SqliteStore {
    async fn create_incident(
        &self,
        ctx: &crate::AuditCtx,
        r: &crate::IncidentRecord,
    ) -> StoreResult<crate::Incident> {
        self.insert_incident(ctx, r).await
    }
    async fn incident(&self, id: i64) -> StoreResult<Option<crate::Incident>> {
        self.incident_by_id(id).await
    }
    async fn list_incidents(
        &self,
        q: &crate::IncidentQuery,
    ) -> StoreResult<crate::Page<crate::Incident>> {
        self.query_incidents(q).await
    }
    async fn update_incident(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        change: &lachan_core::ops::IncidentChange,
        resolve_by: Option<&str>,
    ) -> StoreResult<crate::Incident> {
        self.change_incident(ctx, id, change, resolve_by).await
    }
    async fn incident_log(&self, id: i64) -> StoreResult<Vec<crate::LogEntry>> {
        self.incident_log_rows(id).await
    }
    async fn add_incident_note(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        text: &str,
    ) -> StoreResult<()> {
        self.note_incident(ctx, id, text).await
    }
    async fn link_incident_alerts(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        alert_ids: &[i64],
    ) -> StoreResult<()> {
        self.link_alerts_to(ctx, id, alert_ids).await
    }
    async fn add_incident_task(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        title: &str,
        assignee: Option<&str>,
        due_date: Option<&str>,
    ) -> StoreResult<crate::Task> {
        self.new_task(ctx, id, title, assignee, due_date).await
    }
    async fn set_incident_task_done(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        task_id: i64,
        done: bool,
    ) -> StoreResult<crate::Task> {
        self.mark_task(ctx, id, task_id, done).await
    }
    async fn incident_tasks(&self, id: i64) -> StoreResult<Vec<crate::Task>> {
        self.tasks_of(id).await
    }
    async fn add_incident_evidence(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        name: &str,
        media_type: &str,
        bytes: &[u8],
        note: Option<&str>,
    ) -> StoreResult<crate::Evidence> {
        self.store_evidence(ctx, id, name, media_type, bytes, note)
            .await
    }
    async fn incident_evidence(&self, id: i64) -> StoreResult<Vec<crate::Evidence>> {
        self.evidence_of(id).await
    }
    async fn evidence_content(
        &self,
        id: i64,
        evidence_id: i64,
    ) -> StoreResult<Option<(crate::Evidence, Vec<u8>)>> {
        self.evidence_bytes(id, evidence_id).await
    }
    async fn record_finding(
        &self,
        ctx: &crate::AuditCtx,
        r: &crate::FindingRecord,
    ) -> StoreResult<(crate::Finding, bool)> {
        self.put_finding(ctx, r).await
    }
    async fn finding(&self, id: i64) -> StoreResult<Option<crate::Finding>> {
        self.finding_by_id(id).await
    }
    async fn list_findings(
        &self,
        q: &crate::FindingQuery,
    ) -> StoreResult<crate::Page<crate::Finding>> {
        self.query_findings(q).await
    }
    async fn update_finding(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        change: &lachan_core::ops::FindingChange,
    ) -> StoreResult<crate::Finding> {
        self.change_finding(ctx, id, change).await
    }
    async fn finding_log(&self, id: i64) -> StoreResult<Vec<crate::LogEntry>> {
        self.finding_log_rows(id).await
    }
    async fn create_letter(
        &self,
        ctx: &crate::AuditCtx,
        l: &lachan_core::ops::NewLetter,
        agency_id: i64,
    ) -> StoreResult<crate::Letter> {
        self.insert_letter(ctx, l, agency_id).await
    }
    async fn letter(&self, id: i64) -> StoreResult<Option<crate::Letter>> {
        self.letter_by_id(id).await
    }
    async fn list_letters(
        &self,
        scope: &lachan_core::auth::Scope,
    ) -> StoreResult<Vec<crate::Letter>> {
        self.letters(scope).await
    }
    async fn create_plan(
        &self,
        ctx: &crate::AuditCtx,
        p: &lachan_core::ops::NewPlan,
        targets: &[crate::TargetRecord],
    ) -> StoreResult<crate::Plan> {
        self.insert_plan(ctx, p, targets).await
    }
    async fn update_plan(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        p: &lachan_core::ops::NewPlan,
    ) -> StoreResult<crate::Plan> {
        self.change_plan(ctx, id, p).await
    }
    async fn add_plan_targets(
        &self,
        ctx: &crate::AuditCtx,
        plan_id: i64,
        targets: &[crate::TargetRecord],
    ) -> StoreResult<Vec<crate::Target>> {
        self.append_targets(ctx, plan_id, targets).await
    }
    async fn plan(
        &self,
        id: i64,
        scope: &lachan_core::auth::Scope,
    ) -> StoreResult<Option<crate::Plan>> {
        self.plan_by_id(id, scope).await
    }
    async fn list_plans(&self, scope: &lachan_core::auth::Scope) -> StoreResult<Vec<crate::Plan>> {
        self.plans(scope).await
    }
    async fn target(&self, id: i64) -> StoreResult<Option<crate::Target>> {
        self.target_by_id(id).await
    }
    async fn target_items(&self, target_id: i64) -> StoreResult<Vec<crate::TargetItem>> {
        self.items_of(target_id).await
    }
    async fn answer_target_items(
        &self,
        ctx: &crate::AuditCtx,
        target_id: i64,
        answers: &[(String, String, Option<String>)],
    ) -> StoreResult<crate::Target> {
        let today = datefmt::date_iso(datefmt::now_utc().to_offset(datefmt::VN_OFFSET).date());
        self.answer_items(ctx, target_id, answers, &today).await
    }
    async fn record_target_result(
        &self,
        ctx: &crate::AuditCtx,
        target_id: i64,
        status: lachan_core::ops::TargetStatus,
        result: &lachan_core::ops::TargetResult,
    ) -> StoreResult<crate::Target> {
        let today = datefmt::date_iso(datefmt::now_utc().to_offset(datefmt::VN_OFFSET).date());
        self.set_target_result(ctx, target_id, status, result, &today)
            .await
    }
    async fn record_scan(
        &self,
        ctx: &crate::AuditCtx,
        s: &crate::NewScan,
    ) -> StoreResult<(crate::ScanRecord, i64)> {
        self.insert_scan(ctx, s).await
    }
    async fn scan(&self, id: i64) -> StoreResult<Option<(crate::ScanRecord, String)>> {
        self.scan_by_id(id).await
    }
    async fn list_scans(
        &self,
        scope: &lachan_core::auth::Scope,
        host: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<crate::ScanRecord>> {
        self.scans(scope, host, limit).await
    }
    async fn compliance(
        &self,
        scope: &lachan_core::auth::Scope,
    ) -> StoreResult<Vec<crate::ComplianceFigure>> {
        self.compliance_figures(scope, None).await
    }
    async fn compliance_view(
        &self,
        scope: &lachan_core::auth::Scope,
        q: &crate::ComplianceQuery,
    ) -> StoreResult<crate::ComplianceView> {
        self.compliance_of(scope, q).await
    }
    async fn system_for_host(
        &self,
        agency_id: i64,
        host: &str,
        addresses: &[String],
    ) -> StoreResult<Option<(i64, String)>> {
        self.host_system(agency_id, host, addresses).await
    }
    async fn report_figures(
        &self,
        scope: &lachan_core::auth::Scope,
        from: &str,
        to: &str,
        today: &str,
    ) -> StoreResult<crate::ReportFigures> {
        self.figures(scope, from, to, today).await
    }
}

#[async_trait::async_trait]
impl crate::NotifyStore for SqliteStore {
    async fn create_subscription(
        &self,
        ctx: &crate::AuditCtx,
        s: &crate::NewSubscription,
    ) -> StoreResult<crate::Subscription> {
        self.insert_subscription(ctx, s).await
    }
    async fn subscription(&self, id: i64) -> StoreResult<Option<crate::Subscription>> {
        self.subscription_by_id(id).await
    }
    async fn list_subscriptions(&self) -> StoreResult<Vec<crate::Subscription>> {
        self.subscriptions().await
    }
    async fn delete_subscription(&self, ctx: &crate::AuditCtx, id: i64) -> StoreResult<()> {
        self.remove_subscription(ctx, id).await
    }
    async fn queue_delivery(
        &self,
        subscription_id: i64,
        event: &str,
        subject: &str,
        body: &str,
    ) -> StoreResult<i64> {
        SqliteStore::queue_delivery(self, subscription_id, event, subject, body).await
    }
    async fn due_deliveries(&self, now: &str, limit: i64) -> StoreResult<Vec<crate::Delivery>> {
        self.due(now, limit).await
    }
    async fn record_attempt(
        &self,
        id: i64,
        error: Option<&str>,
        retry_at: Option<&str>,
    ) -> StoreResult<()> {
        self.attempted(id, error, retry_at).await
    }
    async fn list_deliveries(&self, limit: i64) -> StoreResult<Vec<crate::Delivery>> {
        self.recent_deliveries(limit).await
    }
}

#[async_trait::async_trait]
impl crate::MonitorStore for SqliteStore {
    async fn create_monitor(
        &self,
        ctx: &crate::AuditCtx,
        m: &crate::MonitorRecord,
    ) -> StoreResult<crate::Monitor> {
        self.insert_monitor(ctx, m).await
    }
    async fn update_monitor(
        &self,
        ctx: &crate::AuditCtx,
        id: i64,
        m: &crate::MonitorRecord,
    ) -> StoreResult<crate::Monitor> {
        self.change_monitor(ctx, id, m).await
    }
    async fn delete_monitor(&self, ctx: &crate::AuditCtx, id: i64) -> StoreResult<()> {
        self.remove_monitor(ctx, id).await
    }
    async fn monitor(&self, id: i64) -> StoreResult<Option<crate::Monitor>> {
        self.monitor_by_id(id).await
    }
    async fn list_monitors(
        &self,
        scope: &lachan_core::auth::Scope,
    ) -> StoreResult<Vec<crate::Monitor>> {
        self.monitors(scope).await
    }
    async fn due_monitors(&self, now: &str, limit: i64) -> StoreResult<Vec<crate::Monitor>> {
        self.due_checks(now, limit).await
    }
    async fn postpone_monitor(&self, id: i64, until: &str) -> StoreResult<()> {
        self.postpone(id, until).await
    }
    async fn record_check(&self, id: i64, c: &crate::CheckRecord) -> StoreResult<()> {
        self.save_check(id, c).await
    }
    async fn monitor_results(
        &self,
        id: i64,
        since: &str,
        limit: i64,
    ) -> StoreResult<Vec<crate::MonitorResult>> {
        self.results(id, since, limit).await
    }
    async fn monitor_uptime(&self, id: i64, since: &str) -> StoreResult<crate::Uptime> {
        self.uptime_since(id, since).await
    }
    async fn prune_monitor_results(&self, before: &str) -> StoreResult<u64> {
        self.prune_results(before).await
    }
}

#[cfg(test)]
mod tests;
