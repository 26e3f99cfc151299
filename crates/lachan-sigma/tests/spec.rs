//! Sigma specification coverage: detection structure, every value modifier, condition
//! operators and precedence. Each case compiles a small rule and checks events that must
//! and must not match.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use lachan_sigma::{Detector, LogEvent, Mapping, RuleSet, Status};
use serde_json::{Value, json};

/// Compile one rule (logsource-free, so it runs on events without a channel).
fn detector(detection: &str) -> Detector {
    let yaml = format!(
        "title: t\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n  product: test\nlevel: high\ndetection:\n{detection}\n"
    );
    let set = RuleSet::from_yaml(&yaml, Path::new("t.yml"));
    assert_eq!(
        set.rules.len(),
        1,
        "rule did not compile: {:?}\n{yaml}",
        set.reports
    );
    Detector::new(&set, &Mapping::builtin().unwrap())
}

fn hits(d: &Detector, ev: Value) -> bool {
    !d.detect(&LogEvent::from_json(ev)).is_empty()
}

/// Assert each event's expected outcome.
fn check(detection: &str, cases: &[(Value, bool)]) {
    let d = detector(detection);
    for (ev, want) in cases {
        assert_eq!(
            hits(&d, ev.clone()),
            *want,
            "detection:\n{detection}\nevent: {ev}"
        );
    }
}

#[test]
fn map_is_and_list_is_or() {
    check(
        "  sel:\n    a: x\n    b:\n      - y\n      - z\n  condition: sel",
        &[
            (json!({"a": "x", "b": "z"}), true),
            (json!({"a": "X", "b": "Y"}), true),
            (json!({"a": "x", "b": "w"}), false),
            (json!({"b": "y"}), false),
        ],
    );
    // A list of maps is OR of ANDs.
    check(
        "  sel:\n    - a: 1\n      b: 2\n    - c: 3\n  condition: sel",
        &[
            (json!({"a": 1, "b": 2}), true),
            (json!({"c": 3}), true),
            (json!({"a": 1}), false),
        ],
    );
}

#[test]
fn wildcards_escapes_and_case() {
    check(
        "  sel:\n    f: 'ab*c?e'\n  condition: sel",
        &[
            (json!({"f": "ABxxxCdE"}), true),
            (json!({"f": "abcde"}), true),
            (json!({"f": "abce"}), false),
        ],
    );
    check(
        "  sel:\n    f: 'a\\*b'\n  condition: sel",
        &[(json!({"f": "a*b"}), true), (json!({"f": "axxb"}), false)],
    );
    check(
        "  sel:\n    f|cased: 'AbC'\n  condition: sel",
        &[(json!({"f": "AbC"}), true), (json!({"f": "abc"}), false)],
    );
}

#[test]
fn null_and_empty_values() {
    check(
        "  sel:\n    f: null\n  condition: sel",
        &[
            (json!({"g": 1}), true),
            (json!({"f": null}), true),
            (json!({"f": "x"}), false),
        ],
    );
    check(
        "  sel:\n    f: ''\n  condition: sel",
        &[(json!({"f": ""}), true), (json!({"f": "x"}), false)],
    );
}

#[test]
fn keywords() {
    check(
        "  keywords:\n    - 'mimikatz'\n    - 'sekurlsa::*'\n  condition: keywords",
        &[
            // Keywords are full-text searches: the value may sit anywhere in a field.
            (json!({"msg": "ran MIMIKATZ now"}), true),
            (json!({"msg": "mimikatz"}), true),
            (json!({"x": {"y": "sekurlsa::logonpasswords"}}), true),
            (json!({"msg": "nothing"}), false),
        ],
    );
    check(
        "  keywords:\n    - '*mimikatz*'\n  condition: keywords",
        &[(json!({"msg": "ran MIMIKATZ now"}), true)],
    );
}

