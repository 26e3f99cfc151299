//! Monitors, their schedule and their check history.

use lachan_core::auth::Scope;
use serde_json::json;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::incidents::push_scope;
use super::{SqliteStore, append_audit, entry, now};
use crate::{
    AuditCtx, CheckRecord, Monitor, MonitorRecord, MonitorResult, StoreError, StoreResult, Uptime,
};

const SELECT: &str = "SELECT m.*, ag.code AS agency_code, ag.name AS agency_name,
    s.code AS system_code FROM monitors m JOIN agencies ag ON ag.id = m.agency_id
    LEFT JOIN systems s ON s.id = m.system_id";

fn row_to_monitor(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Monitor> {
    Ok(Monitor {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        target: r.try_get("target")?,
        agency_id: r.try_get("agency_id")?,
        agency_code: r.try_get("agency_code")?,
        agency_name: r.try_get("agency_name")?,
        system_code: r.try_get("system_code")?,
        interval_secs: r.try_get("interval_secs")?,
        timeout_secs: r.try_get("timeout_secs")?,
        keyword: r.try_get("keyword")?,
        keyword_absent: r.try_get("keyword_absent")?,
        expect_status: r.try_get("expect_status")?,
        tls_warn_days: r.try_get("tls_warn_days")?,
        enabled: r.try_get("enabled")?,
        state: r.try_get("state")?,
        state_since: r.try_get("state_since")?,
        fail_streak: r.try_get("fail_streak")?,
        ok_streak: r.try_get("ok_streak")?,
        last_checked_at: r.try_get("last_checked_at")?,
        last_latency_ms: r.try_get("last_latency_ms")?,
        last_detail: r.try_get("last_detail")?,
        next_due_at: r.try_get("next_due_at")?,
        baseline: r.try_get("baseline")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl SqliteStore {
    pub(crate) async fn insert_monitor(
        &self,
        ctx: &AuditCtx,
        m: &MonitorRecord,
    ) -> StoreResult<Monitor> {
        let i = &m.input;
        let at = now();
        let mut tx = self.writer.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO monitors (name, kind, target, agency_id, system_id, interval_secs,
             timeout_secs, keyword, keyword_absent, expect_status, tls_warn_days, enabled,
             next_due_at, created_by, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&i.name)
        .bind(i.kind.code())
        .bind(&i.target)
        .bind(m.agency_id)
        .bind(m.system_id)
        .bind(i.interval_secs.unwrap_or(60))
        .bind(i.timeout_secs.unwrap_or(10))
        .bind(&i.keyword)
        .bind(i.keyword_absent)
        .bind(i.expect_status.map(i64::from))
        .bind(i.tls_warn_days.unwrap_or(14))
        .bind(i.enabled)
        .bind(&at)
        .bind(&ctx.actor)
        .bind(&at)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        let e = entry(
            ctx,
            "monitor.create",
            format!("monitor:{id}"),
            json!({"name": i.name, "kind": i.kind, "target": i.target, "agency_id": m.agency_id}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.monitor_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("monitor {id}")))
    }

    pub(crate) async fn change_monitor(
        &self,
        ctx: &AuditCtx,
        id: i64,
        m: &MonitorRecord,
    ) -> StoreResult<Monitor> {
        let i = &m.input;
        let at = now();
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query(
            "UPDATE monitors SET name = ?, kind = ?, target = ?, agency_id = ?, system_id = ?,
             interval_secs = ?, timeout_secs = ?, keyword = ?, keyword_absent = ?,
             expect_status = ?, tls_warn_days = ?, enabled = ?, next_due_at = ?,
             baseline = CASE WHEN kind = ? AND target = ? THEN baseline ELSE NULL END,
             updated_at = ? WHERE id = ? AND deleted = 0",
        )
        .bind(&i.name)
        .bind(i.kind.code())
        .bind(&i.target)
        .bind(m.agency_id)
        .bind(m.system_id)
        .bind(i.interval_secs.unwrap_or(60))
        .bind(i.timeout_secs.unwrap_or(10))
        .bind(&i.keyword)
        .bind(i.keyword_absent)
        .bind(i.expect_status.map(i64::from))
        .bind(i.tls_warn_days.unwrap_or(14))
        .bind(i.enabled)
        .bind(&at)
        .bind(i.kind.code())
        .bind(&i.target)
        .bind(&at)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("monitor {id}")));
        }
        let e = entry(
            ctx,
            "monitor.update",
            format!("monitor:{id}"),
            json!({"name": i.name, "kind": i.kind, "target": i.target, "enabled": i.enabled}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.monitor_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("monitor {id}")))
    }

    pub(crate) async fn remove_monitor(&self, ctx: &AuditCtx, id: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query(
            "UPDATE monitors SET deleted = 1, enabled = 0, updated_at = ? WHERE id = ? AND deleted = 0",
        )
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("monitor {id}")));
        }
        let e = entry(ctx, "monitor.delete", format!("monitor:{id}"), json!({}));
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn monitor_by_id(&self, id: i64) -> StoreResult<Option<Monitor>> {
        let r = sqlx::query(sql!("{SELECT} WHERE m.id = ? AND m.deleted = 0"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        r.as_ref().map(row_to_monitor).transpose()
    }

    pub(crate) async fn monitors(&self, scope: &Scope) -> StoreResult<Vec<Monitor>> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(SELECT);
        qb.push(" WHERE m.deleted = 0");
        push_scope(&mut qb, "m.agency_id", &Some(scope.clone()));
        qb.push(" ORDER BY ag.code, m.name, m.id");
        let rows = qb.build().fetch_all(&self.reader).await?;
        rows.iter().map(row_to_monitor).collect()
    }

    pub(crate) async fn due_checks(&self, now_at: &str, limit: i64) -> StoreResult<Vec<Monitor>> {
        let rows = sqlx::query(sql!(
            "{SELECT} WHERE m.enabled = 1 AND m.deleted = 0 AND m.next_due_at <= ?
             ORDER BY m.next_due_at LIMIT ?"
        ))
        .bind(now_at)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(row_to_monitor).collect()
    }

    /// Push a monitor's next check out (it is being checked now).
    pub(crate) async fn postpone(&self, id: i64, until: &str) -> StoreResult<()> {
        sqlx::query("UPDATE monitors SET next_due_at = ? WHERE id = ?")
            .bind(until)
            .bind(id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    pub(crate) async fn save_check(&self, id: i64, c: &CheckRecord) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO monitor_results (monitor_id, at, ok, latency_ms, status, detail)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(&c.at)
        .bind(c.ok)
        .bind(c.latency_ms)
        .bind(c.status)
        .bind(&c.detail)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE monitors SET state = ?, fail_streak = ?, ok_streak = ?,
             state_since = CASE WHEN ? OR state_since IS NULL THEN ? ELSE state_since END,
             last_checked_at = ?, last_latency_ms = ?, last_detail = ?, next_due_at = ?,
             baseline = COALESCE(?, baseline) WHERE id = ?",
        )
        .bind(&c.state)
        .bind(c.fail_streak)
        .bind(c.ok_streak)
        .bind(c.state_changed)
        .bind(&c.at)
        .bind(&c.at)
        .bind(c.latency_ms)
        .bind(&c.detail)
        .bind(&c.next_due_at)
        .bind(&c.baseline)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn results(
        &self,
        id: i64,
        since: &str,
        limit: i64,
    ) -> StoreResult<Vec<MonitorResult>> {
        let rows = sqlx::query(
            "SELECT at, ok, latency_ms, status, detail FROM monitor_results
             WHERE monitor_id = ? AND at >= ? ORDER BY at DESC LIMIT ?",
        )
        .bind(id)
        .bind(since)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MonitorResult {
                    at: r.try_get("at")?,
                    ok: r.try_get("ok")?,
                    latency_ms: r.try_get("latency_ms")?,
                    status: r.try_get("status")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    pub(crate) async fn uptime_since(&self, id: i64, since: &str) -> StoreResult<Uptime> {
        let (checks, ok): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(ok), 0) FROM monitor_results
             WHERE monitor_id = ? AND at >= ?",
        )
        .bind(id)
        .bind(since)
        .fetch_one(&self.reader)
        .await?;
        Ok(Uptime {
            checks,
            ok,
            percent: (checks > 0).then(|| ((ok as f64) * 1000.0 / checks as f64).round() / 10.0),
        })
    }

    pub(crate) async fn prune_results(&self, before: &str) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM monitor_results WHERE at < ?")
            .bind(before)
            .execute(&self.writer)
            .await?
            .rows_affected())
    }
}
