//! Compliance figures drawn from scans: the state of each host as of its latest scan,
//! grouped by agency, information system or security level, and the trend of those
//! figures day by day (a host keeps its last measured score until it is scanned again).
//!
//! The store supplies raw points (the last scan of each host per day, and the last scan
//! of each host before the window); [`aggregate`] turns them into figures. Keeping the
//! arithmetic here, apart from SQL, keeps it the same for every backend and testable.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

/// What the figures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceBy {
    #[default]
    Agency,
    System,
    Level,
}

impl ComplianceBy {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "agency" => Some(Self::Agency),
            "system" => Some(Self::System),
            "level" => Some(Self::Level),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Agency => "agency",
            Self::System => "system",
            Self::Level => "level",
        }
    }
}

/// Which hosts count, how they are grouped and over which days.
#[derive(Debug, Clone, Default)]
pub struct ComplianceQuery {
    pub by: ComplianceBy,
    pub agency_id: Option<i64>,
    pub system_id: Option<i64>,
    pub level: Option<i64>,
    /// Vietnam calendar days of the trend, oldest first (`yyyy-mm-dd`).
    pub days: Vec<String>,
    /// The first day's start in UTC (RFC 3339): scans before it only seed the trend.
    pub from_utc: String,
}

/// A host's scan as the store reads it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScanPoint {
    pub scan_id: i64,
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub host: String,
    pub system_id: Option<i64>,
    pub system_code: Option<String>,
    pub system_name: Option<String>,
    pub security_level: Option<i64>,
    pub score: Option<f64>,
    pub passed: i64,
    pub failed: i64,
    pub finished_at: String,
    /// The Vietnam calendar day of `finished_at`.
    pub day: String,
}

impl ScanPoint {
    fn matches(&self, q: &ComplianceQuery) -> bool {
        q.agency_id.is_none_or(|a| a == self.agency_id)
            && q.system_id.is_none_or(|s| Some(s) == self.system_id)
            && q.level.is_none_or(|l| Some(l) == self.security_level)
    }

    /// Group key and name; hosts of no known system have the key `""`.
    fn group(&self, by: ComplianceBy) -> (String, String, Option<i64>) {
        match by {
            ComplianceBy::Agency => (self.agency_code.clone(), self.agency_name.clone(), None),
            ComplianceBy::System => (
                self.system_code.clone().unwrap_or_default(),
                self.system_name.clone().unwrap_or_default(),
                self.security_level,
            ),
            ComplianceBy::Level => (
                self.security_level
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
                String::new(),
                self.security_level,
            ),
        }
    }
}

/// One day of a trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    pub day: String,
    /// Hosts with a scan by the end of that day.
    pub hosts: i64,
    /// Mean score (%) of those hosts' latest scans.
    pub pass_rate: Option<f64>,
    pub failed_checks: i64,
}

/// Figures of one agency, system or security level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplianceGroup {
    /// Agency code, system code or security level; `""` for hosts of no known system.
    pub key: String,
    pub name: String,
    pub security_level: Option<i64>,
    pub hosts: i64,
    pub pass_rate: Option<f64>,
    pub failed_checks: i64,
    pub trend: Vec<TrendPoint>,
}

/// The latest scan of one host.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostCompliance {
    pub scan_id: i64,
    pub agency_code: String,
    pub host: String,
    pub system_code: Option<String>,
    pub security_level: Option<i64>,
    pub score: Option<f64>,
    pub passed: i64,
    pub failed: i64,
    pub finished_at: String,
}

/// A check failing on hosts in scope (their latest scans).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedCheckFigure {
    pub policy_id: String,
    pub check_id: String,
    pub title: String,
    pub severity: String,
    pub hosts: i64,
}

/// Everything the compliance page and API show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplianceView {
    pub by: ComplianceBy,
    /// Over all hosts in scope and filter.
    pub overall: ComplianceGroup,
    pub groups: Vec<ComplianceGroup>,
    pub top_failed: Vec<FailedCheckFigure>,
    pub hosts: Vec<HostCompliance>,
}

/// Most hosts listed in a view (the figures count them all).
pub const MAX_HOSTS_LISTED: usize = 500;

/// Sums in tenths of a percent, so that a mean does not depend on the order of hosts.
#[derive(Default)]
struct Acc {
    hosts: i64,
    scored: i64,
    tenths: i64,
    failed: i64,
}

impl Acc {
    fn add(&mut self, p: &ScanPoint) {
        self.hosts += 1;
        self.failed += p.failed;
        if let Some(s) = p.score {
            self.scored += 1;
            self.tenths += (s * 10.0).round() as i64;
        }
    }

