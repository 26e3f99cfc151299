//! Agent settings: the command line plus an optional local YAML file that adds to them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use lachan_core::agent_settings::{AgentSettings, ComplianceSettings, MalwareSettings};
use serde::Deserialize;

use crate::AgentError;

#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// Server base URL (`https://soc.example:8443`).
    pub server: String,
    pub data: PathBuf,
    /// Log files to follow (glob patterns).
    pub files: Vec<String>,
    /// Follow the systemd journal.
    pub journald: bool,
    /// Paths (files or directories) under file-integrity monitoring.
    pub fim: Vec<std::path::PathBuf>,
    /// Watch USB mass-storage devices.
    pub usb: bool,
    /// Send the machine's inventory at start and on change.
    pub inventory: bool,
    /// Read USB devices from this tree instead of `/sys/bus/usb/devices` (simulation).
    pub usb_sysfs: Option<std::path::PathBuf>,
    /// Seal a batch at this many events …
    pub batch_events: usize,
    /// … or after this long.
    pub batch_wait: Duration,
    /// Bound of the on-disk spool.
    pub spool_max_bytes: u64,
    pub heartbeat_every: Duration,
    /// Expected SHA-256 of the server certificate (hex); pinned at enrollment otherwise.
    pub server_cert_sha256: Option<String>,
    /// Compliance checks on a schedule (command line or local file; a group's
    /// settings fill this in when neither sets it).
    pub compliance: Option<ComplianceSettings>,
    /// Malware scanning (local file, or the group's settings).
    pub malware: Option<MalwareSettings>,
    /// How compliance checks and malware scans are run (supplied by the binary, so this
    /// crate stays free of the assessment engine).
    pub assessors: Assessors,
}

/// Runs the compliance checks of `settings`: the JSON of a `lachan scan` result.
pub type ComplianceRunner =
    Arc<dyn Fn(&ComplianceSettings) -> Result<String, String> + Send + Sync>;
/// Scans `paths` with the rules of `settings`: the JSON of a `lachan scan` result with
/// its `malware` part.
pub type MalwareRunner =
    Arc<dyn Fn(&MalwareSettings, &[PathBuf]) -> Result<String, String> + Send + Sync>;

/// The assessment steps this build can run.
#[derive(Clone, Default)]
pub struct Assessors {
    pub compliance: Option<ComplianceRunner>,
    pub malware: Option<MalwareRunner>,
}

impl std::fmt::Debug for Assessors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assessors")
            .field("compliance", &self.compliance.is_some())
            .field("malware", &self.malware.is_some())
            .finish()
    }
}

impl AgentConfig {
    pub fn new(server: &str, data: &Path) -> Self {
        Self {
            server: server.trim_end_matches('/').to_string(),
            data: data.to_path_buf(),
            files: Vec::new(),
            journald: false,
            fim: Vec::new(),
            usb: false,
            inventory: true,
            usb_sysfs: None,
            batch_events: 500,
            batch_wait: Duration::from_secs(2),
            spool_max_bytes: 256 * 1024 * 1024,
            heartbeat_every: Duration::from_secs(30),
            server_cert_sha256: None,
            compliance: None,
            malware: None,
            assessors: Assessors::default(),
        }
    }

    /// These settings with a group's central settings added: the group's files, paths
    /// and switches join the local ones; the group's schedules apply where the local
    /// settings set none.
    pub fn with_central(&self, central: &AgentSettings) -> AgentConfig {
        let mut out = self.clone();
        for f in &central.files {
            if !out.files.contains(f) {
                out.files.push(f.clone());
            }
        }
        for p in central.fim.iter().map(PathBuf::from) {
            if !out.fim.contains(&p) {
                out.fim.push(p);
            }
        }
        out.journald |= central.journald;
        out.usb |= central.usb;
        if let Some(h) = central.heartbeat_secs {
            out.heartbeat_every = Duration::from_secs(h);
        }
        if out.compliance.is_none() {
            out.compliance = central.compliance.clone();
        }
        if out.malware.is_none() {
            out.malware = central.malware.clone();
        }
        out
    }

