//! The agent's main loop: enroll once, then collect → seal into the spool → deliver,
//! with a heartbeat.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

use lachan_core::agent_settings::ComplianceSettings;

use crate::collect::{self, Collector, Cursors, Record};
use crate::identity::Identity;
use crate::sender::{Client, Delivery};
use crate::spool::Spool;
use crate::{AgentConfig, AgentError, central, io_err, malware};

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

/// Run until `shutdown` resolves (or the server refuses this agent). The agent runs its
/// own settings plus its group's central settings; when a heartbeat answer names a new
/// settings version, the collectors and schedules restart with the new settings (the
/// spool, the positions and delivery carry on).
pub async fn run(
    cfg: AgentConfig,
    id: Identity,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), AgentError> {
    let spool = Arc::new(Spool::open(&cfg.data, cfg.spool_max_bytes)?);
    let mut cursors = Cursors::load(&cfg.data);
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
    // The last settings fetched are kept, so an agent started while the server is away
    // still runs its group's settings.
    let mut central = central::load(&cfg.data);
    match client.settings(&id).await {
        Ok(c) => {
            central::save(&cfg.data, &c);
            central = c;
        }
        Err(e) => tracing::warn!(error = %e, "central settings not fetched; using the last known"),
    }
    tokio::pin!(shutdown);
    let shared = Shared {
        spool,
        client,
        id,
        wake,
    };
    let result = loop {
        let eff = cfg.with_central(&central.settings);
        tracing::info!(version = %central.version, group = ?central.group, "settings in force");
        match session(
            &eff,
            &shared,
            &central.version,
            &mut cursors,
            shutdown.as_mut(),
            &mut refused_rx,
        )
        .await
        {
            Ok(Ended::Shutdown) => break Ok(()),
            Ok(Ended::NewSettings(c)) => {
                central::save(&cfg.data, &c);
                central = *c;
            }
            Err(e) => break Err(e),
        }
    };
    sender.abort();
    result
}

/// What every session shares.
struct Shared {
    spool: Arc<Spool>,
    client: Arc<Client>,
    id: Arc<Identity>,
    wake: Arc<Notify>,
}

enum Ended {
    Shutdown,
    NewSettings(Box<crate::sender::CentralSettings>),
}