#[test]
fn string_modifiers() {
    check(
        "  sel:\n    f|contains: 'mid'\n  condition: sel",
        &[(json!({"f": "aMIDb"}), true), (json!({"f": "mi d"}), false)],
    );
    check(
        "  sel:\n    f|startswith: 'pre'\n  condition: sel",
        &[
            (json!({"f": "PREfix"}), true),
            (json!({"f": "xpre"}), false),
        ],
    );
    check(
        "  sel:\n    f|endswith: '.exe'\n  condition: sel",
        &[
            (json!({"f": "C:\\a.EXE"}), true),
            (json!({"f": "a.exe.txt"}), false),
        ],
    );
    check(
        "  sel:\n    f|contains|all:\n      - a1\n      - b2\n  condition: sel",
        &[(json!({"f": "b2 x a1"}), true), (json!({"f": "a1"}), false)],
    );
    check(
        "  sel:\n    f|all|endswith:\n      - 'c'\n      - 'bc'\n  condition: sel",
        &[(json!({"f": "abc"}), true), (json!({"f": "ac"}), false)],
    );
    check(
        "  sel:\n    f|contains|cased: 'Ab'\n  condition: sel",
        &[(json!({"f": "xAby"}), true), (json!({"f": "xaby"}), false)],
    );
}

#[test]
fn windash() {
    check(
        "  sel:\n    f|windash|contains: ' -enc '\n  condition: sel",
        &[
            (json!({"f": "ps -enc AAA"}), true),
            (json!({"f": "ps /enc AAA"}), true),
            (json!({"f": "ps \u{2013}enc AAA"}), true),
            (json!({"f": "ps \u{2014}enc AAA"}), true),
            (json!({"f": "ps \u{2015}enc AAA"}), true),
            (json!({"f": "ps enc AAA"}), false),
        ],
    );
}

#[test]
fn regex_and_flags() {
    check(
        "  sel:\n    f|re: '^a.c$'\n  condition: sel",
        &[
            (json!({"f": "abc"}), true),
            (json!({"f": "ABC"}), false),
            (json!({"f": "abcd"}), false),
        ],
    );
    check(
        "  sel:\n    f|re|i: '^a.c$'\n  condition: sel",
        &[(json!({"f": "ABC"}), true)],
    );
    check(
        "  sel:\n    f|re|m: '^b$'\n  condition: sel",
        &[
            (json!({"f": "a\nb\nc"}), true),
            (json!({"f": "a b"}), false),
        ],
    );
    check(
        "  sel:\n    f|re|s: 'a.b'\n  condition: sel",
        &[(json!({"f": "a\nb"}), true)],
    );
    check(
        "  sel:\n    f|re: 'a\\d+b'\n  condition: sel",
        &[(json!({"f": "xa123by"}), true), (json!({"f": "ab"}), false)],
    );
}

#[test]
fn base64_family() {
    // base64("secret") = c2VjcmV0
    check(
        "  sel:\n    f|base64: 'secret'\n  condition: sel",
        &[
            (json!({"f": "c2VjcmV0"}), true),
            (json!({"f": "secret"}), false),
        ],
    );
    // base64offset where the value ends the encoded text (offsets 0, 1, 2).
    check(
        "  sel:\n    f|base64offset|contains: 'http://'\n  condition: sel",
        &[
            (json!({"f": "xx aHR0cDovLw=="}), true),
            (json!({"f": "QWh0dHA6Ly8="}), true),
            (json!({"f": "QUFodHRwOi8v"}), true),
            (json!({"f": "http://"}), false),
        ],
    );
    // utf16le + base64: "ab" -> 61 00 62 00 -> YQBiAA==
    check(
        "  sel:\n    f|utf16le|base64: 'ab'\n  condition: sel",
        &[
            (json!({"f": "YQBiAA=="}), true),
            (json!({"f": "YWI="}), false),
        ],
    );
    check(
        "  sel:\n    f|wide|base64offset|contains: 'ab'\n  condition: sel",
        &[(json!({"f": "zzYQBiAA"}), true)],
    );
    // utf16be: 00 61 00 62 -> AGEAYg==
    check(
        "  sel:\n    f|utf16be|base64: 'ab'\n  condition: sel",
        &[(json!({"f": "AGEAYg=="}), true)],
    );
    // utf16 (with BOM, little endian): ff fe 61 00 62 00 -> //5hAGIA
    check(
        "  sel:\n    f|utf16|base64: 'ab'\n  condition: sel",
        &[(json!({"f": "//5hAGIA"}), true)],
    );
}

