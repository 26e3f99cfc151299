//! The report of a six-month period over the demo operations year: every figure the
//! server computes is recomputed here from the demo data itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::{ADMIN_PW, TestServer};
use lachan_core::demo::demo_registry;
use lachan_core::demo_ops::demo_ops;
use lachan_core::ops::{FindingStatus, IncidentStatus, TargetStatus};
use serde_json::{Value, json};

/// `RFC 3339` → Vietnam calendar day.
fn vn_day(t: &str) -> String {
    let ts: jiff::Timestamp = t.parse().unwrap();
    ts.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date()
        .to_string()
}

#[tokio::test]
async fn half_year_report_matches_the_demo_data() {
    let s = TestServer::new().await;
    lachan_server::seed::seed_demo(s.store.as_ref(), "test")
        .await
        .unwrap()
        .unwrap();
    let admin = s.login("admin", ADMIN_PW).await;
    let (from, to) = ("2026-01-01", "2026-06-30");
    let (st, v) = s
        .call(
            "GET",
            &format!("/api/v1/reports/summary?from={from}&to={to}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");

    let reg = demo_registry();
    let ops = demo_ops();
    let inside = |d: &str| d >= from && d <= to;

    let mut by_level: BTreeMap<String, i64> = (1..=5).map(|l| (l.to_string(), 0)).collect();
    for sys in &reg.systems {
        *by_level
            .get_mut(&sys.system.security_level.to_string())
            .unwrap() += 1;
    }
    assert_eq!(v["systems_by_level"], json!(by_level));
    let approved = reg
        .systems
        .iter()
        .filter(|x| x.system.dossier_status.map(|d| d.code()) == Some("approved"))
        .count();
    assert_eq!(v["systems_approved"], approved);

    let mut by_cat: BTreeMap<String, i64> = BTreeMap::new();
    let mut open = 0;
    for i in &ops.incidents {
        if !inside(&vn_day(i.incident.detected_at.as_deref().unwrap())) {
            continue;
        }
        *by_cat
            .entry(i.incident.category.code().to_string())
            .or_default() += 1;
        let last = i.moves.last().map(|m| m.0).unwrap_or(IncidentStatus::New);
        open += (last != IncidentStatus::Closed) as i64;
    }
    for (k, n) in v["incidents_by_category"].as_object().unwrap() {
        assert_eq!(
            n.as_i64().unwrap(),
            by_cat.get(k).copied().unwrap_or(0),
            "category {k}"
        );
    }
    assert_eq!(v["incidents_open"], open);

    let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
    for f in &ops.findings {
        if !inside(&vn_day(f.finding.observed_at.as_deref().unwrap())) {
            continue;
        }
        let last = f.moves.last().map(|m| m.0).unwrap_or(FindingStatus::Open);
        *by_status.entry(last.code().to_string()).or_default() += 1;
    }
    for (k, n) in v["findings_by_status"].as_object().unwrap() {
        assert_eq!(
            n.as_i64().unwrap(),
            by_status.get(k).copied().unwrap_or(0),
            "status {k}"
        );
    }
    let letters = ops
        .letters
        .iter()
        .filter(|l| inside(&l.letter.date))
        .count();
    assert_eq!(v["letters_issued"], letters);

    let (mut planned, mut done) = (0, 0);
    for (pi, p) in ops.plans.iter().enumerate() {
        for (ti, t) in p.targets.iter().enumerate() {
            let d = t.scheduled_date.clone().unwrap_or(p.start_date.clone());
            if !inside(&d) {
                continue;
            }
            planned += 1;
            done += ops
                .results
                .iter()
                .any(|r| r.plan == pi && r.target == ti && r.status == TargetStatus::Done)
                as i64;
        }
    }
    assert_eq!(v["inspections"]["planned"], planned);
    assert_eq!(v["inspections"]["done"], done);
    assert!(
        planned > 0 && letters > 0 && open == 0,
        "a meaningful period"
    );
    let _: &Value = &v["method"]["findings"];
}

/// The demo's scan history: hosts linked to their systems, a trend that improves, findings
/// of fixed checks verified by the later scans.
#[tokio::test]
async fn demo_compliance_history_is_real() {
    let s = TestServer::new().await;
    let seed = lachan_server::seed::seed_demo(s.store.as_ref(), "test")
        .await
        .unwrap()
        .unwrap();
    assert!(seed.ops.scans >= 60, "{}", seed.ops.scans);
    let admin = s.login("admin", ADMIN_PW).await;
    let (st, v) = s
        .call("GET", "/api/v1/compliance?by=level", Some(&admin), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let hosts = v["overall"]["hosts"].as_i64().unwrap();
    assert_eq!(hosts as usize * 6, seed.ops.scans, "six scans per host");
    assert!(
        v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| !g["key"].as_str().unwrap().is_empty()),
        "every demo host is found among its system's assets: {v}"
    );
    let rates: Vec<f64> = v["overall"]["trend"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["pass_rate"].as_f64())
        .collect();
    assert!(rates.first() < rates.last(), "{rates:?}");
    let (_, f) = s
        .call(
            "GET",
            "/api/v1/findings?source=scan&status=verified&limit=1",
            Some(&admin),
            None,
        )
        .await;
    assert!(f["total"].as_i64().unwrap() > 0, "{f}");
}
