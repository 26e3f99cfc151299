//! Syslog receivers for devices and servers without an agent: UDP (one message per
//! datagram) and TCP (octet-counted or line-feed framing, RFC 6587). Messages are
//! gathered into batches (at most [`BATCH`] messages or [`FLUSH`] of waiting) and go
//! through [`Pipeline::ingest`] like every other source. A sender belongs to the agency
//! whose information system lists its address (or reported host name) as an asset.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use lachan_ingest::SyslogFramer;
use lachan_ingest::syslog::parse_line;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::mpsc;

use super::{Incoming, Pipeline};

/// Largest syslog message accepted (RFC 5425 asks receivers for at least 8 KiB).
pub const MAX_MESSAGE: usize = 64 * 1024;
const BATCH: usize = 2000;
const FLUSH: Duration = Duration::from_millis(200);
/// Concurrent TCP senders.
const MAX_TCP_CONNECTIONS: usize = 512;

/// One received message with its sender.
struct Msg {
    text: String,
    peer: SocketAddr,
}

fn year_now() -> i16 {
    lachan_sigma::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .year()
}

/// How long a sender's agency (from the registry's asset addresses) is remembered.
const AGENCY_TTL: Duration = Duration::from_secs(60);

type AgencyCache = HashMap<String, (Option<(i64, String)>, std::time::Instant)>;

/// The agency of a sender: the information system that lists its address (or the host
/// name it reports) as an asset.
async fn agency_of(
    pipeline: &Pipeline,
    cache: &mut AgencyCache,
    keys: [&str; 2],
) -> Option<(i64, String)> {
    for key in keys.into_iter().filter(|k| !k.is_empty()) {
        let hit = match cache.get(key) {
            Some((a, at)) if at.elapsed() < AGENCY_TTL => a.clone(),
            _ => {
                let a = pipeline.agency_for_address(key).await;
                cache.insert(key.to_string(), (a.clone(), std::time::Instant::now()));
                a
            }
        };
        if hit.is_some() {
            return hit;
        }
    }
    None
}

/// Batch messages from `rx` into the pipeline until every sender is gone.
async fn batcher(pipeline: Arc<Pipeline>, mut rx: mpsc::Receiver<Msg>) {
    let mut cache = AgencyCache::new();
    let mut buf: Vec<Msg> = Vec::with_capacity(BATCH);
    loop {
        let first = match rx.recv().await {
            Some(m) => m,
            None => break,
        };
        buf.push(first);
        let deadline = tokio::time::Instant::now() + FLUSH;
        while buf.len() < BATCH {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(m)) => buf.push(m),
                Ok(None) | Err(_) => break,
            }
        }
        let year = year_now();
        let mut batch: Vec<Incoming> = Vec::with_capacity(buf.len());
        for m in buf.drain(..) {
            let event = parse_line(&m.text, year);
            let ip = m.peer.ip().to_string();
            let host = event.get_str("host").unwrap_or("").to_string();
            let agency = agency_of(&pipeline, &mut cache, [&ip, &host]).await;
            batch.push(Incoming {
                event,
                agency,
                peer: Some(ip),
            });
        }
        if let Err(e) = pipeline.ingest(batch, "syslog").await {
            tracing::error!(error = %e, "storing syslog messages failed");
        }
    }
}

/// Receive syslog over UDP on `addr` until the task is dropped.
pub async fn serve_udp(pipeline: Arc<Pipeline>, socket: UdpSocket) {
    let (tx, rx) = mpsc::channel(BATCH * 4);
    tokio::spawn(batcher(pipeline, rx));
    let mut buf = vec![0u8; MAX_MESSAGE];
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((n, peer)) => {
                let text = String::from_utf8_lossy(&buf[..n]);
                let text = text.trim_end_matches(['\r', '\n', '\0']).to_string();
                if text.is_empty() {
                    continue;
                }
                if tx.send(Msg { text, peer }).await.is_err() {
                    break;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "syslog UDP receive failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Accept syslog over TCP until the task is dropped.
pub async fn serve_tcp(pipeline: Arc<Pipeline>, listener: TcpListener) {
    let (tx, rx) = mpsc::channel(BATCH * 4);
    tokio::spawn(batcher(pipeline, rx));
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_TCP_CONNECTIONS));
    loop {
        let (mut stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "syslog TCP accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "too many syslog TCP connections; refusing one");
            continue;
        };
        let tx = tx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut framer = SyslogFramer::new(MAX_MESSAGE);
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let n = match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                match framer.push(&buf[..n]) {
                    Ok(msgs) => {
                        for m in msgs {
                            let text = String::from_utf8_lossy(&m).into_owned();
                            if tx.send(Msg { text, peer }).await.is_err() {
                                return;
                            }
                        }
                    }
                    Err(e) => {
                        tracing::warn!(%peer, error = %e, "closing syslog connection");
                        return;
                    }
                }
            }
            if let Some(m) = framer.finish() {
                let text = String::from_utf8_lossy(&m).into_owned();
                let _ = tx.send(Msg { text, peer }).await;
            }
        });
    }
}
