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
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    super::init_tracing();
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
                    "Dữ liệu mẫu / demo data loaded: {} agencies, {} information systems.",
                    d.agencies, d.systems
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
    let state = AppState::new(store.clone(), config);

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
