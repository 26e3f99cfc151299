//! What FIM remembers about a file, the `fim.json` baseline on disk, and the hashing
//! budget.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One file as last seen. The `fim.json` baseline is a map of path → `FileState`.
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

pub(super) type Baseline = BTreeMap<String, FileState>;

/// (mtime in ns, inode, permission bits, uid, gid)
#[cfg(unix)]
pub(super) fn meta(m: &std::fs::Metadata) -> (i128, u64, u32, u32, u32) {
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
pub(super) fn meta(m: &std::fs::Metadata) -> (i128, u64, u32, u32, u32) {
    let t = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0);
    (t, 0, 0, 0, 0)
}

/// The saved baseline, or `None` when there is none yet (or it cannot be read).
pub(super) fn load(file: &Path) -> Option<Baseline> {
    std::fs::read(file)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

/// Writes the baseline atomically (temporary file, then rename).
pub(super) fn save(file: &Path, baseline: &Baseline) {
    if let Ok(b) = serde_json::to_vec(baseline) {
        let tmp = file.with_extension("json.tmp");
        if std::fs::write(&tmp, b).is_ok() {
            let _ = std::fs::rename(&tmp, file);
        }
    }
}

/// A hashing budget in bytes per second, kept across calls so that many small bursts
/// cannot add up to more than the rate. At most one second of unused budget is saved up.
#[derive(Debug)]
pub(super) struct Throttle {
    rate: u64,
    start: Instant,
    spent: u64,
}

impl Throttle {
    pub(super) fn new(rate: u64) -> Self {
        Self {
            rate: rate.max(64 * 1024),
            start: Instant::now(),
            spent: 0,
        }
    }

    /// Counts `n` bytes hashed, sleeping when ahead of the budget.
    fn take(&mut self, n: u64) {
        let rate = self.rate as f64;
        let allowed = self.start.elapsed().as_secs_f64() * rate;
        if allowed > self.spent as f64 + rate {
            // Idle for a while: start a fresh window with one second of credit.
            self.start = Instant::now() - Duration::from_secs(1);
            self.spent = 0;
        }
        self.spent += n;
        let allowed = self.start.elapsed().as_secs_f64() * rate;
        if self.spent as f64 > allowed {
            let wait = (self.spent as f64 - allowed) / rate;
            std::thread::sleep(Duration::from_secs_f64(wait.min(1.0)));
        }
    }

    /// SHA-256 of a file, within the budget.
    pub(super) fn hash(&mut self, p: &Path) -> Option<String> {
        let mut f = std::fs::File::open(p).ok()?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = f.read(&mut buf).ok()?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            self.take(n as u64);
        }
        Some(hex::encode(h.finalize()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn throttle_keeps_to_the_rate() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        std::fs::write(&p, vec![7u8; 3 * 256 * 1024]).unwrap();
        let mut t = Throttle::new(256 * 1024);
        let start = Instant::now();
        assert!(t.hash(&p).is_some());
        // 768 KiB at 256 KiB/s with one second of credit: about two seconds.
        assert!(
            start.elapsed() >= Duration::from_millis(1500),
            "{:?}",
            start.elapsed()
        );
    }
}
