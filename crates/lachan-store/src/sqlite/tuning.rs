//! Rule overrides and suppressions; every change is audited in its transaction.

use serde_json::json;
use sqlx::Row;

use super::{SqliteStore, append_audit, entry, now};
use crate::events::{NewSuppression, RuleOverride, Suppression};
use crate::{AuditCtx, StoreError, StoreResult};

fn row_to_suppression(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Suppression> {
    Ok(Suppression {
        id: r.try_get("id")?,
        rule_id: r.try_get("rule_id")?,
        field: r.try_get("field")?,
        value: r.try_get("value")?,
        agency_id: r.try_get("agency_id")?,
        agency_code: r.try_get("agency_code")?,
        host: r.try_get("host")?,
        reason: r.try_get("reason")?,
        expires_at: r.try_get("expires_at")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

impl SqliteStore {
    pub(crate) async fn overrides(&self) -> StoreResult<Vec<RuleOverride>> {
        let rows = sqlx::query(
            "SELECT rule_id, enabled, level, reason, updated_by, updated_at
             FROM rule_overrides ORDER BY rule_id",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RuleOverride {
                    rule_id: r.try_get("rule_id")?,
                    enabled: r.try_get::<i64, _>("enabled")? != 0,
                    level: r.try_get("level")?,
                    reason: r.try_get("reason")?,
                    updated_by: r.try_get("updated_by")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    pub(crate) async fn put_override(
        &self,
        ctx: &AuditCtx,
        o: &RuleOverride,
    ) -> StoreResult<RuleOverride> {
        let mut tx = self.writer.begin().await?;
        let at = now();
        sqlx::query(
            "INSERT INTO rule_overrides (rule_id, enabled, level, reason, updated_by, updated_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (rule_id) DO UPDATE SET enabled = excluded.enabled,
               level = excluded.level, reason = excluded.reason,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(&o.rule_id)
        .bind(o.enabled)
        .bind(&o.level)
        .bind(&o.reason)
        .bind(&ctx.actor)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "rule override"))?;
        let e = entry(
            ctx,
            "rule.override",
            format!("rule:{}", o.rule_id),
            json!({"enabled": o.enabled, "level": o.level, "reason": o.reason}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(RuleOverride {
            updated_by: ctx.actor.clone(),
            updated_at: at,
            ..o.clone()
        })
    }

    pub(crate) async fn remove_override(&self, ctx: &AuditCtx, rule_id: &str) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query("DELETE FROM rule_overrides WHERE rule_id = ?")
            .bind(rule_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "override of rule '{rule_id}'"
            )));
        }
        let e = entry(
            ctx,
            "rule.override_remove",
            format!("rule:{rule_id}"),
            json!({}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn suppressions(&self) -> StoreResult<Vec<Suppression>> {
        let rows = sqlx::query(
            "SELECT s.id, s.rule_id, s.field, s.value, s.agency_id, a.code AS agency_code,
                    s.host, s.reason, s.expires_at, s.created_by, s.created_at
             FROM suppressions s LEFT JOIN agencies a ON a.id = s.agency_id ORDER BY s.id",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(row_to_suppression).collect()
    }

    pub(crate) async fn add_suppression(
        &self,
        ctx: &AuditCtx,
        s: &NewSuppression,
    ) -> StoreResult<i64> {
        let mut tx = self.writer.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO suppressions (rule_id, field, value, agency_id, host, reason,
             expires_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&s.rule_id)
        .bind(&s.field)
        .bind(&s.value)
        .bind(s.agency_id)
        .bind(&s.host)
        .bind(&s.reason)
        .bind(&s.expires_at)
        .bind(&ctx.actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "suppression"))?;
        let e = entry(
            ctx,
            "suppression.create",
            format!("suppression:{id}"),
            json!({"rule_id": s.rule_id, "field": s.field, "value": s.value,
                   "agency_id": s.agency_id, "host": s.host, "reason": s.reason,
                   "expires_at": s.expires_at}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub(crate) async fn remove_suppression(&self, ctx: &AuditCtx, id: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query("DELETE FROM suppressions WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("suppression {id}")));
        }
        let e = entry(
            ctx,
            "suppression.delete",
            format!("suppression:{id}"),
            json!({}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }
}
