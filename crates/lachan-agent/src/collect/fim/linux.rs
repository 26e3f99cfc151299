//! The Linux watcher: an inotify watch on every directory under the roots (and on each
//! root's parent, so a root that appears, disappears or is replaced is seen too).

use std::collections::{BTreeSet, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask, Watches};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::Fim;
use crate::collect::Record;

/// `ENOSPC`: `inotify_add_watch` ran into `fs.inotify.max_user_watches`.
const ENOSPC: i32 = 28;

fn mask() -> WatchMask {
    WatchMask::CREATE
        | WatchMask::DELETE
        | WatchMask::MODIFY
        | WatchMask::ATTRIB
        | WatchMask::MOVED_FROM
        | WatchMask::MOVED_TO
        | WatchMask::DONT_FOLLOW
        | WatchMask::ONLYDIR
        | WatchMask::EXCL_UNLINK
}

/// Watches ran out: the system limit or the collector's own.
#[derive(Debug)]
pub(super) struct OutOfWatches(String);

/// The watches held, both ways.
pub(super) struct Watcher {
    watches: Watches,
    by_wd: HashMap<WatchDescriptor, PathBuf>,
    by_path: HashMap<PathBuf, WatchDescriptor>,
    limit: usize,
    /// The first time watches ran out, kept until the collector acts on it.
    out: Option<OutOfWatches>,
}

impl Watcher {
    pub(super) fn new(watches: Watches, limit: usize) -> Self {
        Self {
            watches,
            by_wd: HashMap::new(),
            by_path: HashMap::new(),
            limit,
            out: None,
        }
    }

    /// Watches `dir` unless it already is; other failures (gone meanwhile, no access) are
    /// left to the sweeps.
    pub(super) fn add(&mut self, dir: &Path) {
        if self.out.is_some() || self.by_path.contains_key(dir) {
            return;
        }
        if self.by_wd.len() >= self.limit {
            self.out = Some(OutOfWatches(format!(
                "more than {} directories to watch",
                self.limit
            )));
            return;
        }
        match self.watches.add(dir, mask()) {
            Ok(wd) => {
                if let Some(old) = self.by_wd.insert(wd.clone(), dir.to_path_buf()) {
                    self.by_path.remove(&old);
                }
                self.by_path.insert(dir.to_path_buf(), wd);
            }
            Err(e) if e.raw_os_error() == Some(ENOSPC) => {
                self.out = Some(OutOfWatches(format!(
                    "{} watches held, the system allows no more \
                     (fs.inotify.max_user_watches)",
                    self.by_wd.len()
                )));
            }
            Err(e) => tracing::debug!(dir = %dir.display(), error = %e, "no watch"),
        }
    }

    /// The parent directory of every root.
    fn add_parents(&mut self, roots: &[PathBuf]) {
        for r in roots {
            if let Some(p) = r.parent().filter(|p| p.is_dir()) {
                self.add(p);
            }
        }
    }

    /// Drops the watches on `dir` and below it (moved away or deleted).
    fn forget(&mut self, dir: &Path) {
        let under: Vec<PathBuf> = self
            .by_path
            .keys()
            .filter(|p| p.starts_with(dir))
            .cloned()
            .collect();
        for p in under {
            if let Some(wd) = self.by_path.remove(&p) {
                self.by_wd.remove(&wd);
                // Already gone when the directory was deleted.
                let _ = self.watches.remove(wd);
            }
        }
    }

    /// The kernel removed a watch.
    fn ignored(&mut self, wd: &WatchDescriptor) {
        if let Some(p) = self.by_wd.remove(wd)
            && self.by_path.get(&p) == Some(wd)
        {
            self.by_path.remove(&p);
        }
    }

    pub(super) fn len(&self) -> usize {
        self.by_wd.len()
    }
}

/// The paths touched since the last check, or a full sweep when events were lost.
#[derive(Debug, Default)]
pub(super) struct Batch {
    pub paths: BTreeSet<PathBuf>,
    pub full: bool,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.full
    }

    /// Takes in one event on the directory `dir` about its entry `name`.
    pub(super) fn note(
        &mut self,
        fim: &Fim,
        watcher: &mut Watcher,
        dir: Option<&Path>,
        mask: EventMask,
        name: Option<&OsStr>,
    ) {
        if mask.contains(EventMask::Q_OVERFLOW) {
            tracing::warn!("inotify queue overflowed: FIM sweeps every file");
            self.full = true;
            return;
        }
        // Events about a watched directory itself also reach its parent's watch.
        let (Some(dir), Some(name)) = (dir, name) else {
            return;
        };
        let p = dir.join(name);
        if !fim.monitored(&p) {
            return;
        }
        if mask.contains(EventMask::ISDIR) {
            if mask.intersects(EventMask::DELETE | EventMask::MOVED_FROM) {
                watcher.forget(&p);
            } else if !mask.intersects(EventMask::CREATE | EventMask::MOVED_TO) {
                // Only files are tracked: a directory's own attributes are not.
                return;
            }
        }
        self.paths.insert(p);
    }
}

/// Checks `batch` (or sweeps), adding watches for the directories met.
pub(super) fn process(fim: &mut Fim, watcher: &mut Watcher, batch: &Batch) -> Vec<Value> {
    if batch.full {
        watcher.add_parents(&fim.roots);
        fim.sweep_walk(false, &mut |d| watcher.add(d))
    } else {
        fim.check(&batch.paths, &mut |d| watcher.add(d))
    }
}

/// The safety-net sweep (a full re-hash when due).
fn safety_sweep(fim: &mut Fim, watcher: &mut Watcher) -> Vec<Value> {
    watcher.add_parents(&fim.roots);
    fim.timed_sweep(&mut |d| watcher.add(d))
}

