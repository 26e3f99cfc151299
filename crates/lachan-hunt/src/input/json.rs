//! JSON reader: a stream of documents (JSON Lines or concatenated), or a top-level array
//! whose elements are read one at a time.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use lachan_sigma::LogEvent;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

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
    read_from(file, path, stats, f)
}

pub(super) fn read_from<R: Read>(
    reader: R,
    origin: &Path,
    stats: &mut ReadStats,
    f: &mut dyn FnMut(Record),
) -> Result<(), HuntError> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let first = loop {
        let buf = reader.fill_buf().map_err(|e| HuntError::Read {
            path: origin.to_owned(),
            reason: e.to_string(),
        })?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let b = buf[i];
                reader.consume(i);
                break b;
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    if first == b'[' {
        let mut de = serde_json::Deserializer::from_reader(reader);
        let mut n = 0u64;
        let seed = Elements {
            f,
            stats,
            n: &mut n,
        };
        return seed.deserialize(&mut de).map_err(|e| HuntError::Read {
            path: origin.to_owned(),
            reason: format!("JSON array, line {} column {}: {e}", e.line(), e.column()),
        });
    }
    // One document per line; a line that fails is reported and skipped.
    let mut line = Vec::new();
    let mut lineno = 0u64;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| HuntError::Read {
                path: origin.to_owned(),
                reason: e.to_string(),
            })?;
        if read == 0 {
            break;
        }
        lineno += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Value>(&line) {
            Ok(v) => {
                stats.events += 1;
                f(Record {
                    record_id: lineno,
                    event: LogEvent::from_json(v),
                });
            }
            Err(e) => stats.warn(format!(
                "{}: line {lineno} column {}: {e}",
                origin.display(),
                e.column()
            )),
        }
    }
    Ok(())
}

struct Elements<'a, 'f> {
    f: &'a mut dyn FnMut(Record),
    stats: &'a mut ReadStats,
    n: &'f mut u64,
}

impl<'de> DeserializeSeed<'de> for Elements<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Elements<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            *self.n += 1;
            self.stats.events += 1;
            (self.f)(Record {
                record_id: *self.n,
                event: LogEvent::from_json(v),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<Record>, ReadStats) {
        let mut out = Vec::new();
        let mut stats = ReadStats::default();
        read_from(text.as_bytes(), Path::new("t.json"), &mut stats, &mut |r| {
            out.push(r)
        })
        .unwrap();
        (out, stats)
    }

    #[test]
    fn lines_arrays_and_bad_lines() {
        let (r, s) = run("{\"a\":1}\n\n{bad\n{\"Channel\":\"Security\",\"EventID\":4625}\n");
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].record_id, 4);
        assert_eq!(r[1].event.event_id(), Some(4625));
        assert_eq!(s.bad_records, 1);
        assert!(s.warnings[0].contains("line 3"), "{:?}", s.warnings);
        let (r, _) = run("  [ {\"a\":1}, {\"b\":2} ]");
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].record_id, 2);
        let mut stats = ReadStats::default();
        let e = read_from(
            &b"[{\"a\":1},"[..],
            Path::new("x.json"),
            &mut stats,
            &mut |_| {},
        );
        assert!(e.unwrap_err().to_string().contains("x.json"));
    }
}
