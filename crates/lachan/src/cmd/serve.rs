//! `lachan serve`: the central server on the embedded store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use lachan_server::{AppState, ServerConfig, seed, tls};

use super::datadir::DataDir;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Data directory (created if missing)
    #[arg(long, default_value = "./lachan-data", env = "LACHAN_DATA")]
    pub data: PathBuf,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080", env = "LACHAN_LISTEN")]
    pub listen: SocketAddr,
    /// Load the demo registry (once) and show a demo banner
    #[arg(long)]
    pub demo: bool,
    /// PEM certificate chain for HTTPS
    #[arg(long, requires = "tls_key", conflicts_with = "tls_self_signed")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS with a self-signed certificate kept in the data directory
    #[arg(long)]
    pub tls_self_signed: bool,
    /// Extra host names for the self-signed certificate
    #[arg(long = "tls-name")]
    pub tls_names: Vec<String>,
    /// Minutes of inactivity after which a session ends
    #[arg(long, default_value_t = 30)]
    pub session_idle_minutes: u64,
    /// Sigma rules (directory or file) for live detection, beside the built-in rules
    #[arg(long, env = "LACHAN_RULES")]
    pub rules: Option<PathBuf>,
    /// Field-mapping file replacing the built-in one
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Receive syslog over UDP on this address (e.g. 0.0.0.0:514)
    #[arg(long)]
    pub syslog_udp: Option<SocketAddr>,
    /// Receive syslog over TCP on this address (octet-counted or line framing)
    #[arg(long)]
    pub syslog_tcp: Option<SocketAddr>,
    /// Days of events to keep; older day partitions are dropped
    #[arg(long, default_value_t = 90)]
    pub retention_days: u32,
    /// Minutes of silence after which an agent is shown offline
    #[arg(long, default_value_t = 5)]
    pub agent_offline_minutes: u64,
    /// Mail server for e-mail notifications
    #[arg(long, env = "LACHAN_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// Mail server port (465 for tls, 587 for starttls)
    #[arg(long, default_value_t = 587)]
    pub smtp_port: u16,
    /// tls (implicit), starttls, or none (only to a relay on this machine)
    #[arg(long, default_value = "starttls")]
    pub smtp_tls: String,
    /// Mail account; its password is read from LACHAN_SMTP_PASSWORD
    #[arg(long, env = "LACHAN_SMTP_USER")]
    pub smtp_user: Option<String>,
    /// Sender address of notifications
    #[arg(long, default_value = "Lá Chắn <lachan@localhost>")]
    pub smtp_from: String,
    /// Extra trusted root certificate (PEM) for the mail server
    #[arg(long)]
    pub smtp_ca: Option<PathBuf>,
    /// Public address of the console, for links in notifications
    #[arg(long, env = "LACHAN_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Extra trusted root certificate (PEM) for monitored services; repeatable
    #[arg(long = "monitor-ca", value_name = "FILE")]
    pub monitor_ca: Vec<PathBuf>,
}

