//! The audit log's hash chain. Each row's hash covers the previous row's
//! hash and every field of the row, so editing, deleting or reordering a
//! row breaks the chain from that row on.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Hash of the (virtual) row before the first one.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit row as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// Before/after summary (JSON text).
    pub summary: String,
    pub source_ip: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What a writer supplies; the store adds seq, time and hashes.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub actor: String,
    pub action: String,
    pub target: String,
    pub summary: String,
    pub source_ip: String,
}

/// The hash of a row given its fields and the previous row's hash. Fields
/// are length-prefixed so that no two different rows hash the same input.
pub fn chain_hash(prev_hash: &str, seq: i64, at: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    h.update(b"lachan-audit-v1");
    let seq = seq.to_string();
    for part in [
        prev_hash,
        seq.as_str(),
        at,
        &e.actor,
        &e.action,
        &e.target,
        &e.summary,
        &e.source_ip,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

impl AuditRecord {
    pub fn expected_hash(&self) -> String {
        let entry = AuditEntry {
            actor: self.actor.clone(),
            action: self.action.clone(),
            target: self.target.clone(),
            summary: self.summary.clone(),
            source_ip: self.source_ip.clone(),
        };
        chain_hash(&self.prev_hash, self.seq, &self.at, &entry)
    }
}

/// Why a chain is broken, naming the first bad row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("audit row {seq}: its hash does not match its contents (row edited)")]
    HashMismatch { seq: i64 },
    #[error("audit row {seq}: previous-hash link broken (a row before it was removed or edited)")]
    LinkBroken { seq: i64 },
    #[error("audit row {seq}: sequence gap after row {prev} (rows removed)")]
    Gap { seq: i64, prev: i64 },
}

/// Incremental verifier: feed rows in `seq` order.
#[derive(Debug)]
pub struct ChainVerifier {
    last_hash: String,
    last_seq: i64,
    pub rows: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            last_hash: GENESIS.to_string(),
            last_seq: 0,
            rows: 0,
        }
    }
}

impl ChainVerifier {
    pub fn push(&mut self, r: &AuditRecord) -> Result<(), ChainError> {
        if r.seq != self.last_seq + 1 {
            return Err(ChainError::Gap {
                seq: r.seq,
                prev: self.last_seq,
            });
        }
        if r.prev_hash != self.last_hash {
            return Err(ChainError::LinkBroken { seq: r.seq });
        }
        if r.expected_hash() != r.hash {
            return Err(ChainError::HashMismatch { seq: r.seq });
        }
        self.last_hash = r.hash.clone();
        self.last_seq = r.seq;
        self.rows += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut r = AuditRecord {
                    seq,
                    at: "2026-11-25T00:00:00Z".into(),
                    actor: "admin".into(),
                    action: "system.create".into(),
                    target: format!("system:S{seq}"),
                    summary: "{}".into(),
                    source_ip: "127.0.0.1".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                r.hash = r.expected_hash();
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn verify(rows: &[AuditRecord]) -> Result<(), ChainError> {
        let mut v = ChainVerifier::default();
        rows.iter().try_for_each(|r| v.push(r))
    }

    #[test]
    fn intact_chain_verifies() {
        verify(&chain(5)).unwrap();
    }

    #[test]
    fn edit_is_detected_at_that_row() {
        let mut rows = chain(5);
        rows[2].actor = "mallory".into();
        assert_eq!(verify(&rows), Err(ChainError::HashMismatch { seq: 3 }));
    }

    #[test]
    fn rehashed_edit_breaks_the_next_link() {
        let mut rows = chain(5);
        rows[2].actor = "mallory".into();
        rows[2].hash = rows[2].expected_hash();
        assert_eq!(verify(&rows), Err(ChainError::LinkBroken { seq: 4 }));
    }

    #[test]
    fn deletion_is_detected() {
        let mut rows = chain(5);
        rows.remove(1);
        assert_eq!(verify(&rows), Err(ChainError::Gap { seq: 3, prev: 1 }));
    }
}
