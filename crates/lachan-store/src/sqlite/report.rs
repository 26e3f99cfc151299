//! Figures of the periodic report, counted from the stored data for a period of
//! Vietnam calendar days and a scope. How each figure is counted is stated where it is
//! computed; the server repeats those rules in the report it renders.

use std::collections::{BTreeMap, HashMap};

use lachan_core::auth::Scope;
use lachan_core::ops::{FindingStatus, IncidentCategory, IncidentStatus, Severity};
use sqlx::{QueryBuilder, Sqlite};

use super::SqliteStore;
use super::incidents::push_scope;
use crate::{AgencyReport, InspectionFigures, ReportFigures, StoreResult};

/// `yyyy-mm-dd` (Vietnam day) → the UTC instant its midnight falls on.
fn vn_midnight_utc(date: &str) -> String {
    match lachan_core::datefmt::parse_date(date) {
        Some(d) => {
            let t = d.midnight().assume_offset(lachan_core::datefmt::VN_OFFSET);
            lachan_core::datefmt::to_rfc3339(t)
        }
        None => date.to_string(),
    }
}

fn next_day(date: &str) -> String {
    lachan_core::datefmt::parse_date(date)
        .and_then(|d| d.next_day())
        .map(lachan_core::datefmt::date_iso)
        .unwrap_or_else(|| date.to_string())
}

fn zeroed(keys: impl Iterator<Item = &'static str>) -> BTreeMap<String, i64> {
    keys.map(|k| (k.to_string(), 0)).collect()
}

fn bump(m: &mut BTreeMap<String, i64>, k: &str) {
    *m.entry(k.to_string()).or_insert(0) += 1;
}

impl SqliteStore {
    pub(crate) async fn figures(
        &self,
        scope: &Scope,
        from: &str,
        to: &str,
        today: &str,
    ) -> StoreResult<ReportFigures> {
        let scope_opt = Some(scope.clone());
        let from_utc = vn_midnight_utc(from);
        let to_utc = vn_midnight_utc(&next_day(to));
        let now = super::now();
        let mut f = ReportFigures {
            systems_by_level: (1..=5).map(|l| (l.to_string(), 0)).collect(),
            incidents_by_category: zeroed(IncidentCategory::ALL.iter().map(|c| c.code())),
            incidents_by_severity: zeroed(Severity::ALL.iter().map(|c| c.code())),
            incidents_by_status: zeroed(IncidentStatus::ALL.iter().map(|c| c.code())),
            findings_by_status: zeroed(FindingStatus::ALL.iter().map(|c| c.code())),
            findings_by_severity: zeroed(Severity::ALL.iter().map(|c| c.code())),
            alerts_by_level: zeroed(crate::LEVELS.iter().copied()),
            ..Default::default()
        };
        let mut per: HashMap<i64, AgencyReport> = HashMap::new();
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT id, code, name FROM agencies WHERE 1=1");
        push_scope(&mut qb, "id", &scope_opt);
        let agencies: Vec<(i64, String, String)> =
            qb.build_query_as().fetch_all(&self.reader).await?;
        for (id, code, name) in agencies {
            per.insert(
                id,
                AgencyReport {
                    code,
                    name,
                    ..Default::default()
                },
            );
        }

        // Systems: the registry as it stands when the report is made (it keeps no
        // history); approved = dossier approved, approved in period = approval date
        // inside the period.
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT agency_id, security_level, dossier_status, approval_date,
             connects_population_db FROM systems WHERE 1=1",
        );
        push_scope(&mut qb, "agency_id", &scope_opt);
        let systems: Vec<(i64, i64, String, Option<String>, bool)> =
            qb.build_query_as().fetch_all(&self.reader).await?;
        for (agency, level, status, approval_date, popdb) in &systems {
            f.systems_total += 1;
            bump(&mut f.systems_by_level, &level.to_string());
            if status == "approved" {
                f.systems_approved += 1;
                if let Some(d) = approval_date
                    && d.as_str() >= from
                    && d.as_str() <= to
                {
                    f.systems_approved_in_period += 1;
                }
            }
            if *popdb {
                f.systems_population_db += 1;
            }
            if let Some(a) = per.get_mut(agency) {
                a.systems += 1;
            }
        }

