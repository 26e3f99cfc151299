//! Shared helpers: locating the shared corpus and running its local web server.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `<workspace>/../shared`, or `$LACHAN_SHARED`.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("LACHAN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    let corpus = dir.join("corpus/web/serve.py");
    assert!(
        corpus.is_file(),
        "web corpus not found: {} is missing (set LACHAN_SHARED to the shared data folder)",
        corpus.display()
    );
    dir
}

pub fn corpus_dir() -> PathBuf {
    shared_dir().join("corpus/web")
}

/// A running `serve.py`, stopped on drop.
pub struct CorpusServer {
    child: Child,
    pub ready: serde_json::Value,
    pub ready_path: PathBuf,
    pub tmp: PathBuf,
}

impl Drop for CorpusServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}

impl CorpusServer {
    /// Starts the server on a port range derived from the process id (`salt` separates
    /// several servers of one test binary) and waits for its ready file.
    pub fn start(salt: u32) -> CorpusServer {
        let corpus = corpus_dir();
        let pid = std::process::id();
        let base = 21_000 + ((pid * 7 + salt * 131) % 1500) * 20;
        let tmp = std::env::temp_dir().join(format!("lachan-webcheck-{pid}-{salt}"));
        std::fs::create_dir_all(&tmp).expect("creating temp dir");
        let ready_path = tmp.join("ready.json");
        let child = Command::new("python3")
            .arg(corpus.join("serve.py"))
            .args([
                "--base-port",
                &base.to_string(),
                "--duration",
                "600",
                "--ready-file",
            ])
            .arg(&ready_path)
            .current_dir(&corpus)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting python3 serve.py (is python3 installed?)");
        let mut server = CorpusServer {
            child,
            ready: serde_json::Value::Null,
            ready_path: ready_path.clone(),
            tmp,
        };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(t) = std::fs::read_to_string(&ready_path)
                && let Ok(v) = serde_json::from_str::<serde_json::Value>(&t)
            {
                server.ready = v;
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("serve.py exited early with {status} (ports {base}.. in use?)");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("serve.py did not write its ready file within 30 s");
    }

    /// (site id, url) pairs in manifest order.
    pub fn sites(&self) -> Vec<(String, String)> {
        self.ready["sites"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| {
                        (
                            s["id"].as_str().unwrap_or_default().to_string(),
                            s["url"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn ca_pem(&self) -> String {
        std::fs::read_to_string(corpus_dir().join("tls/ca.pem")).expect("reading tls/ca.pem")
    }
}
