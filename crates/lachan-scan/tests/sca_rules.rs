//! Every rule type and operator on fixture files, plus renderer snapshots.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use lachan_scan::report::{HostFacts, ScanReport, html};
use lachan_scan::sca::{
    CheckStatus, Platform, PolicyResult, ProcessNames, parse_policy, run_policy,
};

fn fixture_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sca"))
}

fn run_fixture() -> PolicyResult {
    let dir = fixture_dir();
    let text = std::fs::read_to_string(dir.join("policy.yml")).unwrap();
    let text = text.replace("$FIX", &dir.display().to_string());
    let policy = parse_policy(&text, "fixtures/sca/policy.yml").unwrap();
    assert_eq!(policy.warnings.len(), 1, "{:?}", policy.warnings);
    assert!(
        policy.warnings[0].contains("check 28"),
        "{:?}",
        policy.warnings
    );
    let mut platform = Platform::local().with_processes(vec![ProcessNames {
        comm: "sshd".into(),
        argv0: "/usr/sbin/sshd".into(),
        exe: "/usr/sbin/sshd".into(),
    }]);
    platform.command_timeout = Duration::from_millis(300);
    platform.security_level = Some(3);
    run_policy(&policy, &platform)
}

#[test]
fn every_rule_type_and_operator() {
    use CheckStatus::{Failed as F, NotApplicable as N, Passed as P};
    let r = run_fixture();
    let got: BTreeMap<u32, CheckStatus> = r
        .checks
        .iter()
        .map(|c| (c.id.parse().unwrap(), c.result))
        .collect();
    let want: BTreeMap<u32, CheckStatus> = [
        (1, P),
        (2, F),
        (3, P),
        (4, P),
        (5, F),
        (6, P),
        (7, F),
        (8, P),
        (9, P),
        (10, P),
        (11, F),
        (12, N),
        (13, P),
        (14, P),
        (15, F),
        (16, P),
        (17, P),
        (18, P),
        (19, P),
        (20, N),
        (21, N),
        (22, P),
        (23, P),
        (24, P),
        (25, F),
        (26, F),
        (27, F),
        (28, N),
        (29, P),
        (30, N),
        (31, N),
    ]
    .into_iter()
    .collect();
    for (id, w) in &want {
        assert_eq!(
            got.get(id),
            Some(w),
            "check {id}: {:?}",
            r.checks.iter().find(|c| c.id == id.to_string())
        );
    }
    assert_eq!(r.counts.error, 0);
    let by_id = |id: &str| r.checks.iter().find(|c| c.id == id).unwrap();
    assert!(by_id("20").reason.as_deref().unwrap().contains("not found"));
    assert!(by_id("21").reason.as_deref().unwrap().contains("Windows"));
    assert!(by_id("30").reason.as_deref().unwrap().contains("timed out"));
    assert!(
        by_id("31")
            .reason
            .as_deref()
            .unwrap()
            .contains("security level 4")
    );
    assert!(
        by_id("4").evidence[0]
            .detail
            .contains("matched 'PermitRootLogin no'")
    );
}

#[test]
fn unmet_requirements_make_every_check_not_applicable() {
    let text = std::fs::read_to_string(fixture_dir().join("policy.yml")).unwrap();
    let text = text.replace("$FIX", "/nonexistent-fixture");
    let policy = parse_policy(&text, "p.yml").unwrap();
    let r = run_policy(&policy, &Platform::local());
    assert_eq!(r.counts.not_applicable, r.checks.len());
    assert!(r.checks.iter().all(|c| {
        c.reason
            .as_deref()
            .is_some_and(|s| s.starts_with("policy requirements not met: fixture files present"))
    }));
    assert_eq!(r.score, None);
}

/// Paths, times and host facts vary between machines; replace them.
fn redacted_report() -> ScanReport {
    let mut policy = run_fixture();
    let dir = fixture_dir().display().to_string();
    let text = serde_json::to_string(&policy)
        .unwrap()
        .replace(&dir, "<fixtures>");
    policy = serde_json::from_str(&text).unwrap();
    ScanReport {
        tool: "lachan 0.0.0".into(),
        host: HostFacts {
            hostname: "<host>".into(),
            os: "<os>".into(),
            scanned_as_root: true,
            ..HostFacts::default()
        },
        started_at: "<time>".into(),
        finished_at: "<time>".into(),
        duration_ms: 0,
        security_level: Some(3),
        policies: vec![policy],
        accounts: Vec::new(),
        malware: Vec::new(),
        malware_scan: None,
        warnings: vec!["example warning".into()],
    }
}

fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots")).join(name);
    if std::env::var_os("LACHAN_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {} (run with LACHAN_UPDATE_SNAPSHOTS=1)",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "snapshot {} differs; review and rerun with LACHAN_UPDATE_SNAPSHOTS=1\n--- actual ---\n{actual}",
        path.display()
    );
}

#[test]
fn json_report_snapshot() {
    let r = redacted_report();
    let json = r.to_json();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    // The documented shape.
    for key in ["host", "policies", "accounts", "malware"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let c = &v["policies"][0]["checks"][0];
    for key in ["id", "title", "result"] {
        assert!(c.get(key).is_some(), "check lacks {key}");
    }
    snapshot("report.json", &json);
}

#[test]
fn html_report_snapshot() {
    let r = redacted_report();
    let h = html::render(&r);
    assert!(h.starts_with("<!DOCTYPE html>") && h.contains("lang=\"vi\""));
    assert!(
        !h.contains("<script"),
        "report must be self-contained and script-free"
    );
    assert!(!h.contains("<link"), "no external resources");
    // Every check appears with its id.
    for c in &r.policies[0].checks {
        assert!(
            h.contains(&format!("<code>{}</code>", c.id)),
            "check {} missing",
            c.id
        );
    }
    snapshot("report.html", &h);
}

#[test]
fn html_escapes_evidence() {
    assert_eq!(
        html::esc("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
}

#[test]
fn commands_can_be_disabled_for_untrusted_policies() {
    let policy = parse_policy(
        "policy: {id: p, name: P}\nchecks:\n  - id: 1\n    name: c\n    condition: all\n    rules: ['c:echo hi -> r:hi']\n",
        "p.yml",
    )
    .unwrap();
    let mut platform = Platform::local();
    assert_eq!(
        run_policy(&policy, &platform).checks[0].result,
        CheckStatus::Passed
    );
    platform.allow_commands = false;
    let r = run_policy(&policy, &platform);
    assert_eq!(r.checks[0].result, CheckStatus::NotApplicable);
    assert!(r.checks[0].reason.as_deref().unwrap().contains("disabled"));
}

/// The registry path on a simulated Windows host: a stand-in `reg` tool prints
/// recorded `reg query` output.
#[cfg(unix)]
#[test]
fn registry_rules_on_windows() {
    use lachan_scan::sca::OsFamily;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let tool = dir.path().join("reg");
    std::fs::write(
        &tool,
        "#!/bin/sh\ncase \"$2\" in\n  *USBSTOR) printf '\\r\\nHKEY_LOCAL_MACHINE\\\\SYSTEM\\\\USBSTOR\\r\\n    Start    REG_DWORD    0x4\\r\\n' ;;\n  *Explorer) printf '    NoDriveTypeAutoRun    REG_DWORD    0x91\\r\\n' ;;\n  *) echo 'ERROR: The system was unable to find the specified registry key or value.' >&2; exit 1 ;;\nesac\n",
    )
    .unwrap();
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    let policy = parse_policy(
        r#"
policy: {id: w, name: W}
checks:
  - {id: 1, name: usb, condition: all, rules: ['r:HKLM\SYSTEM\USBSTOR -> Start -> 4']}
  - {id: 2, name: usb-n, condition: all, rules: ['r:HKLM\SYSTEM\USBSTOR -> Start -> n:^(\d+) compare >= 3']}
  - {id: 3, name: autorun, condition: all, rules: ['r:HKLM\SOFTWARE\Explorer -> NoDriveTypeAutoRun -> 255']}
  - {id: 4, name: missing key, condition: all, rules: ['r:HKLM\SOFTWARE\Nope -> X -> 1']}
  - {id: 5, name: key exists, condition: all, rules: ['r:HKLM\SYSTEM\USBSTOR']}
  - {id: 6, name: not missing, condition: all, rules: ['not r:HKLM\SOFTWARE\Nope']}
"#,
        "w.yml",
    )
    .unwrap();
    let mut platform = Platform::local();
    platform.os = OsFamily::Windows;
    platform.registry_tool = tool.display().to_string();
    let r = run_policy(&policy, &platform);
    let got: Vec<CheckStatus> = r.checks.iter().map(|c| c.result).collect();
    use CheckStatus::{Failed as F, Passed as P};
    assert_eq!(got, vec![P, P, F, F, P, P], "{:#?}", r.checks);
    assert!(
        r.checks[2].evidence[0].detail.contains("145"),
        "{:?}",
        r.checks[2].evidence
    );
}