    /// Add the settings of a local YAML file:
    /// `files: [/var/log/auth.log, …]`, `journald: true`, `spool_max_mb: 256`,
    /// `batch_events: 500`, `batch_wait_ms: 2000`, `heartbeat_secs: 30`.
    pub fn merge_file(&mut self, path: &Path) -> Result<(), AgentError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            files: Vec<String>,
            journald: Option<bool>,
            #[serde(default)]
            fim: Vec<PathBuf>,
            usb: Option<bool>,
            inventory: Option<bool>,
            spool_max_mb: Option<u64>,
            batch_events: Option<usize>,
            batch_wait_ms: Option<u64>,
            heartbeat_secs: Option<u64>,
            compliance: Option<ComplianceSettings>,
            malware: Option<MalwareSettings>,
        }
        let text = std::fs::read_to_string(path).map_err(|e| crate::io_err(path, e))?;
        let f: File = serde_saphyr::from_str(&text).map_err(|e| AgentError::Config {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let bad = |reason: &str| AgentError::Config {
            path: path.display().to_string(),
            reason: reason.to_string(),
        };
        self.files.extend(f.files);
        self.fim.extend(f.fim);
        if let Some(u) = f.usb {
            self.usb = u;
        }
        if let Some(i) = f.inventory {
            self.inventory = i;
        }
        if let Some(j) = f.journald {
            self.journald = j;
        }
        if let Some(mb) = f.spool_max_mb {
            if mb == 0 {
                return Err(bad("spool_max_mb must be at least 1"));
            }
            self.spool_max_bytes = mb * 1024 * 1024;
        }
        if let Some(n) = f.batch_events {
            if !(1..=10_000).contains(&n) {
                return Err(bad("batch_events must be 1..=10000"));
            }
            self.batch_events = n;
        }
        if let Some(ms) = f.batch_wait_ms {
            self.batch_wait = Duration::from_millis(ms.max(50));
        }
        if let Some(s) = f.heartbeat_secs {
            self.heartbeat_every = Duration::from_secs(s.max(1));
        }
        // The same rules as a group's settings, so a local file cannot schedule what the
        // server would refuse (the watched paths may come from the group, so they are not
        // required here).
        let check = AgentSettings {
            compliance: f.compliance.clone(),
            malware: f.malware.clone(),
            fim: vec!["/".into()],
            ..Default::default()
        };
        check
            .validate()
            .map_err(|e| bad(&format!("{}: {}", e.field, e.message)))?;
        if f.compliance.is_some() {
            self.compliance = f.compliance;
        }
        if f.malware.is_some() {
            self.malware = f.malware;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn file_adds_to_the_command_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("agent.yml");
        std::fs::write(
            &p,
            "files: [/var/log/auth.log]\njournald: true\nspool_max_mb: 8\n",
        )
        .unwrap();
        let mut c = AgentConfig::new("https://soc:8443/", dir.path());
        c.files.push("/var/log/syslog".into());
        c.merge_file(&p).unwrap();
        assert_eq!(c.server, "https://soc:8443");
        assert_eq!(c.files, vec!["/var/log/syslog", "/var/log/auth.log"]);
        assert!(c.journald);
        assert_eq!(c.spool_max_bytes, 8 * 1024 * 1024);
        std::fs::write(&p, "files: [a]\nbogus: 1\n").unwrap();
        let e = c.merge_file(&p).unwrap_err().to_string();
        assert!(e.contains("agent.yml"), "{e}");
        std::fs::write(&p, "malware: {rules: yara, on_fim: true}\n").unwrap();
        let e = c.merge_file(&p).unwrap_err().to_string();
        assert!(e.contains("malware.rules"), "{e}");
    }

    #[test]
    fn group_settings_join_the_local_ones() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = AgentConfig::new("https://soc:8443", dir.path());
        c.files.push("/var/log/app.log".into());
        let central: AgentSettings = serde_json::from_str(
            r#"{"files":["/var/log/auth.log","/var/log/app.log"],"fim":["/etc"],"usb":true,
                "heartbeat_secs":60,"compliance":{"every_minutes":720}}"#,
        )
        .unwrap();
        let e = c.with_central(&central);
        assert_eq!(e.files, ["/var/log/app.log", "/var/log/auth.log"]);
        assert_eq!(e.fim, [PathBuf::from("/etc")]);
        assert!(e.usb && !e.journald);
        assert_eq!(e.heartbeat_every, Duration::from_secs(60));
        assert_eq!(e.compliance.as_ref().map(|c| c.every_minutes), Some(720));
        // A schedule given locally stands.
        c.compliance = Some(ComplianceSettings {
            every_minutes: 15,
            policies: Vec::new(),
            security_level: None,
        });
        assert_eq!(
            c.with_central(&central).compliance.unwrap().every_minutes,
            15
        );
    }
}
