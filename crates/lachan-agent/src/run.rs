//! The agent's main loop: enroll once, then collect → seal into the spool → deliver,
//! with a heartbeat.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

use crate::collect::{self, Collector, Cursors, Record};
use crate::identity::Identity;
use crate::sender::{Client, Delivery};
use crate::spool::Spool;
use crate::{AgentConfig, AgentError, io_err};

/// Facts sent at enrollment.
fn host_facts(server: &str) -> Value {
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.to_string());
    // The address this machine uses to reach the server.
    let ips: Vec<String> = server
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|hp| std::net::ToSocketAddrs::to_socket_addrs(&hp).ok())
        .and_then(|mut a| a.next())
        .and_then(|addr| {
            let s = std::net::UdpSocket::bind(if addr.is_ipv4() {
                "0.0.0.0:0"
            } else {
                "[::]:0"
            })
            .ok()?;
            s.connect(addr).ok()?;
            s.local_addr().ok()
        })
        .map(|a| vec![a.ip().to_string()])
        .unwrap_or_default();
    json!({"hostname": collect::hostname(), "os": os, "ips": ips,
           "version": env!("CARGO_PKG_VERSION")})
}

/// Enroll with `token` unless this data directory already holds an identity.
pub async fn ensure_identity(
    cfg: &AgentConfig,
    token: Option<&str>,
) -> Result<Identity, AgentError> {
    std::fs::create_dir_all(&cfg.data).map_err(|e| io_err(&cfg.data, e))?;
    if let Some(id) = Identity::load(&cfg.data)? {
        if id.server != cfg.server {
            return Err(AgentError::Enroll(format!(
                "{} is enrolled to {}, not {}; use another --data directory",
                cfg.data.display(),
                id.server,
                cfg.server
            )));
        }
        return Ok(id);
    }
    let token = token.ok_or_else(|| {
        AgentError::Enroll(
            "not enrolled yet: give --token (from `lachan admin enroll-token`)".into(),
        )
    })?;
    let client = Client::new(&cfg.server, cfg.server_cert_sha256.clone())?;
    let id = client.enroll(token, &host_facts(&cfg.server)).await?;
    id.save(&cfg.data)?;
    tracing::info!(agent = id.agent_id, agency = %id.agency_code, "enrolled");
    Ok(id)
}

/// Resident memory and CPU time of this process (Linux).
fn self_usage() -> (u64, f64) {
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map(|kib| kib * 1024)
        .unwrap_or(0);
    // utime + stime, in clock ticks (100 per second on Linux).
    let cpu = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?)
        })
        .map(|ticks| ticks / 100.0)
        .unwrap_or(0.0);
    (rss, cpu)
}

/// Run until `shutdown` resolves (or the server refuses this agent).
pub async fn run(
    cfg: AgentConfig,
    id: Identity,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), AgentError> {
    let spool = Arc::new(Spool::open(&cfg.data, cfg.spool_max_bytes)?);
    let mut cursors = Cursors::load(&cfg.data);
    let (tx, mut rx) = mpsc::channel::<Record>(10_000);
    let mut collectors: Vec<Box<dyn Collector>> = Vec::new();
    if !cfg.files.is_empty() {
        collectors.push(Box::new(collect::files::FileTail::new(
            cfg.files.clone(),
            &cursors,
            collect::hostname(),
        )));
    }
    if cfg.journald {
        collectors.push(Box::new(collect::journald::Journald::new(&cursors)));
    }
    if !cfg.fim.is_empty() {
        collectors.push(Box::new(collect::fim::Fim::new(
            cfg.fim.clone(),
            &cfg.data,
            collect::hostname(),
        )));
    }
    if cfg.inventory {
        collectors.push(Box::new(collect::inventory::Inventory::new(
            &cfg.data,
            collect::hostname(),
        )));
    }
    if cfg.usb {
        let usb = match &cfg.usb_sysfs {
            Some(root) => collect::usb::Usb::with_root(root.clone(), collect::hostname()),
            None => collect::usb::Usb::new(collect::hostname()),
        };
        collectors.push(Box::new(usb));
    }
    let names: Vec<&str> = collectors.iter().map(|c| c.name()).collect();
    tracing::info!(collectors = ?names, "agent running");
    let names: Vec<String> = names.into_iter().map(str::to_owned).collect();
    for c in collectors {
        tokio::spawn(c.run(tx.clone()));
    }
    drop(tx);

    let client = Arc::new(Client::new(&cfg.server, id.server_cert_sha256.clone())?);
    let id = Arc::new(id);
    let wake = Arc::new(Notify::new());
    let (refused_tx, mut refused_rx) = mpsc::channel::<String>(1);
    let sender = tokio::spawn(deliver(
        spool.clone(),
        client.clone(),
        id.clone(),
        wake.clone(),
        refused_tx,
    ));
    let compliance = cfg
        .compliance
        .clone()
        .map(|job| tokio::spawn(compliance(job, client.clone(), id.clone())));
    let beat = tokio::spawn(heartbeat(cfg.clone(), spool.clone(), client, id, names));

    let mut pending: Vec<Value> = Vec::new();
    let mut pending_cursors: Vec<(String, String)> = Vec::new();
    let mut deadline = Instant::now() + cfg.batch_wait;
    tokio::pin!(shutdown);
    let result = loop {
        let timeout = tokio::time::sleep_until(deadline.into());
        tokio::select! {
            _ = &mut shutdown => break Ok(()),
            r = refused_rx.recv() => {
                break Err(AgentError::Refused(r.unwrap_or_default()));
            }
            rec = rx.recv() => match rec {
                Some(r) => {
                    if pending.is_empty() {
                        deadline = Instant::now() + cfg.batch_wait;
                    }
                    if !r.event.is_null() {
                        pending.push(r.event);
                    }
                    if let Some(c) = r.cursor {
                        pending_cursors.push(c);
                    }
                    if pending.len() >= cfg.batch_events {
                        seal(&spool, &mut pending, &mut pending_cursors, &mut cursors, &cfg, &wake)?;
                    }
                }
                None => {
                    // Every collector has stopped; keep delivering what is spooled.
                    seal(&spool, &mut pending, &mut pending_cursors, &mut cursors, &cfg, &wake)?;
                    deadline = Instant::now() + Duration::from_secs(3600);
                }
            },
            _ = timeout => {
                seal(&spool, &mut pending, &mut pending_cursors, &mut cursors, &cfg, &wake)?;
                deadline = Instant::now() + cfg.batch_wait;
            }
        }
    };
    // Whatever was collected goes to disk before exit.
    seal(
        &spool,
        &mut pending,
        &mut pending_cursors,
        &mut cursors,
        &cfg,
        &wake,
    )?;
    sender.abort();
    beat.abort();
    if let Some(c) = compliance {
        c.abort();
    }
    result
}

