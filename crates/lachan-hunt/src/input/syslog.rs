//! Plain-text syslog files: one message per line, parsed by `lachan_ingest::syslog`.

use std::io::{BufRead, BufReader};
use std::path::Path;

use lachan_ingest::syslog::parse_line;

use super::{ReadStats, Record};
use crate::HuntError;

pub(super) fn read(
    path: &Path,
    stats: &mut ReadStats,
    f: &mut dyn FnMut(Record),
) -> Result<(), HuntError> {
    let file = std::fs::File::open(path).map_err(|e| HuntError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    // RFC 3164 has no year: take the year the file was last written.
    let year = file
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).year())
        .unwrap_or(1970);
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut buf = Vec::new();
    let mut lineno = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| HuntError::Read {
                path: path.to_owned(),
                reason: format!("line {}: {e}", lineno + 1),
            })?;
        if n == 0 {
            break;
        }
        lineno += 1;
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            continue;
        }
        if line.contains('\0') {
            stats.warn(format!(
                "{}: line {lineno}: binary data, not a syslog line",
                path.display()
            ));
            continue;
        }
        stats.events += 1;
        f(Record {
            record_id: lineno,
            event: parse_line(line, year),
        });
    }
    Ok(())
}
