//! Syslog receivers for devices and servers without an agent: UDP (one message per
//! datagram) and TCP (octet-counted or line-feed framing, RFC 6587). Messages are
//! gathered into batches (at most [`BATCH`] messages or [`FLUSH`] of waiting) and go
//! through [`Pipeline::ingest`] like every other source.

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

/// Batch messages from `rx` into the pipeline until every sender is gone.
async fn batcher(pipeline: Arc<Pipeline>, mut rx: mpsc::Receiver<Msg>) {
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
        let batch: Vec<Incoming> = buf
            .drain(..)
            .map(|m| Incoming {
                event: parse_line(&m.text, year),
                agency: None,
                peer: Some(m.peer.ip().to_string()),
            })
            .collect();
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
