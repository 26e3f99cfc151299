//! EVTX reader: streams records chunk by chunk through the `evtx` crate.

use std::path::Path;

use evtx::{EvtxParser, ParserSettings};
use lachan_sigma::LogEvent;

use super::{ReadStats, Record};
use crate::HuntError;

pub(super) fn read(
    path: &Path,
    stats: &mut ReadStats,
    f: &mut dyn FnMut(Record),
) -> Result<(), HuntError> {
    let parser = EvtxParser::from_path(path).map_err(|e| HuntError::Read {
        path: path.to_owned(),
        reason: format!("not a readable EVTX file: {e}"),
    })?;
    // Files are hunted in parallel; one thread per file keeps the cores busy without
    // oversubscribing them.
    let settings = ParserSettings::new()
        .num_threads(1)
        .separate_json_attributes(false);
    let mut parser = parser.with_configuration(settings);
    for (n, rec) in parser.records_json_value().enumerate() {
        match rec {
            Ok(r) => {
                let mut event = LogEvent::from_json(r.data);
                if event.timestamp().is_none() {
                    event = event.with_timestamp(r.timestamp);
                }
                stats.events += 1;
                f(Record {
                    record_id: r.event_record_id,
                    event,
                });
            }
            Err(e) => stats.warn(format!("{}: record #{}: {e}", path.display(), n + 1)),
        }
    }
    Ok(())
}
