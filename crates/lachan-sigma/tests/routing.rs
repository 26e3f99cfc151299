//! Log-source routing: one rule reaches every input that carries its log source, with
//! that input's field names, and routes with the same rules share one compiled engine.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use lachan_sigma::{Detector, LogEvent, Mapping, RuleSet};
use serde_json::json;

const RULES: &str = "\
title: Whoami run
id: 00000000-0000-0000-0000-0000000000a1
logsource: {product: windows, category: process_creation}
level: medium
detection:
  sel:
    Image|endswith: '\\whoami.exe'
  condition: sel
---
title: Certutil run
id: 00000000-0000-0000-0000-0000000000a2
logsource: {product: windows, category: process_creation}
level: high
detection:
  sel:
    Image|endswith: '\\certutil.exe'
  condition: sel
---
title: Service installed
id: 00000000-0000-0000-0000-0000000000a3
logsource: {product: windows, service: system}
level: low
detection:
  sel:
    EventID: 7045
  condition: sel
";

fn detector() -> Detector {
    let set = RuleSet::from_yaml(RULES, Path::new("routing.yml"));
    assert_eq!(set.rules.len(), 3, "{:?}", set.reports);
    Detector::new(&set, &Mapping::builtin().unwrap())
}

fn titles(d: &Detector, ev: serde_json::Value) -> Vec<String> {
    let mut t: Vec<String> = d
        .detect(&LogEvent::from_json(ev))
        .into_iter()
        .map(|x| d.rules()[x.rule].title.clone())
        .collect();
    t.sort();
    t
}

#[test]
fn process_creation_reaches_sysmon_and_security_with_their_field_names() {
    let d = detector();
    let sysmon = json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1,
        "Image": "C:\\Windows\\System32\\whoami.exe"});
    assert_eq!(titles(&d, sysmon), ["Whoami run"]);
    let security = json!({"Channel": "Security", "EventID": 4688,
        "NewProcessName": "C:\\Windows\\System32\\certutil.exe"});
    assert_eq!(titles(&d, security), ["Certutil run"]);
    // Other event ids of the same channels are not process creations.
    let other = json!({"Channel": "Security", "EventID": 4624,
        "NewProcessName": "C:\\Windows\\System32\\certutil.exe"});
    assert!(titles(&d, other).is_empty());
    let system = json!({"Channel": "System", "EventID": 7045, "ServiceName": "x"});
    assert_eq!(titles(&d, system), ["Service installed"]);
}

#[test]
fn routes_with_identical_rules_share_one_engine() {
    let d = detector();
    // Sysmon 1 and Security 4688 carry the same two rules: one engine for both.
    assert!(
        d.engine_count() < d.group_count(),
        "engines {} groups {}",
        d.engine_count(),
        d.group_count()
    );
    d.warm_up();
    let security = json!({"Channel": "Security", "EventID": 4688,
        "NewProcessName": "C:\\Windows\\System32\\whoami.exe"});
    assert_eq!(titles(&d, security), ["Whoami run"]);
}