    fn rate(&self) -> Option<f64> {
        (self.scored > 0).then(|| (self.tenths as f64 / self.scored as f64).round() / 10.0)
    }
}

/// Figures from the last scan of each host before the window (`before`) and the last
/// scan of each host on each day of it (`daily`, any order). Returns the view without
/// `top_failed` and the scan ids of the hosts' latest scans (for the store to count
/// failed checks over).
pub fn aggregate(
    q: &ComplianceQuery,
    before: Vec<ScanPoint>,
    mut daily: Vec<ScanPoint>,
) -> (ComplianceView, Vec<i64>) {
    daily.sort_by(|a, b| a.finished_at.cmp(&b.finished_at));
    let key = |p: &ScanPoint| (p.agency_id, p.host.clone());
    let mut state: HashMap<(i64, String), ScanPoint> =
        before.into_iter().map(|p| (key(&p), p)).collect();
    let mut daily = daily.into_iter().peekable();
    let mut overall_trend = Vec::with_capacity(q.days.len());
    let mut group_trends: BTreeMap<String, Vec<TrendPoint>> = BTreeMap::new();
    for (i, day) in q.days.iter().enumerate() {
        while let Some(p) = daily.next_if(|p| p.day <= *day) {
            state.insert(key(&p), p);
        }
        let mut all = Acc::default();
        let mut by_group: BTreeMap<String, Acc> = BTreeMap::new();
        for p in state.values().filter(|p| p.matches(q)) {
            all.add(p);
            by_group.entry(p.group(q.by).0).or_default().add(p);
        }
        overall_trend.push(point(day, &all));
        for (g, acc) in &by_group {
            let t = group_trends.entry(g.clone()).or_insert_with(|| {
                q.days[..i]
                    .iter()
                    .map(|d| point(d, &Acc::default()))
                    .collect()
            });
            t.push(point(day, acc));
        }
        for (g, t) in group_trends.iter_mut() {
            if !by_group.contains_key(g) {
                t.push(point(day, &Acc::default()));
            }
        }
    }
    // Scans after the last day (clock skew) still count for the current state.
    for p in daily {
        state.insert(key(&p), p);
    }

    let mut current: Vec<&ScanPoint> = state.values().filter(|p| p.matches(q)).collect();
    current.sort_by(|a, b| (&a.agency_code, &a.host).cmp(&(&b.agency_code, &b.host)));
    let mut all = Acc::default();
    let mut groups: BTreeMap<String, (String, Option<i64>, Acc)> = BTreeMap::new();
    for p in &current {
        all.add(p);
        let (k, name, level) = p.group(q.by);
        groups
            .entry(k)
            .or_insert_with(|| (name, level, Acc::default()))
            .2
            .add(p);
    }
    let mut groups: Vec<ComplianceGroup> = groups
        .into_iter()
        .map(|(key, (name, security_level, acc))| ComplianceGroup {
            trend: group_trends.remove(&key).unwrap_or_default(),
            key,
            name,
            security_level,
            hosts: acc.hosts,
            pass_rate: acc.rate(),
            failed_checks: acc.failed,
        })
        .collect();
    // Known groups first (higher security levels first when grouping by level), then
    // the hosts of no known system.
    groups.sort_by(|a, b| {
        (
            a.key.is_empty(),
            std::cmp::Reverse(a.security_level),
            &a.key,
        )
            .cmp(&(
                b.key.is_empty(),
                std::cmp::Reverse(b.security_level),
                &b.key,
            ))
    });
    let ids = current.iter().map(|p| p.scan_id).collect();
    let hosts = current
        .iter()
        .take(MAX_HOSTS_LISTED)
        .map(|p| HostCompliance {
            scan_id: p.scan_id,
            agency_code: p.agency_code.clone(),
            host: p.host.clone(),
            system_code: p.system_code.clone(),
            security_level: p.security_level,
            score: p.score,
            passed: p.passed,
            failed: p.failed,
            finished_at: p.finished_at.clone(),
        })
        .collect();
    let view = ComplianceView {
        by: q.by,
        overall: ComplianceGroup {
            key: String::new(),
            name: String::new(),
            security_level: q.level,
            hosts: all.hosts,
            pass_rate: all.rate(),
            failed_checks: all.failed,
            trend: overall_trend,
        },
        groups,
        top_failed: Vec::new(),
        hosts,
    };
    (view, ids)
}

