//! Input readers. Each reader streams one file and calls back once per event, so no
//! file is ever held in memory whole. Per-record problems are counted and the first
//! few are kept as warnings; a file that cannot be read at all is an error.

mod evtx;
mod json;
mod syslog;

use std::io::Read;
use std::path::{Path, PathBuf};

use lachan_sigma::LogEvent;

pub use lachan_ingest::syslog::parse_line as parse_syslog_line;

use crate::HuntError;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Windows event log (`.evtx`).
    Evtx,
    /// JSON: one document, an array of documents, or one document per line.
    Json,
    /// Plain text syslog lines (RFC 3164 / RFC 5424).
    Syslog,
}

/// One event read from a file.
#[derive(Debug)]
pub struct Record {
    /// EVTX record id, or the 1-based line / element number for text and JSON.
    pub record_id: u64,
    /// The event.
    pub event: LogEvent,
}

/// What reading one file produced besides events.
#[derive(Debug, Default, Clone)]
pub struct ReadStats {
    /// Events delivered.
    pub events: u64,
    /// Bytes of the file.
    pub bytes: u64,
    /// Records or lines that could not be read.
    pub bad_records: u64,
    /// The first problems, each naming the record or line.
    pub warnings: Vec<String>,
}

impl ReadStats {
    pub(crate) fn warn(&mut self, msg: String) {
        self.bad_records += 1;
        if self.warnings.len() < 5 {
            self.warnings.push(msg);
        }
    }
}

/// Guess the kind of a file from its extension, then from its first bytes.
/// Returns `None` for files that are none of the supported kinds.
pub fn detect_kind(path: &Path) -> Option<InputKind> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("evtx") => return Some(InputKind::Evtx),
        Some("json" | "jsonl" | "ndjson") => return Some(InputKind::Json),
        Some("log" | "syslog" | "txt" | "messages") => return Some(InputKind::Syslog),
        _ => {}
    }
    let mut head = [0u8; 8];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .ok()?;
    let head = &head[..n];
    if head.starts_with(b"ElfFile") {
        return Some(InputKind::Evtx);
    }
    match head.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => Some(InputKind::Json),
        Some(b) if b.is_ascii_graphic() => Some(InputKind::Syslog),
        _ => None,
    }
}

/// Stream the events of `path`, calling `f` for each.
pub fn read_file(
    path: &Path,
    kind: InputKind,
    f: &mut dyn FnMut(Record),
) -> Result<ReadStats, HuntError> {
    let mut stats = ReadStats {
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        ..Default::default()
    };
    match kind {
        InputKind::Evtx => evtx::read(path, &mut stats, f)?,
        InputKind::Json => json::read(path, &mut stats, f)?,
        InputKind::Syslog => syslog::read(path, &mut stats, f)?,
    }
    Ok(stats)
}

/// Read events from any reader of JSON text (documents, arrays or lines); `origin`
/// names it in warnings.
pub fn read_json<R: Read>(
    reader: R,
    origin: &Path,
    f: &mut dyn FnMut(Record),
) -> Result<ReadStats, HuntError> {
    let mut stats = ReadStats::default();
    json::read_from(reader, origin, &mut stats, f)?;
    Ok(stats)
}

/// Expand paths (files and directories) into the supported files below them, sorted.
/// Unsupported files inside directories are skipped; a missing path is an error.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, InputKind)>, HuntError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            let kind = detect_kind(p).unwrap_or(InputKind::Syslog);
            out.push((p.clone(), kind));
        } else if p.is_dir() {
            for e in walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if e.file_type().is_file() {
                    let ext = e.path().extension().and_then(|x| x.to_str());
                    // Inside directories only take files whose name says what they are.
                    if matches!(
                        ext.map(str::to_ascii_lowercase).as_deref(),
                        Some("evtx" | "json" | "jsonl" | "ndjson" | "log" | "syslog")
                    ) && let Some(kind) = detect_kind(e.path())
                    {
                        out.push((e.into_path(), kind));
                    }
                }
            }
        } else {
            return Err(HuntError::Missing { path: p.clone() });
        }
    }
    Ok(out)
}
