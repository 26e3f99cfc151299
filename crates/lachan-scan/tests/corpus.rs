//! The published Wazuh SCA policies load unchanged and the Linux ones evaluate on
//! this host without `error` results.

#![allow(clippy::unwrap_used)]

mod common;

use lachan_scan::sca::load_policy_file;

#[test]
fn every_corpus_policy_parses() {
    let files = common::corpus_files();
    assert!(
        files.len() >= 70,
        "expected at least 70 policies, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    let mut checks = 0;
    let mut warnings = Vec::new();
    for f in &files {
        match load_policy_file(f) {
            Ok(p) => {
                checks += p.checks.len();
                warnings.extend(p.warnings);
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} policies failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    assert!(checks > 10_000, "only {checks} checks parsed");
    eprintln!("{} policies parsed, {checks} checks", files.len());
    // The only regex that does not compile is one PCRE2 rejects too (an unclosed
    // group in the published nginx policy); everything else must compile.
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("cis_nginx_1.yml: check 23006"),
        "{warnings:?}"
    );
}

use lachan_scan::sca::{CheckStatus, Platform, run_policy};
use std::path::Path;

/// Policies for Linux hosts: the distribution benchmarks plus the server
/// applications that run on Linux (Windows- and macOS-only ones excluded).
fn is_linux_policy(p: &Path) -> bool {
    let s = p.to_string_lossy();
    !(s.contains("/windows/")
        || s.contains("/darwin/")
        || s.contains("cis_iis_")
        || s.contains("cis_sqlserver_"))
}

fn evaluate(files: &[std::path::PathBuf]) -> (usize, [usize; 4]) {
    // Requirements are bypassed so that every check of a foreign distribution's
    // policy is really evaluated on this host (not skipped as not applicable).
    let mut platform = Platform::local();
    platform.ignore_requirements = true;
    let mut counts = [0usize; 4];
    let mut errors = Vec::new();
    let mut total = 0;
    for f in files {
        let policy = load_policy_file(f).unwrap();
        let r = run_policy(&policy, &platform);
        total += r.checks.len();
        for c in &r.checks {
            let i = match c.result {
                CheckStatus::Passed => 0,
                CheckStatus::Failed => 1,
                CheckStatus::NotApplicable => 2,
                CheckStatus::Error => 3,
            };
            counts[i] += 1;
            if c.result == CheckStatus::Error {
                errors.push(format!("{}: check {}: {:?}", f.display(), c.id, c.reason));
            }
        }
    }
    assert!(
        errors.is_empty(),
        "{} checks ended in error:\n{}",
        errors.len(),
        errors.join("\n")
    );
    eprintln!(
        "{} policies, {total} checks: passed {} failed {} not_applicable {} error {}",
        files.len(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    );
    (total, counts)
}

#[test]
fn debian_and_generic_policies_evaluate_without_error() {
    let files: Vec<_> = common::corpus_files()
        .into_iter()
        .filter(|p| {
            let s = p.to_string_lossy();
            s.contains("/debian/") || s.contains("/generic/") || s.contains("cis_ubuntu24")
        })
        .collect();
    assert!(files.len() >= 8, "{files:?}");
    let (total, counts) = evaluate(&files);
    // Most checks of these policies must really decide on this host.
    assert!(counts[0] + counts[1] > total / 2, "{counts:?} of {total}");
}

/// Every Linux policy of the corpus (slower; run with `--ignored`).
#[test]
#[ignore]
fn all_linux_policies_evaluate_without_error() {
    let files: Vec<_> = common::corpus_files()
        .into_iter()
        .filter(|p| is_linux_policy(p))
        .collect();
    let (total, counts) = evaluate(&files);
    assert!(counts[0] + counts[1] > total / 3, "{counts:?} of {total}");
}
