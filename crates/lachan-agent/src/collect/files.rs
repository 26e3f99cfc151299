//! Log files by glob: follows appends, notices rotation (a new inode: read it from the
//! start) and truncation (size below the saved offset: start over), and resumes at the
//! saved position after a restart. Files present at the very first start are read from
//! their end (history is not replayed); files that appear later are read from the start.
//! Each line is parsed as syslog so Linux Sigma rules apply.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

use super::{Collector, Cursors, Record};

const POLL: Duration = Duration::from_millis(500);
/// Most bytes read from one file per poll.
const CHUNK: u64 = 1024 * 1024;

pub struct FileTail {
    patterns: Vec<String>,
    host: String,
    /// path → (inode, offset)
    pos: HashMap<String, (u64, u64)>,
    first_run: bool,
}

impl FileTail {
    pub fn new(patterns: Vec<String>, cursors: &Cursors, host: String) -> Self {
        let mut pos = HashMap::new();
        for (k, v) in &cursors.0 {
            if let Some(path) = k.strip_prefix("file:")
                && let Some((i, o)) = v.split_once(':')
                && let (Ok(i), Ok(o)) = (i.parse(), o.parse())
            {
                pos.insert(path.to_string(), (i, o));
            }
        }
        let first_run = !cursors.0.keys().any(|k| k.starts_with("file:"))
            && !cursors.0.contains_key("files:started");
        Self {
            patterns,
            host,
            pos,
            first_run,
        }
    }

    fn paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in &self.patterns {
            match glob::glob(p) {
                Ok(paths) => out.extend(
                    paths
                        .filter_map(Result::ok)
                        .filter(|p| p.is_file())
                        .map(|p| p.display().to_string()),
                ),
                Err(e) => tracing::warn!(pattern = %p, error = %e, "bad file pattern"),
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Read what is new in `path`; returns complete lines and the offset after each.
    fn poll_file(&mut self, path: &str) -> Vec<(String, u64, u64)> {
        let Ok(meta) = std::fs::metadata(path) else {
            return Vec::new();
        };
        let inode = inode(&meta);
        let len = meta.len();
        let first_run = self.first_run;
        let entry = self
            .pos
            .entry(path.to_string())
            .or_insert_with(|| (inode, if first_run { len } else { 0 }));
        if entry.0 != inode {
            tracing::info!(%path, "file rotated; reading the new file from the start");
            *entry = (inode, 0);
        } else if len < entry.1 {
            tracing::info!(%path, "file truncated; reading from the start");
            entry.1 = 0;
        }
        if len == entry.1 {
            return Vec::new();
        }
        let Ok(mut f) = std::fs::File::open(path) else {
            return Vec::new();
        };
        if f.seek(SeekFrom::Start(entry.1)).is_err() {
            return Vec::new();
        }
        let mut buf = Vec::new();
        if f.take(CHUNK).read_to_end(&mut buf).is_err() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut start = 0usize;
        let base = entry.1;
        for (i, b) in buf.iter().enumerate() {
            if *b == b'\n' {
                let line = String::from_utf8_lossy(&buf[start..i])
                    .trim_end_matches('\r')
                    .to_string();
                let end = base + i as u64 + 1;
                if !line.trim().is_empty() {
                    out.push((line, inode, end));
                }
                entry.1 = end;
                start = i + 1;
            }
        }
        // A line longer than a whole chunk is cut so the file keeps moving.
        if out.is_empty() && buf.len() as u64 == CHUNK {
            let end = base + CHUNK;
            out.push((String::from_utf8_lossy(&buf).into_owned(), inode, end));
            entry.1 = end;
        }
        out
    }
}

#[cfg(unix)]
fn inode(m: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.ino()
}

#[cfg(not(unix))]
fn inode(_m: &std::fs::Metadata) -> u64 {
    0
}

fn to_event(line: &str, path: &str, host: &str) -> Value {
    let year = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .year();
    let ev = lachan_ingest::syslog::parse_line(line, year);
    let mut v = ev.into_fields();
    if let Value::Object(m) = &mut v {
        m.insert("Channel".into(), Value::from("syslog"));
        m.entry("host").or_insert_with(|| Value::from(host));
        m.insert("log.file.path".into(), Value::from(path));
    }
    v
}

impl Collector for FileTail {
    fn name(&self) -> &'static str {
        "files"
    }

    fn run(
        mut self: Box<Self>,
        tx: mpsc::Sender<Record>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(async move {
            let mut marked = !self.first_run;
            loop {
                for path in self.paths() {
                    for (line, inode, end) in self.poll_file(&path) {
                        let rec = Record {
                            event: to_event(&line, &path, &self.host),
                            cursor: Some((format!("file:{path}"), format!("{inode}:{end}"))),
                        };
                        if tx.send(rec).await.is_err() {
                            return;
                        }
                    }
                }
                if !marked {
                    // Later starts read new files from their beginning.
                    let rec = Record {
                        event: Value::Null,
                        cursor: Some(("files:started".into(), "1".into())),
                    };
                    if tx.send(rec).await.is_err() {
                        return;
                    }
                    marked = true;
                }
                self.first_run = false;
                tokio::time::sleep(POLL).await;
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn appends_rotation_truncation_and_resume() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("auth.log");
        std::fs::write(&log, "old line before start\n").unwrap();
        let pattern = dir.path().join("*.log").display().to_string();
        let mut t = FileTail::new(vec![pattern.clone()], &Cursors::default(), "h".into());
        let p = log.display().to_string();
        assert!(
            t.poll_file(&p).is_empty(),
            "history is not replayed on the first start"
        );
        t.first_run = false;
        let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        write!(f, "one\ntwo\npart").unwrap();
        let got: Vec<String> = t.poll_file(&p).into_iter().map(|x| x.0).collect();
        assert_eq!(got, vec!["one", "two"]);
        writeln!(f, "ial").unwrap();
        let got = t.poll_file(&p);
        assert_eq!(got[0].0, "partial");
        let (inode, end) = (got[0].1, got[0].2);

        // Resume from a saved cursor.
        let mut c = Cursors::default();
        c.0.insert(format!("file:{p}"), format!("{inode}:{end}"));
        c.0.insert("files:started".into(), "1".into());
        let mut t2 = FileTail::new(vec![pattern.clone()], &c, "h".into());
        writeln!(f, "three").unwrap();
        assert_eq!(t2.poll_file(&p)[0].0, "three");

        // Truncation starts over; rotation (new inode) reads the new file from the start.
        std::fs::write(&log, "after truncate\n").unwrap();
        assert_eq!(t2.poll_file(&p)[0].0, "after truncate");
        std::fs::rename(&log, dir.path().join("auth.log.1")).unwrap();
        std::fs::write(&log, "new file\n").unwrap();
        assert_eq!(t2.poll_file(&p)[0].0, "new file");
        // A new file appearing after the first start is read whole.
        std::fs::write(dir.path().join("kern.log"), "k1\n").unwrap();
        let kern = dir.path().join("kern.log").display().to_string();
        assert_eq!(t2.poll_file(&kern)[0].0, "k1");
        let ev = to_event(
            "<38>Dec  1 04:00:00 gw sshd[1]: Failed password for root",
            &p,
            "h",
        );
        assert_eq!(ev["program"], "sshd");
        assert_eq!(ev["Channel"], "syslog");
        assert_eq!(ev["log.file.path"], p.as_str());
    }
}
