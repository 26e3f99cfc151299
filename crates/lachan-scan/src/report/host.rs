//! Facts about the scanned host, for the report header.

use serde::{Deserialize, Serialize};

/// One network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interface {
    pub name: String,
    pub mac: String,
    pub addresses: Vec<String>,
}

/// Host identification collected at scan time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostFacts {
    pub hostname: String,
    pub os: String,
    pub os_id: String,
    pub os_version: String,
    pub kernel: String,
    pub arch: String,
    pub machine_id: String,
    pub vendor: String,
    pub product: String,
    /// Hardware serial number (readable by root only).
    pub serial: String,
    pub interfaces: Vec<Interface>,
    /// Whether the scan ran with root privileges (some checks need them).
    pub scanned_as_root: bool,
}

fn read_trim(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

fn os_release(key: &str, text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        .map(|v| v.trim().trim_matches('"').to_string())
        .unwrap_or_default()
}

impl HostFacts {
    /// Collects facts about the local host (best effort; missing facts stay empty).
    pub fn collect() -> Self {
        let osr = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
        let mut hostname = read_trim("/proc/sys/kernel/hostname");
        if hostname.is_empty() {
            hostname = read_trim("/etc/hostname");
        }
        let uid0 = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines().find_map(|l| {
                    l.strip_prefix("Uid:")
                        .map(|r| r.split_whitespace().nth(1) == Some("0"))
                })
            })
            .unwrap_or(false);
        Self {
            hostname,
            os: os_release("PRETTY_NAME", &osr),
            os_id: os_release("ID", &osr),
            os_version: os_release("VERSION_ID", &osr),
            kernel: read_trim("/proc/sys/kernel/osrelease"),
            arch: std::env::consts::ARCH.to_string(),
            machine_id: read_trim("/etc/machine-id"),
            vendor: read_trim("/sys/class/dmi/id/sys_vendor"),
            product: read_trim("/sys/class/dmi/id/product_name"),
            serial: read_trim("/sys/class/dmi/id/product_serial"),
            interfaces: interfaces(),
            scanned_as_root: uid0,
        }
    }
}

fn interfaces() -> Vec<Interface> {
    let Ok(dir) = std::fs::read_dir("/sys/class/net") else {
        return Vec::new();
    };
    let addrs =
        crate::sca::command::run_command("ip -o addr show", std::time::Duration::from_secs(5))
            .map(|o| o.stdout)
            .unwrap_or_default();
    let mut out: Vec<Interface> = dir
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if name == "lo" {
                return None;
            }
            let mac = read_trim(&format!("/sys/class/net/{name}/address"));
            let addresses = addrs
                .lines()
                .filter_map(|l| {
                    let mut w = l.split_whitespace();
                    let _idx = w.next()?;
                    if w.next()? != name {
                        return None;
                    }
                    let _fam = w.next()?;
                    w.next().map(str::to_string)
                })
                .collect();
            Some(Interface {
                name,
                mac,
                addresses,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
