//! Comparing files with the baseline: the full sweep of every root, and the check of a
//! few touched paths that the watcher asks for. Both report the same events.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::state::{self, FileState};
use super::{Fim, MAX_FILES};

/// Called with each directory of a walk before it is listed (the watcher adds its watch
/// there, so nothing created meanwhile is missed).
pub(super) type OnDir<'a> = &'a mut dyn FnMut(&Path);

/// The regular files below `starts` (or `starts` themselves), without following
/// symbolic links, up to `limit` files.
pub(super) fn walk(starts: &[PathBuf], limit: usize, on_dir: OnDir<'_>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = starts.to_vec();
    while let Some(p) = stack.pop() {
        if files.len() >= limit {
            break;
        }
        let Ok(m) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if m.is_dir() {
            on_dir(&p);
            if let Ok(rd) = std::fs::read_dir(&p) {
                stack.extend(rd.filter_map(Result::ok).map(|e| e.path()));
            }
        } else if m.is_file() {
            files.push(p);
        }
    }
    files
}

/// The baseline keys at or below `path`.
fn keys_under(baseline: &state::Baseline, path: &str) -> Vec<String> {
    let prefix = format!("{}/", path.trim_end_matches('/'));
    let mut out: Vec<String> = baseline
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, _)| k.clone())
        .collect();
    if baseline.contains_key(path) {
        out.push(path.to_string());
    }
    out
}

impl Fim {
    /// Whether `p` is a root or lies below one.
    pub(super) fn monitored(&self, p: &Path) -> bool {
        self.roots.iter().any(|r| p.starts_with(r))
    }

    fn state_of(&mut self, p: &Path, rehash: bool) -> Option<FileState> {
        let m = std::fs::symlink_metadata(p).ok()?;
        let (mtime_ns, inode, mode, uid, gid) = state::meta(&m);
        let key = p.display().to_string();
        let old = self.baseline.get(&key);
        let same_content_meta =
            old.is_some_and(|o| o.size == m.len() && o.mtime_ns == mtime_ns && o.inode == inode);
        let sha256 = match old {
            Some(o) if same_content_meta && !rehash => o.sha256.clone(),
            _ => self.throttle.hash(p)?,
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

    /// The event for a file now in state `st` (nothing when it did not change).
    fn compare(&self, key: &str, st: &FileState) -> Option<Value> {
        match self.baseline.get(key) {
            None if self.baselined => Some(self.event("created", key, Some(st), None)),
            Some(old) if old.sha256 != st.sha256 => {
                Some(self.event("modified", key, Some(st), Some(old)))
            }
            Some(old) if (old.mode, old.uid, old.gid) != (st.mode, st.uid, st.gid) => {
                Some(self.event("permissions_changed", key, Some(st), Some(old)))
            }
            _ => None,
        }
    }

    /// One sweep of every root: compare the files with the baseline, update it, return
    /// the events (`rehash`: hash every file, not only those whose metadata changed).
    pub fn sweep(&mut self, rehash: bool) -> Vec<Value> {
        self.sweep_walk(rehash, &mut |_| {})
    }

    pub(super) fn sweep_walk(&mut self, rehash: bool, on_dir: OnDir<'_>) -> Vec<Value> {
        let files = walk(&self.roots, MAX_FILES, on_dir);
        let mut seen = BTreeMap::new();
        let mut events = Vec::new();
        for p in &files {
            let Some(st) = self.state_of(p, rehash) else {
                continue;
            };
            let key = p.display().to_string();
            events.extend(self.compare(&key, &st));
            seen.insert(key, st);
        }
        for (key, old) in &self.baseline {
            if !seen.contains_key(key) {
                events.push(self.event("deleted", key, None, Some(old)));
            }
        }
        let changed = !self.baselined || !events.is_empty() || rehash;
        self.baselined = true;
        self.baseline = seen;
        if changed {
            self.unsaved = true;
        }
        self.flush();
        events
    }

    /// Checks only `paths` (files or directories, present or gone, with everything below
    /// them) against the baseline, updates it, returns the events.
    pub(super) fn check(&mut self, paths: &BTreeSet<PathBuf>, on_dir: OnDir<'_>) -> Vec<Value> {
        let mut events = Vec::new();
        for p in paths {
            if !self.monitored(p) {
                continue;
            }
            let key = p.display().to_string();
            let m = std::fs::symlink_metadata(p).ok();
            let mut present = BTreeSet::new();
            if m.as_ref().is_some_and(|m| m.is_dir() || m.is_file()) {
                let room = MAX_FILES.saturating_sub(self.baseline.len());
                let files = walk(std::slice::from_ref(p), room.max(1), on_dir);
                for f in &files {
                    let Some(st) = self.state_of(f, false) else {
                        continue;
                    };
                    let k = f.display().to_string();
                    events.extend(self.compare(&k, &st));
                    self.baseline.insert(k.clone(), st);
                    present.insert(k);
                }
            }
            // Whatever the baseline had here and is not here any more was deleted.
            for k in keys_under(&self.baseline, &key) {
                if !present.contains(&k)
                    && let Some(old) = self.baseline.remove(&k)
                {
                    events.push(self.event("deleted", &k, None, Some(&old)));
                }
            }
        }
        if !events.is_empty() {
            self.persist(false);
        }
        events
    }

    /// Saves the baseline now (`now`) or marks it to be saved soon, so a burst of
    /// changes writes `fim.json` a few times rather than once per change.
    pub(super) fn persist(&mut self, now: bool) {
        self.unsaved = true;
        if now || self.last_save.elapsed() >= self.save_every {
            self.flush();
        }
    }

    /// Writes the baseline when it has unsaved changes.
    pub(super) fn flush(&mut self) {
        if self.unsaved {
            state::save(&self.state_file, &self.baseline);
            self.unsaved = false;
            self.last_save = std::time::Instant::now();
        }
    }

    pub(super) fn event(
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