/// base64offset where more data follows the value: the last encoded character of each
/// variant depends on the next byte, so it must not be part of the pattern. rsigma-eval
/// 0.23 keeps it, which misses such events.
#[test]
#[ignore = "known gap in rsigma-eval 0.23: base64offset keeps the trailing partial character"]
fn base64offset_followed_by_more_data() {
    check(
        "  sel:\n    f|base64offset|contains: 'http://'\n  condition: sel",
        &[
            (json!({"f": "xx aHR0cDovL2V4YW1wbGU= yy"}), true),
            (json!({"f": "QWh0dHA6Ly9l"}), true),
        ],
    );
}

#[test]
fn numeric_comparisons() {
    check(
        "  sel:\n    n|gt: 10\n  condition: sel",
        &[
            (json!({"n": 11}), true),
            (json!({"n": 10}), false),
            (json!({"n": "12"}), true),
        ],
    );
    check(
        "  sel:\n    n|gte: 10\n  condition: sel",
        &[(json!({"n": 10}), true), (json!({"n": 9}), false)],
    );
    check(
        "  sel:\n    n|lt: 10\n  condition: sel",
        &[(json!({"n": 9}), true), (json!({"n": 10}), false)],
    );
    check(
        "  sel:\n    n|lte: 10\n  condition: sel",
        &[(json!({"n": 10}), true), (json!({"n": 11}), false)],
    );
    check(
        "  sel:\n    EventID: 4624\n  condition: sel",
        &[
            (json!({"EventID": 4624}), true),
            (json!({"EventID": "4624"}), true),
            (json!({"EventID": 4625}), false),
        ],
    );
}

#[test]
fn cidr_exists_fieldref_expand() {
    check(
        "  sel:\n    ip|cidr:\n      - 10.0.0.0/8\n      - 'fe80::/10'\n  condition: sel",
        &[
            (json!({"ip": "10.1.2.3"}), true),
            (json!({"ip": "fe80::1"}), true),
            (json!({"ip": "11.0.0.1"}), false),
            (json!({"ip": "not an ip"}), false),
        ],
    );
    check(
        "  sel:\n    f|exists: true\n  condition: sel",
        &[(json!({"f": ""}), true), (json!({"g": 1}), false)],
    );
    check(
        "  sel:\n    f|exists: false\n  condition: sel",
        &[(json!({"g": 1}), true), (json!({"f": 1}), false)],
    );
    check(
        "  sel:\n    a|fieldref: b\n  condition: sel",
        &[
            (json!({"a": "x", "b": "x"}), true),
            (json!({"a": "x", "b": "y"}), false),
        ],
    );
    check(
        "  sel:\n    a|fieldref|endswith: b\n  condition: sel",
        &[
            (json!({"a": "C:\\x\\tool.exe", "b": "tool.exe"}), true),
            (json!({"a": "x", "b": "y"}), false),
        ],
    );
}

#[test]
fn expand_placeholder_compiles_and_is_reported() {
    // Placeholders need values from a pipeline; the rule must load without panicking and
    // report a clear status either way.
    let yaml = "title: t\nlogsource: {product: test}\ndetection:\n  sel:\n    f|expand: '%admins%'\n  condition: sel\n";
    let set = RuleSet::from_yaml(yaml, Path::new("e.yml"));
    assert_eq!(set.reports.len(), 1);
    assert!(set.reports[0].status == Status::Ok || !set.reports[0].reason.is_empty());
}

