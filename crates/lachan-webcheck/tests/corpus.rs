//! End-to-end check against the shared web corpus: starts `serve.py`, checks every site,
//! scores the findings with the corpus scorer `score.py` and requires micro-F1 >= 0.95 and
//! no integrity finding on clean sites.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use lachan_webcheck::{Checker, Options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_scores_above_target() {
    let server = common::CorpusServer::start(1);
    let sites = server.sites();
    assert!(sites.len() >= 12, "ready file lists {} sites", sites.len());
    let opts = Options {
        timeout: Duration::from_secs(4),
        site_budget: Duration::from_secs(40),
        extra_roots_pem: vec![server.ca_pem()],
        ..Options::default()
    };
    let checker = Checker::new(&opts).expect("checker");
    let urls: Vec<String> = sites.iter().map(|(_, u)| u.clone()).collect();
    let reports = checker.check_sites(&urls).await;
    assert_eq!(reports.len(), urls.len());

    let mut results: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((id, url), r) in sites.iter().zip(&reports) {
        assert_eq!(&r.url, url, "reports must keep input order");
        let kinds: Vec<String> = r
            .findings
            .iter()
            .map(|f| f.kind.as_str().to_string())
            .collect();
        println!(
            "{id} {url} {kinds:?} requests={} ms={}",
            r.requests, r.elapsed_ms
        );
        for f in &r.findings {
            println!("    {} {} :: {}", f.kind, f.evidence_url, f.detail);
            assert!(!f.detail.is_empty() && !f.evidence_url.is_empty());
        }
        results.insert(id.clone(), kinds);
    }
    let results_path = server.tmp.join("results.json");
    std::fs::write(&results_path, serde_json::to_string(&results).unwrap()).unwrap();
    let out = Command::new("python3")
        .arg(common::corpus_dir().join("score.py"))
        .arg(&results_path)
        .arg("--json")
        .output()
        .expect("running score.py");
    assert!(
        out.status.success(),
        "score.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("score.py JSON");
    println!(
        "{}",
        serde_json::to_string_pretty(&report["overall"]).unwrap()
    );
    println!(
        "errors: {}",
        serde_json::to_string(&report["site_errors"]).unwrap()
    );
    let f1 = report["overall"]["f1"].as_f64().unwrap_or(0.0);
    assert_eq!(
        report["clean_sites"]["with_false_positives"].as_u64(),
        Some(0),
        "clean sites with false positives: {}",
        report["clean_sites"]
    );
    assert!(
        f1 >= 0.95,
        "micro-F1 {f1:.3} below 0.95; errors: {}",
        report["site_errors"]
    );
}
