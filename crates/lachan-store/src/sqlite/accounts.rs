//! Users, sessions and API tokens.

use async_trait::async_trait;
use lachan_core::FieldError;
use lachan_core::auth::Role;
use serde_json::json;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{SqliteStore, append_audit, entry, now};
use crate::{
    AccountStore, ApiToken, AuditCtx, NewUser, Session, SessionKind, StoreError, StoreResult, User,
    UserWithHash,
};

macro_rules! user_select {
    ($where:literal) => {
        concat!(
            "SELECT u.id, u.username, u.full_name, u.role, u.agency_id, a.code AS agency_code,
                u.disabled, u.must_change_password, u.failed_logins, u.locked_until, u.created_at,
                u.last_login_at, u.password_hash
             FROM users u LEFT JOIN agencies a ON a.id = u.agency_id ",
            $where
        )
    };
}

fn user_from(r: &SqliteRow) -> StoreResult<User> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        full_name: r.try_get("full_name")?,
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Conflict(format!("stored role '{role}' is unknown")))?,
        agency_id: r.try_get("agency_id")?,
        agency_code: r.try_get("agency_code")?,
        disabled: r.try_get("disabled")?,
        must_change_password: r.try_get("must_change_password")?,
        failed_logins: r.try_get("failed_logins")?,
        locked_until: r.try_get("locked_until")?,
        created_at: r.try_get("created_at")?,
        last_login_at: r.try_get("last_login_at")?,
    })
}