#[test]
fn conditions_and_precedence() {
    let det = "  a:\n    x: 1\n  b:\n    y: 1\n  c:\n    z: 1\n";
    // not binds tighter than and, and tighter than or.
    check(
        &format!("{det}  condition: a or b and not c"),
        &[
            (json!({"x": 1, "z": 1}), true),
            (json!({"y": 1}), true),
            (json!({"y": 1, "z": 1}), false),
            (json!({}), false),
        ],
    );
    check(
        &format!("{det}  condition: (a or b) and not c"),
        &[(json!({"x": 1, "z": 1}), false), (json!({"x": 1}), true)],
    );
    check(
        &format!("{det}  condition: not (a and b)"),
        &[(json!({"x": 1, "y": 1}), false), (json!({"x": 1}), true)],
    );
}

#[test]
fn quantifiers() {
    let det = "  sel_a:\n    x: 1\n  sel_b:\n    y: 1\n  other:\n    z: 1\n";
    check(
        &format!("{det}  condition: 1 of sel_*"),
        &[(json!({"y": 1}), true), (json!({"z": 1}), false)],
    );
    check(
        &format!("{det}  condition: all of sel_*"),
        &[
            (json!({"x": 1, "y": 1}), true),
            (json!({"x": 1, "z": 1}), false),
        ],
    );
    check(
        &format!("{det}  condition: any of them"),
        &[(json!({"z": 1}), true), (json!({}), false)],
    );
    check(
        &format!("{det}  condition: all of them"),
        &[
            (json!({"x": 1, "y": 1, "z": 1}), true),
            (json!({"x": 1, "y": 1}), false),
        ],
    );
    check(
        &format!("{det}  condition: 1 of sel_* and not other"),
        &[(json!({"x": 1}), true), (json!({"x": 1, "z": 1}), false)],
    );
}

#[test]
fn multi_document_and_global_action() {
    let yaml = "action: global\ntitle: g\nlogsource: {product: test}\ndetection:\n  base:\n    a: 1\n  condition: base and sel\n---\nid: 00000000-0000-0000-0000-00000000000a\ndetection:\n  sel:\n    b: 1\n---\nid: 00000000-0000-0000-0000-00000000000b\ndetection:\n  sel:\n    c: 1\n";
    let set = RuleSet::from_yaml(yaml, Path::new("g.yml"));
    assert_eq!(set.rules.len(), 2, "{:?}", set.reports);
    let d = Detector::new(&set, &Mapping::builtin().unwrap());
    let got = d.detect(&LogEvent::from_json(json!({"a": 1, "c": 1})));
    assert_eq!(got.len(), 1);
    assert_eq!(
        d.rules()[got[0].rule].id,
        "00000000-0000-0000-0000-00000000000b"
    );
}

#[test]
fn errors_name_file_rule_and_reason() {
    let bad = RuleSet::from_yaml("title: [unclosed\n", Path::new("bad.yml"));
    assert_eq!(bad.reports.len(), 1);
    assert_eq!(bad.reports[0].status, Status::Error);
    assert_eq!(bad.reports[0].path, Path::new("bad.yml"));
    let missing = RuleSet::from_yaml(
        "title: t\nid: r1\nlogsource: {product: test}\ndetection:\n  sel:\n    a: 1\n  condition: sel and nope\n",
        Path::new("m.yml"),
    );
    assert_ne!(
        missing.reports[0].status,
        Status::Ok,
        "{:?}",
        missing.reports
    );
    assert!(
        missing.reports[0].reason.contains("nope"),
        "{:?}",
        missing.reports
    );
    let modifier = RuleSet::from_yaml(
        "title: t\nid: r2\nlogsource: {product: test}\ndetection:\n  sel:\n    a|frobnicate: 1\n  condition: sel\n",
        Path::new("x.yml"),
    );
    assert_ne!(modifier.reports[0].status, Status::Ok);
    assert!(
        modifier.reports[0].reason.contains("frobnicate"),
        "{:?}",
        modifier.reports
    );
}
