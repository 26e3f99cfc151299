//! Correlation rules over a time-ordered stream, fed one event at a time.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use lachan_sigma::{Correlator, Detector, LogEvent, Mapping, RuleSet};
use serde_json::json;

const BASE: &str = "title: failed logon
id: 00000000-0000-0000-0000-0000000000f1
name: failed_logon
logsource: {product: test}
detection:
  sel:
    EventID: 4625
  condition: sel
level: low
---
title: success logon
id: 00000000-0000-0000-0000-0000000000f2
name: success_logon
logsource: {product: test}
detection:
  sel:
    EventID: 4624
  condition: sel
level: low
";

fn setup(correlation: &str) -> (Detector, Correlator) {
    let yaml = format!("{BASE}---\n{correlation}");
    let set = RuleSet::from_yaml(&yaml, Path::new("c.yml"));
    assert_eq!(set.correlations.len(), 1, "{:?}", set.reports);
    let det = Detector::new(&set, &Mapping::builtin().unwrap());
    let corr = Correlator::new(&set).unwrap();
    (det, corr)
}

/// Feed (seconds offset, event id, user, host) events; return the number of firings.
fn feed(det: &Detector, corr: &mut Correlator, events: &[(i64, u32, &str, &str)]) -> Vec<String> {
    let mut fired = Vec::new();
    for (secs, id, user, host) in events {
        let ts = jiff::Timestamp::from_second(1_700_000_000 + secs).unwrap();
        let ev = LogEvent::from_json(json!({
            "@timestamp": ts.to_string(), "EventID": id, "TargetUserName": user, "IpAddress": host
        }));
        let dets = det.detect(&ev);
        for h in corr.process(&ev, &dets) {
            fired.push(format!("{}@{secs}:{:?}", h.title, h.group));
        }
    }
    fired
}

#[test]
fn event_count_with_group_by_and_timespan() {
    let (det, mut corr) = setup(
        "title: brute force
id: 00000000-0000-0000-0000-0000000000c1
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 5m
  condition: {gte: 3}
level: high
",
    );
    // bob: 3 failures in 2 minutes -> fires; alice: 3 failures spread over 20 minutes -> no.
    let fired = feed(
        &det,
        &mut corr,
        &[
            (0, 4625, "bob", "h"),
            (0, 4625, "alice", "h"),
            (30, 4625, "bob", "h"),
            (600, 4625, "alice", "h"),
            (100, 4625, "bob", "h"),
            (1200, 4625, "alice", "h"),
        ],
    );
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert!(
        fired[0].starts_with("brute force@100") && fired[0].contains("bob"),
        "{fired:?}"
    );
}

#[test]
fn value_count_distinct_users_per_host() {
    let (det, mut corr) = setup(
        "title: spray
id: 00000000-0000-0000-0000-0000000000c2
correlation:
  type: value_count
  rules: [failed_logon]
  group-by: [IpAddress]
  timespan: 10m
  condition: {field: TargetUserName, gte: 3}
level: high
",
    );
    let fired = feed(
        &det,
        &mut corr,
        &[
            (0, 4625, "a", "10.0.0.1"),
            (1, 4625, "a", "10.0.0.1"),
            (2, 4625, "b", "10.0.0.1"),
            (3, 4625, "a", "10.0.0.2"),
            (4, 4625, "c", "10.0.0.1"),
        ],
    );
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert!(fired[0].contains("10.0.0.1"), "{fired:?}");
}

#[test]
fn temporal_needs_both_rules_in_window() {
    let (det, mut corr) = setup(
        "title: fail then success
id: 00000000-0000-0000-0000-0000000000c3
correlation:
  type: temporal
  rules: [failed_logon, success_logon]
  group-by: [TargetUserName]
  timespan: 1m
  condition: {gte: 2}
level: high
",
    );
    let fired = feed(
        &det,
        &mut corr,
        &[
            (0, 4624, "x", "h"),
            (120, 4625, "x", "h"),
            (150, 4624, "x", "h"),
        ],
    );
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert!(fired[0].contains("@150"), "{fired:?}");
}

#[test]
fn temporal_ordered_respects_order() {
    let (det, mut corr) = setup(
        "title: fail before success
id: 00000000-0000-0000-0000-0000000000c4
correlation:
  type: temporal_ordered
  rules: [failed_logon, success_logon]
  group-by: [TargetUserName]
  timespan: 1m
  condition: {gte: 2}
level: high
",
    );
    // Wrong order for u1 (success first), right order for u2.
    let wrong = feed(
        &det,
        &mut corr,
        &[(0, 4624, "u1", "h"), (10, 4625, "u1", "h")],
    );
    assert!(wrong.is_empty(), "{wrong:?}");
    let right = feed(
        &det,
        &mut corr,
        &[(20, 4625, "u2", "h"), (30, 4624, "u2", "h")],
    );
    assert_eq!(right.len(), 1, "{right:?}");
}

#[test]
fn unknown_reference_is_reported() {
    let yaml = format!(
        "{BASE}---\ntitle: bad\nid: c5\ncorrelation:\n  type: event_count\n  rules: [nope]\n  timespan: 1m\n  condition: {{gte: 1}}\n"
    );
    let dir = tempdir_with(&yaml);
    let set = RuleSet::load_dir(dir.path()).unwrap();
    assert!(set.correlations.is_empty());
    let r = set.reports.iter().find(|r| r.id == "c5").unwrap();
    assert!(r.reason.contains("nope"), "{r:?}");
}

fn tempdir_with(text: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("c.yml"), text).unwrap();
    d
}