fn notify_config(args: &ServeArgs) -> anyhow::Result<lachan_server::notify::NotifyConfig> {
    use lachan_server::notify::{NotifyConfig, SmtpConfig, SmtpTls};
    let smtp = match &args.smtp_host {
        None => None,
        Some(host) => {
            let tls = SmtpTls::parse(&args.smtp_tls).with_context(|| {
                format!("--smtp-tls '{}': use tls, starttls or none", args.smtp_tls)
            })?;
            let ca_pem = match &args.smtp_ca {
                Some(p) => {
                    Some(std::fs::read(p).with_context(|| format!("reading {}", p.display()))?)
                }
                None => None,
            };
            let cfg = SmtpConfig {
                host: host.clone(),
                port: args.smtp_port,
                tls,
                username: args.smtp_user.clone(),
                password: std::env::var("LACHAN_SMTP_PASSWORD")
                    .ok()
                    .filter(|p| !p.is_empty()),
                from: args.smtp_from.clone(),
                ca_pem,
            };
            cfg.check()
                .map_err(|m| anyhow::anyhow!("--smtp-host: {m}"))?;
            Some(cfg)
        }
    };
    Ok(NotifyConfig {
        smtp,
        console_url: args.public_url.clone(),
        ..NotifyConfig::default()
    })
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    super::init_tracing();
    name_match_threads();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    if args.session_idle_minutes == 0 {
        bail!("--session-idle-minutes must be at least 1");
    }
    let data = DataDir::create_and_lock(&args.data)?;
    let store = data.open_store().await?;
    let admin_pw = std::env::var("LACHAN_ADMIN_PASSWORD").ok();
    let first = seed::ensure_admin(store.as_ref(), admin_pw)
        .await
        .map_err(|e| anyhow::anyhow!("creating the first administrator: {e}"))?;
    if args.demo {
        match seed::seed_demo(store.as_ref(), "system")
            .await
            .map_err(|e| anyhow::anyhow!("loading the demo registry: {e}"))?
        {
            Some(d) => {
                println!(
                    "Dữ liệu mẫu / demo data loaded: {} agencies, {} information systems, \
                     {} inspection plans ({} targets), {} findings, {} letters, {} incidents, \
                     {} compliance scans.",
                    d.agencies,
                    d.systems,
                    d.ops.plans,
                    d.ops.targets,
                    d.ops.findings,
                    d.ops.letters,
                    d.ops.incidents,
                    d.ops.scans
                );
                println!("Demo users (password for all: {}):", d.password);
                for (u, r) in &d.users {
                    println!("  {u:<16} {r}");
                }
            }
            None => {
                println!("Demo data was loaded earlier; demo user passwords were printed then.")
            }
        }
    }

    let (tls_config, scheme) = if let (Some(c), Some(k)) = (&args.tls_cert, &args.tls_key) {
        (Some(tls::from_files(c, k).await?), "https")
    } else if args.tls_self_signed {
        let (cfg, cert) = tls::self_signed(data.path(), &args.tls_names).await?;
        println!("Self-signed certificate: {}", cert.display());
        (Some(cfg), "https")
    } else {
        (None, "http")
    };
    let config = ServerConfig {
        session_idle: Duration::from_secs(args.session_idle_minutes * 60),
        secure_cookies: tls_config.is_some(),
        demo: args.demo,
        ..ServerConfig::default()
    };
    if args.retention_days == 0 {
        bail!("--retention-days must be at least 1");
    }
    if args.agent_offline_minutes == 0 {
        bail!("--agent-offline-minutes must be at least 1");
    }
    let config = ServerConfig {
        retention_days: args.retention_days,
        offline_after: Duration::from_secs(args.agent_offline_minutes * 60),
        notify: notify_config(&args)?,
        monitor_roots_pem: args
            .monitor_ca
            .iter()
            .map(|p| std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display())))
            .collect::<anyhow::Result<_>>()?,
        ..config
    };
    let rules_cfg = lachan_server::pipeline::RulesConfig {
        dir: args.rules.clone(),
        mapping: args.mapping.clone(),
    };
    let pipeline = lachan_server::pipeline::Pipeline::open(data.path(), store.clone(), &rules_cfg)
        .await
        .context("starting the event pipeline")?;
    let (ok, unsupported, error) = pipeline.rule_counts;
    println!(
        "Detection rules: {ok} loaded, {unsupported} unsupported, {error} with errors (built-in rules included); {} have a log source no mapping routes and do not run live",
        pipeline.unrouted_rules
    );
    let state = AppState::new(store.clone(), pipeline.clone(), config);
    let mut receivers = Vec::new();
    if let Some(addr) = args.syslog_udp {
        let sock = tokio::net::UdpSocket::bind(addr)
            .await
            .with_context(|| format!("binding syslog UDP {addr}"))?;
        println!("Syslog UDP: {}", sock.local_addr()?);
        receivers.push(tokio::spawn(lachan_server::pipeline::syslog::serve_udp(
            pipeline.clone(),
            sock,
        )));
    }
    if let Some(addr) = args.syslog_tcp {
        let l = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding syslog TCP {addr}"))?;
        println!("Syslog TCP: {}", l.local_addr()?);
        receivers.push(tokio::spawn(lachan_server::pipeline::syslog::serve_tcp(
            pipeline.clone(),
            l,
        )));
    }

    let listener = std::net::TcpListener::bind(args.listen)
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    drop(listener);
    let host = if addr.ip().is_unspecified() {
        "localhost".to_string()
    } else {
        addr.ip().to_string()
    };
    println!("Lá Chắn console: {scheme}://{host}:{}/", addr.port());
    if let Some(f) = first {
        match f.password {
            Some(pw) => println!(
                "First run: administrator login  user: {}  password: {pw}  (shown once; change it after logging in)",
                f.username
            ),
            None => println!(
                "First run: administrator login  user: {}  password: from LACHAN_ADMIN_PASSWORD",
                f.username
            ),
        }
    }
    tracing::info!(%addr, data = %data.path().display(), "serving");
    lachan_server::serve(state, addr, tls_config, shutdown_signal())
        .await
        .context("serving HTTP")?;
    for r in receivers {
        r.abort();
    }
    pipeline.events().close_events().await;
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

