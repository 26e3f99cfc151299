//! Incidents: creation from alerts or by hand, the status workflow, notes, tasks and
//! evidence files. Each change writes a timeline row and an audit row in its
//! transaction.

use lachan_core::auth::Scope;
use lachan_core::ops::{IncidentChange, IncidentStatus, MoveError};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::history::{self, History};
use super::{SqliteStore, append_audit, entry, now};
use crate::{
    AuditCtx, Evidence, Incident, IncidentQuery, IncidentRecord, LogEntry, Page, StoreError,
    StoreResult, Task,
};

const SELECT: &str = "SELECT i.*, ag.code AS agency_code, ag.name AS agency_name,
    s.code AS system_code, s.security_level AS system_level,
    (SELECT json_group_array(alert_id) FROM incident_alerts ia WHERE ia.incident_id = i.id)
        AS alert_ids
    FROM incidents i JOIN agencies ag ON ag.id = i.agency_id
    LEFT JOIN systems s ON s.id = i.system_id";

fn row_to_incident(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Incident> {
    let assets: String = r.try_get("assets")?;
    let alert_ids: Option<String> = r.try_get("alert_ids")?;
    let mut alert_ids: Vec<i64> = alert_ids
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    alert_ids.sort_unstable();
    Ok(Incident {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        severity: r.try_get("severity")?,
        category: r.try_get("category")?,
        status: r.try_get("status")?,
        agency_id: r.try_get("agency_id")?,
        agency_code: r.try_get("agency_code")?,
        agency_name: r.try_get("agency_name")?,
        system_code: r.try_get("system_code")?,
        system_level: r.try_get("system_level")?,
        assets: serde_json::from_str(&assets).unwrap_or_default(),
        assignee: r.try_get("assignee")?,
        impact: r.try_get("impact")?,
        personal_data: r.try_get("personal_data")?,
        detected_at: r.try_get("detected_at")?,
        reported_at: r.try_get("reported_at")?,
        resolve_by: r.try_get("resolve_by")?,
        closed_at: r.try_get("closed_at")?,
        close_reason: r.try_get("close_reason")?,
        alert_ids,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// `AND <col> IN (scope)` for a scoped caller.
pub(crate) fn push_scope(qb: &mut QueryBuilder<Sqlite>, col: &str, scope: &Option<Scope>) {
    if let Some(Scope::Agencies(ids)) = scope {
        qb.push(format!(" AND {col} IN ("));
        let mut sep = qb.separated(", ");
        sep.push_bind(-1i64);
        for id in ids {
            sep.push_bind(*id);
        }
        qb.push(")");
    }
}

pub(crate) fn move_error(e: MoveError) -> StoreError {
    let field = match e {
        MoveError::ReasonRequired { .. } => "reason",
        MoveError::Illegal { .. } => "status",
    };
    StoreError::Invalid(lachan_core::FieldError::new(field, e.to_string()))
}

async fn log(
    conn: &mut SqliteConnection,
    id: i64,
    actor: &str,
    kind: &str,
    text: &str,
    detail: Value,
) -> StoreResult<()> {
    history::write(conn, History::Incident, id, actor, kind, text, detail).await
}

/// Link alerts that exist and share the incident's agency (or have none).
async fn link_alerts(
    conn: &mut SqliteConnection,
    incident_id: i64,
    agency_id: i64,
    alert_ids: &[i64],
) -> StoreResult<()> {
    for a in alert_ids {
        let owner: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT agency_id FROM alerts WHERE id = ?")
                .bind(a)
                .fetch_optional(&mut *conn)
                .await?;
        match owner {
            None => {
                return Err(StoreError::Invalid(lachan_core::FieldError::new(
                    "alert_ids",
                    format!("alert {a} does not exist"),
                )));
            }
            Some((Some(other),)) if other != agency_id => {
                return Err(StoreError::Invalid(lachan_core::FieldError::new(
                    "alert_ids",
                    format!("alert {a} belongs to another agency"),
                )));
            }
            Some(_) => {}
        }
        sqlx::query("INSERT OR IGNORE INTO incident_alerts (incident_id, alert_id) VALUES (?, ?)")
            .bind(incident_id)
            .bind(a)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn incident_agency(conn: &mut SqliteConnection, id: i64) -> StoreResult<i64> {
    let r: Option<(i64,)> = sqlx::query_as("SELECT agency_id FROM incidents WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|(a,)| a)
        .ok_or_else(|| StoreError::NotFound(format!("incident {id}")))
}

impl SqliteStore {
    pub(crate) async fn insert_incident(
        &self,
        ctx: &AuditCtx,
        r: &IncidentRecord,
    ) -> StoreResult<Incident> {
        let i = &r.input;
        let mut tx = self.writer.begin().await?;
        let at = now();
        let year = r.detected_at.get(..4).unwrap_or("0000").to_string();
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM incidents WHERE code LIKE ?")
            .bind(format!("SC-{year}-%"))
            .fetch_one(&mut *tx)
            .await?;
        let code = format!("SC-{year}-{:04}", n + 1);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO incidents (code, title, description, severity, category, status,
             agency_id, system_id, assets, assignee, impact, personal_data, detected_at,
             resolve_by, created_by, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&code)
        .bind(&i.title)
        .bind(&i.description)
        .bind(i.severity.code())
        .bind(i.category.code())
        .bind(r.agency_id)
        .bind(r.system_id)
        .bind(json!(i.assets).to_string())
        .bind(&i.assignee)
        .bind(&i.impact)
        .bind(i.personal_data)
        .bind(&r.detected_at)
        .bind(&r.resolve_by)
        .bind(&ctx.actor)
        .bind(&at)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("incident {code}")))?;
        link_alerts(&mut tx, id, r.agency_id, &i.alert_ids).await?;
        log(
            &mut tx,
            id,
            &ctx.actor,
            "created",
            &i.title,
            json!({"severity": i.severity, "category": i.category, "alert_ids": i.alert_ids}),
        )
        .await?;
        let e = entry(
            ctx,
            "incident.create",
            format!("incident:{id}"),
            json!({"code": code, "title": i.title, "severity": i.severity,
                   "category": i.category, "agency_id": r.agency_id, "alert_ids": i.alert_ids}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.incident_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("incident {id}")))
    }

    pub(crate) async fn incident_by_id(&self, id: i64) -> StoreResult<Option<Incident>> {
        let r = sqlx::query(sql!("{SELECT} WHERE i.id = ?"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        r.as_ref().map(row_to_incident).transpose()
    }

    pub(crate) async fn query_incidents(&self, q: &IncidentQuery) -> StoreResult<Page<Incident>> {
        let build = |qb: &mut QueryBuilder<Sqlite>| {
            qb.push(" WHERE 1=1");
            push_scope(qb, "i.agency_id", &q.scope);
            match q.status.as_deref() {
                Some("open") => {
                    qb.push(" AND i.status <> 'closed'");
                }
                Some(s) => {
                    qb.push(" AND i.status = ").push_bind(s.to_string());
                }
                None => {}
            }
            if let Some(v) = &q.severity {
                qb.push(" AND i.severity = ").push_bind(v.clone());
            }
            if let Some(v) = &q.category {
                qb.push(" AND i.category = ").push_bind(v.clone());
            }
            if let Some(v) = q.agency_id {
                qb.push(" AND i.agency_id = ").push_bind(v);
            }
            if let Some(v) = &q.overdue_at {
                qb.push(" AND i.status <> 'closed' AND i.resolve_by < ")
                    .push_bind(v.clone());
            }
            if let Some(v) = &q.from {
                qb.push(" AND i.detected_at >= ").push_bind(v.clone());
            }
            if let Some(v) = &q.to {
                qb.push(" AND i.detected_at < ").push_bind(v.clone());
            }
        };
        let mut cq: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT count(*) FROM incidents i");
        build(&mut cq);
        let (total,): (i64,) = cq.build_query_as().fetch_one(&self.reader).await?;
        let mut sq: QueryBuilder<Sqlite> = QueryBuilder::new(SELECT);
        build(&mut sq);
        sq.push(" ORDER BY i.detected_at DESC, i.id DESC LIMIT ")
            .push_bind(q.limit)
            .push(" OFFSET ")
            .push_bind(q.offset.max(0));
        let rows = sq.build().fetch_all(&self.reader).await?;
        let items = rows
            .iter()
            .map(row_to_incident)
            .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    pub(crate) async fn change_incident(
        &self,
        ctx: &AuditCtx,
        id: i64,
        c: &IncidentChange,
        resolve_by: Option<&str>,
    ) -> StoreResult<Incident> {
        let mut tx = self.writer.begin().await?;
        let before = sqlx::query(sql!("{SELECT} WHERE i.id = ?"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let before = before
            .as_ref()
            .map(row_to_incident)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("incident {id}")))?;
        let from = IncidentStatus::parse(&before.status).unwrap_or(IncidentStatus::New);
        let at = now();
        let mut changed = serde_json::Map::new();
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("UPDATE incidents SET updated_at = ");
        qb.push_bind(at.clone());
        if let Some(to) = c.status
            && to != from
        {
            from.check_move(to, c.reason.as_deref())
                .map_err(move_error)?;
            qb.push(", status = ").push_bind(to.code());
            if to == IncidentStatus::Closed {
                qb.push(", closed_at = ").push_bind(at.clone());
                qb.push(", close_reason = ").push_bind(c.reason.clone());
            } else if from == IncidentStatus::Closed {
                qb.push(", closed_at = NULL, close_reason = NULL");
            }
            log(
                &mut tx,
                id,
                &ctx.actor,
                "status",
                c.reason.as_deref().unwrap_or(""),
                json!({"from": from, "to": to}),
            )
            .await?;
            changed.insert("status".into(), json!({"from": from, "to": to}));
        }
        macro_rules! set {
            ($field:literal, $new:expr, $old:expr) => {
                if let Some(v) = $new {
                    let v = json!(v);
                    if v != json!($old) {
                        changed.insert($field.into(), json!({"from": $old, "to": v}));
                        qb.push(concat!(", ", $field, " = "));
                        match v {
                            Value::String(s) => qb.push_bind(s),
                            Value::Bool(b) => qb.push_bind(if b { 1i64 } else { 0 }),
                            other => qb.push_bind(other.to_string()),
                        };
                    }
                }
            };
        }
        set!("title", &c.title, before.title);
        set!("description", &c.description, before.description);
        set!("severity", c.severity.map(|s| s.code()), before.severity);
        set!("category", c.category.map(|s| s.code()), before.category);
        set!("impact", &c.impact, before.impact);
        set!("personal_data", c.personal_data, before.personal_data);
        set!("reported_at", &c.reported_at, before.reported_at);
        if let Some(a) = &c.assignee {
            let new = Some(a.clone()).filter(|a| !a.is_empty());
            if new != before.assignee {
                changed.insert(
                    "assignee".into(),
                    json!({"from": before.assignee, "to": new}),
                );
                qb.push(", assignee = ").push_bind(new);
            }
        }
        if let Some(a) = &c.assets
            && *a != before.assets
        {
            changed.insert("assets".into(), json!({"from": before.assets, "to": a}));
            qb.push(", assets = ").push_bind(json!(a).to_string());
        }
        if let Some(r) = resolve_by
            && changed.contains_key("severity")
        {
            qb.push(", resolve_by = ").push_bind(r.to_string());
            changed.insert(
                "resolve_by".into(),
                json!({"from": before.resolve_by, "to": r}),
            );
        }
        if changed.is_empty() {
            tx.rollback().await?;
            return Ok(before);
        }
        qb.push(" WHERE id = ").push_bind(id);
        qb.build().execute(&mut *tx).await?;
        history::changed(&mut tx, History::Incident, ctx, id, &changed, &c.reason).await?;
        tx.commit().await?;
        self.incident_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("incident {id}")))
    }

    pub(crate) async fn incident_log_rows(&self, id: i64) -> StoreResult<Vec<LogEntry>> {
        history::read(&self.reader, History::Incident, id).await
    }

    pub(crate) async fn note_incident(
        &self,
        ctx: &AuditCtx,
        id: i64,
        text: &str,
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        incident_agency(&mut tx, id).await?;
        log(&mut tx, id, &ctx.actor, "note", text, json!({})).await?;
        sqlx::query("UPDATE incidents SET updated_at = ? WHERE id = ?")
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let e = entry(
            ctx,
            "incident.note",
            format!("incident:{id}"),
            json!({"chars": text.chars().count()}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn link_alerts_to(
        &self,
        ctx: &AuditCtx,
        id: i64,
        alert_ids: &[i64],
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let agency = incident_agency(&mut tx, id).await?;
        link_alerts(&mut tx, id, agency, alert_ids).await?;
        log(
            &mut tx,
            id,
            &ctx.actor,
            "alerts",
            "",
            json!({"alert_ids": alert_ids}),
        )
        .await?;
        let e = entry(
            ctx,
            "incident.link_alerts",
            format!("incident:{id}"),
            json!({"alert_ids": alert_ids}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn new_task(
        &self,
        ctx: &AuditCtx,
        id: i64,
        title: &str,
        assignee: Option<&str>,
        due_date: Option<&str>,
    ) -> StoreResult<Task> {
        let mut tx = self.writer.begin().await?;
        incident_agency(&mut tx, id).await?;
        let at = now();
        let task_id: i64 = sqlx::query_scalar(
            "INSERT INTO incident_tasks (incident_id, title, assignee, due_date, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(id)
        .bind(title)
        .bind(assignee)
        .bind(due_date)
        .bind(&at)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        log(
            &mut tx,
            id,
            &ctx.actor,
            "task",
            title,
            json!({"task_id": task_id, "assignee": assignee, "due_date": due_date}),
        )
        .await?;
        let e = entry(
            ctx,
            "incident.task_add",
            format!("incident:{id}"),
            json!({"task_id": task_id, "title": title}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.task(id, task_id).await
    }

    async fn task(&self, id: i64, task_id: i64) -> StoreResult<Task> {
        self.tasks_of(id)
            .await?
            .into_iter()
            .find(|t| t.id == task_id)
            .ok_or_else(|| StoreError::NotFound(format!("task {task_id} of incident {id}")))
    }

    pub(crate) async fn mark_task(
        &self,
        ctx: &AuditCtx,
        id: i64,
        task_id: i64,
        done: bool,
    ) -> StoreResult<Task> {
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query(
            "UPDATE incident_tasks SET done = ?, updated_at = ? WHERE id = ? AND incident_id = ?",
        )
        .bind(done)
        .bind(now())
        .bind(task_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "task {task_id} of incident {id}"
            )));
        }
        log(
            &mut tx,
            id,
            &ctx.actor,
            "task",
            if done { "done" } else { "reopened" },
            json!({"task_id": task_id, "done": done}),
        )
        .await?;
        let e = entry(
            ctx,
            "incident.task_update",
            format!("incident:{id}"),
            json!({"task_id": task_id, "done": done}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.task(id, task_id).await
    }

    pub(crate) async fn tasks_of(&self, id: i64) -> StoreResult<Vec<Task>> {
        let rows = sqlx::query("SELECT * FROM incident_tasks WHERE incident_id = ? ORDER BY id")
            .bind(id)
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Task {
                    id: r.try_get("id")?,
                    incident_id: r.try_get("incident_id")?,
                    title: r.try_get("title")?,
                    assignee: r.try_get("assignee")?,
                    due_date: r.try_get("due_date")?,
                    done: r.try_get("done")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    pub(crate) async fn store_evidence(
        &self,
        ctx: &AuditCtx,
        id: i64,
        name: &str,
        media_type: &str,
        bytes: &[u8],
        note: Option<&str>,
    ) -> StoreResult<Evidence> {
        let sha = hex::encode(Sha256::digest(bytes));
        let mut tx = self.writer.begin().await?;
        incident_agency(&mut tx, id).await?;
        let eid: i64 = sqlx::query_scalar(
            "INSERT INTO incident_evidence (incident_id, name, media_type, size, sha256, content,
             note, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(id)
        .bind(name)
        .bind(media_type)
        .bind(bytes.len() as i64)
        .bind(&sha)
        .bind(bytes)
        .bind(note)
        .bind(&ctx.actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        log(
            &mut tx,
            id,
            &ctx.actor,
            "evidence",
            name,
            json!({"evidence_id": eid, "sha256": sha, "size": bytes.len()}),
        )
        .await?;
        let e = entry(
            ctx,
            "incident.evidence_add",
            format!("incident:{id}"),
            json!({"evidence_id": eid, "name": name, "sha256": sha, "size": bytes.len()}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.evidence_of(id)
            .await?
            .into_iter()
            .find(|e| e.id == eid)
            .ok_or_else(|| StoreError::NotFound(format!("evidence {eid}")))
    }

    pub(crate) async fn evidence_of(&self, id: i64) -> StoreResult<Vec<Evidence>> {
        let rows = sqlx::query(
            "SELECT id, incident_id, name, media_type, size, sha256, note, added_by, added_at
             FROM incident_evidence WHERE incident_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(row_to_evidence).collect()
    }

    pub(crate) async fn evidence_bytes(
        &self,
        id: i64,
        evidence_id: i64,
    ) -> StoreResult<Option<(Evidence, Vec<u8>)>> {
        let r = sqlx::query("SELECT * FROM incident_evidence WHERE incident_id = ? AND id = ?")
            .bind(id)
            .bind(evidence_id)
            .fetch_optional(&self.reader)
            .await?;
        match r {
            None => Ok(None),
            Some(r) => Ok(Some((row_to_evidence(&r)?, r.try_get("content")?))),
        }
    }
}

fn row_to_evidence(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Evidence> {
    Ok(Evidence {
        id: r.try_get("id")?,
        incident_id: r.try_get("incident_id")?,
        name: r.try_get("name")?,
        media_type: r.try_get("media_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        note: r.try_get("note")?,
        added_by: r.try_get("added_by")?,
        added_at: r.try_get("added_at")?,
    })
}
