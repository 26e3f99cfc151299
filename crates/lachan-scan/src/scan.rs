//! One local scan: policies, account review and (optionally) YARA, into a
//! [`ScanReport`]. Used by `lachan scan` and reusable by the agent.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::accounts::{AccountSources, ReviewOptions, review_accounts};
use crate::report::{HostFacts, ScanReport, now_rfc3339};
use crate::sca::{OsFamily, Platform, Policy, PolicyError, load_policies, run_policy};

/// YARA part of a scan.
#[derive(Debug, Clone)]
pub struct YaraConfig {
    pub rules_dir: PathBuf,
    pub paths: Vec<PathBuf>,
    pub max_file_size: u64,
    pub quarantine_dir: Option<PathBuf>,
}

/// What to scan.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// Policy files or directories; empty means the built-in policies for this OS.
    pub policy_paths: Vec<PathBuf>,
    pub security_level: Option<u8>,
    pub command_timeout: Duration,
    /// Account review settings; `None` skips the review.
    pub accounts: Option<(AccountSources, ReviewOptions)>,
    pub yara: Option<YaraConfig>,
}

impl Default for ScanConfig {
    fn default() -> Self {
        Self {
            policy_paths: Vec::new(),
            security_level: None,
            command_timeout: Duration::from_secs(10),
            accounts: Some((AccountSources::default(), ReviewOptions::default())),
            yara: None,
        }
    }
}

/// Why a scan could not run.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[cfg(feature = "yara")]
    #[error(transparent)]
    Yara(#[from] crate::malware::YaraError),
    #[error("this build has no YARA support (rebuild with the `yara` feature)")]
    YaraUnavailable,
}

/// Loads the policies a config names (or the built-ins for this OS). An entry that
/// names a built-in policy (`lachan_d06_workstation_linux`, `builtin:…`, with or without
/// `.yml`) loads that policy; anything else is a file or directory.
pub fn load_configured_policies(cfg: &ScanConfig) -> Result<Vec<Policy>, PolicyError> {
    if cfg.policy_paths.is_empty() {
        return crate::policies::builtin_for(OsFamily::current());
    }
    let mut out = Vec::new();
    for p in &cfg.policy_paths {
        match p.to_str().and_then(crate::policies::builtin_named) {
            Some(b) => out.push(b.load()?),
            None => out.extend(load_policies(p)?),
        }
    }
    Ok(out)
}

/// A malware-only result (no policies, no account review) from an already compiled
/// scanner, so that repeated scans (each file the integrity monitor sees change) do not
/// compile the rules again.
#[cfg(feature = "yara")]
pub fn malware_report(scanner: &crate::malware::YaraScanner, y: &YaraConfig) -> ScanReport {
    let start = Instant::now();
    let started_at = now_rfc3339();
    let opts = crate::malware::ScanOptions {
        max_file_size: y.max_file_size,
        quarantine_dir: y.quarantine_dir.clone(),
        ..Default::default()
    };
    let (malware, summary) = scanner.scan_paths(&y.paths, &opts);
    ScanReport {
        tool: format!("lachan {}", env!("CARGO_PKG_VERSION")),
        host: HostFacts::collect(),
        started_at,
        finished_at: now_rfc3339(),
        duration_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        security_level: None,
        policies: Vec::new(),
        accounts: Vec::new(),
        malware,
        malware_scan: Some(summary),
        warnings: Vec::new(),
    }
}

/// Runs a whole scan.
pub fn run_scan(cfg: &ScanConfig) -> Result<ScanReport, ScanError> {
    let start = Instant::now();
    let started_at = now_rfc3339();
    let policies = load_configured_policies(cfg)?;
    let mut warnings: Vec<String> = policies.iter().flat_map(|p| p.warnings.clone()).collect();

    // Load YARA rules before the long part so that bad rules fail fast.
    #[cfg(feature = "yara")]
    let yara = match &cfg.yara {
        None => None,
        Some(y) => Some((crate::malware::load_rules_dir(&y.rules_dir)?, y)),
    };
    #[cfg(not(feature = "yara"))]
    if cfg.yara.is_some() {
        return Err(ScanError::YaraUnavailable);
    }

    let mut platform = Platform::local();
    platform.command_timeout = cfg.command_timeout;
    platform.security_level = cfg.security_level;
    let host = HostFacts::collect();
    let results = policies.iter().map(|p| run_policy(p, &platform)).collect();

    let accounts = match &cfg.accounts {
        None => Vec::new(),
        Some((src, opts)) => review_accounts(src, opts).unwrap_or_else(|e| {
            warnings.push(format!(
                "account review skipped: {}",
                crate::error_chain(&e)
            ));
            Vec::new()
        }),
    };

    #[cfg(feature = "yara")]
    let (malware, malware_scan) = match yara {
        None => (Vec::new(), None),
        Some((scanner, y)) => {
            let opts = crate::malware::ScanOptions {
                max_file_size: y.max_file_size,
                quarantine_dir: y.quarantine_dir.clone(),
                ..Default::default()
            };
            let (found, summary) = scanner.scan_paths(&y.paths, &opts);
            (found, Some(summary))
        }
    };
    #[cfg(not(feature = "yara"))]
    let (malware, malware_scan): (
        Vec<crate::malware::MalwareFinding>,
        Option<crate::malware::MalwareScanSummary>,
    ) = (Vec::new(), None);

    Ok(ScanReport {
        tool: format!("lachan {}", env!("CARGO_PKG_VERSION")),
        host,
        started_at,
        finished_at: now_rfc3339(),
        duration_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        security_level: cfg.security_level,
        policies: results,
        accounts,
        malware,
        malware_scan,
        warnings,
    })
}
