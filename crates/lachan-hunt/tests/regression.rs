//! SigmaHQ regression cases: every `info.yml` names a rule, an EVTX sample and the number
//! of events the rule must match in it.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use lachan_hunt::input::{InputKind, read_file};
use serde::Deserialize;

#[derive(Deserialize)]
struct Info {
    rule_metadata: Vec<RuleRef>,
    #[serde(default)]
    regression_tests_info: Vec<Case>,
}

#[derive(Deserialize)]
struct RuleRef {
    id: String,
}

#[derive(Deserialize)]
struct Case {
    #[serde(rename = "type")]
    kind: String,
    match_count: Option<u64>,
    path: String,
}

struct Outcome {
    rule: String,
    file: PathBuf,
    expected: u64,
    got: u64,
}

fn cases(root: &Path) -> Vec<(String, PathBuf, u64)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if e.file_name() != "info.yml" {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let info: Info = serde_saphyr::from_str(&text)
            .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
        let Some(rule) = info.rule_metadata.first() else {
            continue;
        };
        for c in info.regression_tests_info {
            let Some(count) = c.match_count else { continue };
            if c.kind != "evtx" {
                continue;
            }
            let rel = c.path.trim_start_matches("regression_data/rules/");
            out.push((rule.id.clone(), root.join(rel), count));
        }
    }
    out
}

#[test]
fn sigmahq_regression_cases() {
    let root = common::shared().join("corpus/sigma-regression");
    let loaded = common::corpus_rules();
    let det = &loaded.detector;
    let cases = cases(&root);
    assert!(
        cases.len() >= 168,
        "only {} evtx cases found under {}",
        cases.len(),
        root.display()
    );
    let mut outcomes = Vec::new();
    for (rule, file, expected) in cases {
        let idx = det.rules().iter().position(|r| r.id == rule);
        let mut got = 0;
        if let Some(idx) = idx {
            read_file(&file, InputKind::Evtx, &mut |rec| {
                if det.detect(&rec.event).iter().any(|d| d.rule == idx) {
                    got += 1;
                }
            })
            .unwrap_or_else(|e| panic!("{e}"));
        }
        outcomes.push(Outcome {
            rule,
            file,
            expected,
            got,
        });
    }
    let detected = outcomes.iter().filter(|o| o.got > 0).count();
    let exact = outcomes.iter().filter(|o| o.got == o.expected).count();
    for o in outcomes.iter().filter(|o| o.got != o.expected) {
        eprintln!(
            "mismatch {} expected {} got {} ({})",
            o.rule,
            o.expected,
            o.got,
            o.file.display()
        );
    }
    eprintln!(
        "regression: {} cases, {detected} detected, {exact} exact",
        outcomes.len()
    );
    assert!(
        detected >= MIN_DETECTED,
        "detected {detected} < {MIN_DETECTED}"
    );
    assert!(exact >= MIN_EXACT, "exact {exact} < {MIN_EXACT}");
}

const MIN_DETECTED: usize = 168;
const MIN_EXACT: usize = 164;
