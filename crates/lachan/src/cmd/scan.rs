//! `lachan scan`: local endpoint assessment (policies, accounts, malware) and
//! `lachan bench yara`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use lachan_scan::accounts::{AccountSources, ReviewOptions};
use lachan_scan::report::{html, table};
use lachan_scan::scan::{ScanConfig, YaraConfig, run_scan};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Html,
}

#[derive(clap::Args)]
pub struct ScanArgs {
    /// Policy file or directory (Wazuh SCA YAML); repeatable. Default: the
    /// built-in policies for this platform
    #[arg(long = "policy", value_name = "FILE|DIR")]
    pub policies: Vec<PathBuf>,
    /// Security level (1-5) of the information system; checks above it are
    /// reported not applicable
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub level: Option<u8>,
    /// Directory of YARA rules (*.yar, *.yara); needs --path
    #[arg(long, value_name = "DIR", requires = "paths")]
    pub yara: Option<PathBuf>,
    /// File or directory to scan with YARA; repeatable
    #[arg(long = "path", value_name = "PATH", requires = "yara")]
    pub paths: Vec<PathBuf>,
    /// Skip files larger than this many MiB during the YARA scan
    #[arg(long, default_value_t = 64)]
    pub max_file_mb: u64,
    /// Move matching files into this directory (restorable with --restore)
    #[arg(long, value_name = "DIR", requires = "yara")]
    pub quarantine: Option<PathBuf>,
    /// Restore a quarantined file from its JSON record and exit
    #[arg(long, value_name = "RECORD.json", conflicts_with_all = ["yara", "policies"])]
    pub restore: Option<PathBuf>,
    /// Report accounts unused for more than this many days
    #[arg(long, default_value_t = 90)]
    pub unused_days: u32,
    /// Skip the local account review
    #[arg(long)]
    pub no_accounts: bool,
    /// Timeout for each policy command, in seconds
    #[arg(long, default_value_t = 10)]
    pub command_timeout: u64,
    /// Output format written to --out (or standard output)
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write the --format output to this file; the table summary still goes to
    /// standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the JSON result to this file
    #[arg(long, value_name = "FILE")]
    pub json_out: Option<PathBuf>,
    /// Also write the HTML report to this file
    #[arg(long, value_name = "FILE")]
    pub html_out: Option<PathBuf>,
    /// Upload the JSON result to this server (records an inspection of this host)
    #[arg(long, value_name = "URL", requires = "token")]
    pub upload: Option<String>,
    /// API token for --upload
    #[arg(long, env = "LACHAN_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Agency of this host (code), for --upload
    #[arg(long, value_name = "CODE")]
    pub agency: Option<String>,
    /// Inspection target this scan is the result of, for --upload
    #[arg(long, value_name = "ID")]
    pub target_id: Option<i64>,
    /// Information system this host serves (code), for --upload; without it the server
    /// links the host to the system whose registered assets name it
    #[arg(long, value_name = "CODE")]
    pub system: Option<String>,
    /// SHA-256 of the server's certificate, to trust a self-signed server
    #[arg(long, value_name = "HEX")]
    pub server_cert_sha256: Option<String>,
}

/// Send the JSON result to the server; prints what it recorded.
fn upload(args: &ScanArgs, json: String) -> anyhow::Result<()> {
    let (Some(url), Some(token)) = (&args.upload, &args.token) else {
        return Ok(());
    };
    if args.agency.is_none() && args.target_id.is_none() {
        anyhow::bail!("--upload needs --agency CODE or --target-id ID");
    }
    let mut path = String::from("/scans?");
    if let Some(a) = &args.agency {
        path.push_str(&format!("agency_code={}&", url_encode(a)));
    }
    if let Some(c) = &args.system {
        path.push_str(&format!("system_code={}&", url_encode(c)));
    }
    if let Some(t) = args.target_id {
        path.push_str(&format!("target_id={t}"));
    }
    let client = lachan_agent::sender::Client::new(url, args.server_cert_sha256.clone())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let (status, v) = rt
        .block_on(client.post_json(&path, token, json.into_bytes()))
        .map_err(|e| anyhow::anyhow!("upload failed: {e}"))?;
    if status != 201 {
        let msg = v["error"]["message"].as_str().unwrap_or("no reason given");
        anyhow::bail!("upload refused (HTTP {status}): {msg}");
    }
    eprintln!(
        "Đã tải lên / uploaded: scan #{} of {} (system {}) — {} findings ({} new)",
        v["id"],
        v["host"],
        v["system_code"].as_str().unwrap_or("—"),
        v["findings"],
        v["findings_new"]
    );
    Ok(())
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn write(path: &PathBuf, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    if let Some(rec) = &args.restore {
        let to = lachan_scan::malware::restore_file(rec)?;
        println!("Đã khôi phục (restored): {}", to.display());
        return Ok(ExitCode::SUCCESS);
    }
    let cfg = ScanConfig {
        policy_paths: args.policies.clone(),
        security_level: args.level,
        command_timeout: Duration::from_secs(args.command_timeout.max(1)),
        accounts: (!args.no_accounts).then(|| {
            (
                AccountSources::default(),
                ReviewOptions {
                    unused_days: args.unused_days,
                    ..ReviewOptions::default()
                },
            )
        }),
        yara: args.yara.clone().map(|rules_dir| YaraConfig {
            rules_dir,
            paths: args.paths.clone(),
            max_file_size: args.max_file_mb.saturating_mul(1 << 20),
            quarantine_dir: args.quarantine.clone(),
        }),
    };
    let report = run_scan(&cfg)?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let rendered = match args.format {
        Format::Table => table::render(&report),
        Format::Json => report.to_json(),
        Format::Html => html::render(&report),
    };
    match &args.out {
        Some(path) => {
            write(path, &rendered)?;
            if !matches!(args.format, Format::Table) {
                print!("{}", table::render(&report));
            }
            eprintln!("wrote {}", path.display());
        }
        None => print!("{rendered}"),
    }
    if let Some(p) = &args.json_out {
        write(p, &report.to_json())?;
        eprintln!("wrote {}", p.display());
    }
    if let Some(p) = &args.html_out {
        write(p, &html::render(&report))?;
        eprintln!("wrote {}", p.display());
    }
    upload(&args, report.to_json())?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct BenchYaraArgs {
    /// Number of files to generate
    #[arg(long, default_value_t = 400)]
    pub files: usize,
    /// Total size of the generated file set, MiB
    #[arg(long, default_value_t = 256)]
    pub size_mb: u64,
    /// Number of generated rules
    #[arg(long, default_value_t = 200)]
    pub rules: usize,
    /// Worker threads for both engines (default: available parallelism)
    #[arg(long)]
    pub threads: Option<usize>,
    /// Directory for the generated files (default: a temporary directory that is removed)
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn bench_yara(args: BenchYaraArgs) -> anyhow::Result<ExitCode> {
    let cfg = lachan_scan::malware::bench::BenchConfig {
        files: args.files,
        total_bytes: args.size_mb.saturating_mul(1 << 20),
        rules: args.rules,
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        dir: args.dir,
    };
    let report = lachan_scan::malware::bench::run(&cfg)?;
    print!("{}", report.render());
    Ok(ExitCode::SUCCESS)
}
