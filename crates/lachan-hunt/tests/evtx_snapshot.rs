//! Detections per file over the EVTX attack samples, compared with a committed snapshot
//! (`tests/snapshots/evtx_detections.tsv`). Set `UPDATE_SNAPSHOTS=1` to rewrite it after
//! a deliberate change, and review the diff.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use lachan_hunt::input::collect_files;
use lachan_hunt::output::totals;
use lachan_hunt::{HuntOptions, hunt};

#[test]
fn evtx_corpus_detections_match_snapshot() {
    let root = common::shared().join("corpus/evtx");
    let loaded = common::corpus_rules();
    let files = collect_files(std::slice::from_ref(&root)).unwrap();
    assert_eq!(
        files.len(),
        185,
        "expected the 185 EVTX files under {}",
        root.display()
    );
    let res = hunt(
        &loaded.detector,
        &loaded.rules,
        &files,
        &HuntOptions::default(),
    );
    let failed: Vec<_> = res.files.iter().filter(|f| f.error.is_some()).collect();
    assert!(failed.is_empty(), "unreadable files: {failed:?}");
    let mut counts: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for h in &res.hits {
        let rel = h
            .file
            .strip_prefix(&root)
            .unwrap_or(&h.file)
            .display()
            .to_string();
        let r = &loaded.detector.rules()[h.rule];
        *counts
            .entry((rel, r.id.clone(), r.title.clone()))
            .or_default() += 1;
    }
    let mut text = String::new();
    for ((file, id, title), n) in &counts {
        text.push_str(&format!("{file}\t{id}\t{title}\t{n}\n"));
    }
    let t = totals(&res);
    eprintln!(
        "evtx corpus: {} events, {} detections, {} rules, {} files with hits",
        t.events, t.hits, t.rules_hit, t.files_with_hits
    );
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/evtx_detections.tsv"
    );
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run with UPDATE_SNAPSHOTS=1 to create it)"));
    if expected != text {
        let exp: std::collections::BTreeSet<&str> = expected.lines().collect();
        let got: std::collections::BTreeSet<&str> = text.lines().collect();
        for l in exp.difference(&got) {
            eprintln!("- {l}");
        }
        for l in got.difference(&exp) {
            eprintln!("+ {l}");
        }
        panic!("detections differ from {path} (see - expected / + got above)");
    }
}
