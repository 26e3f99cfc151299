//! Shared helpers for integration tests.
#![allow(dead_code)]
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

/// `<workspace>/../shared`, or `$LACHAN_SHARED`; panics with the path when missing.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("LACHAN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    assert!(
        dir.is_dir(),
        "shared test data not found at {} (set LACHAN_SHARED to its location)",
        dir.display()
    );
    dir
}

/// The Wazuh SCA corpus directory.
pub fn sca_corpus() -> PathBuf {
    let d = shared_dir().join("corpus/wazuh-sca");
    assert!(d.is_dir(), "Wazuh SCA corpus not found at {}", d.display());
    d
}

/// Every policy file of the corpus, sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(sca_corpus())
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files
}
