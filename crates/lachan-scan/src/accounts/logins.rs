//! Binary login databases: `lastlog` (indexed by UID) and `wtmp` (utmp records),
//! in the Linux x86-64/aarch64 glibc layouts.

use std::collections::{BTreeMap, HashMap};

/// The latest login of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRecord {
    /// Unix seconds.
    pub time: i64,
    /// Terminal (`pts/0`, `tty1`, `ssh`).
    pub line: String,
    /// Remote host or empty for local logins.
    pub host: String,
}

const LASTLOG_SIZE: usize = 4 + 32 + 256;
const UTMP_SIZE: usize = 384;
const USER_PROCESS: i16 = 7;

fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Parses `/var/log/lastlog`: record *n* belongs to UID *n*; time 0 means never.
pub fn parse_lastlog(bytes: &[u8]) -> HashMap<u32, LoginRecord> {
    let mut out = HashMap::new();
    for (uid, rec) in bytes.chunks_exact(LASTLOG_SIZE).enumerate() {
        let Some(t) = i32_at(rec, 0) else { continue };
        if t <= 0 {
            continue;
        }
        if let Ok(uid) = u32::try_from(uid) {
            out.insert(
                uid,
                LoginRecord {
                    time: i64::from(t),
                    line: cstr(&rec[4..36]),
                    host: cstr(&rec[36..292]),
                },
            );
        }
    }
    out
}

/// Parses `wtmp`: the latest `USER_PROCESS` record per user name.
pub fn parse_wtmp(bytes: &[u8]) -> BTreeMap<String, LoginRecord> {
    let mut out: BTreeMap<String, LoginRecord> = BTreeMap::new();
    for rec in bytes.chunks_exact(UTMP_SIZE) {
        let kind = i16::from_le_bytes([rec[0], rec[1]]);
        if kind != USER_PROCESS {
            continue;
        }
        let user = cstr(&rec[44..76]);
        let Some(t) = i32_at(rec, 340) else { continue };
        if user.is_empty() || t <= 0 {
            continue;
        }
        let r = LoginRecord {
            time: i64::from(t),
            line: cstr(&rec[8..40]),
            host: cstr(&rec[76..332]),
        };
        if out.get(&user).is_none_or(|old| r.time > old.time) {
            out.insert(user, r);
        }
    }
    out
}

/// Builds a lastlog record (for tests and fixtures).
pub fn lastlog_record(time: i32, line: &str, host: &str) -> Vec<u8> {
    let mut r = vec![0u8; LASTLOG_SIZE];
    r[..4].copy_from_slice(&time.to_le_bytes());
    let l = line.as_bytes();
    r[4..4 + l.len().min(31)].copy_from_slice(&l[..l.len().min(31)]);
    let h = host.as_bytes();
    r[36..36 + h.len().min(255)].copy_from_slice(&h[..h.len().min(255)]);
    r
}

/// Builds a wtmp `USER_PROCESS` record (for tests and fixtures).
pub fn wtmp_record(user: &str, time: i32, line: &str, host: &str) -> Vec<u8> {
    let mut r = vec![0u8; UTMP_SIZE];
    r[..2].copy_from_slice(&USER_PROCESS.to_le_bytes());
    for (at, max, s) in [(8, 31, line), (44, 31, user), (76, 255, host)] {
        let b = s.as_bytes();
        let n = b.len().min(max);
        r[at..at + n].copy_from_slice(&b[..n]);
    }
    r[340..344].copy_from_slice(&time.to_le_bytes());
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lastlog_is_indexed_by_uid() {
        let mut b = lastlog_record(0, "", "");
        b.extend(lastlog_record(1_700_000_000, "pts/0", "10.0.0.5"));
        let m = parse_lastlog(&b);
        assert_eq!(m.len(), 1);
        assert_eq!(m[&1].host, "10.0.0.5");
        assert_eq!(m[&1].time, 1_700_000_000);
    }

    #[test]
    fn wtmp_keeps_latest_login_per_user() {
        let mut b = wtmp_record("an", 100, "pts/1", "h1");
        b.extend(wtmp_record("an", 300, "pts/2", "h2"));
        b.extend(wtmp_record("an", 200, "pts/3", "h3"));
        b.extend(vec![0u8; 10]); // truncated tail is ignored
        let m = parse_wtmp(&b);
        assert_eq!(m["an"].time, 300);
        assert_eq!(m["an"].line, "pts/2");
    }
}
