//! File-integrity monitoring of configured paths: a SHA-256 baseline (kept in
//! `fim.json`), then events for files created, modified, deleted or whose
//! permissions/owner changed.
//!
//! On Linux changes are seen within about a second through inotify ([`linux`]): every
//! directory under the roots is watched (new directories get a watch as they appear,
//! deleted or moved-away ones lose it), and only the touched paths are re-checked, a
//! burst of events being gathered for a short settle time first. A metadata sweep of
//! everything every minute is the safety net, and a full re-hash every hour catches
//! changes that kept size and time. When the kernel drops events (queue overflow) a full
//! sweep follows at once; when watches run out (`fs.inotify.max_user_watches`) or
//! inotify fails, the collector warns and falls back to polling (a sweep every 2 s), as
//! it does on other systems. Hashing is rate-limited in every mode so that a rescan
//! never hogs the machine it protects.
//!
//! The watcher reads inotify through its tokio stream rather than on a thread of its
//! own: the agent stops collectors by aborting their task, which then also closes the
//! inotify descriptor; blocking work (walking, hashing) runs on tokio's blocking pool.
//!
//! Parts: [`state`] (what is remembered, the budget), [`sweep`] (comparing files with the
//! baseline), [`linux`] (the watcher).

// Checking touched paths and the watcher's tuning serve only the Linux watcher.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

#[cfg(target_os = "linux")]
mod linux;
mod state;
mod sweep;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::mpsc;

pub use state::FileState;

use super::{Collector, Record};

/// Most files watched (a guard against pointing FIM at `/`).
const MAX_FILES: usize = 200_000;

pub struct Fim {
    roots: Vec<PathBuf>,
    state_file: PathBuf,
    host: String,
    /// Sweep interval when polling.
    poll_every: Duration,
    /// Safety-net sweep interval while inotify watches.
    safety_every: Duration,
    rehash_every: Duration,
    /// How long a burst of inotify events is gathered before the paths are checked.
    settle: Duration,
    /// Least time between two writes of `fim.json` while changes trickle in.
    save_every: Duration,
    /// Poll even where inotify is available.
    polling: bool,
    /// Most inotify watches this collector may hold.
    watch_limit: usize,
    throttle: state::Throttle,
    baseline: state::Baseline,
    /// A baseline exists (loaded or swept): new files are reported as created.
    baselined: bool,
    last_rehash: Instant,
    unsaved: bool,
    last_save: Instant,
}

impl Fim {
    pub fn new(roots: Vec<PathBuf>, data: &Path, host: String) -> Self {
        let state_file = data.join("fim.json");
        let loaded = state::load(&state_file);
        Self {
            roots,
            state_file,
            host,
            poll_every: Duration::from_secs(2),
            safety_every: Duration::from_secs(60),
            rehash_every: Duration::from_secs(3600),
            settle: Duration::from_millis(300),
            save_every: Duration::from_secs(10),
            polling: false,
            watch_limit: usize::MAX,
            throttle: state::Throttle::new(20 * 1024 * 1024),
            baselined: loaded.is_some(),
            baseline: loaded.unwrap_or_default(),
            last_rehash: Instant::now(),
            unsaved: false,
            last_save: Instant::now(),
        }
    }

    /// Polling sweep interval, full re-hash interval, hashing budget in bytes per second.
    pub fn with_timing(mut self, sweep: Duration, rehash: Duration, hash_rate: u64) -> Self {
        self.poll_every = sweep;
        self.rehash_every = rehash;
        self.throttle = state::Throttle::new(hash_rate);
        self
    }

    /// Interval of the safety-net sweep while inotify watches (default 60 s).
    pub fn with_safety_sweep(mut self, every: Duration) -> Self {
        self.safety_every = every;
        self
    }

    /// Always poll, even where inotify is available.
    pub fn polling(mut self, yes: bool) -> Self {
        self.polling = yes;
        self
    }

    /// Most inotify watches (one per directory) to use; beyond it the collector polls,
    /// as when the system limit is reached.
    pub fn with_watch_limit(mut self, watches: usize) -> Self {
        self.watch_limit = watches;
        self
    }

    /// Sweeps, re-hashing everything when the hourly re-hash is due.
    fn timed_sweep(&mut self, on_dir: sweep::OnDir<'_>) -> Vec<Value> {
        let rehash = self.last_rehash.elapsed() >= self.rehash_every;
        if rehash {
            self.last_rehash = Instant::now();
        }
        self.sweep_walk(rehash, on_dir)
    }
}

impl super::Periodic for Fim {
    fn step(&mut self) -> Vec<Value> {
        self.timed_sweep(&mut |_| {})
    }

    fn interval(&self) -> Duration {
        self.poll_every
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
        #[cfg(target_os = "linux")]
        if !self.polling {
            return Box::pin(linux::run(*self, tx));
        }
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

    #[test]
    fn an_empty_root_still_reports_its_first_file() {
        let data = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        let mut fim = Fim::new(vec![root.path().to_path_buf()], data.path(), "h".into());
        assert!(fim.sweep(false).is_empty());
        std::fs::write(root.path().join("new"), "x").unwrap();
        let ev = fim.sweep(false);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0]["event.action"], "created");
    }

    #[test]
    fn checking_touched_paths_matches_the_sweep() {
        let data = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        let sub = root.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("a"), "1").unwrap();
        let mut fim = Fim::new(vec![root.path().to_path_buf()], data.path(), "h".into());
        assert!(fim.sweep(false).is_empty());

        // A directory moved away takes its files with it; a new one brings its own.
        let gone = tempfile::tempdir().unwrap();
        std::fs::rename(&sub, gone.path().join("sub")).unwrap();
        let fresh = root.path().join("fresh");
        std::fs::create_dir(&fresh).unwrap();
        std::fs::write(fresh.join("b"), "2").unwrap();
        let paths = [sub.clone(), fresh.clone(), PathBuf::from("/elsewhere")]
            .into_iter()
            .collect();
        let mut dirs = Vec::new();
        let ev = fim.check(&paths, &mut |d| dirs.push(d.to_path_buf()));
        let actions: Vec<(String, String)> = ev
            .iter()
            .map(|e| {
                (
                    e["event.action"].as_str().unwrap().to_string(),
                    e["file.path"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(actions.len(), 2, "{actions:?}");
        assert!(actions.contains(&("deleted".into(), sub.join("a").display().to_string())));
        assert!(actions.contains(&("created".into(), fresh.join("b").display().to_string())));
        assert_eq!(dirs, [fresh]);
        // Nothing left for the sweep to find.
        assert!(fim.sweep(false).is_empty());
    }
}
