//! Account review on fixture databases.

#![allow(clippy::unwrap_used)]

use lachan_scan::accounts::{
    AccountSources, FindingKind, ReviewOptions, lastlog_record, review_accounts, wtmp_record,
};
use lachan_scan::sca::Severity;
use std::path::PathBuf;

const NOW: i64 = 1_780_000_000;
const DAY: i64 = 86_400;

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/accounts"
    ))
}

fn sources(dir: &tempfile::TempDir) -> AccountSources {
    // lastlog: UID 1000 (an) logged in 3 days ago; UID 1001 (binh) 200 days ago.
    let mut lastlog = Vec::new();
    for uid in 0..=1001 {
        let t = match uid {
            1000 => (NOW - 3 * DAY) as i32,
            1001 => (NOW - 200 * DAY) as i32,
            _ => 0,
        };
        lastlog.extend(lastlog_record(t, "pts/0", "10.1.2.3"));
    }
    // wtmp: root logged in yesterday; binh's newer wtmp login is still 120 days old.
    let mut wtmp = wtmp_record("root", (NOW - DAY) as i32, "tty1", "");
    wtmp.extend(wtmp_record(
        "binh",
        (NOW - 120 * DAY) as i32,
        "pts/4",
        "10.9.9.9",
    ));
    std::fs::write(dir.path().join("lastlog"), lastlog).unwrap();
    std::fs::write(dir.path().join("wtmp"), wtmp).unwrap();
    AccountSources {
        passwd: fixtures().join("passwd"),
        shadow: fixtures().join("shadow"),
        group: fixtures().join("group"),
        login_defs: fixtures().join("login.defs"),
        lastlog: dir.path().join("lastlog"),
        wtmp: dir.path().join("wtmp"),
    }
}

fn has(f: &[lachan_scan::accounts::AccountFinding], kind: FindingKind, account: &str) -> bool {
    f.iter().any(|x| x.kind == kind && x.account == account)
}

#[test]
fn review_finds_every_problem_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let f = review_accounts(
        &sources(&dir),
        &ReviewOptions {
            unused_days: 90,
            now: NOW,
        },
    )
    .unwrap();
    let kinds: Vec<_> = f.iter().map(|x| (x.kind, x.account.as_str())).collect();

    assert!(has(&f, FindingKind::ExtraUid0, "toor"), "{kinds:?}");
    assert!(!has(&f, FindingKind::ExtraUid0, "root"));
    assert!(has(&f, FindingKind::EmptyPassword, "guest"));
    assert!(has(&f, FindingKind::DefaultAccount, "guest"));
    // postgres is a vendor account but locked: not reported as default-enabled...
    assert!(!has(&f, FindingKind::DefaultAccount, "postgres"));
    // ...yet it is a service account with a login shell.
    assert!(has(&f, FindingKind::ServiceAccountWithShell, "postgres"));
    assert!(!has(&f, FindingKind::ServiceAccountWithShell, "sync"));
    assert!(!has(&f, FindingKind::ServiceAccountWithShell, "daemon"));
    // Usage: an (3 days) fine, binh (latest 120 days via wtmp) unused,
    // cuong never logged in, dung locked (not counted as unused), root fine.
    assert!(!has(&f, FindingKind::Unused, "an"));
    assert!(has(&f, FindingKind::Unused, "binh"));
    assert!(has(&f, FindingKind::NeverUsed, "cuong"));
    assert!(!has(&f, FindingKind::NeverUsed, "dung") && !has(&f, FindingKind::Unused, "dung"));
    assert!(has(&f, FindingKind::LockedPassword, "dung"));
    assert!(!has(&f, FindingKind::Unused, "root") && !has(&f, FindingKind::NeverUsed, "root"));
    assert!(has(&f, FindingKind::AdminGroupMember, "an"));
    assert!(has(&f, FindingKind::AdminGroupMember, "binh"));

    let binh = f
        .iter()
        .find(|x| x.kind == FindingKind::Unused && x.account == "binh")
        .unwrap();
    assert!(binh.evidence.contains("120 days ago"), "{}", binh.evidence);
    assert!(binh.evidence.contains("10.9.9.9"), "{}", binh.evidence);
    // Sorted most severe first.
    assert_eq!(f[0].severity, Severity::Critical);
}

#[test]
fn unused_limit_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let f = review_accounts(
        &sources(&dir),
        &ReviewOptions {
            unused_days: 150,
            now: NOW,
        },
    )
    .unwrap();
    assert!(!has(&f, FindingKind::Unused, "binh"));
    let f = review_accounts(
        &sources(&dir),
        &ReviewOptions {
            unused_days: 2,
            now: NOW,
        },
    )
    .unwrap();
    assert!(has(&f, FindingKind::Unused, "an"));
}

#[test]
fn malformed_passwd_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("passwd");
    std::fs::write(
        &bad,
        "root:x:0:0:root:/root:/bin/bash\nbroken:x:abc:0::/:/bin/sh\n",
    )
    .unwrap();
    let mut src = sources(&dir);
    src.passwd = bad.clone();
    let e = review_accounts(&src, &ReviewOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(e, format!("{}:2: UID is not a number", bad.display()));
}
