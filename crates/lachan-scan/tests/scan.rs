//! A whole local scan with the built-in policies on this host.

#![allow(clippy::unwrap_used)]

use lachan_scan::report::{ScanReport, html, table};
use lachan_scan::sca::{CheckStatus, Platform};
use lachan_scan::scan::{ScanConfig, run_scan};

#[test]
fn builtin_scan_accounts_for_every_check_and_round_trips() {
    let cfg = ScanConfig {
        security_level: Some(3),
        ..ScanConfig::default()
    };
    let report = run_scan(&cfg).unwrap();
    assert_eq!(report.policies.len(), 2, "Linux built-ins");
    for p in &report.policies {
        let c = p.counts;
        assert_eq!(
            c.passed + c.failed + c.not_applicable + c.error,
            p.checks.len()
        );
        assert_eq!(
            c.error,
            0,
            "{:?}",
            p.checks
                .iter()
                .filter(|c| c.result == CheckStatus::Error)
                .collect::<Vec<_>>()
        );
        // The built-in Linux policies apply here (requirements hold).
        assert!(p.requirements.as_ref().unwrap().met, "{}", p.id);
        assert!(c.passed + c.failed > 0, "{}: nothing decided", p.id);
        for check in &p.checks {
            if check.result == CheckStatus::NotApplicable {
                assert!(
                    check.reason.is_some(),
                    "{} {} lacks a reason",
                    p.id,
                    check.id
                );
            }
        }
    }
    assert!(!report.host.hostname.is_empty());
    let back: ScanReport = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(back, report);
    let t = table::render(&report);
    assert!(t.contains("Điểm tổng (overall score)"));
    let h = html::render(&report);
    assert!(h.contains(&report.host.hostname));
}

#[test]
fn local_process_list_includes_this_test() {
    let p = Platform::local();
    let list = p.processes().unwrap();
    let me = std::fs::read_to_string("/proc/self/comm").unwrap();
    assert!(
        list.iter().any(|x| x.comm == me.trim()),
        "{} not in process list",
        me.trim()
    );
}
