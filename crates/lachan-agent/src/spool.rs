//! The on-disk spool: each sealed batch is one gzip file named by its sequence number,
//! written to a temporary name, synced and renamed, so a crash leaves whole batches or
//! none. Delivery takes the oldest first; a batch file is deleted only after the server
//! acknowledged it. Past `max_bytes` the oldest batches are dropped and counted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::{AgentError, io_err};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct SpoolState {
    next_seq: i64,
    dropped_batches: u64,
    dropped_events: u64,
    rejected_batches: u64,
}

/// Figures reported in the heartbeat.
#[derive(Debug, Clone, Serialize)]
pub struct SpoolStats {
    pub spool_bytes: u64,
    pub spool_batches: usize,
    pub dropped_batches: u64,
    pub dropped_events: u64,
    pub rejected_batches: u64,
}

pub struct Spool {
    dir: PathBuf,
    max_bytes: u64,
    state: Mutex<SpoolState>,
}

fn name(seq: i64) -> String {
    format!("{seq:020}.ndjson.gz")
}

fn seq_of(p: &Path) -> Option<i64> {
    p.file_name()?
        .to_str()?
        .strip_suffix(".ndjson.gz")?
        .parse()
        .ok()
}

impl Spool {
    pub fn open(data: &Path, max_bytes: u64) -> Result<Self, AgentError> {
        let dir = data.join("spool");
        std::fs::create_dir_all(dir.join("rejected")).map_err(|e| io_err(&dir, e))?;
        let state_path = dir.join("spool.json");
        let mut state: SpoolState = match std::fs::read(&state_path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| io_err(&state_path, e))?,
            Err(_) => SpoolState {
                next_seq: 1,
                ..Default::default()
            },
        };
        let spool = Self {
            dir,
            max_bytes,
            state: Mutex::new(SpoolState::default()),
        };
        // Never reuse a number already on disk (the state file may lag a crash).
        let max_on_disk = spool.batches()?.last().map(|(s, _)| *s).unwrap_or(0);
        state.next_seq = state.next_seq.max(max_on_disk + 1).max(1);
        *spool.lock() = state;
        Ok(spool)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SpoolState> {
        match self.state.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    fn save(&self, st: &SpoolState) -> Result<(), AgentError> {
        let path = self.dir.join("spool.json");
        let tmp = self.dir.join("spool.json.tmp");
        let bytes = serde_json::to_vec(st).map_err(|e| io_err(&path, e))?;
        std::fs::write(&tmp, bytes).map_err(|e| io_err(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io_err(&path, e))
    }

    /// Sealed batches, oldest first.
    pub fn batches(&self) -> Result<Vec<(i64, PathBuf)>, AgentError> {
        let mut out: Vec<(i64, PathBuf)> = std::fs::read_dir(&self.dir)
            .map_err(|e| io_err(&self.dir, e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter_map(|p| seq_of(&p).map(|s| (s, p)))
            .collect();
        out.sort_by_key(|(s, _)| *s);
        Ok(out)
    }

    /// Write `events` as the next batch; returns its number.
    pub fn seal(&self, events: &[serde_json::Value]) -> Result<i64, AgentError> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for e in events {
            let line = serde_json::to_vec(e).map_err(|er| io_err(&self.dir, er))?;
            gz.write_all(&line)
                .and_then(|_| gz.write_all(b"\n"))
                .map_err(|er| io_err(&self.dir, er))?;
        }
        let bytes = gz.finish().map_err(|e| io_err(&self.dir, e))?;
        let mut st = self.lock();
        let seq = st.next_seq;
        let path = self.dir.join(name(seq));
        let tmp = self.dir.join(format!("{}.tmp", name(seq)));
        {
            let mut f = std::fs::File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
            f.write_all(&bytes).map_err(|e| io_err(&tmp, e))?;
            f.sync_all().map_err(|e| io_err(&tmp, e))?;
        }
        std::fs::rename(&tmp, &path).map_err(|e| io_err(&path, e))?;
        st.next_seq += 1;
        let snapshot = st.clone();
        drop(st);
        self.save(&snapshot)?;
        self.enforce_bound()?;
        Ok(seq)
    }

    /// Drop the oldest batches while the spool is larger than its bound (never the newest).
    fn enforce_bound(&self) -> Result<(), AgentError> {
        let batches = self.batches()?;
        let mut sizes: Vec<(i64, PathBuf, u64)> = batches
            .into_iter()
            .map(|(s, p)| {
                let n = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                (s, p, n)
            })
            .collect();
        let mut total: u64 = sizes.iter().map(|x| x.2).sum();
        let mut dropped = Vec::new();
        while total > self.max_bytes && sizes.len() > 1 {
            let (s, p, n) = sizes.remove(0);
            let events = count_lines(&p);
            std::fs::remove_file(&p).map_err(|e| io_err(&p, e))?;
            total -= n;
            dropped.push((s, events));
        }
        if !dropped.is_empty() {
            let mut st = self.lock();
            st.dropped_batches += dropped.len() as u64;
            st.dropped_events += dropped.iter().map(|d| d.1).sum::<u64>();
            let snapshot = st.clone();
            drop(st);
            tracing::warn!(
                batches = dropped.len(),
                "spool full: oldest batches dropped"
            );
            self.save(&snapshot)?;
        }
        Ok(())
    }

    /// The server acknowledged batch `seq`.
    pub fn remove(&self, seq: i64) -> Result<(), AgentError> {
        let p = self.dir.join(name(seq));
        std::fs::remove_file(&p).map_err(|e| io_err(&p, e))
    }

    /// The server refused batch `seq` as malformed: keep it aside, never resend it.
    pub fn reject(&self, seq: i64) -> Result<(), AgentError> {
        let from = self.dir.join(name(seq));
        let to = self.dir.join("rejected").join(name(seq));
        std::fs::rename(&from, &to).map_err(|e| io_err(&from, e))?;
        let mut st = self.lock();
        st.rejected_batches += 1;
        let snapshot = st.clone();
        drop(st);
        self.save(&snapshot)
    }

    pub fn stats(&self) -> SpoolStats {
        let batches = self.batches().unwrap_or_default();
        let bytes = batches
            .iter()
            .map(|(_, p)| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .sum();
        let st = self.lock().clone();
        SpoolStats {
            spool_bytes: bytes,
            spool_batches: batches.len(),
            dropped_batches: st.dropped_batches,
            dropped_events: st.dropped_events,
            rejected_batches: st.rejected_batches,
        }
    }
}

fn count_lines(p: &Path) -> u64 {
    use std::io::Read;
    let Ok(f) = std::fs::File::open(p) else {
        return 0;
    };
    let mut s = Vec::new();
    if flate2::read::GzDecoder::new(f).read_to_end(&mut s).is_err() {
        return 0;
    }
    s.iter().filter(|b| **b == b'\n').count() as u64
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_survive_restarts_and_the_bound_drops_oldest() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spool::open(dir.path(), 1024 * 1024).unwrap();
        assert_eq!(s.seal(&[json!({"a": 1})]).unwrap(), 1);
        assert_eq!(s.seal(&[json!({"a": 2}), json!({"a": 3})]).unwrap(), 2);
        s.remove(1).unwrap();
        drop(s);
        let s = Spool::open(dir.path(), 1024 * 1024).unwrap();
        assert_eq!(
            s.batches().unwrap().iter().map(|b| b.0).collect::<Vec<_>>(),
            vec![2]
        );
        assert_eq!(s.seal(&[json!({"a": 4})]).unwrap(), 3);
        s.reject(2).unwrap();
        assert_eq!(s.stats().rejected_batches, 1);

        // A tiny bound keeps only the newest batch and counts what it dropped.
        let small = tempfile::tempdir().unwrap();
        let s = Spool::open(small.path(), 10).unwrap();
        for i in 0..5 {
            s.seal(&[json!({"i": i}), json!({"i": i})]).unwrap();
        }
        let st = s.stats();
        assert_eq!(
            (st.spool_batches, st.dropped_batches, st.dropped_events),
            (1, 4, 8)
        );
        assert_eq!(s.batches().unwrap()[0].0, 5);
    }
}
