//! `lachan agent`: the endpoint agent.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use lachan_agent::AgentConfig;
use lachan_core::agent_settings::{ComplianceSettings, MalwareSettings};

#[derive(clap::Args)]
pub struct AgentArgs {
    /// Server base URL, e.g. https://soc.tinh.gov.vn:8443
    #[arg(long, env = "LACHAN_SERVER")]
    pub server: String,
    /// Enrollment token (first run only; from `lachan admin enroll-token`)
    #[arg(long, env = "LACHAN_ENROLL_TOKEN")]
    pub token: Option<String>,
    /// Directory for the identity, spool and positions
    #[arg(long, default_value = "./lachan-agent", env = "LACHAN_AGENT_DATA")]
    pub data: PathBuf,
    /// Local YAML settings added to the command line (files, journald, spool_max_mb, …)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Log files to follow (glob; repeatable)
    #[arg(long = "file")]
    pub files: Vec<String>,
    /// Follow the systemd journal
    #[arg(long)]
    pub journald: bool,
    /// File-integrity monitoring of a file or directory (repeatable)
    #[arg(long = "fim")]
    pub fim: Vec<PathBuf>,
    /// Report USB mass-storage devices attached and detached
    #[arg(long)]
    pub usb: bool,
    /// Do not send the machine's inventory (OS, hardware, interfaces, packages, ports, accounts)
    #[arg(long)]
    pub no_inventory: bool,
    /// Read USB devices from this directory instead of /sys/bus/usb/devices (simulation, drills)
    #[arg(long, requires = "usb")]
    pub usb_sysfs: Option<PathBuf>,
    /// Expected SHA-256 of the server certificate (hex); otherwise pinned at enrollment
    #[arg(long)]
    pub server_cert_sha256: Option<String>,
    /// Spool bound in MiB (oldest batches are dropped past it, and counted)
    #[arg(long)]
    pub spool_max_mb: Option<u64>,
    /// Seconds between heartbeats
    #[arg(long)]
    pub heartbeat_secs: Option<u64>,
    /// Run the compliance checks (built-in policies, or --compliance-policy) every this
    /// many minutes and send the result to the server; 0 leaves the schedule to the
    /// agent group's settings
    #[arg(long, default_value_t = 0)]
    pub compliance_minutes: u64,
    /// Policy file or directory, or a built-in policy name, for the compliance checks;
    /// repeatable
    #[arg(long = "compliance-policy", value_name = "FILE|DIR")]
    pub compliance_policies: Vec<PathBuf>,
    /// Security level (1-5) of the system this machine belongs to
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub compliance_level: Option<u8>,
}

/// Compliance checks: the same as `lachan scan`, with the account review.
fn compliance_runner() -> lachan_agent::config::ComplianceRunner {
    std::sync::Arc::new(|c: &ComplianceSettings| {
        let cfg = lachan_scan::scan::ScanConfig {
            policy_paths: c.policies.iter().map(PathBuf::from).collect(),
            security_level: c.security_level,
            accounts: Some((
                lachan_scan::accounts::AccountSources::default(),
                lachan_scan::accounts::ReviewOptions::default(),
            )),
            ..Default::default()
        };
        lachan_scan::scan::run_scan(&cfg)
            .map(|r| r.to_json())
            .map_err(|e| e.to_string())
    })
}

/// Malware scans with YARA; the compiled rules are kept until the rules directory
/// changes (scans of changed files come often).
fn malware_runner() -> lachan_agent::config::MalwareRunner {
    type Compiled = Option<(PathBuf, std::sync::Arc<lachan_scan::malware::YaraScanner>)>;
    let cache: std::sync::Arc<std::sync::Mutex<Compiled>> = Default::default();
    std::sync::Arc::new(move |m: &MalwareSettings, paths: &[PathBuf]| {
        let dir = PathBuf::from(&m.rules);
        let scanner = {
            let mut c = cache
                .lock()
                .map_err(|_| "rule cache poisoned".to_string())?;
            match c.as_ref() {
                Some((d, s)) if *d == dir => s.clone(),
                _ => {
                    let s = std::sync::Arc::new(
                        lachan_scan::malware::load_rules_dir(&dir).map_err(|e| e.to_string())?,
                    );
                    *c = Some((dir.clone(), s.clone()));
                    s
                }
            }
        };
        let y = lachan_scan::scan::YaraConfig {
            rules_dir: dir,
            paths: paths.to_vec(),
            max_file_size: m.max_file_mb.unwrap_or(64) << 20,
            quarantine_dir: m.quarantine_dir.as_ref().map(PathBuf::from),
        };
        Ok(lachan_scan::scan::malware_report(&scanner, &y).to_json())
    })
}

pub fn run(args: AgentArgs) -> anyhow::Result<ExitCode> {
    super::init_tracing();
    let mut cfg = AgentConfig::new(&args.server, &args.data);
    cfg.files = args.files.clone();
    cfg.journald = args.journald;
    cfg.fim = args.fim.clone();
    cfg.usb = args.usb;
    cfg.inventory = !args.no_inventory;
    cfg.usb_sysfs = args.usb_sysfs.clone();
    cfg.server_cert_sha256 = args.server_cert_sha256.clone();
    if args.compliance_minutes > 0 {
        cfg.compliance = Some(ComplianceSettings {
            every_minutes: args.compliance_minutes,
            policies: args
                .compliance_policies
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            security_level: args.compliance_level,
        });
    }
    cfg.assessors = lachan_agent::config::Assessors {
        compliance: Some(compliance_runner()),
        malware: Some(malware_runner()),
    };
    if let Some(p) = &args.config {
        cfg.merge_file(p)?;
    }
    if let Some(mb) = args.spool_max_mb {
        anyhow::ensure!(mb >= 1, "--spool-max-mb must be at least 1");
        cfg.spool_max_bytes = mb * 1024 * 1024;
    }
    if let Some(s) = args.heartbeat_secs {
        cfg.heartbeat_every = std::time::Duration::from_secs(s.max(1));
    }
    anyhow::ensure!(
        cfg.server.starts_with("http://") || cfg.server.starts_with("https://"),
        "--server must be an http:// or https:// URL"
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let id = lachan_agent::run::ensure_identity(&cfg, args.token.as_deref()).await?;
        println!(
            "agent {} of agency {} → {}",
            id.agent_id, id.agency_code, id.server
        );
        lachan_agent::run::run(cfg, id, stop_signal()).await?;
        anyhow::Ok(ExitCode::SUCCESS)
    })
}

/// Ctrl-C or SIGTERM: the agent seals what it collected into the spool and exits.
async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