/// The collectors of `cfg`, started.
fn start_collectors(
    cfg: &AgentConfig,
    cursors: &Cursors,
    tx: &mpsc::Sender<Record>,
) -> (Vec<String>, Vec<tokio::task::JoinHandle<()>>) {
    let mut collectors: Vec<Box<dyn Collector>> = Vec::new();
    if !cfg.files.is_empty() {
        collectors.push(Box::new(collect::files::FileTail::new(
            cfg.files.clone(),
            cursors,
            collect::hostname(),
        )));
    }
    if cfg.journald {
        collectors.push(Box::new(collect::journald::Journald::new(cursors)));
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
    let names: Vec<String> = collectors.iter().map(|c| c.name().to_owned()).collect();
    let handles = collectors
        .into_iter()
        .map(|c| tokio::spawn(c.run(tx.clone())))
        .collect();
    (names, handles)
}

/// The file a FIM event says was created or changed, when malware scanning wants it.
fn fim_changed_file(event: &Value) -> Option<std::path::PathBuf> {
    if event["Channel"] != "lachan.fim" {
        return None;
    }
    match event["event.action"].as_str()? {
        "created" | "modified" => event["file.path"].as_str().map(Into::into),
        _ => None,
    }
}

/// One run of the collectors and schedules with fixed settings.
async fn session<F: std::future::Future<Output = ()>>(
    cfg: &AgentConfig,
    sh: &Shared,
    version: &str,
    cursors: &mut Cursors,
    mut shutdown: std::pin::Pin<&mut F>,
    refused_rx: &mut mpsc::Receiver<String>,
) -> Result<Ended, AgentError> {
    let (tx, mut rx) = mpsc::channel::<Record>(10_000);
    let (mut names, collectors) = start_collectors(cfg, cursors, &tx);
    drop(tx);
    let mut tasks = Vec::new();
    if let (Some(c), Some(run)) = (&cfg.compliance, &cfg.assessors.compliance) {
        names.push("compliance".into());
        tasks.push(tokio::spawn(compliance(
            c.clone(),
            run.clone(),
            sh.client.clone(),
            sh.id.clone(),
        )));
    }
    let mut fim_tx = None;
    if let (Some(m), Some(run)) = (&cfg.malware, &cfg.assessors.malware) {
        names.push("malware".into());
        let (ftx, frx) = mpsc::channel::<std::path::PathBuf>(1_000);
        if m.on_fim {
            fim_tx = Some(ftx);
        }
        tasks.push(tokio::spawn(malware::run(
            m.clone(),
            run.clone(),
            sh.client.clone(),
            sh.id.clone(),
            frx,
        )));
    }
    tracing::info!(collectors = ?names, "agent running");
    let (changed_tx, mut changed_rx) = mpsc::channel::<String>(1);
    tasks.push(tokio::spawn(heartbeat(
        cfg.heartbeat_every,
        sh.spool.clone(),
        sh.client.clone(),
        sh.id.clone(),
        names,
        version.to_string(),
        changed_tx,
    )));

    let mut pending: Vec<Value> = Vec::new();
    let mut pending_cursors: Vec<(String, String)> = Vec::new();
    let mut deadline = Instant::now() + cfg.batch_wait;
    let mut skipped_scans = 0u64;
    let result = loop {
        let timeout = tokio::time::sleep_until(deadline.into());
        tokio::select! {
            _ = &mut shutdown => break Ok(Ended::Shutdown),
            r = refused_rx.recv() => {
                break Err(AgentError::Refused(r.unwrap_or_default()));
            }
            Some(v) = changed_rx.recv() => {
                match sh.client.settings(&sh.id).await {
                    Ok(c) if c.version != version => {
                        tracing::info!(from = %version, to = %c.version, "new central settings");
                        break Ok(Ended::NewSettings(Box::new(c)));
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, announced = %v, "new settings not fetched; keeping the current ones"),
                }
            }
            rec = rx.recv() => match rec {
                Some(r) => {
                    if pending.is_empty() {
                        deadline = Instant::now() + cfg.batch_wait;
                    }
                    if let (Some(ftx), Some(path)) = (&fim_tx, fim_changed_file(&r.event))
                        && ftx.try_send(path).is_err()
                    {
                        skipped_scans += 1;
                        if skipped_scans.is_power_of_two() {
                            tracing::warn!(skipped_scans, "malware scan queue full; changed files not scanned");
                        }
                    }
                    if !r.event.is_null() {
                        pending.push(r.event);
                    }
                    if let Some(c) = r.cursor {
                        pending_cursors.push(c);
                    }
                    if pending.len() >= cfg.batch_events {
                        seal(&sh.spool, &mut pending, &mut pending_cursors, cursors, cfg, &sh.wake)?;
                    }
                }
                None => {
                    // Every collector has stopped; keep delivering what is spooled.
                    seal(&sh.spool, &mut pending, &mut pending_cursors, cursors, cfg, &sh.wake)?;
                    deadline = Instant::now() + Duration::from_secs(3600);
                }
            },
            _ = timeout => {
                seal(&sh.spool, &mut pending, &mut pending_cursors, cursors, cfg, &sh.wake)?;
                deadline = Instant::now() + cfg.batch_wait;
            }
        }
    };
    // Stop the collectors, keep what they already produced, and put it on disk.
    for h in collectors.iter().chain(tasks.iter()) {
        h.abort();
    }
    rx.close();
    while let Ok(r) = rx.try_recv() {
        if !r.event.is_null() {
            pending.push(r.event);
        }
        if let Some(c) = r.cursor {
            pending_cursors.push(c);
        }
    }
    seal(
        &sh.spool,
        &mut pending,
        &mut pending_cursors,
        cursors,
        cfg,
        &sh.wake,
    )?;
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

/// Run the compliance checks at start and then every `settings.every_minutes`; a result
/// that cannot be delivered is retried a few times, then waits for the next run (the
/// next result supersedes it).
async fn compliance(
    settings: ComplianceSettings,
    run: crate::config::ComplianceRunner,
    client: Arc<Client>,
    id: Arc<Identity>,
) {
    loop {
        let (run2, s2) = (run.clone(), settings.clone());
        match tokio::task::spawn_blocking(move || run2(&s2)).await {
            Ok(Ok(json)) => send_result(&client, &id, json, "compliance").await,
            Ok(Err(e)) => tracing::warn!(error = %e, "compliance checks failed"),
            Err(_) => return,
        }
        tokio::time::sleep(Duration::from_secs(settings.every_minutes * 60)).await;
    }
}

/// Deliver an assessment result to `/agent/scan`, retrying with back-off a few times.
pub(crate) async fn send_result(client: &Client, id: &Identity, json: String, what: &str) {
    let mut wait = Duration::from_secs(5);
    for attempt in 1..=5 {
        match client.send_scan(id, json.clone()).await {
            Ok(()) => {
                tracing::info!(what, "assessment result delivered");
                return;
            }
            Err(e) => {
                tracing::warn!(what, attempt, error = %e, "assessment result not delivered");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(300));
            }
        }
    }
}

async fn heartbeat(
    every: Duration,
    spool: Arc<Spool>,
    client: Arc<Client>,
    id: Arc<Identity>,
    collectors: Vec<String>,
    version: String,
    changed: mpsc::Sender<String>,
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
            "settings_version": version,
        });
        match client.heartbeat(&id, &body).await {
            Ok(Some(v)) if v != version => {
                let _ = changed.try_send(v);
            }
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "heartbeat not delivered"),
        }
        tokio::time::sleep(every).await;
    }
}
