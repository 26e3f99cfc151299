//! Regulatory regimes and their requirement catalogues, loaded from
//! `data/regimes.json`. A change of law is a data update: add a regime with
//! its `effective_from` date and requirement list; no code changes.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::datefmt;

/// One requirement of a catalogue (IDs such as `SRV-05`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub id: String,
    pub title_vi: String,
    pub title_en: String,
    /// Lowest security level at which the requirement applies.
    pub min_level: u8,
    pub refs: String,
    /// How it can be verified: A agent, S scan, I integration, H human.
    pub check: String,
    #[serde(default)]
    pub level_note: String,
}

/// A decree + standard pair under which levels are approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regime {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub decree: String,
    pub standard: String,
    /// `yyyy-mm-dd`
    pub effective_from: String,
    pub superseded_on: Option<String>,
    pub appraiser_level4_plus: String,
    pub requirements: Vec<Requirement>,
}

impl Regime {
    /// Requirements that apply to a system of `level`.
    pub fn requirements_for(&self, level: u8) -> impl Iterator<Item = &Requirement> {
        self.requirements
            .iter()
            .filter(move |r| r.min_level <= level)
    }
}

#[derive(Deserialize)]
struct Catalogue {
    regimes: Vec<Regime>,
}

static REGIMES: LazyLock<Vec<Regime>> = LazyLock::new(|| {
    // The file ships inside the binary and is checked by a unit test, so a
    // parse failure can only come from a broken build; fall back to empty.
    serde_json::from_str::<Catalogue>(include_str!("../data/regimes.json"))
        .map(|c| c.regimes)
        .unwrap_or_default()
});

/// All known regimes, oldest first.
pub fn all() -> &'static [Regime] {
    &REGIMES
}

pub fn find(code: &str) -> Option<&'static Regime> {
    REGIMES.iter().find(|r| r.code == code)
}

pub fn codes() -> Vec<&'static str> {
    REGIMES.iter().map(|r| r.code.as_str()).collect()
}

/// The regime in force on `date` (today when `None`).
pub fn default_for(date: Option<Date>) -> &'static Regime {
    let day = date.unwrap_or_else(|| datefmt::now_utc().date());
    let day = datefmt::date_iso(day);
    REGIMES
        .iter()
        .rev()
        .find(|r| r.effective_from.as_str() <= day.as_str())
        .or_else(|| REGIMES.first())
        .unwrap_or_else(|| &EMPTY)
}

static EMPTY: LazyLock<Regime> = LazyLock::new(|| Regime {
    code: String::new(),
    name_vi: String::new(),
    name_en: String::new(),
    decree: String::new(),
    standard: String::new(),
    effective_from: String::new(),
    superseded_on: None,
    appraiser_level4_plus: String::new(),
    requirements: Vec::new(),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_loads_with_both_regimes() {
        let c: Catalogue = serde_json::from_str(include_str!("../data/regimes.json")).unwrap();
        assert_eq!(c.regimes.len(), 2);
        for r in &c.regimes {
            assert_eq!(r.requirements.len(), 99, "{}", r.code);
            assert!(
                r.requirements
                    .iter()
                    .all(|q| (1..=5).contains(&q.min_level))
            );
        }
    }

    #[test]
    fn regime_follows_the_date() {
        let old = datefmt::parse_date("2020-01-01");
        assert_eq!(default_for(old).code, "ND85_TCVN11930");
        let new = datefmt::parse_date("2026-10-01");
        assert_eq!(default_for(new).code, "ND331_TCVN14423");
    }

    #[test]
    fn higher_levels_have_more_requirements() {
        let r = find("ND331_TCVN14423").unwrap();
        let l1 = r.requirements_for(1).count();
        let l5 = r.requirements_for(5).count();
        assert!(l1 < l5 && l5 == 99, "{l1} {l5}");
    }
}