        // Incidents detected inside the period; open = not closed now; overdue = not
        // closed and past the severity's deadline now.
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT agency_id, category, severity, status, resolve_by FROM incidents
             WHERE detected_at >= ",
        );
        qb.push_bind(from_utc.clone())
            .push(" AND detected_at < ")
            .push_bind(to_utc.clone());
        push_scope(&mut qb, "agency_id", &scope_opt);
        let incidents: Vec<(i64, String, String, String, String)> =
            qb.build_query_as().fetch_all(&self.reader).await?;
        for (agency, category, severity, status, resolve_by) in &incidents {
            f.incidents_total += 1;
            bump(&mut f.incidents_by_category, category);
            bump(&mut f.incidents_by_severity, severity);
            bump(&mut f.incidents_by_status, status);
            let open = status != "closed";
            if open {
                f.incidents_open += 1;
                if resolve_by.as_str() < now.as_str() {
                    f.incidents_overdue += 1;
                }
            }
            if let Some(a) = per.get_mut(agency) {
                a.incidents += 1;
                a.incidents_open += open as i64;
            }
        }

        // Findings first recorded inside the period, by their status now; overdue =
        // open or acknowledged with a due date before today.
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT agency_id, status, severity, due_date FROM findings WHERE first_seen >= ",
        );
        qb.push_bind(from_utc.clone())
            .push(" AND first_seen < ")
            .push_bind(to_utc.clone());
        push_scope(&mut qb, "agency_id", &scope_opt);
        let findings: Vec<(i64, String, String, Option<String>)> =
            qb.build_query_as().fetch_all(&self.reader).await?;
        for (agency, status, severity, due) in &findings {
            f.findings_total += 1;
            bump(&mut f.findings_by_status, status);
            bump(&mut f.findings_by_severity, severity);
            let outstanding = status == "open" || status == "acknowledged";
            let overdue = outstanding && due.as_deref().is_some_and(|d| d < today);
            f.findings_overdue += overdue as i64;
            if let Some(a) = per.get_mut(agency) {
                a.findings += 1;
                a.findings_outstanding += outstanding as i64;
                a.findings_overdue += overdue as i64;
            }
        }

        // Letters dated inside the period.
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT COUNT(*) FROM letters WHERE date >= ");
        qb.push_bind(from.to_string())
            .push(" AND date <= ")
            .push_bind(to.to_string());
        push_scope(&mut qb, "agency_id", &scope_opt);
        let (letters,): (i64,) = qb.build_query_as().fetch_one(&self.reader).await?;
        f.letters_issued = letters;

        // Inspections: targets (not cancelled) whose scheduled date — or, without one,
        // their plan's start date — falls inside the period are planned; those of them
        // recorded as inspected are done.
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT t.agency_id, t.kind, t.status, t.reinspection FROM plan_targets t
             JOIN plans p ON p.id = t.plan_id WHERE t.status <> 'cancelled'
             AND COALESCE(t.scheduled_date, p.start_date) >= ",
        );
        qb.push_bind(from.to_string())
            .push(" AND COALESCE(t.scheduled_date, p.start_date) <= ")
            .push_bind(to.to_string());
        push_scope(&mut qb, "t.agency_id", &scope_opt);
        let targets: Vec<(i64, String, String, bool)> =
            qb.build_query_as().fetch_all(&self.reader).await?;
        let mut ins = InspectionFigures::default();
        for (agency, kind, status, re) in &targets {
            let done = status == "done";
            ins.planned += 1;
            ins.done += done as i64;
            if kind == "workstation" {
                ins.workstations_planned += 1;
                ins.workstations_done += done as i64;
            }
            ins.reinspections += *re as i64;
            if let Some(a) = per.get_mut(agency) {
                a.inspections_planned += 1;
                a.inspections_done += done as i64;
            }
        }
        f.inspections = ins;

        // Alerts first seen inside the period (alerts of no agency: unscoped only).
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT level, COUNT(*) FROM alerts WHERE first_seen >= ");
        qb.push_bind(from_utc.clone())
            .push(" AND first_seen < ")
            .push_bind(to_utc.clone());
        push_scope(&mut qb, "agency_id", &scope_opt);
        qb.push(" GROUP BY level");
        let alerts: Vec<(String, i64)> = qb.build_query_as().fetch_all(&self.reader).await?;
        for (level, n) in alerts {
            f.alerts_total += n;
            *f.alerts_by_level.entry(level).or_insert(0) += n;
        }

        f.compliance_by_agency = self
            .compliance_figures(scope, Some((from_utc.as_str(), to_utc.as_str())))
            .await?;

        // Monitors in scope now, and their checks inside the period.
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT COUNT(*), COALESCE(SUM(state = 'down'), 0) FROM monitors WHERE deleted = 0",
        );
        push_scope(&mut qb, "agency_id", &scope_opt);
        let (mt, md): (i64, i64) = qb.build_query_as().fetch_one(&self.reader).await?;
        f.monitors_total = mt;
        f.monitors_down = md;
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT COUNT(*), COALESCE(SUM(r.ok), 0) FROM monitor_results r
             JOIN monitors m ON m.id = r.monitor_id WHERE r.at >= ",
        );
        qb.push_bind(from_utc.clone())
            .push(" AND r.at < ")
            .push_bind(to_utc.clone());
        push_scope(&mut qb, "m.agency_id", &scope_opt);
        let (checks, ok): (i64, i64) = qb.build_query_as().fetch_one(&self.reader).await?;
        f.monitors_uptime_percent =
            (checks > 0).then(|| ((ok as f64) * 1000.0 / checks as f64).round() / 10.0);
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT COUNT(*) FROM findings WHERE source = 'webcheck' AND first_seen >= ",
        );
        qb.push_bind(from_utc.clone())
            .push(" AND first_seen < ")
            .push_bind(to_utc.clone());
        push_scope(&mut qb, "agency_id", &scope_opt);
        let (web,): (i64,) = qb.build_query_as().fetch_one(&self.reader).await?;
        f.web_compromises = web;

        // Agents enrolled and not revoked, now.
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT COUNT(*) FROM agents WHERE revoked = 0");
        push_scope(&mut qb, "agency_id", &scope_opt);
        let (agents,): (i64,) = qb.build_query_as().fetch_one(&self.reader).await?;
        f.agents_total = agents;

        let mut rows: Vec<AgencyReport> = per
            .into_values()
            .filter(|a| a.systems + a.incidents + a.findings + a.inspections_planned > 0)
            .collect();
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        f.per_agency = rows;
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_bounds_are_vietnam_days() {
        assert_eq!(vn_midnight_utc("2026-01-01"), "2025-12-31T17:00:00Z");
        assert_eq!(next_day("2026-06-30"), "2026-07-01");
    }
}
