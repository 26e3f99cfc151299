//! Uploaded endpoint assessments and the compliance figures drawn from them.

use lachan_core::auth::Scope;
use serde_json::json;
use sqlx::{QueryBuilder, Row, Sqlite};

use lachan_core::ops::FindingStatus;
use sqlx::SqliteConnection;

use super::findings::finding_in_tx;
use super::history::{self, History};
use super::incidents::push_scope;
use super::{SqliteStore, append_audit, entry, now};
use crate::{AuditCtx, ComplianceFigure, NewScan, ScanRecord, StoreError, StoreResult};

const SELECT: &str = "SELECT sc.id, sc.agency_id, ag.code AS agency_code, sc.host, sc.target_id,
    sy.code AS system_code, sc.started_at, sc.finished_at, sc.score, sc.passed, sc.failed,
    sc.not_applicable, sc.findings, sc.uploaded_by, sc.uploaded_at
    FROM scans sc JOIN agencies ag ON ag.id = sc.agency_id
    LEFT JOIN systems sy ON sy.id = sc.system_id";

fn row_to_scan(r: &sqlx::sqlite::SqliteRow) -> StoreResult<ScanRecord> {
    Ok(ScanRecord {
        id: r.try_get("id")?,
        agency_id: r.try_get("agency_id")?,
        agency_code: r.try_get("agency_code")?,
        host: r.try_get("host")?,
        target_id: r.try_get("target_id")?,
        system_code: r.try_get("system_code")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        score: r.try_get("score")?,
        passed: r.try_get("passed")?,
        failed: r.try_get("failed")?,
        not_applicable: r.try_get("not_applicable")?,
        findings: r.try_get("findings")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

impl SqliteStore {
    pub(crate) async fn insert_scan(
        &self,
        ctx: &AuditCtx,
        s: &NewScan,
    ) -> StoreResult<(ScanRecord, i64)> {
        let mut tx = self.writer.begin().await?;
        if let Some(t) = s.target_id {
            let owner: Option<(i64,)> =
                sqlx::query_as("SELECT agency_id FROM plan_targets WHERE id = ?")
                    .bind(t)
                    .fetch_optional(&mut *tx)
                    .await?;
            if owner.map(|(a,)| a) != Some(s.agency_id) {
                return Err(StoreError::Invalid(lachan_core::FieldError::new(
                    "target_id",
                    format!("inspection target {t} is not a target of this agency"),
                )));
            }
        }
        if let Some(sys) = s.system_id {
            let owner: Option<(i64,)> =
                sqlx::query_as("SELECT agency_id FROM systems WHERE id = ?")
                    .bind(sys)
                    .fetch_optional(&mut *tx)
                    .await?;
            if owner.map(|(a,)| a) != Some(s.agency_id) {
                return Err(StoreError::Invalid(lachan_core::FieldError::new(
                    "system_code",
                    format!("information system {sys} is not a system of this agency"),
                )));
            }
        }
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO scans (agency_id, host, target_id, system_id, started_at, finished_at,
             score, passed, failed, not_applicable, findings, report, uploaded_by, uploaded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(s.agency_id)
        .bind(&s.host)
        .bind(s.target_id)
        .bind(s.system_id)
        .bind(&s.started_at)
        .bind(&s.finished_at)
        .bind(s.score)
        .bind(s.passed)
        .bind(s.failed)
        .bind(s.not_applicable)
        .bind(s.findings.len() as i64)
        .bind(&s.report)
        .bind(&ctx.actor)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        for c in &s.failed_checks {
            sqlx::query(
                "INSERT OR IGNORE INTO scan_failures (scan_id, policy_id, check_id, title, severity)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(&c.policy_id)
            .bind(&c.check_id)
            .bind(&c.title)
            .bind(&c.severity)
            .execute(&mut *tx)
            .await?;
        }
        let mut created = 0;
        let mut reopened = 0;
        for f in &s.findings {
            let mut f = f.clone();
            f.input.target_id = s.target_id;
            let (fid, new) = finding_in_tx(&mut tx, ctx, &f).await?;
            created += new as i64;
            if !new {
                let reason = format!("Lần quét #{id} ({}): vẫn còn tồn tại", s.host);
                reopened += move_if(&mut tx, ctx, fid, &["fixed"], FindingStatus::Open, &reason)
                    .await? as i64;
            }
        }
        let mut verified = 0;
        // Accepted risks stay as they are; anything else still live is verified.
        let verifiable = ["open", "acknowledged", "fixed"];
        for fp in &s.passing {
            let live: Option<(i64,)> = sqlx::query_as(
                "SELECT id FROM findings WHERE fingerprint = ? AND status <> 'verified'",
            )
            .bind(fp)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((fid,)) = live {
                let reason = format!("Lần quét #{id} ({}): kiểm tra đã đạt", s.host);
                let to = FindingStatus::Verified;
                verified += move_if(&mut tx, ctx, fid, &verifiable, to, &reason).await? as i64;
            }
        }
        if let Some(t) = s.target_id {
            let day = s.finished_at.get(..10).unwrap_or(&at[..10]).to_string();
            sqlx::query(
                "UPDATE plan_targets SET status = 'done', inspected_on = ?, passed = ?,
                 failed = ?, not_applicable = ?, summary = ?, inspector = ?, updated_at = ?
                 WHERE id = ?",
            )
            .bind(&day)
            .bind(s.passed)
            .bind(s.failed)
            .bind(s.not_applicable)
            .bind(format!("lachan scan #{id} ({})", s.host))
            .bind(&ctx.actor)
            .bind(&at)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        }
        let e = entry(
            ctx,
            "scan.upload",
            format!("scan:{id}"),
            json!({"host": s.host, "agency_id": s.agency_id, "target_id": s.target_id,
                   "score": s.score, "failed": s.failed, "findings": s.findings.len(),
                   "findings_new": created, "findings_reopened": reopened,
                   "findings_verified": verified, "system_id": s.system_id,
                   "bytes": s.report.len()}),
        );
        append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        let rec = self
            .scan_by_id(id)
            .await?
            .map(|(r, _)| r)
            .ok_or_else(|| StoreError::NotFound(format!("scan {id}")))?;
        Ok((rec, created))
    }

    pub(crate) async fn scan_by_id(&self, id: i64) -> StoreResult<Option<(ScanRecord, String)>> {
        let r = sqlx::query(sql!("{SELECT} WHERE sc.id = ?"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        let Some(r) = r else { return Ok(None) };
        let (report,): (String,) = sqlx::query_as("SELECT report FROM scans WHERE id = ?")
            .bind(id)
            .fetch_one(&self.reader)
            .await?;
        Ok(Some((row_to_scan(&r)?, report)))
    }

    pub(crate) async fn scans(
        &self,
        scope: &Scope,
        host: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<ScanRecord>> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(SELECT);
        qb.push(" WHERE 1=1");
        push_scope(&mut qb, "sc.agency_id", &Some(scope.clone()));
        if let Some(h) = host {
            qb.push(" AND sc.host = ").push_bind(h.to_string());
        }
        qb.push(" ORDER BY sc.finished_at DESC, sc.id DESC LIMIT ")
            .push_bind(limit);
        let rows = qb.build().fetch_all(&self.reader).await?;
        rows.iter().map(row_to_scan).collect()
    }

    /// Latest scan per host (finished inside `between`, when given), averaged per agency.
    pub(crate) async fn compliance_figures(
        &self,
        scope: &Scope,
        between: Option<(&str, &str)>,
    ) -> StoreResult<Vec<ComplianceFigure>> {
        let (from, to) = between.unwrap_or(("", "9999"));
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT ag.code, ag.name, COUNT(*) AS hosts, AVG(sc.score) AS mean,
             SUM(sc.failed) AS failed FROM scans sc JOIN agencies ag ON ag.id = sc.agency_id
             WHERE sc.id = (SELECT s2.id FROM scans s2 WHERE s2.agency_id = sc.agency_id
                 AND s2.host = sc.host AND s2.finished_at >= ",
        );
        qb.push_bind(from.to_string())
            .push(" AND s2.finished_at < ")
            .push_bind(to.to_string())
            .push(" ORDER BY s2.finished_at DESC, s2.id DESC LIMIT 1)");
        push_scope(&mut qb, "sc.agency_id", &Some(scope.clone()));
        qb.push(" GROUP BY ag.id ORDER BY ag.code");
        let rows = qb.build().fetch_all(&self.reader).await?;
        rows.iter()
            .map(|r| {
                Ok(ComplianceFigure {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    hosts: r.try_get(2)?,
                    mean_score: r
                        .try_get::<Option<f64>, _>(3)?
                        .map(|m| (m * 10.0).round() / 10.0),
                    failed_checks: r.try_get(4)?,
                })
            })
            .collect()
    }
}

/// Move finding `id` to `to` when its status is one of `from` (a rescan's verdict), with
/// the history row and audit entry a manual move gets. Returns whether it moved.
async fn move_if(
    tx: &mut SqliteConnection,
    ctx: &AuditCtx,
    id: i64,
    from: &[&str],
    to: FindingStatus,
    reason: &str,
) -> StoreResult<bool> {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM findings WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if !from.contains(&status.as_str()) {
        return Ok(false);
    }
    sqlx::query("UPDATE findings SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?")
        .bind(to.code())
        .bind(reason)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let moved = json!({"from": status, "to": to});
    history::write(
        tx,
        History::Finding,
        id,
        &ctx.actor,
        "status",
        reason,
        moved.clone(),
    )
    .await?;
    let mut changed = serde_json::Map::new();
    changed.insert("status".into(), moved);
    history::changed(
        tx,
        History::Finding,
        ctx,
        id,
        &changed,
        &Some(reason.to_string()),
    )
    .await?;
    Ok(true)
}
