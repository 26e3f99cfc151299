//! The host a policy runs against: OS family, command runner settings, a process
//! list, and a per-run command cache (many checks run the same command).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::command::{CommandError, CommandOutput, run_command};

/// Operating-system family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OsFamily {
    Linux,
    Windows,
    Macos,
    Other,
}

impl OsFamily {
    /// The family this binary was built for.
    pub fn current() -> Self {
        if cfg!(target_os = "linux") {
            Self::Linux
        } else if cfg!(windows) {
            Self::Windows
        } else if cfg!(target_os = "macos") {
            Self::Macos
        } else {
            Self::Other
        }
    }
}

/// Names a running process answers to (`p:` rules compare against each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessNames {
    /// Kernel short name (`/proc/PID/comm`).
    pub comm: String,
    /// First argument of the command line (as started, maybe a path).
    pub argv0: String,
    /// Resolved executable path when readable.
    pub exe: String,
}

impl ProcessNames {
    /// Whether a `p:` target names this process (exact name, or path, or basename).
    pub fn answers_to(&self, name: &str) -> bool {
        let base = |s: &str| s.rsplit('/').next().unwrap_or(s).to_string();
        name == self.comm
            || name == self.argv0
            || name == self.exe
            || (!name.contains('/') && (name == base(&self.argv0) || name == base(&self.exe)))
    }
}

/// Options and caches for evaluating policies on one host.
pub struct Platform {
    pub os: OsFamily,
    /// Each command is killed after this long (the rule becomes not applicable).
    pub command_timeout: Duration,
    /// Files larger than this are not read for content tests.
    pub max_file_bytes: u64,
    /// Evaluate checks even when the policy requirements do not hold (for testing
    /// foreign policies on a host).
    pub ignore_requirements: bool,
    /// Security level (1–5) of the information system the host belongs to; checks
    /// with a higher `min_level` are reported not applicable. `None` runs all.
    pub security_level: Option<u8>,
    /// Whether `c:` rules may run commands. Disable for policies from an
    /// untrusted source (their command rules are then not applicable).
    pub allow_commands: bool,
    /// Checks evaluated concurrently (default 4; results keep policy order).
    pub workers: usize,
    /// Program used to read the registry on Windows (`reg.exe`).
    pub registry_tool: String,
    processes: OnceLock<Result<Vec<ProcessNames>, String>>,
    commands: Mutex<HashMap<String, Result<CommandOutput, CommandError>>>,
}

impl Default for Platform {
    fn default() -> Self {
        Self::local()
    }
}

impl Platform {
    /// The local host with default limits (10 s per command, 16 MiB per file).
    pub fn local() -> Self {
        Self {
            os: OsFamily::current(),
            command_timeout: Duration::from_secs(10),
            max_file_bytes: 16 << 20,
            ignore_requirements: false,
            security_level: None,
            allow_commands: true,
            registry_tool: "reg.exe".to_string(),
            workers: 4,
            processes: OnceLock::new(),
            commands: Mutex::new(HashMap::new()),
        }
    }

    /// Uses a fixed process list instead of reading `/proc` (for tests).
    pub fn with_processes(self, list: Vec<ProcessNames>) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(Ok(list));
        Self {
            processes: cell,
            ..self
        }
    }

    /// The running processes (read once per platform).
    pub fn processes(&self) -> Result<&[ProcessNames], String> {
        self.processes
            .get_or_init(read_processes)
            .as_ref()
            .map(Vec::as_slice)
            .map_err(Clone::clone)
    }

    /// Runs a command once per platform; later calls get the cached output.
    pub fn command(&self, line: &str) -> Result<CommandOutput, CommandError> {
        if let Ok(cache) = self.commands.lock()
            && let Some(hit) = cache.get(line)
        {
            return hit.clone();
        }
        let result = run_command(line, self.command_timeout);
        if let Ok(mut cache) = self.commands.lock() {
            cache.insert(line.to_string(), result.clone());
        }
        result
    }
}

#[cfg(target_os = "linux")]
fn read_processes() -> Result<Vec<ProcessNames>, String> {
    let dir = std::fs::read_dir("/proc").map_err(|e| format!("cannot list /proc: {e}"))?;
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let base = format!("/proc/{pid}");
        let Ok(comm) = std::fs::read_to_string(format!("{base}/comm")) else {
            continue; // exited meanwhile
        };
        let argv0 = std::fs::read(format!("{base}/cmdline"))
            .ok()
            .and_then(|b| {
                b.split(|&c| c == 0)
                    .next()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
            })
            .unwrap_or_default();
        let exe = std::fs::read_link(format!("{base}/exe"))
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        out.push(ProcessNames {
            comm: comm.trim_end().to_string(),
            argv0,
            exe,
        });
    }
    Ok(out)
}

#[cfg(not(target_os = "linux"))]
fn read_processes() -> Result<Vec<ProcessNames>, String> {
    Err("process listing is implemented for Linux only".to_string())
}
