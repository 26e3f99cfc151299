//! Built-in policies shipped inside the binary (Wazuh SCA format with the
//! `*_vi`, `severity` and `min_level` extension keys).

use crate::sca::{OsFamily, Policy, PolicyError, parse_policy};

/// A policy embedded in the crate.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinPolicy {
    /// File name, shown as `builtin:<name>` in results.
    pub name: &'static str,
    /// The operating system the policy is written for.
    pub os: OsFamily,
    pub yaml: &'static str,
}

/// Every built-in policy.
pub const BUILTIN: &[BuiltinPolicy] = &[
    BuiltinPolicy {
        name: "lachan_linux_server_baseline.yml",
        os: OsFamily::Linux,
        yaml: include_str!("lachan_linux_server_baseline.yml"),
    },
    BuiltinPolicy {
        name: "lachan_d06_workstation_linux.yml",
        os: OsFamily::Linux,
        yaml: include_str!("lachan_d06_workstation_linux.yml"),
    },
    BuiltinPolicy {
        name: "lachan_d06_workstation_windows.yml",
        os: OsFamily::Windows,
        yaml: include_str!("lachan_d06_workstation_windows.yml"),
    },
];

impl BuiltinPolicy {
    /// Parses the embedded YAML.
    pub fn load(&self) -> Result<Policy, PolicyError> {
        parse_policy(self.yaml, &format!("builtin:{}", self.name))
    }
}

/// The built-in policy called `name`: its file name with or without `.yml`, optionally
/// prefixed `builtin:` (as results show it).
pub fn builtin_named(name: &str) -> Option<&'static BuiltinPolicy> {
    let bare = name.strip_prefix("builtin:").unwrap_or(name);
    BUILTIN
        .iter()
        .find(|b| b.name == bare || b.name.strip_suffix(".yml") == Some(bare))
}

/// The built-in policies written for `os`, parsed.
pub fn builtin_for(os: OsFamily) -> Result<Vec<Policy>, PolicyError> {
    BUILTIN
        .iter()
        .filter(|b| b.os == os)
        .map(BuiltinPolicy::load)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_policy_parses_cleanly_and_is_bilingual() {
        for b in BUILTIN {
            let p = b.load().unwrap_or_else(|e| panic!("{e}"));
            assert!(p.warnings.is_empty(), "{:?}", p.warnings);
            assert!(p.name.vi.is_some() && p.name.en.is_some(), "{}", b.name);
            assert!(p.checks.len() >= 10, "{}", b.name);
            for c in &p.checks {
                for (what, t) in [
                    ("title", &c.title),
                    ("rationale", &c.rationale),
                    ("remediation", &c.remediation),
                ] {
                    assert!(
                        t.en.as_deref().is_some_and(|s| !s.is_empty())
                            && t.vi.as_deref().is_some_and(|s| !s.is_empty()),
                        "{} check {}: {what} needs English and Vietnamese",
                        b.name,
                        c.id
                    );
                }
            }
        }
    }

    #[test]
    fn builtins_are_found_by_name() {
        for n in [
            "lachan_d06_workstation_linux",
            "lachan_d06_workstation_linux.yml",
            "builtin:lachan_d06_workstation_linux.yml",
        ] {
            assert_eq!(
                builtin_named(n).map(|b| b.name),
                Some("lachan_d06_workstation_linux.yml"),
                "{n}"
            );
        }
        assert!(builtin_named("/etc/lachan/policy.yml").is_none());
        assert!(builtin_named("lachan_unknown").is_none());
    }

    #[test]
    fn linux_builtins_are_selected_for_linux() {
        let ps = builtin_for(OsFamily::Linux).unwrap();
        assert_eq!(ps.len(), 2);
        assert_eq!(builtin_for(OsFamily::Windows).unwrap().len(), 1);
    }
}
