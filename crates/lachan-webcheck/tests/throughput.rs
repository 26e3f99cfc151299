//! Throughput measurement (ignored by default): repeated checks of the corpus sites that
//! answer (the hanging site is left out, it only measures the timeout), printing portal
//! checks per minute and the peak resident memory of the process.
//!
//! `cargo test --release -p lachan-webcheck --test throughput -- --ignored --nocapture`
//! (`LACHAN_BENCH_CHECKS` sets the number of checks, default 240).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use lachan_webcheck::{Checker, Options};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "measurement, run explicitly"]
async fn portal_checks_per_minute() {
    let server = common::CorpusServer::start(7);
    let live: Vec<String> = server
        .sites()
        .into_iter()
        .filter(|(id, _)| id != "d07")
        .map(|(_, u)| u)
        .collect();
    let n: usize = std::env::var("LACHAN_BENCH_CHECKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(240);
    let urls: Vec<String> = live.iter().cycle().take(n).cloned().collect();
    let opts = Options {
        timeout: Duration::from_secs(10),
        extra_roots_pem: vec![server.ca_pem()],
        site_concurrency: 32,
        total_concurrency: 128,
        ..Options::default()
    };
    let checker = Checker::new(&opts).unwrap();
    // Warm-up round (connection setup, lazy tables).
    let _ = checker.check_sites(&live).await;
    let start = Instant::now();
    let reports = checker.check_sites(&urls).await;
    let secs = start.elapsed().as_secs_f64();
    let requests: u64 = reports.iter().map(|r| u64::from(r.requests)).sum();
    let partial = reports.iter().filter(|r| !r.notes.is_empty()).count();
    println!(
        "{} checks in {secs:.1} s = {:.0} portal checks/minute; {requests} requests ({:.0}/s); \
         {partial} reports with notes; peak RSS {} KiB",
        reports.len(),
        reports.len() as f64 * 60.0 / secs,
        requests as f64 / secs,
        peak_rss_kib().unwrap_or(0)
    );
    assert_eq!(reports.len(), n);
}
