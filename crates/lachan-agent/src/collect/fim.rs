//! File-integrity monitoring of configured paths: a SHA-256 baseline (kept in
//! `fim.json`), then a quick metadata sweep every few seconds that reports files
//! created, modified, deleted or whose permissions/owner changed, and a full re-hash at a
//! longer interval (catching changes that kept size and time). Hashing is rate-limited so
//! a rescan never hogs the machine it protects.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::Collector;
use super::Record;

/// Most files watched (a guard against pointing FIM at `/`).
const MAX_FILES: usize = 200_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileState {
    pub size: u64,
    pub mtime_ns: i128,
    pub inode: u64,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub sha256: String,
}

pub struct Fim {
    roots: Vec<PathBuf>,
    state_file: PathBuf,
    host: String,
    sweep_every: Duration,
    rehash_every: Duration,
    /// Hashing budget in bytes per second.
    hash_rate: u64,
    baseline: BTreeMap<String, FileState>,
    last_rehash: Instant,
}

#[cfg(unix)]
fn meta(m: &std::fs::Metadata) -> (i128, u64, u32, u32, u32) {
    use std::os::unix::fs::MetadataExt;
    (
        m.mtime() as i128 * 1_000_000_000 + m.mtime_nsec() as i128,
        m.ino(),
        m.mode() & 0o7777,
        m.uid(),
        m.gid(),
    )
}

#[cfg(not(unix))]
fn meta(m: &std::fs::Metadata) -> (i128, u64, u32, u32, u32) {
    let t = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0);
    (t, 0, 0, 0, 0)
}

impl Fim {
    pub fn new(roots: Vec<PathBuf>, data: &Path, host: String) -> Self {
        let state_file = data.join("fim.json");
        let baseline = std::fs::read(&state_file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Self {
            roots,
            state_file,
            host,
            sweep_every: Duration::from_secs(2),
            rehash_every: Duration::from_secs(3600),
            hash_rate: 20 * 1024 * 1024,
            baseline,
            last_rehash: Instant::now(),
        }
    }

    pub fn with_timing(mut self, sweep: Duration, rehash: Duration, hash_rate: u64) -> Self {
        self.sweep_every = sweep;
        self.rehash_every = rehash;
        self.hash_rate = hash_rate.max(64 * 1024);
        self
    }

    fn files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack: Vec<PathBuf> = self.roots.clone();
        while let Some(p) = stack.pop() {
            if out.len() >= MAX_FILES {
                break;
            }
            let Ok(m) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if m.is_dir() {
                if let Ok(rd) = std::fs::read_dir(&p) {
                    stack.extend(rd.filter_map(Result::ok).map(|e| e.path()));
                }
            } else if m.is_file() {
                out.push(p);
            }
        }
        out
    }

