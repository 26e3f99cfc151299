//! End-to-end YARA scanning with an EICAR test rule and file (the EICAR string
//! is assembled at run time; no test virus file is stored in the repository).
#![cfg(feature = "yara")]
#![allow(clippy::unwrap_used)]

use lachan_scan::malware::{ScanOptions, load_rules_dir, restore_file};
use std::path::PathBuf;

/// The 68-byte EICAR anti-malware test string, built from two halves.
fn eicar() -> Vec<u8> {
    let a = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$";
    let b = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    format!("{a}{b}").into_bytes()
}

const RULE: &str = r#"
rule EICAR_Test_File {
  meta:
    description = "EICAR anti-malware test file"
  strings:
    $eicar = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!" ascii
  condition:
    $eicar at 0 or ($eicar and filesize < 128)
}
"#;

#[test]
fn eicar_is_found_quarantined_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join("eicar.yar"), RULE).unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("sub")).unwrap();
    let sample = data.join("sub/eicar.com");
    assert_eq!(eicar().len(), 68);
    std::fs::write(&sample, eicar()).unwrap();
    std::fs::write(data.join("clean.txt"), b"hello world").unwrap();
    std::fs::write(data.join("big.bin"), vec![b'A'; 3000]).unwrap();

    let scanner = load_rules_dir(&rules).unwrap();
    assert_eq!(scanner.rule_count(), 1);
    let q = dir.path().join("quarantine");
    let opts = ScanOptions {
        max_file_size: 2048,
        quarantine_dir: Some(q.clone()),
        ..ScanOptions::default()
    };
    let (found, summary) = scanner.scan_paths(std::slice::from_ref(&data), &opts);
    assert_eq!(summary.files_scanned, 2, "{summary:?}");
    assert_eq!(summary.skipped_too_large, 1);
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(f.rules, vec!["eicar:EICAR_Test_File".to_string()]);
    assert_eq!(
        f.sha256,
        "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
    );
    let rec = f.quarantine.as_ref().unwrap();
    assert!(!sample.exists(), "sample must be moved into quarantine");
    assert!(PathBuf::from(&rec.stored_path).exists());

    // Single-file scans (the file-integrity hook) report the same match.
    let one = scanner
        .scan_file(&data.join("clean.txt"), &ScanOptions::default())
        .unwrap();
    assert!(one.is_none());

    // Restore puts it back byte for byte.
    let back = restore_file(&q.join(format!("{}.json", rec.sha256))).unwrap();
    assert_eq!(back, std::path::absolute(&sample).unwrap());
    assert_eq!(std::fs::read(&sample).unwrap(), eicar());
    let again = scanner
        .scan_file(&sample, &ScanOptions::default())
        .unwrap()
        .unwrap();
    assert_eq!(again.rules, vec!["eicar:EICAR_Test_File".to_string()]);
    assert!(again.quarantine.is_none());
}

#[test]
fn bad_rules_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.yar"), "rule x { condition: nope }").unwrap();
    let e = load_rules_dir(dir.path()).err().unwrap().to_string();
    assert!(
        e.contains("broken.yar") && e.contains("rule compilation failed"),
        "{e}"
    );
    let empty = tempfile::tempdir().unwrap();
    let e = load_rules_dir(empty.path()).err().unwrap().to_string();
    assert!(e.contains("no .yar or .yara rule files"), "{e}");
}
