//! Subscriptions and the delivery log.

use serde_json::json;
use sqlx::Row;

use super::{SqliteStore, append_audit, entry, now};
use crate::{AuditCtx, Delivery, NewSubscription, StoreError, StoreResult, Subscription};

const SUBS: &str = "SELECT s.*, ag.code AS agency_code, u.username AS username
    FROM subscriptions s LEFT JOIN agencies ag ON ag.id = s.agency_id
    LEFT JOIN users u ON u.id = s.user_id";

const DELIVERIES: &str = "SELECT d.*, s.channel, s.target, s.template FROM deliveries d
    JOIN subscriptions s ON s.id = d.subscription_id";

fn row_to_sub(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Subscription> {
    let events: String = r.try_get("events")?;
    Ok(Subscription {
        id: r.try_get("id")?,
        channel: r.try_get("channel")?,
        target: r.try_get("target")?,
        template: r.try_get("template")?,
        agency_id: r.try_get("agency_id")?,
        agency_code: r.try_get("agency_code")?,
        user_id: r.try_get("user_id")?,
        username: r.try_get("username")?,
        events: serde_json::from_str(&events).unwrap_or_default(),
        min_severity: r.try_get("min_severity")?,
        enabled: r.try_get("enabled")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

fn row_to_delivery(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Delivery> {
    Ok(Delivery {
        id: r.try_get("id")?,
        subscription_id: r.try_get("subscription_id")?,
        channel: r.try_get("channel")?,
        target: r.try_get("target")?,
        template: r.try_get("template")?,
        event: r.try_get("event")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
        next_at: r.try_get("next_at")?,
        created_at: r.try_get("created_at")?,
        sent_at: r.try_get("sent_at")?,
    })
}

impl SqliteStore {
    pub(crate) async fn insert_subscription(
        &self,
        ctx: &AuditCtx,
        s: &NewSubscription,
    ) -> StoreResult<Subscription> {
        let mut tx = self.writer.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subscriptions (channel, target, template, agency_id, user_id, events,
             min_severity, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             RETURNING id",
        )
        .bind(&s.channel)
        .bind(&s.target)
        .bind(&s.template)
        .bind(s.agency_id)
        .bind(s.user_id)
        .bind(json!(s.events).to_string())
        .bind(&s.min_severity)
        .bind(&ctx.actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, "subscription"))?;
        // The target is an address or URL that may carry a secret token: audit its kind only.
        let e = entry(
            ctx,
            "subscription.create",
            format!("subscription:{id}"),
            json!({"channel": s.channel, "agency_id": s.agency_id, "user_id": s.user_id,
                   "events": s.events, "min_severity": s.min_severity}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.subscription_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("subscription {id}")))
    }

    pub(crate) async fn subscription_by_id(&self, id: i64) -> StoreResult<Option<Subscription>> {
        let r = sqlx::query(sql!("{SUBS} WHERE s.id = ?"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        r.as_ref().map(row_to_sub).transpose()
    }

    pub(crate) async fn subscriptions(&self) -> StoreResult<Vec<Subscription>> {
        let rows = sqlx::query(sql!("{SUBS} ORDER BY s.id"))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(row_to_sub).collect()
    }

    pub(crate) async fn remove_subscription(&self, ctx: &AuditCtx, id: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query("UPDATE subscriptions SET enabled = 0 WHERE id = ? AND enabled = 1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("subscription {id}")));
        }
        let e = entry(
            ctx,
            "subscription.delete",
            format!("subscription:{id}"),
            json!({}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn queue_delivery(
        &self,
        subscription_id: i64,
        event: &str,
        subject: &str,
        body: &str,
    ) -> StoreResult<i64> {
        let at = now();
        Ok(sqlx::query_scalar(
            "INSERT INTO deliveries (subscription_id, event, subject, body, next_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(subscription_id)
        .bind(event)
        .bind(subject)
        .bind(body)
        .bind(&at)
        .bind(&at)
        .fetch_one(&self.writer)
        .await?)
    }

    pub(crate) async fn due(&self, now_at: &str, limit: i64) -> StoreResult<Vec<Delivery>> {
        let rows = sqlx::query(sql!(
            "{DELIVERIES} WHERE d.status = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?"
        ))
        .bind(now_at)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(row_to_delivery).collect()
    }

    /// Record an attempt: sent, retry at `retry_at`, or given up (`retry_at` = `None`).
    pub(crate) async fn attempted(
        &self,
        id: i64,
        error: Option<&str>,
        retry_at: Option<&str>,
    ) -> StoreResult<()> {
        let at = now();
        let (status, next) = match (error, retry_at) {
            (None, _) => ("sent", at.clone()),
            (Some(_), Some(r)) => ("pending", r.to_string()),
            (Some(_), None) => ("failed", at.clone()),
        };
        sqlx::query(
            "UPDATE deliveries SET status = ?, attempts = attempts + 1,
             last_error = COALESCE(?, last_error),
             next_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE id = ?",
        )
        .bind(status)
        .bind(error)
        .bind(next)
        .bind(status)
        .bind(&at)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub(crate) async fn recent_deliveries(&self, limit: i64) -> StoreResult<Vec<Delivery>> {
        let rows = sqlx::query(sql!("{DELIVERIES} ORDER BY d.id DESC LIMIT ?"))
            .bind(limit)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(row_to_delivery).collect()
    }
}
