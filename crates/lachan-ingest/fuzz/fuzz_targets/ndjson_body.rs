//! Arbitrary bytes as an ingest body: parsing returns objects or an error naming a line,
//! and every accepted object normalises without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = lachan_ingest::NdjsonLimits {
        max_events: 1000,
        max_line_bytes: 64 * 1024,
    };
    if let Ok(objs) = lachan_ingest::parse_ndjson(data, limits) {
        let now = jiff::Timestamp::UNIX_EPOCH;
        for m in objs {
            let ev = lachan_sigma::LogEvent::from_json(serde_json::Value::Object(m));
            let n = lachan_ingest::normalize(
                &ev,
                &lachan_ingest::Arrival {
                    at: now,
                    origin: "api",
                    peer: None,
                    agency_code: None,
                },
            );
            // The stored document is always one JSON object with its time.
            let doc: serde_json::Value = serde_json::from_str(&n.doc).expect("document is JSON");
            assert!(doc.get("@timestamp").is_some());
        }
    }
});
