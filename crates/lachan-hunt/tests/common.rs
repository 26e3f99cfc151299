//! Shared helpers for the corpus tests.

#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use lachan_sigma::{Detector, Mapping, RuleSet};

/// `<workspace>/../shared`, or `$LACHAN_SHARED`.
pub fn shared() -> PathBuf {
    let p = std::env::var_os("LACHAN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    assert!(
        p.join("corpus").is_dir(),
        "shared test data not found at {} (set LACHAN_SHARED)",
        p.display()
    );
    p
}

pub struct Loaded {
    pub rules: RuleSet,
    pub detector: Detector,
}

/// The SigmaHQ rules of the corpus, loaded once per test binary.
pub fn corpus_rules() -> &'static Loaded {
    static L: OnceLock<Loaded> = OnceLock::new();
    L.get_or_init(|| {
        let rules = RuleSet::load_dir(&shared().join("corpus/sigma-rules")).unwrap();
        let detector = Detector::new(&rules, &Mapping::builtin().unwrap());
        Loaded { rules, detector }
    })
}