fn token_from(r: &SqliteRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
        last_used_at: r.try_get("last_used_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

impl SqliteStore {
    async fn user_row(
        &self,
        q: sqlx::query::Query<'_, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    ) -> StoreResult<Option<UserWithHash>> {
        let row = q.fetch_optional(&self.reader).await?;
        row.map(|r| {
            Ok(UserWithHash {
                user: user_from(&r)?,
                password_hash: r.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    async fn user_change(
        &self,
        ctx: &AuditCtx,
        user_id: i64,
        sql: &'static str,
        action: &str,
        summary: serde_json::Value,
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let name: Option<(String,)> = sqlx::query_as("SELECT username FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((name,)) = name else {
            return Err(StoreError::NotFound(format!("user {user_id}")));
        };
        sqlx::query(sql).bind(user_id).execute(&mut *tx).await?;
        append_audit(
            &mut tx,
            &entry(ctx, action, format!("user:{name}"), summary),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn user_count(&self) -> StoreResult<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(&self.reader)
            .await?;
        Ok(n)
    }

    async fn create_user(&self, ctx: &AuditCtx, u: NewUser) -> StoreResult<User> {
        let username = u.username.trim().to_string();
        if username.is_empty()
            || username.len() > 64
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(FieldError::new(
                "username",
                "must be 1 to 64 characters of letters, digits, '.', '_', '-', '@'",
            )
            .into());
        }
        let mut tx = self.writer.begin().await?;
        let agency_id: Option<i64> = match &u.agency_code {
            Some(code) if !code.trim().is_empty() => {
                let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM agencies WHERE code = ?")
                    .bind(code.trim())
                    .fetch_optional(&mut *tx)
                    .await?;
                Some(
                    id.ok_or_else(|| {
                        FieldError::new("agency_code", format!("unknown agency '{code}'"))
                    })?
                    .0,
                )
            }
            _ => None,
        };
        if u.role.needs_agency() && agency_id.is_none() {
            return Err(FieldError::new("agency_code", "an agency officer needs an agency").into());
        }
        let id = sqlx::query(
            "INSERT INTO users (username, full_name, password_hash, role, agency_id,
                must_change_password, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&username)
        .bind(u.full_name.trim())
        .bind(&u.password_hash)
        .bind(u.role.code())
        .bind(agency_id)
        .bind(u.must_change_password)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("user '{username}'")))?
        .last_insert_rowid();
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "user.create",
                format!("user:{username}"),
                json!({"after": {"username": username, "role": u.role.code(),
                    "agency_code": u.agency_code, "must_change_password": u.must_change_password}}),
            ),
        )
        .await?;
        tx.commit().await?;
        self.user_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user {id}")))
    }

    async fn user_by_name(&self, username: &str) -> StoreResult<Option<UserWithHash>> {
        self.user_row(sqlx::query(user_select!("WHERE u.username = ?")).bind(username.to_string()))
            .await
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        let q = sqlx::query(user_select!("WHERE u.id = ?")).bind(id);
        Ok(self.user_row(q).await?.map(|u| u.user))
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(user_select!("ORDER BY u.username"))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(user_from).collect()
    }

    async fn record_login_failure(
        &self,
        ctx: &AuditCtx,
        user_id: i64,
        lock_until: Option<String>,
    ) -> StoreResult<i64> {
        let mut tx = self.writer.begin().await?;
        let row: Option<(String, i64)> = sqlx::query_as(
            "UPDATE users SET failed_logins = failed_logins + 1,
                locked_until = COALESCE(?, locked_until)
             WHERE id = ? RETURNING username, failed_logins",
        )
        .bind(&lock_until)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((name, count)) = row else {
            return Err(StoreError::NotFound(format!("user {user_id}")));
        };
        let action = if lock_until.is_some() {
            "auth.lockout"
        } else {
            "auth.login_failed"
        };
        append_audit(
            &mut tx,
            &entry(
                ctx,
                action,
                format!("user:{name}"),
                json!({"failed_logins": count, "locked_until": lock_until}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(count)
    }

    async fn record_login_success(&self, ctx: &AuditCtx, user_id: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let row: Option<(String,)> = sqlx::query_as(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?
             WHERE id = ? RETURNING username",
        )
        .bind(now())
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((name,)) = row else {
            return Err(StoreError::NotFound(format!("user {user_id}")));
        };
        append_audit(
            &mut tx,
            &entry(ctx, "auth.login", format!("user:{name}"), json!({})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_password(
        &self,
        ctx: &AuditCtx,
        user_id: i64,
        password_hash: &str,
        must_change: bool,
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let row: Option<(String,)> = sqlx::query_as(
            "UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ? RETURNING username",
        )
        .bind(password_hash)
        .bind(must_change)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((name,)) = row else {
            return Err(StoreError::NotFound(format!("user {user_id}")));
        };
        // Other sessions of the user end with a password change.
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "user.password",
                format!("user:{name}"),
                json!({"must_change_password": must_change}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_user_disabled(
        &self,
        ctx: &AuditCtx,
        user_id: i64,
        disabled: bool,
    ) -> StoreResult<()> {
        let (sql, action) = if disabled {
            ("UPDATE users SET disabled = 1 WHERE id = ?", "user.disable")
        } else {
            ("UPDATE users SET disabled = 0 WHERE id = ?", "user.enable")
        };
        self.user_change(
            ctx,
            user_id,
            sql,
            action,
            json!({"after": {"disabled": disabled}}),
        )
        .await?;
        if disabled {
            self.delete_user_sessions(user_id).await?;
        }
        Ok(())
    }

    async fn unlock_user(&self, ctx: &AuditCtx, user_id: i64) -> StoreResult<()> {
        self.user_change(
            ctx,
            user_id,
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?",
            "user.unlock",
            json!({}),
        )
        .await
    }

    async fn create_session(&self, s: &Session) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, kind, csrf_token, created_at, last_seen_at,
                expires_at, source_ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.id_hash)
        .bind(s.user_id)
        .bind(s.kind.code())
        .bind(&s.csrf_token)
        .bind(&s.created_at)
        .bind(&s.last_seen_at)
        .bind(&s.expires_at)
        .bind(&s.source_ip)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> StoreResult<Option<Session>> {
        let row = sqlx::query(
            "SELECT id_hash, user_id, kind, csrf_token, created_at, last_seen_at, expires_at, source_ip
             FROM sessions WHERE id_hash = ?",
        )
        .bind(id_hash)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(Session {
                id_hash: r.try_get("id_hash")?,
                user_id: r.try_get("user_id")?,
                kind: if kind == "console" {
                    SessionKind::Console
                } else {
                    SessionKind::ApiLogin
                },
                csrf_token: r.try_get("csrf_token")?,
                created_at: r.try_get("created_at")?,
                last_seen_at: r.try_get("last_seen_at")?,
                expires_at: r.try_get("expires_at")?,
                source_ip: r.try_get("source_ip")?,
            })
        })
        .transpose()
    }

    async fn touch_session(&self, id_hash: &str, now: &str, expires_at: &str) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?")
            .bind(now)
            .bind(expires_at)
            .bind(id_hash)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
            .bind(id_hash)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn delete_expired_sessions(&self, now: &str) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at < ?")
            .bind(now)
            .execute(&self.writer)
            .await?
            .rows_affected())
    }

    async fn create_api_token(
        &self,
        ctx: &AuditCtx,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiToken> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(FieldError::new("name", "must be 1 to 100 characters").into());
        }
        let mut tx = self.writer.begin().await?;
        let id = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "token"))?
        .last_insert_rowid();
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "token.create",
                format!("token:{id}"),
                json!({"name": name, "user_id": user_id}),
            ),
        )
        .await?;
        tx.commit().await?;
        let row = sqlx::query("SELECT * FROM api_tokens WHERE id = ?")
            .bind(id)
            .fetch_one(&self.writer)
            .await?;
        token_from(&row)
    }

    async fn api_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        let row =
            sqlx::query("SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL")
                .bind(token_hash)
                .fetch_optional(&self.reader)
                .await?;
        row.as_ref().map(token_from).transpose()
    }

    async fn list_api_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiToken>> {
        let rows = sqlx::query("SELECT * FROM api_tokens WHERE user_id = ? ORDER BY id")
            .bind(user_id)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(token_from).collect()
    }

    async fn revoke_api_token(&self, ctx: &AuditCtx, user_id: i64, id: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("token {id}")));
        }
        append_audit(
            &mut tx,
            &entry(ctx, "token.revoke", format!("token:{id}"), json!({})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn touch_api_token(&self, id: i64, now: &str) -> StoreResult<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
            .bind(now)
            .bind(id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}
