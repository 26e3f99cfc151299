//! Inspection plans and their targets; results recorded per target.

use lachan_core::auth::Scope;
use lachan_core::ops::{NewPlan, TargetResult, TargetStatus};
use serde_json::json;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::incidents::push_scope;
use super::{SqliteStore, append_audit, entry, now};
use crate::{AuditCtx, Plan, StoreError, StoreResult, Target, TargetRecord};

const TARGETS: &str = "SELECT t.*, ag.code AS agency_code, ag.name AS agency_name,
    s.code AS system_code,
    (SELECT COUNT(*) FROM findings f WHERE f.target_id = t.id) AS findings,
    (SELECT COUNT(*) FROM target_items i WHERE i.target_id = t.id) AS items_total,
    (SELECT COUNT(*) FROM target_items i WHERE i.target_id = t.id AND i.result <> 'pending')
        AS items_answered
    FROM plan_targets t JOIN agencies ag ON ag.id = t.agency_id
    LEFT JOIN systems s ON s.id = t.system_id";

fn row_to_target(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Target> {
    Ok(Target {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        kind: r.try_get("kind")?,
        agency_id: r.try_get("agency_id")?,
        agency_code: r.try_get("agency_code")?,
        agency_name: r.try_get("agency_name")?,
        system_code: r.try_get("system_code")?,
        name: r.try_get("name")?,
        scheduled_date: r.try_get("scheduled_date")?,
        checklist: r.try_get("checklist")?,
        reinspection: r.try_get("reinspection")?,
        status: r.try_get("status")?,
        inspected_on: r.try_get("inspected_on")?,
        passed: r.try_get("passed")?,
        failed: r.try_get("failed")?,
        not_applicable: r.try_get("not_applicable")?,
        summary: r.try_get("summary")?,
        inspector: r.try_get("inspector")?,
        findings: r.try_get("findings")?,
        items_total: r.try_get("items_total")?,
        items_answered: r.try_get("items_answered")?,
    })
}

async fn insert_targets(
    conn: &mut SqliteConnection,
    plan_id: i64,
    targets: &[TargetRecord],
) -> StoreResult<Vec<i64>> {
    let at = now();
    let mut ids = Vec::with_capacity(targets.len());
    for t in targets {
        let i = &t.input;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_targets (plan_id, kind, agency_id, system_id, name,
             scheduled_date, checklist, reinspection, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(plan_id)
        .bind(i.kind.code())
        .bind(t.agency_id)
        .bind(t.system_id)
        .bind(&i.name)
        .bind(&i.scheduled_date)
        .bind(i.checklist.code())
        .bind(i.reinspection)
        .bind(&at)
        .fetch_one(&mut *conn)
        .await?;
        for (pos, item) in t.items.iter().enumerate() {
            sqlx::query(
                "INSERT OR IGNORE INTO target_items (target_id, position, code, title, title_en,
                 updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(pos as i64)
            .bind(&item.code)
            .bind(&item.title_vi)
            .bind(&item.title_en)
            .bind(&at)
            .execute(&mut *conn)
            .await?;
        }
        ids.push(id);
    }
    Ok(ids)
}

impl SqliteStore {
    pub(crate) async fn insert_plan(
        &self,
        ctx: &AuditCtx,
        p: &NewPlan,
        targets: &[TargetRecord],
    ) -> StoreResult<Plan> {
        let mut tx = self.writer.begin().await?;
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plans (number, date, title, start_date, end_date, team, description,
             created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             RETURNING id",
        )
        .bind(&p.number)
        .bind(&p.date)
        .bind(&p.title)
        .bind(&p.start_date)
        .bind(&p.end_date)
        .bind(json!(p.team).to_string())
        .bind(&p.description)
        .bind(&ctx.actor)
        .bind(&at)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("plan number '{}'", p.number)))?;
        insert_targets(&mut tx, id, targets).await?;
        let e = entry(
            ctx,
            "plan.create",
            format!("plan:{id}"),
            json!({"number": p.number, "title": p.title, "targets": targets.len()}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.plan_by_id(id, &Scope::All)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("plan {id}")))
    }

    pub(crate) async fn change_plan(
        &self,
        ctx: &AuditCtx,
        id: i64,
        p: &NewPlan,
    ) -> StoreResult<Plan> {
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query(
            "UPDATE plans SET number = ?, date = ?, title = ?, start_date = ?, end_date = ?,
             team = ?, description = ?, updated_at = ? WHERE id = ?",
        )
        .bind(&p.number)
        .bind(&p.date)
        .bind(&p.title)
        .bind(&p.start_date)
        .bind(&p.end_date)
        .bind(json!(p.team).to_string())
        .bind(&p.description)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("plan number '{}'", p.number)))?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("plan {id}")));
        }
        let e = entry(
            ctx,
            "plan.update",
            format!("plan:{id}"),
            json!({"number": p.number, "title": p.title, "start_date": p.start_date,
                   "end_date": p.end_date}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.plan_by_id(id, &Scope::All)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("plan {id}")))
    }

    pub(crate) async fn append_targets(
        &self,
        ctx: &AuditCtx,
        plan_id: i64,
        targets: &[TargetRecord],
    ) -> StoreResult<Vec<Target>> {
        let mut tx = self.writer.begin().await?;
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM plans WHERE id = ?")
            .bind(plan_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("plan {plan_id}")));
        }
        let ids = insert_targets(&mut tx, plan_id, targets).await?;
        let e = entry(
            ctx,
            "plan.add_targets",
            format!("plan:{plan_id}"),
            json!({"target_ids": ids}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(t) = self.target_by_id(id).await? {
                out.push(t);
            }
        }
        Ok(out)
    }

    async fn plan_targets(&self, plan_id: i64, scope: &Scope) -> StoreResult<Vec<Target>> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(TARGETS);
        qb.push(" WHERE t.plan_id = ").push_bind(plan_id);
        push_scope(&mut qb, "t.agency_id", &Some(scope.clone()));
        qb.push(" ORDER BY t.id");
        let rows = qb.build().fetch_all(&self.reader).await?;
        rows.iter().map(row_to_target).collect()
    }

    pub(crate) async fn plan_by_id(&self, id: i64, scope: &Scope) -> StoreResult<Option<Plan>> {
        let r = sqlx::query("SELECT * FROM plans WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        let Some(r) = r else { return Ok(None) };
        let targets = self.plan_targets(id, scope).await?;
        let team: String = r.try_get("team")?;
        Ok(Some(Plan {
            id,
            number: r.try_get("number")?,
            date: r.try_get("date")?,
            title: r.try_get("title")?,
            start_date: r.try_get("start_date")?,
            end_date: r.try_get("end_date")?,
            team: serde_json::from_str(&team).unwrap_or_default(),
            description: r.try_get("description")?,
            targets_total: targets.iter().filter(|t| t.status != "cancelled").count() as i64,
            targets_done: targets.iter().filter(|t| t.status == "done").count() as i64,
            targets,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
        }))
    }

    pub(crate) async fn plans(&self, scope: &Scope) -> StoreResult<Vec<Plan>> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT p.id FROM plans p WHERE 1=1");
        if let Scope::Agencies(_) = scope {
            qb.push(" AND EXISTS (SELECT 1 FROM plan_targets t WHERE t.plan_id = p.id");
            push_scope(&mut qb, "t.agency_id", &Some(scope.clone()));
            qb.push(")");
        }
        qb.push(" ORDER BY p.date DESC, p.id DESC");
        let ids: Vec<(i64,)> = qb.build_query_as().fetch_all(&self.reader).await?;
        let mut out = Vec::with_capacity(ids.len());
        for (id,) in ids {
            if let Some(p) = self.plan_by_id(id, scope).await? {
                out.push(p);
            }
        }
        Ok(out)
    }

    pub(crate) async fn target_by_id(&self, id: i64) -> StoreResult<Option<Target>> {
        let r = sqlx::query(sql!("{TARGETS} WHERE t.id = ?"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        r.as_ref().map(row_to_target).transpose()
    }

    pub(crate) async fn set_target_result(
        &self,
        ctx: &AuditCtx,
        id: i64,
        status: TargetStatus,
        res: &TargetResult,
        today: &str,
    ) -> StoreResult<Target> {
        let mut tx = self.writer.begin().await?;
        let on = match status {
            TargetStatus::Done => Some(res.inspected_on.clone().unwrap_or(today.to_string())),
            _ => None,
        };
        let n = sqlx::query(
            "UPDATE plan_targets SET status = ?, inspected_on = ?, passed = ?, failed = ?,
             not_applicable = ?, summary = ?, inspector = ?, updated_at = ? WHERE id = ?",
        )
        .bind(status.code())
        .bind(&on)
        .bind(res.passed)
        .bind(res.failed)
        .bind(res.not_applicable)
        .bind(&res.summary)
        .bind(&res.inspector)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("inspection target {id}")));
        }
        let e = entry(
            ctx,
            "plan.target_result",
            format!("target:{id}"),
            json!({"status": status, "inspected_on": on, "passed": res.passed,
                   "failed": res.failed, "not_applicable": res.not_applicable}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.target_by_id(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("inspection target {id}")))
    }

    pub(crate) async fn items_of(&self, target_id: i64) -> StoreResult<Vec<crate::TargetItem>> {
        let rows = sqlx::query(
            "SELECT code, title, title_en, result, note, updated_at FROM target_items
             WHERE target_id = ? ORDER BY position",
        )
        .bind(target_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(crate::TargetItem {
                    code: r.try_get("code")?,
                    title: r.try_get("title")?,
                    title_en: r.try_get("title_en")?,
                    result: r.try_get("result")?,
                    note: r.try_get("note")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// Record answers; the target's counts follow the items, and once no item is
    /// pending the target is inspected (today, unless it was already).
    pub(crate) async fn answer_items(
        &self,
        ctx: &AuditCtx,
        target_id: i64,
        answers: &[(String, String, Option<String>)],
        today: &str,
    ) -> StoreResult<Target> {
        let mut tx = self.writer.begin().await?;
        let at = now();
        for (code, result, note) in answers {
            if !crate::ITEM_RESULTS.contains(&result.as_str()) {
                return Err(StoreError::Invalid(lachan_core::FieldError::new(
                    "result",
                    format!(
                        "'{result}' is not one of {}",
                        crate::ITEM_RESULTS.join(", ")
                    ),
                )));
            }
            let n = sqlx::query(
                "UPDATE target_items SET result = ?, note = ?, updated_at = ?
                 WHERE target_id = ? AND code = ?",
            )
            .bind(result)
            .bind(note)
            .bind(&at)
            .bind(target_id)
            .bind(code)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::Invalid(lachan_core::FieldError::new(
                    "code",
                    format!("'{code}' is not an item of inspection target {target_id}"),
                )));
            }
        }
        let counts: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(result = 'passed'), 0), COALESCE(SUM(result = 'failed'), 0),
             COALESCE(SUM(result = 'not_applicable'), 0), COALESCE(SUM(result = 'pending'), 0)
             FROM target_items WHERE target_id = ?",
        )
        .bind(target_id)
        .fetch_one(&mut *tx)
        .await?;
        let (passed, failed, na, pending) = counts;
        sqlx::query(
            "UPDATE plan_targets SET passed = ?, failed = ?, not_applicable = ?,
             status = CASE WHEN ? = 0 AND status = 'planned' THEN 'done' ELSE status END,
             inspected_on = CASE WHEN ? = 0 AND inspected_on IS NULL THEN ? ELSE inspected_on END,
             inspector = COALESCE(inspector, ?), updated_at = ? WHERE id = ?",
        )
        .bind(passed)
        .bind(failed)
        .bind(na)
        .bind(pending)
        .bind(pending)
        .bind(today)
        .bind(&ctx.actor)
        .bind(&at)
        .bind(target_id)
        .execute(&mut *tx)
        .await?;
        let e = entry(
            ctx,
            "plan.target_items",
            format!("target:{target_id}"),
            json!({"answers": answers.len(), "passed": passed, "failed": failed,
                   "not_applicable": na, "pending": pending}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        self.target_by_id(target_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("inspection target {target_id}")))
    }
}