    /// SHA-256 of a file, sleeping as needed to stay within the hashing budget.
    fn hash(&self, p: &Path, spent: &mut (Instant, u64)) -> Option<String> {
        let mut f = std::fs::File::open(p).ok()?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = f.read(&mut buf).ok()?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            spent.1 += n as u64;
            let allowed = spent.0.elapsed().as_secs_f64() * self.hash_rate as f64;
            if spent.1 as f64 > allowed {
                let wait = (spent.1 as f64 - allowed) / self.hash_rate as f64;
                std::thread::sleep(Duration::from_secs_f64(wait.min(1.0)));
            }
        }
        Some(hex::encode(h.finalize()))
    }

    fn state_of(&self, p: &Path, rehash: bool, spent: &mut (Instant, u64)) -> Option<FileState> {
        let m = std::fs::symlink_metadata(p).ok()?;
        let (mtime_ns, inode, mode, uid, gid) = meta(&m);
        let key = p.display().to_string();
        let old = self.baseline.get(&key);
        let same_content_meta =
            old.is_some_and(|o| o.size == m.len() && o.mtime_ns == mtime_ns && o.inode == inode);
        let sha256 = match old {
            Some(o) if same_content_meta && !rehash => o.sha256.clone(),
            _ => self.hash(p, spent)?,
        };
        Some(FileState {
            size: m.len(),
            mtime_ns,
            inode,
            mode,
            uid,
            gid,
            sha256,
        })
    }

    /// One sweep: compare the files with the baseline, update it, return the events.
    pub fn sweep(&mut self, rehash: bool) -> Vec<Value> {
        let mut spent = (Instant::now(), 0u64);
        let first = self.baseline.is_empty();
        let mut seen = BTreeMap::new();
        let mut events = Vec::new();
        for p in self.files() {
            let Some(st) = self.state_of(&p, rehash, &mut spent) else {
                continue;
            };
            let key = p.display().to_string();
            match self.baseline.get(&key) {
                None if !first => events.push(self.event("created", &key, Some(&st), None)),
                Some(old) if old.sha256 != st.sha256 => {
                    events.push(self.event("modified", &key, Some(&st), Some(old)))
                }
                Some(old) if (old.mode, old.uid, old.gid) != (st.mode, st.uid, st.gid) => {
                    events.push(self.event("permissions_changed", &key, Some(&st), Some(old)))
                }
                _ => {}
            }
            seen.insert(key, st);
        }
        for (key, old) in &self.baseline {
            if !seen.contains_key(key) {
                events.push(self.event("deleted", key, None, Some(old)));
            }
        }
        let changed = first || !events.is_empty() || rehash;
        self.baseline = seen;
        if changed && let Ok(b) = serde_json::to_vec(&self.baseline) {
            let tmp = self.state_file.with_extension("json.tmp");
            if std::fs::write(&tmp, b).is_ok() {
                let _ = std::fs::rename(&tmp, &self.state_file);
            }
        }
        events
    }

    fn event(
        &self,
        action: &str,
        path: &str,
        new: Option<&FileState>,
        old: Option<&FileState>,
    ) -> Value {
        let mut v = json!({
            "Channel": "lachan.fim",
            "host": self.host,
            "event.action": action,
            "file.path": path,
            "timestamp": jiff::Timestamp::now().to_string(),
            "message": format!("{action}: {path}"),
        });
        if let Some(n) = new {
            v["file.hash.sha256"] = json!(n.sha256);
            v["file.size"] = json!(n.size);
            v["file.mode"] = json!(format!("{:o}", n.mode));
            v["file.uid"] = json!(n.uid);
            v["file.gid"] = json!(n.gid);
        }
        if let Some(o) = old {
            v["previous"] = json!({"sha256": o.sha256, "size": o.size,
                "mode": format!("{:o}", o.mode), "uid": o.uid, "gid": o.gid});
        }
        v
    }
}

impl super::Periodic for Fim {
    fn step(&mut self) -> Vec<Value> {
        let rehash = self.last_rehash.elapsed() >= self.rehash_every;
        if rehash {
            self.last_rehash = Instant::now();
        }
        self.sweep(rehash)
    }

    fn interval(&self) -> Duration {
        self.sweep_every
    }
}

impl Collector for Fim {
    fn name(&self) -> &'static str {
        "fim"
    }

    fn run(
        self: Box<Self>,
        tx: mpsc::Sender<Record>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(super::run_periodic(*self, tx))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn baseline_then_changes() {
        let data = tempfile::tempdir().unwrap();
        let etc = tempfile::tempdir().unwrap();
        let passwd = etc.path().join("passwd");
        std::fs::write(&passwd, "root:x:0:0::/root:/bin/bash\n").unwrap();
        std::fs::create_dir(etc.path().join("sudoers.d")).unwrap();
        let mut fim = Fim::new(vec![etc.path().to_path_buf()], data.path(), "h".into());
        assert!(fim.sweep(false).is_empty(), "the baseline raises nothing");

        std::fs::write(
            &passwd,
            "root:x:0:0::/root:/bin/bash\nevil:x:0:0::/:/bin/sh\n",
        )
        .unwrap();
        let drop_in = etc.path().join("sudoers.d/evil");
        std::fs::write(&drop_in, "evil ALL=(ALL) NOPASSWD:ALL\n").unwrap();
        let ev = fim.sweep(false);
        let actions: Vec<(&str, &str)> = ev
            .iter()
            .map(|e| {
                (
                    e["event.action"].as_str().unwrap(),
                    e["file.path"].as_str().unwrap(),
                )
            })
            .collect();
        assert!(
            actions.contains(&("modified", passwd.to_str().unwrap())),
            "{actions:?}"
        );
        assert!(
            actions.contains(&("created", drop_in.to_str().unwrap())),
            "{actions:?}"
        );
        let m = ev.iter().find(|e| e["event.action"] == "modified").unwrap();
        assert_ne!(m["file.hash.sha256"], m["previous"]["sha256"]);

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&passwd, std::fs::Permissions::from_mode(0o666)).unwrap();
            let ev = fim.sweep(false);
            assert_eq!(ev[0]["event.action"], "permissions_changed");
            assert_eq!(ev[0]["file.mode"], "666");
        }
        std::fs::remove_file(&drop_in).unwrap();
        let ev = fim.sweep(false);
        assert_eq!(ev[0]["event.action"], "deleted");

        // The baseline survives a restart: nothing new to report.
        let mut again = Fim::new(vec![etc.path().to_path_buf()], data.path(), "h".into());
        assert!(again.sweep(true).is_empty());
    }
}