#[derive(clap::Args)]
pub struct BenchIngestArgs {
    /// Events to generate
    #[arg(long, default_value_t = 200_000)]
    pub events: u64,
    /// Sigma rules for detection, beside the built-in rules (e.g. the SigmaHQ set)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Events per ingest batch
    #[arg(long, default_value_t = 2000)]
    pub batch: usize,
    /// Directory for the throw-away stores (default: a new temporary directory)
    #[arg(long)]
    pub data: Option<PathBuf>,
}

/// Rule matching runs on rayon's global pool; name its threads so that `top -H` and the
/// bench's CPU figures tell them apart (the pool is built once; a second call is a no-op).
fn name_match_threads() {
    let _ = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("lachan-match-{i}"))
        .build_global();
}

pub fn bench_ingest(args: BenchIngestArgs) -> anyhow::Result<ExitCode> {
    if args.batch == 0 || args.events == 0 {
        bail!("--events and --batch must be at least 1");
    }
    let dir = match &args.data {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("lachan-bench-ingest-{}", std::process::id())),
    };
    if dir.exists() && std::fs::read_dir(&dir)?.next().is_some() {
        bail!(
            "{} is not empty; the bench needs a fresh directory",
            dir.display()
        );
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    name_match_threads();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let rules = lachan_server::pipeline::RulesConfig {
        dir: args.rules.clone(),
        mapping: None,
    };
    let result = rt.block_on(async {
        let store = lachan_store::sqlite::SqliteStore::open(&dir.join("lachan.db")).await?;
        let store = std::sync::Arc::new(store);
        println!(
            "generating {} events in batches of {} …",
            args.events, args.batch
        );
        let r = lachan_server::pipeline::bench::run(&dir, store, &rules, args.events, args.batch)
            .await?;
        anyhow::Ok(r)
    });
    if args.data.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let r = result?;
    let rss = lachan_server::pipeline::bench::peak_rss_mb().unwrap_or(0.0);
    let cpu: Vec<String> = r
        .cpu
        .iter()
        .filter(|(_, s)| *s >= 0.01)
        .map(|(n, s)| format!("{n} {s:.1} s"))
        .collect();
    println!(
        "rules: {} loaded in {:.2} s; {} events in {:.2} s; {} detections, {} alerts opened",
        r.rules_loaded, r.rules_load_seconds, r.events, r.seconds, r.detections, r.alerts
    );
    let stages: Vec<String> = r
        .stage_seconds
        .iter()
        .map(|(n, s)| format!("{n} {s:.2} s"))
        .collect();
    println!("stage time (overlapping): {}", stages.join(", "));
    println!("cpu by thread (rules loading included): {}", cpu.join(", "));
    for (q, total, ms) in &r.searches {
        println!("search {q:<40} total {total:>9}  {ms:>8.1} ms");
    }
    println!(
        "events/s: {:.0}  p99_alert_ms: {:.0}  peak_rss_mb: {:.0}",
        r.events_per_sec, r.p99_alert_ms, rss
    );
    Ok(ExitCode::SUCCESS)
}
