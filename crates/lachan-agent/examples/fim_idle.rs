//! Idle CPU of file-integrity monitoring: watches a tree, lets the baseline settle, then
//! reports this process's CPU time (utime + stime from `/proc/self/stat`) over a window.
//!
//! ```text
//! cargo run --release -p lachan-agent --example fim_idle -- DIR [--generate N] [--warmup S] [--seconds S]
//! ```
//!
//! `--generate N` first fills DIR with N small files in directories of 100.

use std::path::PathBuf;
use std::time::Duration;

use lachan_agent::collect::Collector;
use lachan_agent::collect::fim::Fim;

fn cpu_ticks() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = s.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the command: state is field 3, utime 14 and stime 15.
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        return Err("usage: fim_idle DIR [--generate N] [--warmup S] [--seconds S]".into());
    };
    let generate = arg(&args, "--generate", 0);
    let warmup = arg(&args, "--warmup", 15);
    let seconds = arg(&args, "--seconds", 60);
    for i in 0..generate {
        let d = dir.join(format!("d{:03}", i / 100));
        std::fs::create_dir_all(&d)?;
        std::fs::write(
            d.join(format!("f{i:05}.conf")),
            format!("key = {i}\n").repeat(16),
        )?;
    }
    let data = tempfile::tempdir()?;
    let fim = Box::new(Fim::new(vec![dir], data.path(), "bench".into()));
    let (tx, mut rx) = tokio::sync::mpsc::channel(10_000);
    tokio::spawn(fim.run(tx));
    tokio::spawn(async move { while rx.recv().await.is_some() {} });
    tokio::time::sleep(Duration::from_secs(warmup)).await;
    let before = cpu_ticks().ok_or("cannot read /proc/self/stat")?;
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let after = cpu_ticks().ok_or("cannot read /proc/self/stat")?;
    let ticks = after.saturating_sub(before);
    // Linux reports these in USER_HZ, 100 per second on every mainstream build.
    let cpu_s = ticks as f64 / 100.0;
    println!(
        "idle window {seconds} s: {ticks} ticks = {cpu_s:.2} s CPU = {:.2} % of one core",
        cpu_s / seconds as f64 * 100.0
    );
    Ok(())
}