fn point(day: &str, a: &Acc) -> TrendPoint {
    TrendPoint {
        day: day.to_string(),
        hosts: a.hosts,
        pass_rate: a.rate(),
        failed_checks: a.failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(
        id: i64,
        agency: i64,
        host: &str,
        system: Option<(i64, i64)>,
        score: f64,
        day: &str,
    ) -> ScanPoint {
        ScanPoint {
            scan_id: id,
            agency_id: agency,
            agency_code: format!("A{agency}"),
            agency_name: format!("Agency {agency}"),
            host: host.into(),
            system_id: system.map(|s| s.0),
            system_code: system.map(|s| format!("S{}", s.0)),
            system_name: system.map(|s| format!("System {}", s.0)),
            security_level: system.map(|s| s.1),
            score: Some(score),
            passed: score as i64,
            failed: 100 - score as i64,
            finished_at: format!("{day}T03:00:00Z"),
            day: day.into(),
        }
    }

    fn query(by: ComplianceBy) -> ComplianceQuery {
        ComplianceQuery {
            by,
            days: vec![
                "2026-11-01".into(),
                "2026-11-02".into(),
                "2026-11-03".into(),
            ],
            from_utc: "2026-10-31T17:00:00Z".into(),
            ..Default::default()
        }
    }

    #[test]
    fn hosts_carry_their_last_score_forward() {
        let before = vec![p(1, 1, "pc1", None, 50.0, "2026-10-20")];
        let daily = vec![
            p(2, 1, "pc2", None, 70.0, "2026-11-02"),
            p(3, 1, "pc1", None, 90.0, "2026-11-03"),
        ];
        let (v, ids) = aggregate(&query(ComplianceBy::Agency), before, daily);
        let t: Vec<_> = v
            .overall
            .trend
            .iter()
            .map(|t| (t.hosts, t.pass_rate))
            .collect();
        assert_eq!(t, vec![(1, Some(50.0)), (2, Some(60.0)), (2, Some(80.0))]);
        assert_eq!(v.overall.pass_rate, Some(80.0));
        assert_eq!(v.groups.len(), 1);
        assert_eq!(v.groups[0].trend.len(), 3);
        let mut ids = ids;
        ids.sort();
        assert_eq!(ids, vec![2, 3]);
    }

    #[test]
    fn groups_by_level_and_system_with_unassigned_last() {
        let daily = vec![
            p(1, 1, "srv1", Some((7, 3)), 80.0, "2026-11-01"),
            p(2, 1, "srv2", Some((8, 2)), 60.0, "2026-11-01"),
            p(3, 2, "pc9", None, 40.0, "2026-11-02"),
            p(4, 2, "srv3", Some((9, 3)), 100.0, "2026-11-02"),
        ];
        let (v, _) = aggregate(&query(ComplianceBy::Level), vec![], daily.clone());
        let g: Vec<_> = v
            .groups
            .iter()
            .map(|g| (g.key.as_str(), g.hosts, g.pass_rate))
            .collect();
        assert_eq!(
            g,
            vec![
                ("3", 2, Some(90.0)),
                ("2", 1, Some(60.0)),
                ("", 1, Some(40.0))
            ]
        );
        // A group first seen on day 2 has an empty first day.
        let l3 = &v.groups[0].trend;
        assert_eq!((l3[0].hosts, l3[1].hosts), (1, 2));
        let (v, _) = aggregate(&query(ComplianceBy::System), vec![], daily.clone());
        let keys: Vec<_> = v.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, vec!["S7", "S9", "S8", ""]);

        let mut q = query(ComplianceBy::System);
        q.level = Some(3);
        let (v, _) = aggregate(&q, vec![], daily.clone());
        assert_eq!(v.overall.hosts, 2);
        q.level = None;
        q.agency_id = Some(2);
        let (v, _) = aggregate(&q, vec![], daily);
        assert_eq!(v.overall.hosts, 2);
        assert_eq!(v.overall.trend[0].hosts, 0);
        assert_eq!(v.overall.trend[0].pass_rate, None);
    }

    #[test]
    fn a_host_moved_to_another_system_counts_once_where_it_is_now() {
        let before = vec![p(1, 1, "srv1", Some((7, 3)), 50.0, "2026-10-30")];
        let daily = vec![p(2, 1, "srv1", Some((8, 1)), 90.0, "2026-11-02")];
        let mut q = query(ComplianceBy::System);
        q.system_id = Some(7);
        let (v, _) = aggregate(&q, before, daily);
        let t: Vec<_> = v.overall.trend.iter().map(|t| t.hosts).collect();
        assert_eq!(t, vec![1, 0, 0]);
        assert_eq!(v.overall.hosts, 0);
    }
}
