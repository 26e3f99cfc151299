//! Arbitrary bytes as a syslog TCP stream, split at an arbitrary point: framing never
//! buffers past its bound, and every frame parses and normalises without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data
        .first()
        .map(|b| *b as usize % (data.len().max(1)))
        .unwrap_or(0);
    let mut f = lachan_ingest::SyslogFramer::new(512);
    let mut frames = Vec::new();
    for part in [&data[..split], &data[split..]] {
        match f.push(part) {
            Ok(v) => frames.extend(v),
            Err(_) => return,
        }
    }
    frames.extend(f.finish());
    for fr in frames {
        assert!(
            fr.len() <= 512,
            "frame of {} bytes passed a 512-byte bound",
            fr.len()
        );
        let text = String::from_utf8_lossy(&fr);
        let ev = lachan_ingest::syslog::parse_line(&text, 2026);
        let _ = lachan_ingest::normalize(
            &ev,
            &lachan_ingest::Arrival {
                at: jiff::Timestamp::UNIX_EPOCH,
                origin: "syslog",
                peer: Some("127.0.0.1"),
                agency_code: None,
            },
        );
    }
});
