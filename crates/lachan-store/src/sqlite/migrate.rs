//! Versioned schema migrations, embedded in the binary. Each runs in its
//! own transaction and is recorded with a checksum; a changed migration
//! that was already applied is refused instead of silently diverging.

use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

use crate::{StoreError, StoreResult};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "alerts",
        sql: include_str!("../../migrations/sqlite/0002_alerts.sql"),
    },
    Migration {
        version: 3,
        name: "tuning",
        sql: include_str!("../../migrations/sqlite/0003_tuning.sql"),
    },
    Migration {
        version: 4,
        name: "agents",
        sql: include_str!("../../migrations/sqlite/0004_agents.sql"),
    },
    Migration {
        version: 5,
        name: "ops",
        sql: include_str!("../../migrations/sqlite/0005_ops.sql"),
    },
    Migration {
        version: 6,
        name: "notify",
        sql: include_str!("../../migrations/sqlite/0006_notify.sql"),
    },
    Migration {
        version: 7,
        name: "scans",
        sql: include_str!("../../migrations/sqlite/0007_scans.sql"),
    },
    Migration {
        version: 8,
        name: "target_items",
        sql: include_str!("../../migrations/sqlite/0008_target_items.sql"),
    },
    Migration {
        version: 9,
        name: "monitors",
        sql: include_str!("../../migrations/sqlite/0009_monitors.sql"),
    },
    Migration {
        version: 10,
        name: "agent_groups",
        sql: include_str!("../../migrations/sqlite/0010_agent_groups.sql"),
    },
    Migration {
        version: 11,
        name: "compliance",
        sql: include_str!("../../migrations/sqlite/0011_compliance.sql"),
    },
];

pub(crate) async fn run(pool: &SqlitePool) -> StoreResult<()> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL,
            checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(pool)
    .await?;
    for m in MIGRATIONS {
        let sum = hex::encode(Sha256::digest(m.sql.as_bytes()));
        let applied: Option<(String,)> =
            sqlx::query_as("SELECT checksum FROM schema_migrations WHERE version = ?")
                .bind(m.version)
                .fetch_optional(pool)
                .await?;
        match applied {
            Some((s,)) if s == sum => continue,
            Some(_) => {
                return Err(StoreError::Migration {
                    version: m.version,
                    message: "already applied with different contents".into(),
                });
            }
            None => {}
        }
        let mut tx = pool.begin().await?;
        sqlx::raw_sql(m.sql)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::Migration {
                version: m.version,
                message: e.to_string(),
            })?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(&sum)
        .bind(super::now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    Ok(())
}

/// The highest migration version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}