/// Runs `job` on the blocking pool; `None` if it panicked.
async fn blocking<T: Send + 'static>(
    mut fim: Fim,
    mut watcher: Watcher,
    job: impl FnOnce(&mut Fim, &mut Watcher) -> T + Send + 'static,
) -> Option<(Fim, Watcher, T)> {
    tokio::task::spawn_blocking(move || {
        let out = job(&mut fim, &mut watcher);
        (fim, watcher, out)
    })
    .await
    .ok()
}

/// Watches until the receiver is gone, or polls when inotify cannot do the job.
pub(super) async fn run(fim: Fim, tx: mpsc::Sender<Record>) {
    let stream = Inotify::init().and_then(|i| i.into_event_stream(vec![0u8; 64 * 1024]));
    let mut stream = match stream {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "inotify unavailable: FIM polls");
            return crate::collect::run_periodic(fim, tx).await;
        }
    };
    let watcher = Watcher::new(stream.watches(), fim.watch_limit);
    // Watches first, then the baseline sweep, so no change can fall between the two.
    let Some((mut fim, mut watcher, events)) = blocking(fim, watcher, |f, w| {
        w.add_parents(&f.roots);
        f.sweep_walk(false, &mut |d| w.add(d))
    })
    .await
    else {
        return;
    };
    if !crate::collect::send_all(&tx, events).await {
        return;
    }
    tracing::info!(watches = watcher.len(), "FIM watching");
    let mut batch = Batch::default();
    let mut batch_since: Option<Instant> = None;
    let mut last_sweep = Instant::now();
    loop {
        if let Some(out) = watcher.out.take() {
            tracing::warn!(reason = %out.0, "FIM out of inotify watches: polling instead");
            drop(watcher);
            drop(stream);
            // The first polling step is a full sweep, so nothing touched meanwhile is lost.
            return crate::collect::run_periodic(fim, tx).await;
        }
        let mut wake = last_sweep + fim.safety_every;
        if let Some(t) = batch_since {
            wake = wake.min(t + fim.settle);
        }
        if fim.unsaved {
            wake = wake.min(Instant::from_std(fim.last_save) + fim.save_every);
        }
        tokio::select! {
            ev = stream.next() => match ev {
                Some(Ok(ev)) => {
                    if ev.mask.contains(EventMask::IGNORED) {
                        watcher.ignored(&ev.wd);
                        continue;
                    }
                    let dir = watcher.by_wd.get(&ev.wd).cloned();
                    batch.note(&fim, &mut watcher, dir.as_deref(), ev.mask, ev.name.as_deref());
                    if batch_since.is_none() && !batch.is_empty() {
                        batch_since = Some(Instant::now());
                    }
                }
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "inotify failed: FIM polls");
                    return crate::collect::run_periodic(fim, tx).await;
                }
                None => return crate::collect::run_periodic(fim, tx).await,
            },
            () = tokio::time::sleep_until(wake) => {
                let now = Instant::now();
                let job = if batch_since.is_some_and(|t| now >= t + fim.settle) {
                    batch_since = None;
                    let b = std::mem::take(&mut batch);
                    blocking(fim, watcher, move |f, w| process(f, w, &b)).await
                } else if now >= last_sweep + fim.safety_every {
                    last_sweep = now;
                    blocking(fim, watcher, safety_sweep).await
                } else {
                    blocking(fim, watcher, |f, _| {
                        f.flush();
                        Vec::new()
                    })
                    .await
                };
                let Some((f, w, events)) = job else { return };
                (fim, watcher) = (f, w);
                if !crate::collect::send_all(&tx, events).await {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn overflow_makes_a_full_sweep() {
        let data = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        let f = root.path().join("conf");
        std::fs::write(&f, "a").unwrap();
        let mut fim = Fim::new(vec![root.path().to_path_buf()], data.path(), "h".into());
        assert!(fim.sweep(false).is_empty());
        let stream = Inotify::init()
            .unwrap()
            .into_event_stream(vec![0u8; 4096])
            .unwrap();
        let mut watcher = Watcher::new(stream.watches(), usize::MAX);
        // A change whose event the kernel dropped.
        std::fs::write(&f, "b").unwrap();
        let mut batch = Batch::default();
        batch.note(&fim, &mut watcher, None, EventMask::Q_OVERFLOW, None);
        assert!(batch.full);
        let ev = process(&mut fim, &mut watcher, &batch);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0]["event.action"], "modified");
        assert!(watcher.len() >= 1, "the sweep also (re)adds watches");
    }

    #[tokio::test]
    async fn events_outside_the_roots_and_on_directory_attributes_are_ignored() {
        let data = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        let fim = Fim::new(vec![root.path().join("etc")], data.path(), "h".into());
        let stream = Inotify::init()
            .unwrap()
            .into_event_stream(vec![0u8; 4096])
            .unwrap();
        let mut watcher = Watcher::new(stream.watches(), usize::MAX);
        let mut batch = Batch::default();
        let parent = root.path();
        batch.note(
            &fim,
            &mut watcher,
            Some(parent),
            EventMask::MODIFY,
            Some(OsStr::new("other")),
        );
        let etc = parent.join("etc");
        batch.note(
            &fim,
            &mut watcher,
            Some(&etc),
            EventMask::ATTRIB | EventMask::ISDIR,
            Some(OsStr::new("d")),
        );
        assert!(batch.is_empty(), "{batch:?}");
        batch.note(
            &fim,
            &mut watcher,
            Some(parent),
            EventMask::CREATE | EventMask::ISDIR,
            Some(OsStr::new("etc")),
        );
        assert_eq!(batch.paths.iter().collect::<Vec<_>>(), [&etc]);
    }
}
