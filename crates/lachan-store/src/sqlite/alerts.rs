//! The alert queue. Detections of the same rule on the same host and agency fold into
//! one alert while it is not closed; triage changes are audited in their transaction.

use std::collections::HashMap;

use lachan_core::auth::Scope;
use serde_json::json;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{SqliteStore, append_audit, entry, now};
use crate::events::{ALERT_EVENT_IDS, ALERT_STATUSES, Alert, AlertChange, AlertHit, AlertQuery};
use crate::{AuditCtx, Page, StoreError, StoreResult};

const SELECT: &str = "SELECT al.id, al.rule_id, al.rule_title, al.level, al.host,
    ag.code AS agency_code, al.first_seen, al.last_seen, al.count, al.status, al.assignee,
    al.close_reason, al.key_fields, al.event_ids, al.updated_at
    FROM alerts al LEFT JOIN agencies ag ON ag.id = al.agency_id";

fn row_to_alert(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Alert> {
    let key_fields: String = r.try_get("key_fields")?;
    let event_ids: String = r.try_get("event_ids")?;
    Ok(Alert {
        id: r.try_get("id")?,
        rule_id: r.try_get("rule_id")?,
        rule_title: r.try_get("rule_title")?,
        level: r.try_get("level")?,
        host: r.try_get("host")?,
        agency_code: r.try_get("agency_code")?,
        first_seen: r.try_get("first_seen")?,
        last_seen: r.try_get("last_seen")?,
        count: r.try_get("count")?,
        status: r.try_get("status")?,
        assignee: r.try_get("assignee")?,
        close_reason: r.try_get("close_reason")?,
        key_fields: serde_json::from_str(&key_fields).unwrap_or_default(),
        event_ids: serde_json::from_str(&event_ids).unwrap_or_default(),
        updated_at: r.try_get("updated_at")?,
    })
}

impl SqliteStore {
    /// Fold detections into the queue in one transaction; returns, per hit, the id of
    /// the alert it went to, with `true` when this call created that alert. Hits of the
    /// same rule, host and agency are merged first, so a noisy rule costs one update per
    /// batch rather than one per event.
    pub(crate) async fn record_hits(&self, hits: &[AlertHit]) -> StoreResult<Vec<(i64, bool)>> {
        struct Group<'a> {
            first: &'a AlertHit,
            count: i64,
            first_seen: &'a str,
            last_seen: &'a str,
            event_ids: Vec<&'a str>,
        }
        let mut order: Vec<Group> = Vec::new();
        let mut index: HashMap<(&str, &str, Option<i64>), usize> = HashMap::new();
        let mut group_of = Vec::with_capacity(hits.len());
        for h in hits {
            let key = (h.rule_id.as_str(), h.host.as_str(), h.agency_id);
            let gi = *index.entry(key).or_insert_with(|| {
                order.push(Group {
                    first: h,
                    count: 0,
                    first_seen: &h.seen_at,
                    last_seen: &h.seen_at,
                    event_ids: Vec::new(),
                });
                order.len() - 1
            });
            let g = &mut order[gi];
            g.count += 1;
            g.first_seen = g.first_seen.min(h.seen_at.as_str());
            g.last_seen = g.last_seen.max(h.seen_at.as_str());
            g.event_ids.push(&h.event_id);
            if g.event_ids.len() > 2 * ALERT_EVENT_IDS {
                g.event_ids.drain(..ALERT_EVENT_IDS);
            }
            group_of.push(gi);
        }
        let mut tx = self.writer.begin().await?;
        let at = now();
        let mut result: Vec<(i64, bool)> = Vec::with_capacity(order.len());
        for g in &order {
            let h = g.first;
            let open: Option<(i64, String, String, String)> = sqlx::query_as(
                "SELECT id, event_ids, first_seen, last_seen FROM alerts
                 WHERE rule_id = ? AND host = ? AND agency_id IS ? AND status <> 'closed'
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(&h.rule_id)
            .bind(&h.host)
            .bind(h.agency_id)
            .fetch_optional(&mut *tx)
            .await?;
            match open {
                Some((id, ids, first, last)) => {
                    let mut ids: Vec<String> = serde_json::from_str(&ids).unwrap_or_default();
                    ids.extend(g.event_ids.iter().map(|s| s.to_string()));
                    if ids.len() > ALERT_EVENT_IDS {
                        ids.drain(..ids.len() - ALERT_EVENT_IDS);
                    }
                    sqlx::query(
                        "UPDATE alerts SET count = count + ?, first_seen = ?, last_seen = ?,
                         event_ids = ?, updated_at = ? WHERE id = ?",
                    )
                    .bind(g.count)
                    .bind(first.as_str().min(g.first_seen))
                    .bind(last.as_str().max(g.last_seen))
                    .bind(json!(ids).to_string())
                    .bind(&at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    result.push((id, false));
                }
                None => {
                    let keep = g.event_ids.len().saturating_sub(ALERT_EVENT_IDS);
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO alerts (rule_id, rule_title, level, host, agency_id,
                         first_seen, last_seen, count, status, key_fields, event_ids,
                         created_at, updated_at)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id",
                    )
                    .bind(&h.rule_id)
                    .bind(&h.rule_title)
                    .bind(&h.level)
                    .bind(&h.host)
                    .bind(h.agency_id)
                    .bind(g.first_seen)
                    .bind(g.last_seen)
                    .bind(g.count)
                    .bind(h.key_fields.to_string())
                    .bind(json!(g.event_ids[keep..]).to_string())
                    .bind(&at)
                    .bind(&at)
                    .fetch_one(&mut *tx)
                    .await?;
                    result.push((id, true));
                }
            }
        }
        tx.commit().await?;
        // Only the first hit of a group created its alert.
        let mut seen = vec![false; order.len()];
        Ok(group_of
            .into_iter()
            .map(|gi| {
                let (id, created) = result[gi];
                let first = !seen[gi];
                seen[gi] = true;
                (id, created && first)
            })
            .collect())
    }

    pub(crate) async fn query_alerts(&self, q: &AlertQuery) -> StoreResult<Page<Alert>> {
        let build = |qb: &mut QueryBuilder<Sqlite>| {
            qb.push(" WHERE 1=1");
            match &q.scope {
                Some(Scope::Agencies(ids)) => {
                    qb.push(" AND al.agency_id IN (");
                    let mut sep = qb.separated(", ");
                    sep.push_bind(-1i64);
                    for id in ids {
                        sep.push_bind(*id);
                    }
                    qb.push(")");
                }
                Some(Scope::All) | None => {}
            }
            if let Some(s) = &q.status {
                if s == "active" {
                    qb.push(" AND al.status <> 'closed'");
                } else {
                    qb.push(" AND al.status = ").push_bind(s.clone());
                }
            }
            if let Some(v) = &q.level {
                qb.push(" AND al.level = ").push_bind(v.clone());
            }
            if let Some(v) = &q.rule_id {
                qb.push(" AND al.rule_id = ").push_bind(v.clone());
            }
            if let Some(v) = &q.host {
                qb.push(" AND al.host = ").push_bind(v.clone());
            }
            if let Some(v) = q.agency_id {
                qb.push(" AND al.agency_id = ").push_bind(v);
            }
            if let Some(v) = &q.from {
                qb.push(" AND al.last_seen >= ").push_bind(v.clone());
            }
            if let Some(v) = &q.to {
                qb.push(" AND al.first_seen < ").push_bind(v.clone());
            }
        };
        let mut cq: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT count(*) FROM alerts al");
        build(&mut cq);
        let (total,): (i64,) = cq.build_query_as().fetch_one(&self.reader).await?;
        let mut sq: QueryBuilder<Sqlite> = QueryBuilder::new(SELECT);
        build(&mut sq);
        sq.push(" ORDER BY al.last_seen DESC, al.id DESC LIMIT ")
            .push_bind(q.limit)
            .push(" OFFSET ")
            .push_bind(q.offset.max(0));
        let rows = sq.build().fetch_all(&self.reader).await?;
        let items = rows.iter().map(row_to_alert).collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    pub(crate) async fn alert_by_id(&self, id: i64) -> StoreResult<Option<(Alert, Option<i64>)>> {
        let r = sqlx::query(sql!("{SELECT} WHERE al.id = ?"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        let Some(r) = r else { return Ok(None) };
        let agency: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT agency_id FROM alerts WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(Some((row_to_alert(&r)?, agency.and_then(|(a,)| a))))
    }

    pub(crate) async fn change_alert(
        &self,
        ctx: &AuditCtx,
        id: i64,
        c: &AlertChange,
    ) -> StoreResult<Alert> {
        if let Some(s) = &c.status
            && !ALERT_STATUSES.contains(&s.as_str())
        {
            return Err(StoreError::Conflict(format!(
                "status '{s}' is not one of {}",
                ALERT_STATUSES.join(", ")
            )));
        }
        let mut tx = self.writer.begin().await?;
        let before: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT status, assignee FROM alerts WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((status, assignee)) = before else {
            return Err(StoreError::NotFound(format!("alert {id}")));
        };
        let new_status = c.status.clone().unwrap_or(status.clone());
        let new_assignee = match &c.assignee {
            Some(a) if a.is_empty() => None,
            Some(a) => Some(a.clone()),
            None => assignee.clone(),
        };
        let reason = if new_status == "closed" {
            c.reason.clone()
        } else {
            None
        };
        sqlx::query(
            "UPDATE alerts SET status = ?, assignee = ?, close_reason = ?, updated_at = ? WHERE id = ?",
        )
        .bind(&new_status)
        .bind(&new_assignee)
        .bind(&reason)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let e = entry(
            ctx,
            "alert.update",
            format!("alert:{id}"),
            json!({"before": {"status": status, "assignee": assignee},
                   "after": {"status": new_status, "assignee": new_assignee, "reason": reason}}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.alert_by_id(id)
            .await?
            .map(|(a, _)| a)
            .ok_or_else(|| StoreError::NotFound(format!("alert {id}")))
    }
}
