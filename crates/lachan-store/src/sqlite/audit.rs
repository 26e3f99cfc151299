//! Audit log reading and verification, settings, backups.

use async_trait::async_trait;
use futures_util::TryStreamExt;
use lachan_core::audit::{AuditEntry, AuditRecord, ChainError, ChainVerifier};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{SqliteStore, append_audit};
use crate::{AuditQuery, AuditStore, Page, StoreError, StoreResult};

fn record_from(r: &SqliteRow) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        target: r.try_get("target")?,
        summary: r.try_get("summary")?,
        source_ip: r.try_get("source_ip")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn audit(&self, e: AuditEntry) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_audit(&self, q: &AuditQuery) -> StoreResult<Page<AuditRecord>> {
        fn filters(qb: &mut QueryBuilder<Sqlite>, q: &AuditQuery) {
            if let Some(a) = q.actor.as_deref().filter(|s| !s.is_empty()) {
                qb.push(" AND actor = ").push_bind(a);
            }
            if let Some(a) = q.action.as_deref().filter(|s| !s.is_empty()) {
                qb.push(" AND action LIKE ")
                    .push_bind(format!("{}%", a.replace('%', "")));
            }
            if let Some(f) = q.from.as_deref().filter(|s| !s.is_empty()) {
                qb.push(" AND at >= ").push_bind(f);
            }
            if let Some(t) = q.to.as_deref().filter(|s| !s.is_empty()) {
                qb.push(" AND at <= ").push_bind(t);
            }
            if let Some(t) = q.text.as_deref().filter(|s| !s.is_empty()) {
                let pat = format!("%{}%", t.replace('%', ""));
                qb.push(" AND (target LIKE ")
                    .push_bind(pat.clone())
                    .push(" OR summary LIKE ")
                    .push_bind(pat)
                    .push(")");
            }
        }
        let mut c = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM audit_log WHERE 1");
        filters(&mut c, q);
        let total: i64 = c.build().fetch_one(&self.reader).await?.try_get(0)?;
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT * FROM audit_log WHERE 1");
        filters(&mut qb, q);
        qb.push(" ORDER BY seq DESC LIMIT ")
            .push_bind(q.limit.max(0))
            .push(" OFFSET ")
            .push_bind(q.offset.max(0));
        let rows = qb.build().fetch_all(&self.reader).await?;
        let items = rows
            .iter()
            .map(record_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, total })
    }

    async fn verify_audit(&self) -> StoreResult<Result<u64, ChainError>> {
        let mut v = ChainVerifier::default();
        let mut conn = self.reader.acquire().await?;
        let mut rows = sqlx::query("SELECT * FROM audit_log ORDER BY seq").fetch(&mut *conn);
        while let Some(r) = rows.try_next().await? {
            if let Err(e) = v.push(&record_from(&r)?) {
                return Ok(Err(e));
            }
        }
        Ok(Ok(v.rows))
    }

    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<()> {
        if path.exists() {
            return Err(StoreError::Conflict(format!(
                "{} already exists",
                path.display()
            )));
        }
        let p = path.to_str().ok_or_else(|| {
            StoreError::Conflict(format!("{} is not a UTF-8 path", path.display()))
        })?;
        sqlx::query("VACUUM INTO ?")
            .bind(p)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let v: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.reader)
            .await?;
        Ok(v.map(|v| v.0))
    }

    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}
