//! Agents and enrollment tokens.

use lachan_core::auth::Scope;
use serde_json::json;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{SqliteStore, append_audit, entry, now};
use crate::agents::{Agent, EnrollToken, NewAgent};
use crate::{AuditCtx, StoreError, StoreResult};

const SELECT: &str = "SELECT ag.id, ag.uid, ag.agency_id, a.code AS agency_code, ag.hostname,
    ag.os, ag.ips, ag.version, ag.enrolled_at, ag.last_seen, ag.heartbeat, ag.revoked,
    ag.group_id, g.name AS group_name
    FROM agents ag JOIN agencies a ON a.id = ag.agency_id
    LEFT JOIN agent_groups g ON g.id = ag.group_id";

fn row_to_agent(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Agent> {
    let ips: String = r.try_get("ips")?;
    let hb: String = r.try_get("heartbeat")?;
    Ok(Agent {
        id: r.try_get("id")?,
        uid: r.try_get("uid")?,
        agency_id: r.try_get("agency_id")?,
        agency_code: r.try_get("agency_code")?,
        hostname: r.try_get("hostname")?,
        os: r.try_get("os")?,
        ips: serde_json::from_str(&ips).unwrap_or_default(),
        version: r.try_get("version")?,
        enrolled_at: r.try_get("enrolled_at")?,
        last_seen: r.try_get("last_seen")?,
        heartbeat: serde_json::from_str(&hb).unwrap_or_default(),
        revoked: r.try_get::<i64, _>("revoked")? != 0,
        group_id: r.try_get("group_id")?,
        group_name: r.try_get("group_name")?,
    })
}

impl SqliteStore {
    pub(crate) async fn new_enroll_token(
        &self,
        ctx: &AuditCtx,
        agency_id: i64,
        group_id: Option<i64>,
        token_hash: &str,
        expires_at: &str,
    ) -> StoreResult<EnrollToken> {
        let mut tx = self.writer.begin().await?;
        let at = now();
        if let Some(g) = group_id {
            super::agent_groups::check_group_fits(&mut tx, g, agency_id).await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO enroll_tokens (token_hash, agency_id, group_id, created_by, created_at,
             expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(token_hash)
        .bind(agency_id)
        .bind(group_id)
        .bind(&ctx.actor)
        .bind(&at)
        .bind(expires_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "enrollment token"))?;
        let (code,): (String,) = sqlx::query_as("SELECT code FROM agencies WHERE id = ?")
            .bind(agency_id)
            .fetch_one(&mut *tx)
            .await?;
        let e = entry(
            ctx,
            "agent.enroll_token",
            format!("agency:{code}"),
            json!({"token_id": id, "expires_at": expires_at, "group_id": group_id}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(EnrollToken {
            id,
            agency_code: code,
            created_by: ctx.actor.clone(),
            created_at: at,
            expires_at: expires_at.to_string(),
            uses: 0,
            group_id,
        })
    }

    pub(crate) async fn enroll(
        &self,
        token_hash: &str,
        source_ip: &str,
        a: &NewAgent,
    ) -> StoreResult<Agent> {
        let mut tx = self.writer.begin().await?;
        let at = now();
        let tok: Option<(i64, i64, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, agency_id, expires_at, revoked, group_id FROM enroll_tokens
             WHERE token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((tok_id, agency_id, expires_at, revoked, group_id)) = tok else {
            return Err(StoreError::NotFound("enrollment token".into()));
        };
        if revoked != 0 || expires_at <= at {
            return Err(StoreError::Conflict(
                "the enrollment token has expired or was revoked".into(),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agents (uid, agency_id, hostname, os, ips, version, credential_hash,
             enroll_token_id, enrolled_at, group_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             RETURNING id",
        )
        .bind(&a.uid)
        .bind(agency_id)
        .bind(&a.hostname)
        .bind(&a.os)
        .bind(json!(a.ips).to_string())
        .bind(&a.version)
        .bind(&a.credential_hash)
        .bind(tok_id)
        .bind(&at)
        .bind(group_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "agent"))?;
        sqlx::query("UPDATE enroll_tokens SET uses = uses + 1 WHERE id = ?")
            .bind(tok_id)
            .execute(&mut *tx)
            .await?;
        let ctx = AuditCtx::new(format!("agent:{}", a.uid), source_ip);
        let e = entry(
            &ctx,
            "agent.enroll",
            format!("agent:{id}"),
            json!({"hostname": a.hostname, "os": a.os, "ips": a.ips, "version": a.version,
                   "token_id": tok_id, "group_id": group_id}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.agent_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("agent {id}")))
    }

    pub(crate) async fn agent_by_id(&self, id: i64) -> StoreResult<Option<Agent>> {
        let r = sqlx::query(sql!("{SELECT} WHERE ag.id = ?"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        r.as_ref().map(row_to_agent).transpose()
    }

    pub(crate) async fn agent_by_cred(&self, hash: &str) -> StoreResult<Option<Agent>> {
        let r = sqlx::query(sql!("{SELECT} WHERE ag.credential_hash = ?"))
            .bind(hash)
            .fetch_optional(&self.reader)
            .await?;
        r.as_ref().map(row_to_agent).transpose()
    }

    pub(crate) async fn touch(&self, id: i64, heartbeat: Option<&str>) -> StoreResult<()> {
        let q = match heartbeat {
            Some(hb) => sqlx::query("UPDATE agents SET last_seen = ?, heartbeat = ? WHERE id = ?")
                .bind(now())
                .bind(hb.to_string()),
            None => sqlx::query("UPDATE agents SET last_seen = ? WHERE id = ?").bind(now()),
        };
        q.bind(id).execute(&self.writer).await?;
        Ok(())
    }

    pub(crate) async fn agents(&self, scope: &Scope) -> StoreResult<Vec<Agent>> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(SELECT);
        if let Scope::Agencies(ids) = scope {
            qb.push(" WHERE ag.agency_id IN (");
            let mut sep = qb.separated(", ");
            sep.push_bind(-1i64);
            for id in ids {
                sep.push_bind(*id);
            }
            qb.push(")");
        }
        qb.push(" ORDER BY a.code, ag.hostname");
        let rows = qb.build().fetch_all(&self.reader).await?;
        rows.iter().map(row_to_agent).collect()
    }

    pub(crate) async fn revoke(&self, ctx: &AuditCtx, id: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query("UPDATE agents SET revoked = 1 WHERE id = ? AND revoked = 0")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("active agent {id}")));
        }
        let e = entry(ctx, "agent.revoke", format!("agent:{id}"), json!({}));
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }
}
