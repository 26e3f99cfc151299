//! Compliance per agency, information system and security level: the raw points for
//! [`crate::compliance::aggregate`], the most failed checks, and which system a scanned
//! host belongs to.

use lachan_core::auth::Scope;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::SqliteStore;
use super::incidents::push_scope;
use crate::StoreResult;
use crate::compliance::{ComplianceQuery, ComplianceView, FailedCheckFigure, ScanPoint, aggregate};

/// The last scan of each host (per day when `daily`): SQLite returns the other columns
/// of the row holding `max(finished_at)` in each group.
const POINTS: &str = "SELECT sc.id, sc.agency_id, ag.code, ag.name, sc.host, sc.system_id,
    sy.code, sy.name, sy.security_level, sc.score, sc.passed, sc.failed,
    max(sc.finished_at) AS at, date(sc.finished_at, '+7 hours') AS day
    FROM scans sc JOIN agencies ag ON ag.id = sc.agency_id
    LEFT JOIN systems sy ON sy.id = sc.system_id WHERE 1=1";

/// Most checks listed as "most failed".
const TOP_FAILED: i64 = 20;

fn row_to_point(r: &sqlx::sqlite::SqliteRow) -> StoreResult<ScanPoint> {
    Ok(ScanPoint {
        scan_id: r.try_get(0)?,
        agency_id: r.try_get(1)?,
        agency_code: r.try_get(2)?,
        agency_name: r.try_get(3)?,
        host: r.try_get(4)?,
        system_id: r.try_get(5)?,
        system_code: r.try_get(6)?,
        system_name: r.try_get(7)?,
        security_level: r.try_get(8)?,
        score: r.try_get(9)?,
        passed: r.try_get(10)?,
        failed: r.try_get(11)?,
        finished_at: r.try_get(12)?,
        day: r.try_get(13)?,
    })
}

impl SqliteStore {
    async fn scan_points(
        &self,
        scope: &Scope,
        from_utc: &str,
        daily: bool,
    ) -> StoreResult<Vec<ScanPoint>> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(POINTS);
        qb.push(if daily {
            " AND sc.finished_at >= "
        } else {
            " AND sc.finished_at < "
        })
        .push_bind(from_utc.to_string());
        push_scope(&mut qb, "sc.agency_id", &Some(scope.clone()));
        qb.push(" GROUP BY sc.agency_id, sc.host");
        if daily {
            qb.push(", day");
        }
        let rows = qb.build().fetch_all(&self.reader).await?;
        rows.iter().map(row_to_point).collect()
    }

    pub(crate) async fn compliance_of(
        &self,
        scope: &Scope,
        q: &ComplianceQuery,
    ) -> StoreResult<ComplianceView> {
        let before = self.scan_points(scope, &q.from_utc, false).await?;
        let daily = self.scan_points(scope, &q.from_utc, true).await?;
        let (mut view, ids) = aggregate(q, before, daily);
        let ids = serde_json::Value::from(ids).to_string();
        let rows = sqlx::query(
            "SELECT policy_id, check_id, max(title), max(severity), COUNT(*) AS hosts
             FROM scan_failures WHERE scan_id IN (SELECT value FROM json_each(?))
             GROUP BY policy_id, check_id
             ORDER BY hosts DESC, CASE max(severity) WHEN 'critical' THEN 0 WHEN 'high' THEN 1
                 WHEN 'medium' THEN 2 ELSE 3 END, policy_id, check_id
             LIMIT ?",
        )
        .bind(ids)
        .bind(TOP_FAILED)
        .fetch_all(&self.reader)
        .await?;
        view.top_failed = rows
            .iter()
            .map(|r| {
                Ok(FailedCheckFigure {
                    policy_id: r.try_get(0)?,
                    check_id: r.try_get(1)?,
                    title: r.try_get(2)?,
                    severity: r.try_get(3)?,
                    hosts: r.try_get(4)?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(view)
    }

    pub(crate) async fn host_system(
        &self,
        agency_id: i64,
        host: &str,
        addresses: &[String],
    ) -> StoreResult<Option<(i64, String)>> {
        let host = host.trim().to_lowercase();
        let short = host.split('.').next().unwrap_or(&host).to_string();
        let addrs: Vec<String> = addresses.iter().map(|a| a.trim().to_lowercase()).collect();
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT DISTINCT s.id, s.code FROM assets a JOIN systems s ON s.id = a.system_id
             WHERE s.agency_id = ? AND (lower(trim(a.name)) IN (?, ?)
                 OR lower(trim(a.address)) IN (?, ?)
                 OR lower(trim(a.address)) IN (SELECT value FROM json_each(?)))
             ORDER BY s.id LIMIT 2",
        )
        .bind(agency_id)
        .bind(&host)
        .bind(&short)
        .bind(&host)
        .bind(&short)
        .bind(serde_json::Value::from(addrs).to_string())
        .fetch_all(&self.reader)
        .await?;
        // Two systems claiming the host: leave it unassigned rather than guess.
        Ok(match rows.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        })
    }
}
