//! Binary login databases: `lastlog` (one fixed-size record per UID) and `wtmp` (utmp
//! records), in the Linux x86-64/aarch64 glibc layouts.
//!
//! Everything here works on bytes or on a reader handed in; no file is opened. `lastlog`
//! is sparse and, with high UIDs, can be very large: [`read_lastlog`] seeks to one UID's
//! record instead of loading the file, and [`read_wtmp`] streams record by record.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read, Seek, SeekFrom};

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

impl LoginRecord {
    /// Where the login came from: the remote host, else the terminal, else `None`.
    pub fn origin(&self) -> Option<&str> {
        [self.host.as_str(), self.line.as_str()]
            .into_iter()
            .find(|s| !s.is_empty())
    }
}

/// Bytes of one `lastlog` record: time (i32), line\[32\], host\[256\].
pub const LASTLOG_SIZE: usize = 4 + 32 + 256;
/// Bytes of one utmp/wtmp record.
pub const UTMP_SIZE: usize = 384;
const USER_PROCESS: i16 = 7;

fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// One `lastlog` record; `None` for "never logged in" (time 0) or a short record.
pub fn parse_lastlog_record(rec: &[u8]) -> Option<LoginRecord> {
    let t = i32_at(rec, 0)?;
    if t <= 0 {
        return None;
    }
    Some(LoginRecord {
        time: i64::from(t),
        line: cstr(rec.get(4..36)?),
        host: cstr(rec.get(36..LASTLOG_SIZE)?),
    })
}

/// Parses a whole `lastlog`: record *n* belongs to UID *n*; time 0 means never.
pub fn parse_lastlog(bytes: &[u8]) -> HashMap<u32, LoginRecord> {
    let mut out = HashMap::new();
    for (uid, rec) in bytes.chunks_exact(LASTLOG_SIZE).enumerate() {
        if let (Ok(uid), Some(r)) = (u32::try_from(uid), parse_lastlog_record(rec)) {
            out.insert(uid, r);
        }
    }
    out
}

/// The `lastlog` record of `uid`, read at its offset (`uid` × record size). `None`
/// when the file ends before it or the account never logged in.
pub fn read_lastlog<R: Read + Seek>(file: &mut R, uid: u32) -> io::Result<Option<LoginRecord>> {
    let at = u64::from(uid) * LASTLOG_SIZE as u64;
    file.seek(SeekFrom::Start(at))?;
    let mut rec = [0u8; LASTLOG_SIZE];
    match file.read_exact(&mut rec) {
        Ok(()) => Ok(parse_lastlog_record(&rec)),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

/// The latest `USER_PROCESS` record per user name, fed one utmp record at a time.
#[derive(Debug, Default, Clone)]
pub struct LatestLogins(pub BTreeMap<String, LoginRecord>);

impl LatestLogins {
    /// Takes in one utmp record (other record types and short records are skipped).
    pub fn add(&mut self, rec: &[u8]) {
        if rec.len() < UTMP_SIZE || i16::from_le_bytes([rec[0], rec[1]]) != USER_PROCESS {
            return;
        }
        let user = cstr(&rec[44..76]);
        let Some(t) = i32_at(rec, 340) else { return };
        if user.is_empty() || t <= 0 {
            return;
        }
        let r = LoginRecord {
            time: i64::from(t),
            line: cstr(&rec[8..40]),
            host: cstr(&rec[76..332]),
        };
        if self.0.get(&user).is_none_or(|old| r.time > old.time) {
            self.0.insert(user, r);
        }
    }
}

/// Parses `wtmp`: the latest `USER_PROCESS` record per user name.
pub fn parse_wtmp(bytes: &[u8]) -> BTreeMap<String, LoginRecord> {
    let mut out = LatestLogins::default();
    for rec in bytes.chunks_exact(UTMP_SIZE) {
        out.add(rec);
    }
    out.0
}

/// Reads `wtmp` record by record (a truncated last record is ignored): the latest
/// `USER_PROCESS` record per user name.
pub fn read_wtmp<R: Read>(mut file: R) -> io::Result<BTreeMap<String, LoginRecord>> {
    let mut out = LatestLogins::default();
    let mut buf = vec![0u8; UTMP_SIZE * 256];
    let mut filled = 0;
    loop {
        let n = match file.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        filled += n;
        let whole = filled - filled % UTMP_SIZE;
        for rec in buf[..whole].chunks_exact(UTMP_SIZE) {
            out.add(rec);
        }
        buf.copy_within(whole..filled, 0);
        filled -= whole;
        if n == 0 {
            return Ok(out.0);
        }
    }
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
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Cursor;

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
    fn lastlog_is_read_one_record_at_its_offset() {
        let mut b = lastlog_record(0, "", "");
        b.extend(lastlog_record(1_700_000_000, "pts/0", "10.0.0.5"));
        b.extend(lastlog_record(1_600_000_000, "tty1", ""));
        let mut c = Cursor::new(b);
        assert_eq!(read_lastlog(&mut c, 0).unwrap(), None, "never logged in");
        let r = read_lastlog(&mut c, 1).unwrap().unwrap();
        assert_eq!((r.time, r.origin()), (1_700_000_000, Some("10.0.0.5")));
        let r = read_lastlog(&mut c, 2).unwrap().unwrap();
        assert_eq!(
            r.origin(),
            Some("tty1"),
            "a local login is known by its terminal"
        );
        assert_eq!(read_lastlog(&mut c, 3).unwrap(), None, "past the end");
        assert_eq!(read_lastlog(&mut c, u32::MAX).unwrap(), None);
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

    /// A reader that hands out a few bytes at a time.
    struct Trickle(Cursor<Vec<u8>>);
    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(100);
            self.0.read(&mut buf[..n])
        }
    }

    #[test]
    fn wtmp_streams_like_it_parses() {
        let mut b = Vec::new();
        for i in 0..600 {
            b.extend(wtmp_record(&format!("u{}", i % 7), 1000 + i, "pts/0", "h"));
        }
        b.extend(vec![1u8; 100]);
        let streamed = read_wtmp(Trickle(Cursor::new(b.clone()))).unwrap();
        assert_eq!(streamed, parse_wtmp(&b));
        assert_eq!(streamed["u0"].time, 1000 + 595);
    }
}