fn seal(
    spool: &Spool,
    pending: &mut Vec<Value>,
    pending_cursors: &mut Vec<(String, String)>,
    cursors: &mut Cursors,
    cfg: &AgentConfig,
    wake: &Notify,
) -> Result<(), AgentError> {
    if !pending.is_empty() {
        spool.seal(pending)?;
        pending.clear();
        wake.notify_one();
    }
    if !pending_cursors.is_empty() {
        for (k, v) in pending_cursors.drain(..) {
            cursors.0.insert(k, v);
        }
        cursors.save(&cfg.data)?;
    }
    Ok(())
}

/// Send spooled batches oldest first; back off while the server is unreachable.
async fn deliver(
    spool: Arc<Spool>,
    client: Arc<Client>,
    id: Arc<Identity>,
    wake: Arc<Notify>,
    refused: mpsc::Sender<String>,
) {
    let mut backoff = Duration::from_millis(500);
    loop {
        let batches = spool.batches().unwrap_or_default();
        if batches.is_empty() {
            let _ = tokio::time::timeout(Duration::from_secs(5), wake.notified()).await;
            continue;
        }
        let mut failed = false;
        for (seq, path) in batches {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            match client.send_batch(&id, seq, bytes).await {
                Delivery::Acked { duplicate } => {
                    if duplicate {
                        tracing::info!(seq, "batch was already stored");
                    }
                    if let Err(e) = spool.remove(seq) {
                        tracing::warn!(error = %e, "cannot remove a delivered batch");
                    }
                    backoff = Duration::from_millis(500);
                }
                Delivery::Rejected(why) => {
                    tracing::error!(seq, %why, "server rejected a batch; kept aside in spool/rejected");
                    let _ = spool.reject(seq);
                }
                Delivery::Refused(why) => {
                    let _ = refused.send(why).await;
                    return;
                }
                Delivery::Retry(why) => {
                    tracing::warn!(seq, %why, "server unreachable; will retry");
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(30));
        }
    }
}

/// Run the compliance checks at start and then every `job.every`; a result that cannot
/// be delivered is retried a few times, then waits for the next run (the next result
/// supersedes it).
async fn compliance(job: crate::config::ComplianceJob, client: Arc<Client>, id: Arc<Identity>) {
    loop {
        let run = job.run.clone();
        match tokio::task::spawn_blocking(move || run()).await {
            Ok(Ok(json)) => {
                let mut wait = Duration::from_secs(5);
                for attempt in 1..=5 {
                    match client.compliance(&id, json.clone()).await {
                        Ok(()) => {
                            tracing::info!("compliance result delivered");
                            break;
                        }
                        Err(e) => {
                            tracing::warn!(attempt, error = %e, "compliance result not delivered");
                            tokio::time::sleep(wait).await;
                            wait = (wait * 2).min(Duration::from_secs(300));
                        }
                    }
                }
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "compliance checks failed"),
            Err(_) => return,
        }
        tokio::time::sleep(job.every).await;
    }
}

async fn heartbeat(
    cfg: AgentConfig,
    spool: Arc<Spool>,
    client: Arc<Client>,
    id: Arc<Identity>,
    collectors: Vec<String>,
) {
    let start = Instant::now();
    let mut last = (start, self_usage().1);
    loop {
        let (rss, cpu_s) = self_usage();
        let now = Instant::now();
        let wall = now.duration_since(last.0).as_secs_f64().max(0.001);
        let cpu_percent = ((cpu_s - last.1) / wall * 100.0).max(0.0);
        last = (now, cpu_s);
        let body = json!({
            "version": env!("CARGO_PKG_VERSION"),
            "uptime_s": start.elapsed().as_secs(),
            "rss_bytes": rss,
            "cpu_percent": (cpu_percent * 100.0).round() / 100.0,
            "collectors": collectors,
            "spool": spool.stats(),
        });
        if let Err(e) = client.heartbeat(&id, &body).await {
            tracing::debug!(error = %e, "heartbeat not delivered");
        }
        tokio::time::sleep(cfg.heartbeat_every).await;
    }
}
