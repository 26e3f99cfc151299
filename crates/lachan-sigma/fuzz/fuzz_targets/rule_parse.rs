//! Rule text (any bytes) must load into reports, never panic; whatever compiles must
//! evaluate a fixed event without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let set = lachan_sigma::RuleSet::from_yaml(text, std::path::Path::new("fuzz.yml"));
    if let Ok(mapping) = lachan_sigma::Mapping::builtin() {
        let det = lachan_sigma::Detector::new(&set, &mapping);
        let ev = lachan_sigma::LogEvent::from_json(serde_json::json!({
            "Channel": "Security", "EventID": 4688, "CommandLine": "cmd /c whoami", "a": 1
        }));
        let _ = det.detect(&ev);
    }
});
