//! Removable storage: USB mass-storage devices (an interface of class 08) appearing and
//! disappearing under `/sys/bus/usb/devices`, with vendor, product and serial.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{Collector, Record};

pub struct Usb {
    sysfs: PathBuf,
    host: String,
    poll: Duration,
    known: Option<BTreeMap<String, Value>>,
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

impl Usb {
    pub fn new(host: String) -> Self {
        Self::with_root(PathBuf::from("/sys/bus/usb/devices"), host)
    }

    /// Read devices from another tree (tests use a fake sysfs).
    pub fn with_root(sysfs: PathBuf, host: String) -> Self {
        Self {
            sysfs,
            host,
            poll: Duration::from_secs(2),
            known: None,
        }
    }

    /// Mass-storage devices present now: sysfs name → facts.
    fn devices(&self) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        let Ok(rd) = std::fs::read_dir(&self.sysfs) else {
            return out;
        };
        let entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        for dev in &entries {
            let name = dev
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            if name.contains(':') || read(dev, "idVendor").is_empty() {
                continue;
            }
            // Its interfaces are entries named "<name>:<config>.<interface>".
            let storage = entries.iter().any(|i| {
                i.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{name}:")))
                    && read(i, "bInterfaceClass") == "08"
            });
            if storage {
                out.insert(
                    name.clone(),
                    json!({"usb.vendor_id": read(dev, "idVendor"), "usb.product_id": read(dev, "idProduct"),
                        "usb.manufacturer": read(dev, "manufacturer"), "usb.product": read(dev, "product"),
                        "usb.serial": read(dev, "serial"), "usb.port": name}),
                );
            }
        }
        out
    }

    /// Compare with the last look; the first look reports devices already attached.
    pub fn poll_once(&mut self) -> Vec<Value> {
        let now = self.devices();
        let before = self.known.take().unwrap_or_default();
        let mut events = Vec::new();
        for (k, facts) in &now {
            if before.get(k) != Some(facts) {
                events.push(self.event("attached", facts));
            }
        }
        for (k, facts) in &before {
            if !now.contains_key(k) {
                events.push(self.event("detached", facts));
            }
        }
        self.known = Some(now);
        events
    }

    fn event(&self, action: &str, facts: &Value) -> Value {
        let mut v = facts.clone();
        v["Channel"] = json!("lachan.usb");
        v["host"] = json!(self.host);
        v["event.action"] = json!(action);
        v["timestamp"] = json!(jiff::Timestamp::now().to_string());
        v["message"] = json!(format!(
            "USB storage {action}: {} {} serial {}",
            facts["usb.manufacturer"].as_str().unwrap_or(""),
            facts["usb.product"].as_str().unwrap_or(""),
            facts["usb.serial"].as_str().unwrap_or("")
        ));
        v
    }
}

impl Collector for Usb {
    fn name(&self) -> &'static str {
        "usb"
    }

    fn run(
        mut self: Box<Self>,
        tx: mpsc::Sender<Record>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(async move {
            loop {
                if !super::send_all(&tx, self.poll_once()).await {
                    return;
                }
                tokio::time::sleep(self.poll).await;
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn plug(root: &Path, port: &str, class: &str, serial: &str) {
        let d = root.join(port);
        std::fs::create_dir_all(&d).unwrap();
        for (f, v) in [
            ("idVendor", "0781"),
            ("idProduct", "5567"),
            ("manufacturer", "SanDisk"),
            ("product", "Cruzer Blade"),
            ("serial", serial),
        ] {
            std::fs::write(d.join(f), format!("{v}\n")).unwrap();
        }
        let i = root.join(format!("{port}:1.0"));
        std::fs::create_dir_all(&i).unwrap();
        std::fs::write(i.join("bInterfaceClass"), format!("{class}\n")).unwrap();
    }

    #[test]
    fn attach_and_detach_of_storage_only() {
        let root = tempfile::tempdir().unwrap();
        plug(root.path(), "1-1", "03", "KBD"); // a keyboard: not storage
        let mut u = Usb::with_root(root.path().to_path_buf(), "pc-01".into());
        assert!(u.poll_once().is_empty());
        plug(root.path(), "1-2", "08", "4C530001");
        let ev = u.poll_once();
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0]["event.action"], "attached");
        assert_eq!(ev[0]["usb.serial"], "4C530001");
        assert_eq!(ev[0]["Channel"], "lachan.usb");
        assert!(u.poll_once().is_empty());
        std::fs::remove_dir_all(root.path().join("1-2")).unwrap();
        std::fs::remove_dir_all(root.path().join("1-2:1.0")).unwrap();
        let ev = u.poll_once();
        assert_eq!(ev[0]["event.action"], "detached");
    }
}
