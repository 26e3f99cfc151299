//! The history rows of incidents and findings (`incident_log`, `finding_log`): one
//! writer and reader for both, and the common ending of a change — a "change" row naming
//! the fields (status moves have their own rows) and the audit row, in the caller's
//! transaction.

use serde_json::{Map, Value, json};
use sqlx::{Row, SqliteConnection, SqlitePool};

use super::{append_audit, entry, now};
use crate::{AuditCtx, LogEntry, StoreResult};

#[derive(Debug, Clone, Copy)]
pub(crate) enum History {
    Incident,
    Finding,
}

impl History {
    fn name(self) -> &'static str {
        match self {
            History::Incident => "incident",
            History::Finding => "finding",
        }
    }
}

/// Append one history row.
pub(crate) async fn write(
    conn: &mut SqliteConnection,
    h: History,
    id: i64,
    actor: &str,
    kind: &str,
    text: &str,
    detail: Value,
) -> StoreResult<()> {
    let n = h.name();
    sqlx::query(sql!(
        "INSERT INTO {n}_log ({n}_id, at, actor, kind, text, detail) VALUES (?, ?, ?, ?, ?, ?)"
    ))
    .bind(id)
    .bind(now())
    .bind(actor)
    .bind(kind)
    .bind(text)
    .bind(detail.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every history row of one object, oldest first.
pub(crate) async fn read(pool: &SqlitePool, h: History, id: i64) -> StoreResult<Vec<LogEntry>> {
    let n = h.name();
    let rows = sqlx::query(sql!("SELECT * FROM {n}_log WHERE {n}_id = ? ORDER BY id"))
        .bind(id)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            let detail: String = r.try_get("detail")?;
            Ok(LogEntry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                kind: r.try_get("kind")?,
                text: r.try_get("text")?,
                detail: serde_json::from_str(&detail).unwrap_or(Value::Null),
            })
        })
        .collect()
}

/// Record a change already written: the "change" history row for fields other than the
/// status, and the `<name>.update` audit row.
pub(crate) async fn changed(
    conn: &mut SqliteConnection,
    h: History,
    ctx: &AuditCtx,
    id: i64,
    changed: &Map<String, Value>,
    reason: &Option<String>,
) -> StoreResult<()> {
    let fields: Vec<&str> = changed
        .keys()
        .filter(|k| *k != "status")
        .map(String::as_str)
        .collect();
    if !fields.is_empty() {
        write(
            conn,
            h,
            id,
            &ctx.actor,
            "change",
            &fields.join(", "),
            Value::Object(changed.clone()),
        )
        .await?;
    }
    let n = h.name();
    let e = entry(
        ctx,
        &format!("{n}.update"),
        format!("{n}:{id}"),
        json!({"changes": changed, "reason": reason}),
    );
    append_audit(conn, &e).await
}
