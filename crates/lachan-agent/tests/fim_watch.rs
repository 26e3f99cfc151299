//! FIM as it runs in the agent: changes reach the channel within seconds, whether
//! inotify watches or the collector polls.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use lachan_agent::collect::fim::Fim;
use lachan_agent::collect::{Collector, Record};
use tokio::sync::mpsc;

/// Changes must be reported within this.
const WITHIN: Duration = Duration::from_secs(2);

struct Running {
    rx: mpsc::Receiver<Record>,
    task: tokio::task::JoinHandle<()>,
    _data: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A baseline of `root` first (so what changes right after the start is reported even
/// if the start-up sweep sees it), then the collector running.
async fn start(root: &Path, tune: impl FnOnce(Fim) -> Fim) -> Running {
    let data = tempfile::tempdir().unwrap();
    assert!(
        Fim::new(vec![root.to_path_buf()], data.path(), "h".into())
            .sweep(false)
            .is_empty()
    );
    let fim = tune(Fim::new(vec![root.to_path_buf()], data.path(), "h".into()));
    let (tx, rx) = mpsc::channel(1000);
    let task = tokio::spawn(Box::new(fim).run(tx));
    // Let the start-up sweep and the watches settle.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Running {
        rx,
        task,
        _data: data,
    }
}

/// Inotify only: the safety sweep never comes during a test.
fn watching(f: Fim) -> Fim {
    f.with_safety_sweep(Duration::from_secs(3600))
}

/// Waits for `action` on `path`, skipping other events.
async fn expect(r: &mut Running, action: &str, path: &Path) -> serde_json::Value {
    let want = path.display().to_string();
    let deadline = tokio::time::Instant::now() + WITHIN;
    loop {
        let rec = tokio::time::timeout_at(deadline, r.rx.recv())
            .await
            .unwrap_or_else(|_| panic!("no {action} of {want} within {WITHIN:?}"))
            .unwrap();
        if rec.event["event.action"] == action && rec.event["file.path"] == want.as_str() {
            return rec.event;
        }
    }
}

fn tree() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let conf = t.path().join("app.conf");
    std::fs::create_dir_all(t.path().join("a/b")).unwrap();
    std::fs::write(&conf, "port = 1\n").unwrap();
    std::fs::write(t.path().join("a/b/deep.conf"), "x\n").unwrap();
    (t, conf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_reports_a_created_file() {
    let (t, _) = tree();
    let mut r = start(t.path(), watching).await;
    let p = t.path().join("a/new.conf");
    std::fs::write(&p, "new\n").unwrap();
    let e = expect(&mut r, "created", &p).await;
    assert_eq!(e["Channel"], "lachan.fim");
    assert!(
        e["file.hash.sha256"]
            .as_str()
            .is_some_and(|h| h.len() == 64)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_reports_a_modified_file() {
    let (t, conf) = tree();
    let mut r = start(t.path(), watching).await;
    std::fs::write(&conf, "port = 2\n").unwrap();
    let e = expect(&mut r, "modified", &conf).await;
    assert_ne!(e["file.hash.sha256"], e["previous"]["sha256"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_reports_a_permission_change() {
    use std::os::unix::fs::PermissionsExt;
    let (t, conf) = tree();
    let mut r = start(t.path(), watching).await;
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o666)).unwrap();
    let e = expect(&mut r, "permissions_changed", &conf).await;
    assert_eq!(e["file.mode"], "666");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_reports_a_deleted_file() {
    let (t, _) = tree();
    let mut r = start(t.path(), watching).await;
    let deep = t.path().join("a/b/deep.conf");
    std::fs::remove_file(&deep).unwrap();
    let e = expect(&mut r, "deleted", &deep).await;
    assert!(e["previous"]["sha256"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_follows_new_subdirectories() {
    let (t, _) = tree();
    let mut r = start(t.path(), watching).await;
    // Created and filled at once: the file may be there before the directory's watch.
    let d = t.path().join("a/b/new/deeper");
    std::fs::create_dir_all(&d).unwrap();
    let first = d.join("first.conf");
    std::fs::write(&first, "1\n").unwrap();
    expect(&mut r, "created", &first).await;
    // Later files there come through the new directory's own watch.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = d.join("second.conf");
    std::fs::write(&second, "2\n").unwrap();
    expect(&mut r, "created", &second).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_sees_directories_moved_in_and_out() {
    let (t, _) = tree();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(outside.path().join("pkg")).unwrap();
    std::fs::write(outside.path().join("pkg/unit.conf"), "u\n").unwrap();
    let mut r = start(t.path(), watching).await;
    std::fs::rename(outside.path().join("pkg"), t.path().join("pkg")).unwrap();
    expect(&mut r, "created", &t.path().join("pkg/unit.conf")).await;
    std::fs::rename(t.path().join("a"), outside.path().join("a")).unwrap();
    expect(&mut r, "deleted", &t.path().join("a/b/deep.conf")).await;
    // The moved-away directory is no longer watched.
    std::fs::write(outside.path().join("a/b/later.conf"), "l\n").unwrap();
    std::fs::write(t.path().join("pkg/more.conf"), "m\n").unwrap();
    let e = expect(&mut r, "created", &t.path().join("pkg/more.conf")).await;
    assert_eq!(e["file.size"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_mode_reports_changes() {
    let (t, conf) = tree();
    let mut r = start(t.path(), |f| {
        f.polling(true).with_timing(
            Duration::from_millis(300),
            Duration::from_secs(3600),
            1 << 20,
        )
    })
    .await;
    std::fs::write(&conf, "port = 3\n").unwrap();
    expect(&mut r, "modified", &conf).await;
    let p = t.path().join("a/b/c.conf");
    std::fs::write(&p, "c\n").unwrap();
    expect(&mut r, "created", &p).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_watches_falls_back_to_polling() {
    let (t, conf) = tree();
    // Three directories, one watch allowed.
    let mut r = start(t.path(), |f| {
        watching(f).with_watch_limit(1).with_timing(
            Duration::from_millis(300),
            Duration::from_secs(3600),
            1 << 20,
        )
    })
    .await;
    std::fs::write(&conf, "port = 4\n").unwrap();
    expect(&mut r, "modified", &conf).await;
    let deep = t.path().join("a/b/deep.conf");
    std::fs::remove_file(&deep).unwrap();
    expect(&mut r, "deleted", &deep).await;
}
