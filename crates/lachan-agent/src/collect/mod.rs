//! Collectors: each follows one kind of source and sends [`Record`]s to the batcher. The
//! position a record ends at travels with it and is saved only after the record is in a
//! sealed spool batch, so a restart resumes where the spool left off (at least once).

pub mod files;
pub mod fim;
pub mod inventory;
pub mod journald;
pub mod usb;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use tokio::sync::mpsc;

use crate::{AgentError, io_err};

/// One event, with the source position just after it.
#[derive(Debug)]
pub struct Record {
    pub event: Value,
    /// (cursor key, value), e.g. `("file:/var/log/auth.log", "1234:5678")`.
    pub cursor: Option<(String, String)>,
}

/// A source of events on this machine (Linux today; a Windows event-log collector
/// implements the same trait).
pub trait Collector: Send + 'static {
    fn name(&self) -> &'static str;
    /// Follow the source until the receiver is gone.
    fn run(
        self: Box<Self>,
        tx: mpsc::Sender<Record>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;
}

/// A source checked by a blocking step (hashing files, reading system tables) at an
/// interval.
pub(crate) trait Periodic: Send + 'static {
    /// One look; the events it found.
    fn step(&mut self) -> Vec<Value>;
    /// The wait before the next look.
    fn interval(&self) -> std::time::Duration;
}

/// Run `source` until the receiver is gone: each step on a blocking thread (so hashing
/// never stalls the async ones), its events sent in order.
pub(crate) async fn run_periodic<P: Periodic>(mut source: P, tx: mpsc::Sender<Record>) {
    loop {
        let (back, events) = match tokio::task::spawn_blocking(move || {
            let ev = source.step();
            (source, ev)
        })
        .await
        {
            Ok(x) => x,
            Err(_) => return,
        };
        source = back;
        if !send_all(&tx, events).await {
            return;
        }
        tokio::time::sleep(source.interval()).await;
    }
}

/// Send events without a cursor, in order; false once the receiver is gone.
pub(crate) async fn send_all(tx: &mpsc::Sender<Record>, events: Vec<Value>) -> bool {
    for event in events {
        let r = Record {
            event,
            cursor: None,
        };
        if tx.send(r).await.is_err() {
            return false;
        }
    }
    true
}

/// Saved source positions (`cursors.json`).
#[derive(Debug, Default, Clone)]
pub struct Cursors(pub BTreeMap<String, String>);

impl Cursors {
    pub fn load(data: &Path) -> Self {
        let p = data.join("cursors.json");
        std::fs::read(&p)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .map(Cursors)
            .unwrap_or_default()
    }

    pub fn save(&self, data: &Path) -> Result<(), AgentError> {
        let p = data.join("cursors.json");
        let tmp = data.join("cursors.json.tmp");
        let b = serde_json::to_vec(&self.0).map_err(|e| io_err(&p, e))?;
        std::fs::write(&tmp, b).map_err(|e| io_err(&tmp, e))?;
        std::fs::rename(&tmp, &p).map_err(|e| io_err(&p, e))
    }
}

/// This machine's host name.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}
