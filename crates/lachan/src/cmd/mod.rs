//! One module per subcommand. Each exposes its clap arguments and a `run`.

pub mod admin;
pub mod agent;
pub mod bench;
mod datadir;
pub mod hunt;
pub mod scan;
pub mod serve;
pub mod sigma;
pub mod webcheck;

/// Log to stderr; `RUST_LOG` overrides the default level.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
