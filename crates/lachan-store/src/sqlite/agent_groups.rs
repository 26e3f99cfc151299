//! Agent groups and their central settings; moving agents between groups.

use lachan_core::FieldError;
use lachan_core::auth::Scope;
use serde_json::json;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::{SqliteStore, append_audit, entry, now};
use crate::agents::{Agent, AgentGroup, NewAgentGroup};
use crate::{AuditCtx, StoreError, StoreResult};

const SELECT: &str = "SELECT g.id, g.agency_id, a.code AS agency_code, g.name, g.description,
    g.settings, g.revision, g.created_by, g.created_at, g.updated_at,
    (SELECT COUNT(*) FROM agents x WHERE x.group_id = g.id AND x.revoked = 0) AS agents
    FROM agent_groups g LEFT JOIN agencies a ON a.id = g.agency_id";

fn row_to_group(r: &sqlx::sqlite::SqliteRow) -> StoreResult<AgentGroup> {
    let settings: String = r.try_get("settings")?;
    Ok(AgentGroup {
        id: r.try_get("id")?,
        agency_id: r.try_get("agency_id")?,
        agency_code: r.try_get("agency_code")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        // Written only from validated settings; an unreadable row is a stored-data fault.
        settings: serde_json::from_str(&settings)
            .map_err(|e| StoreError::Corrupt(format!("agent group settings: {e}")))?,
        revision: r.try_get("revision")?,
        agents: r.try_get("agents")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn invalid(field: &str, msg: String) -> StoreError {
    StoreError::Invalid(FieldError::new(field, msg))
}

/// Group `group_id` exists and may hold agents of `agency_id`: it is that agency's own
/// group or a province-wide one.
pub(crate) async fn check_group_fits(
    conn: &mut SqliteConnection,
    group_id: i64,
    agency_id: i64,
) -> StoreResult<()> {
    let owner: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT agency_id FROM agent_groups WHERE id = ?")
            .bind(group_id)
            .fetch_optional(&mut *conn)
            .await?;
    match owner {
        None => Err(invalid("group_id", format!("no agent group {group_id}"))),
        Some((Some(a),)) if a != agency_id => Err(invalid(
            "group_id",
            format!("agent group {group_id} belongs to another agency"),
        )),
        Some(_) => Ok(()),
    }
}

impl SqliteStore {
    pub(crate) async fn agent_groups(&self, scope: &Scope) -> StoreResult<Vec<AgentGroup>> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(SELECT);
        // Agency officers see their agencies' groups and the province-wide ones (their
        // agents may follow those).
        if let Scope::Agencies(ids) = scope {
            qb.push(" WHERE g.agency_id IS NULL OR g.agency_id IN (");
            let mut sep = qb.separated(", ");
            sep.push_bind(-1i64);
            for id in ids {
                sep.push_bind(*id);
            }
            qb.push(")");
        }
        qb.push(" ORDER BY a.code IS NOT NULL, a.code, g.name");
        let rows = qb.build().fetch_all(&self.reader).await?;
        rows.iter().map(row_to_group).collect()
    }

    pub(crate) async fn agent_group_by_id(&self, id: i64) -> StoreResult<Option<AgentGroup>> {
        let r = sqlx::query(sql!("{SELECT} WHERE g.id = ?"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        r.as_ref().map(row_to_group).transpose()
    }

    pub(crate) async fn insert_agent_group(
        &self,
        ctx: &AuditCtx,
        g: &NewAgentGroup,
    ) -> StoreResult<AgentGroup> {
        let mut tx = self.writer.begin().await?;
        let at = now();
        let settings = json!(g.settings).to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agent_groups (agency_id, name, description, settings, created_by,
             created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(g.agency_id)
        .bind(&g.name)
        .bind(&g.description)
        .bind(&settings)
        .bind(&ctx.actor)
        .bind(&at)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "an agent group with this name"))?;
        let e = entry(
            ctx,
            "agent_group.create",
            format!("agent_group:{id}"),
            json!({"name": g.name, "agency_id": g.agency_id, "settings": g.settings}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.agent_group_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("agent group {id}")))
    }

    /// Replace a group's name, description and settings; its revision grows so that its
    /// agents fetch the new settings. The owning agency does not change.
    pub(crate) async fn replace_agent_group(
        &self,
        ctx: &AuditCtx,
        id: i64,
        g: &NewAgentGroup,
    ) -> StoreResult<AgentGroup> {
        let mut tx = self.writer.begin().await?;
        let before: Option<(String,)> =
            sqlx::query_as("SELECT settings FROM agent_groups WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((before,)) = before else {
            return Err(StoreError::NotFound(format!("agent group {id}")));
        };
        sqlx::query(
            "UPDATE agent_groups SET name = ?, description = ?, settings = ?,
             revision = revision + 1, updated_at = ? WHERE id = ?",
        )
        .bind(&g.name)
        .bind(&g.description)
        .bind(json!(g.settings).to_string())
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "an agent group with this name"))?;
        let before: serde_json::Value = serde_json::from_str(&before).unwrap_or_default();
        let e = entry(
            ctx,
            "agent_group.update",
            format!("agent_group:{id}"),
            json!({"name": g.name, "before": before, "after": g.settings}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.agent_group_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("agent group {id}")))
    }

    /// Remove a group: its agents and tokens keep working without central settings.
    pub(crate) async fn remove_agent_group(&self, ctx: &AuditCtx, id: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let moved = sqlx::query("UPDATE agents SET group_id = NULL WHERE group_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("UPDATE enroll_tokens SET group_id = NULL WHERE group_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let n = sqlx::query("DELETE FROM agent_groups WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("agent group {id}")));
        }
        let e = entry(
            ctx,
            "agent_group.delete",
            format!("agent_group:{id}"),
            json!({"agents_released": moved}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Put an agent into a group (or none); the group must fit the agent's agency.
    pub(crate) async fn move_agent(
        &self,
        ctx: &AuditCtx,
        agent_id: i64,
        group_id: Option<i64>,
    ) -> StoreResult<Agent> {
        let mut tx = self.writer.begin().await?;
        let row = sqlx::query("SELECT agency_id, group_id FROM agents WHERE id = ?")
            .bind(agent_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("agent {agent_id}")))?;
        let agency_id: i64 = row.try_get(0)?;
        let before: Option<i64> = row.try_get(1)?;
        if let Some(g) = group_id {
            check_group_fits(&mut tx, g, agency_id).await?;
        }
        sqlx::query("UPDATE agents SET group_id = ? WHERE id = ?")
            .bind(group_id)
            .bind(agent_id)
            .execute(&mut *tx)
            .await?;
        let e = entry(
            ctx,
            "agent.group",
            format!("agent:{agent_id}"),
            json!({"before": before, "after": group_id}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.agent_by_id(agent_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("agent {agent_id}")))
    }
}
