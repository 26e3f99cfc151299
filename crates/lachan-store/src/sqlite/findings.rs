//! Findings (de-duplicated per agency, system, asset and issue) and the
//! recommendation letters that group them.

use lachan_core::FieldError;
use lachan_core::auth::Scope;
use lachan_core::ops::{FindingChange, FindingStatus, NewLetter};
use serde_json::{Value, json};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::history::{self, History};
use super::incidents::{move_error, push_scope};
use super::{SqliteStore, append_audit, entry, now};
use crate::{
    AuditCtx, Finding, FindingQuery, FindingRecord, Letter, LogEntry, Page, StoreError, StoreResult,
};

const SELECT: &str = "SELECT f.*, ag.code AS agency_code, ag.name AS agency_name,
    s.code AS system_code,
    (SELECT json_group_array(l.number) FROM letter_findings lf JOIN letters l
        ON l.id = lf.letter_id WHERE lf.finding_id = f.id ORDER BY l.date, l.id) AS letters
    FROM findings f JOIN agencies ag ON ag.id = f.agency_id
    LEFT JOIN systems s ON s.id = f.system_id";

fn row_to_finding(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Finding> {
    let letters: Option<String> = r.try_get("letters")?;
    Ok(Finding {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        severity: r.try_get("severity")?,
        status: r.try_get("status")?,
        status_reason: r.try_get("status_reason")?,
        source: r.try_get("source")?,
        source_ref: r.try_get("source_ref")?,
        agency_id: r.try_get("agency_id")?,
        agency_code: r.try_get("agency_code")?,
        agency_name: r.try_get("agency_name")?,
        system_code: r.try_get("system_code")?,
        asset: r.try_get("asset")?,
        evidence: r.try_get("evidence")?,
        recommendation: r.try_get("recommendation")?,
        occurrences: r.try_get("occurrences")?,
        first_seen: r.try_get("first_seen")?,
        last_seen: r.try_get("last_seen")?,
        due_date: r.try_get("due_date")?,
        target_id: r.try_get("target_id")?,
        letters: letters
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

async fn log(
    conn: &mut SqliteConnection,
    id: i64,
    actor: &str,
    kind: &str,
    text: &str,
    detail: Value,
) -> StoreResult<()> {
    history::write(conn, History::Finding, id, actor, kind, text, detail).await
}

impl SqliteStore {
    pub(crate) async fn put_finding(
        &self,
        ctx: &AuditCtx,
        r: &FindingRecord,
    ) -> StoreResult<(Finding, bool)> {
        let mut tx = self.writer.begin().await?;
        let (id, created) = finding_in_tx(&mut tx, ctx, r).await?;
        tx.commit().await?;
        let found = self
            .finding_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("finding {id}")))?;
        Ok((found, created))
    }

    pub(crate) async fn finding_by_id(&self, id: i64) -> StoreResult<Option<Finding>> {
        let r = sqlx::query(sql!("{SELECT} WHERE f.id = ?"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        r.as_ref().map(row_to_finding).transpose()
    }

    pub(crate) async fn query_findings(&self, q: &FindingQuery) -> StoreResult<Page<Finding>> {
        let build = |qb: &mut QueryBuilder<Sqlite>| {
            qb.push(" WHERE 1=1");
            push_scope(qb, "f.agency_id", &q.scope);
            match q.status.as_deref() {
                Some("outstanding") => {
                    qb.push(" AND f.status IN ('open', 'acknowledged')");
                }
                Some(s) => {
                    qb.push(" AND f.status = ").push_bind(s.to_string());
                }
                None => {}
            }
            if let Some(v) = &q.severity {
                qb.push(" AND f.severity = ").push_bind(v.clone());
            }
            if let Some(v) = &q.source {
                qb.push(" AND f.source = ").push_bind(v.clone());
            }
            if let Some(v) = q.agency_id {
                qb.push(" AND f.agency_id = ").push_bind(v);
            }
            if let Some(v) = q.system_id {
                qb.push(" AND f.system_id = ").push_bind(v);
            }
            if let Some(d) = &q.overdue_on {
                qb.push(" AND f.status IN ('open', 'acknowledged') AND f.due_date < ")
                    .push_bind(d.clone());
            }
            if q.without_letter {
                qb.push(
                    " AND NOT EXISTS (SELECT 1 FROM letter_findings lf WHERE lf.finding_id = f.id)",
                );
            }
            if let Some(l) = q.letter_id {
                qb.push(" AND f.id IN (SELECT finding_id FROM letter_findings WHERE letter_id = ")
                    .push_bind(l)
                    .push(")");
            }
        };
        let mut cq: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT count(*) FROM findings f");
        build(&mut cq);
        let (total,): (i64,) = cq.build_query_as().fetch_one(&self.reader).await?;
        let mut sq: QueryBuilder<Sqlite> = QueryBuilder::new(SELECT);
        build(&mut sq);
        sq.push(
            " ORDER BY CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1
              WHEN 'medium' THEN 2 ELSE 3 END, f.last_seen DESC, f.id DESC LIMIT ",
        )
        .push_bind(q.limit)
        .push(" OFFSET ")
        .push_bind(q.offset.max(0));
        let rows = sq.build().fetch_all(&self.reader).await?;
        let items = rows
            .iter()
            .map(row_to_finding)
            .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    pub(crate) async fn change_finding(
        &self,
        ctx: &AuditCtx,
        id: i64,
        c: &FindingChange,
    ) -> StoreResult<Finding> {
        let mut tx = self.writer.begin().await?;
        let before = sqlx::query(sql!("{SELECT} WHERE f.id = ?"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let before = before
            .as_ref()
            .map(row_to_finding)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("finding {id}")))?;
        let from = FindingStatus::parse(&before.status).unwrap_or(FindingStatus::Open);
        let mut changed = serde_json::Map::new();
        let at = now();
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("UPDATE findings SET updated_at = ");
        qb.push_bind(at.clone());
        if let Some(to) = c.status
            && to != from
        {
            from.check_move(to, c.reason.as_deref())
                .map_err(move_error)?;
            if to != FindingStatus::Verified {
                // Reopening must not collide with a newer live finding of the same issue.
                let other: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM findings WHERE fingerprint = (SELECT fingerprint FROM
                     findings WHERE id = ?) AND status <> 'verified' AND id <> ?",
                )
                .bind(id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((other,)) = other {
                    return Err(StoreError::Conflict(format!(
                        "finding {other} already tracks this issue; update that one"
                    )));
                }
            }
            qb.push(", status = ").push_bind(to.code());
            qb.push(", status_reason = ").push_bind(c.reason.clone());
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
        if let Some(s) = c.severity
            && s.code() != before.severity
        {
            qb.push(", severity = ").push_bind(s.code());
            changed.insert("severity".into(), json!({"from": before.severity, "to": s}));
        }
        if let Some(r) = &c.recommendation
            && Some(r) != before.recommendation.as_ref()
        {
            qb.push(", recommendation = ").push_bind(r.clone());
            changed.insert("recommendation".into(), json!({"to": r}));
        }
        if let Some(d) = &c.due_date {
            let d = Some(d.clone()).filter(|d| !d.is_empty());
            if d != before.due_date {
                qb.push(", due_date = ").push_bind(d.clone());
                changed.insert("due_date".into(), json!({"from": before.due_date, "to": d}));
            }
        }
        if changed.is_empty() {
            tx.rollback().await?;
            return Ok(before);
        }
        qb.push(" WHERE id = ").push_bind(id);
        qb.build().execute(&mut *tx).await?;
        history::changed(&mut tx, History::Finding, ctx, id, &changed, &c.reason).await?;
        tx.commit().await?;
        self.finding_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("finding {id}")))
    }

    pub(crate) async fn finding_log_rows(&self, id: i64) -> StoreResult<Vec<LogEntry>> {
        history::read(&self.reader, History::Finding, id).await
    }

    /// Store a letter; its findings must belong to its agency. A finding without a due
    /// date (or with a later one) takes the letter's deadline.
    pub(crate) async fn insert_letter(
        &self,
        ctx: &AuditCtx,
        l: &NewLetter,
        agency_id: i64,
    ) -> StoreResult<Letter> {
        let mut tx = self.writer.begin().await?;
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO letters (number, date, agency_id, subject, signer, body, deadline,
             created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&l.number)
        .bind(&l.date)
        .bind(agency_id)
        .bind(&l.subject)
        .bind(&l.signer)
        .bind(&l.body)
        .bind(&l.deadline)
        .bind(&ctx.actor)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("letter number '{}'", l.number)))?;
        for f in &l.finding_ids {
            let owner: Option<(i64,)> =
                sqlx::query_as("SELECT agency_id FROM findings WHERE id = ?")
                    .bind(f)
                    .fetch_optional(&mut *tx)
                    .await?;
            match owner {
                None => {
                    return Err(StoreError::Invalid(FieldError::new(
                        "finding_ids",
                        format!("finding {f} does not exist"),
                    )));
                }
                Some((a,)) if a != agency_id => {
                    return Err(StoreError::Invalid(FieldError::new(
                        "finding_ids",
                        format!("finding {f} belongs to another agency than the letter's"),
                    )));
                }
                Some(_) => {}
            }
            sqlx::query("INSERT INTO letter_findings (letter_id, finding_id) VALUES (?, ?)")
                .bind(id)
                .bind(f)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE findings SET due_date = ?, updated_at = ?
                 WHERE id = ? AND (due_date IS NULL OR due_date > ?)",
            )
            .bind(&l.deadline)
            .bind(&at)
            .bind(f)
            .bind(&l.deadline)
            .execute(&mut *tx)
            .await?;
            log(
                &mut tx,
                *f,
                &ctx.actor,
                "letter",
                &l.number,
                json!({"letter_id": id, "deadline": l.deadline}),
            )
            .await?;
        }
        let e = entry(
            ctx,
            "letter.create",
            format!("letter:{id}"),
            json!({"number": l.number, "date": l.date, "agency_id": agency_id,
                   "finding_ids": l.finding_ids, "deadline": l.deadline}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.letter_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("letter {id}")))
    }

    async fn letters_where(
        &self,
        clause: &str,
        bind: Option<i64>,
        scope: &Scope,
    ) -> StoreResult<Vec<Letter>> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT l.*, ag.code AS agency_code, ag.name AS agency_name,
             (SELECT json_group_array(finding_id) FROM letter_findings lf
                 WHERE lf.letter_id = l.id) AS finding_ids,
             (SELECT COUNT(*) FROM letter_findings lf JOIN findings f ON f.id = lf.finding_id
                 WHERE lf.letter_id = l.id AND f.status IN ('open', 'acknowledged'))
                 AS outstanding
             FROM letters l JOIN agencies ag ON ag.id = l.agency_id WHERE 1=1",
        );
        push_scope(&mut qb, "l.agency_id", &Some(scope.clone()));
        qb.push(clause);
        if let Some(b) = bind {
            qb.push_bind(b);
        }
        qb.push(" ORDER BY l.date DESC, l.id DESC");
        let rows = qb.build().fetch_all(&self.reader).await?;
        rows.iter()
            .map(|r| {
                let ids: Option<String> = r.try_get("finding_ids")?;
                let mut finding_ids: Vec<i64> = ids
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or_default();
                finding_ids.sort_unstable();
                Ok(Letter {
                    id: r.try_get("id")?,
                    number: r.try_get("number")?,
                    date: r.try_get("date")?,
                    agency_id: r.try_get("agency_id")?,
                    agency_code: r.try_get("agency_code")?,
                    agency_name: r.try_get("agency_name")?,
                    subject: r.try_get("subject")?,
                    signer: r.try_get("signer")?,
                    body: r.try_get("body")?,
                    deadline: r.try_get("deadline")?,
                    finding_ids,
                    outstanding: r.try_get("outstanding")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    pub(crate) async fn letter_by_id(&self, id: i64) -> StoreResult<Option<Letter>> {
        Ok(self
            .letters_where(" AND l.id = ", Some(id), &Scope::All)
            .await?
            .into_iter()
            .next())
    }

    pub(crate) async fn letters(&self, scope: &Scope) -> StoreResult<Vec<Letter>> {
        self.letters_where("", None, scope).await
    }
}

/// Record a finding inside the caller's transaction (audited there too).
pub(crate) async fn finding_in_tx(
    tx: &mut SqliteConnection,
    ctx: &AuditCtx,
    r: &FindingRecord,
) -> StoreResult<(i64, bool)> {
    let f = &r.input;
    let at = now();
    let seen = f.observed_at.clone().unwrap_or_else(|| at.clone());
    let live: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM findings WHERE fingerprint = ? AND status <> 'verified'")
            .bind(&r.fingerprint)
            .fetch_optional(&mut *tx)
            .await?;
    let (id, created) = match live {
        Some((id,)) => {
            sqlx::query(
                "UPDATE findings SET occurrences = occurrences + 1,
                     last_seen = max(last_seen, ?), evidence = COALESCE(?, evidence),
                     updated_at = ? WHERE id = ?",
            )
            .bind(&seen)
            .bind(&f.evidence)
            .bind(&at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            log(
                tx,
                id,
                &ctx.actor,
                "occurrence",
                "",
                json!({"source": f.source}),
            )
            .await?;
            (id, false)
        }
        None => {
            if let Some(t) = f.target_id {
                let owner: Option<(i64,)> =
                    sqlx::query_as("SELECT agency_id FROM plan_targets WHERE id = ?")
                        .bind(t)
                        .fetch_optional(&mut *tx)
                        .await?;
                if owner.map(|(a,)| a) != Some(r.agency_id) {
                    return Err(StoreError::Invalid(FieldError::new(
                        "target_id",
                        format!("inspection target {t} is not a target of this agency"),
                    )));
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO findings (title, description, severity, status, source,
                     source_ref, agency_id, system_id, asset, evidence, recommendation,
                     fingerprint, first_seen, last_seen, target_id, created_by, created_at,
                     updated_at)
                     VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                     RETURNING id",
            )
            .bind(&f.title)
            .bind(&f.description)
            .bind(f.severity.code())
            .bind(f.source.code())
            .bind(&f.source_ref)
            .bind(r.agency_id)
            .bind(r.system_id)
            .bind(&f.asset)
            .bind(&f.evidence)
            .bind(&f.recommendation)
            .bind(&r.fingerprint)
            .bind(&seen)
            .bind(&seen)
            .bind(f.target_id)
            .bind(&ctx.actor)
            .bind(&at)
            .bind(&at)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::from_write(e, "finding"))?;
            log(
                tx,
                id,
                &ctx.actor,
                "created",
                &f.title,
                json!({"source": f.source, "severity": f.severity}),
            )
            .await?;
            (id, true)
        }
    };
    let e = entry(
        ctx,
        if created {
            "finding.create"
        } else {
            "finding.occurrence"
        },
        format!("finding:{id}"),
        json!({"title": f.title, "severity": f.severity, "source": f.source,
                   "agency_id": r.agency_id, "asset": f.asset}),
    );
    append_audit(tx, &e).await?;
    Ok((id, created))
}
