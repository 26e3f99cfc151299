//! `lachan`: the single binary. Parses the command line and hands each
//! subcommand to its runner in `cmd/`. Owns `anyhow` and process exit codes.

mod cmd;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "lachan",
    version,
    about = "Lá Chắn — cyber-security monitoring and operations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the central server (API, web console)
    Serve(cmd::serve::ServeArgs),
    /// Run the endpoint agent (enrolls on first run, then collects and delivers)
    Agent(cmd::agent::AgentArgs),
    /// Administrative tasks: users, backup, audit verification, demo data
    #[command(subcommand)]
    Admin(cmd::admin::AdminCommand),
    /// Sweep EVTX / JSON / syslog files with Sigma rules
    Hunt(cmd::hunt::HuntArgs),
    /// Sigma rule tools
    #[command(subcommand)]
    Sigma(cmd::sigma::SigmaCommand),
    /// One-shot endpoint assessment for inspectors
    Scan(cmd::scan::ScanArgs),
    /// Check web portals for compromise and misconfiguration
    Webcheck(cmd::webcheck::WebcheckArgs),
    /// Measure throughput and memory
    #[command(subcommand)]
    Bench(cmd::bench::BenchCommand),
}

fn main() -> std::process::ExitCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => cmd::serve::run(args),
        Command::Agent(args) => cmd::agent::run(args),
        Command::Admin(c) => cmd::admin::run(c),
        Command::Hunt(args) => cmd::hunt::run(args),
        Command::Sigma(c) => cmd::sigma::run(c),
        Command::Scan(args) => cmd::scan::run(args),
        Command::Webcheck(args) => cmd::webcheck::run(args),
        Command::Bench(c) => cmd::bench::run(c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
