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
mod agents;
mod alerts;
mod audit;
mod events;
mod migrate;
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
        token_hash: &str,
        expires_at: &str,
    ) -> StoreResult<crate::EnrollToken> {
        self.new_enroll_token(ctx, agency_id, token_hash, expires_at)
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
    async fn append_events(&self, events: &[crate::NewEvent]) -> StoreResult<Vec<String>> {
        self.append(events).await
    }
    async fn append_agent_batch(
        &self,
        agent_id: i64,
        seq: i64,
        events: &[crate::NewEvent],
    ) -> StoreResult<crate::BatchOutcome> {
        self.append_seq(agent_id, seq, events).await
    }
    async fn search_events(
        &self,
        q: &crate::EventQuery,
    ) -> StoreResult<crate::Page<crate::StoredEvent>> {
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

#[cfg(test)]
mod tests;
