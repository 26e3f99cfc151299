//! Central agent settings: what an agent group asks its agents to collect and check.
//!
//! The server keeps one document per agent group; each agent of the group fetches it and
//! merges it with its own command line and local file, which may add to it (more files,
//! more paths) but never silently drop what the group asks for.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Longest path or glob accepted.
const MAX_PATH: usize = 1024;
/// Most entries of one list (files, FIM paths, policies, malware paths).
const MAX_ENTRIES: usize = 200;

/// The settings of an agent group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentSettings {
    /// Log files to follow (absolute glob patterns).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Follow the systemd journal.
    #[serde(default, skip_serializing_if = "is_false")]
    pub journald: bool,
    /// Files or directories under file-integrity monitoring (absolute).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fim: Vec<String>,
    /// Report USB mass-storage devices attached and detached.
    #[serde(default, skip_serializing_if = "is_false")]
    pub usb: bool,
    /// Seconds between heartbeats (10 to 3600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_secs: Option<u64>,
    /// Compliance checks on a schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance: Option<ComplianceSettings>,
    /// Malware scanning with YARA rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malware: Option<MalwareSettings>,
}

/// Which policies run, how often, for which security level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceSettings {
    /// Minutes between runs (15 to 10080, one week).
    pub every_minutes: u64,
    /// Built-in policy names (`lachan_d06_workstation_linux`, with or without `.yml`,
    /// optionally prefixed `builtin:`) or absolute policy paths on the agent; empty means
    /// the built-in policies for the agent's platform.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<String>,
    /// Security level (1–5) of the information system the machines belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_level: Option<u8>,
}

/// Where YARA rules are, what to scan and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MalwareSettings {
    /// Directory of YARA rules on the agent (absolute).
    pub rules: String,
    /// Files or directories scanned on the schedule (absolute).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// Minutes between scheduled scans (0: no schedule, 15 to 10080 otherwise).
    #[serde(default)]
    pub every_minutes: u64,
    /// Scan each file the integrity monitor sees created or modified.
    #[serde(default, skip_serializing_if = "is_false")]
    pub on_fim: bool,
    /// Files larger than this many MiB are skipped (default 64, at most 4096).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_file_mb: Option<u64>,
    /// Move matching files here (absolute), recording their hashes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantine_dir: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An absolute path or glob without control characters.
fn check_path(field: &str, v: &str) -> Result<(), FieldError> {
    if v.is_empty() || v.len() > MAX_PATH {
        return Err(FieldError::new(
            field,
            format!("a path of 1 to {MAX_PATH} bytes"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(FieldError::new(field, "contains a control character"));
    }
    if !is_absolute(v) {
        return Err(FieldError::new(
            field,
            format!("'{v}' is not an absolute path"),
        ));
    }
    Ok(())
}

/// `/…` on Unix, `C:\…` or `\\server\…` on Windows.
fn is_absolute(v: &str) -> bool {
    let b = v.as_bytes();
    v.starts_with('/')
        || v.starts_with("\\\\")
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

fn check_list(field: &str, list: &[String]) -> Result<(), FieldError> {
    if list.len() > MAX_ENTRIES {
        return Err(FieldError::new(
            field,
            format!("at most {MAX_ENTRIES} entries"),
        ));
    }
    for (i, v) in list.iter().enumerate() {
        check_path(&format!("{field}[{i}]"), v)?;
    }
    Ok(())
}

fn check_minutes(field: &str, m: u64) -> Result<(), FieldError> {
    if !(15..=10_080).contains(&m) {
        return Err(FieldError::new(
            field,
            "must be 15 to 10080 minutes (one week)",
        ));
    }
    Ok(())
}

/// A built-in policy name: lowercase letters, digits, `_`, `-` and `.`.
fn is_policy_name(v: &str) -> bool {
    let v = v.strip_prefix("builtin:").unwrap_or(v);
    !v.is_empty()
        && v.len() <= 100
        && v.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"_-.".contains(&c))
}

impl AgentSettings {
    /// Every rule a group's settings must follow; the error names the offending key.
    pub fn validate(&self) -> Result<(), FieldError> {
        check_list("files", &self.files)?;
        check_list("fim", &self.fim)?;
        if let Some(h) = self.heartbeat_secs
            && !(10..=3600).contains(&h)
        {
            return Err(FieldError::new("heartbeat_secs", "must be 10 to 3600"));
        }
        if let Some(c) = &self.compliance {
            check_minutes("compliance.every_minutes", c.every_minutes)?;
            if c.policies.len() > MAX_ENTRIES {
                return Err(FieldError::new(
                    "compliance.policies",
                    format!("at most {MAX_ENTRIES} entries"),
                ));
            }
            for (i, p) in c.policies.iter().enumerate() {
                if !is_policy_name(p) {
                    check_path(&format!("compliance.policies[{i}]"), p).map_err(|mut e| {
                        e.message = format!(
                            "{}; give a built-in policy name or an absolute path",
                            e.message
                        );
                        e
                    })?;
                }
            }
            if let Some(l) = c.security_level
                && !(1..=5).contains(&l)
            {
                return Err(FieldError::new(
                    "compliance.security_level",
                    "must be 1 to 5",
                ));
            }
        }
        if let Some(m) = &self.malware {
            check_path("malware.rules", &m.rules)?;
            check_list("malware.paths", &m.paths)?;
            if m.every_minutes != 0 {
                check_minutes("malware.every_minutes", m.every_minutes)?;
                if m.paths.is_empty() {
                    return Err(FieldError::new(
                        "malware.paths",
                        "a scheduled scan needs at least one path",
                    ));
                }
            } else if !m.on_fim {
                return Err(FieldError::new(
                    "malware.every_minutes",
                    "give a schedule, or on_fim: true, or both",
                ));
            }
            if m.on_fim && self.fim.is_empty() {
                return Err(FieldError::new(
                    "malware.on_fim",
                    "needs paths under file-integrity monitoring (fim)",
                ));
            }
            if let Some(mb) = m.max_file_mb
                && !(1..=4096).contains(&mb)
            {
                return Err(FieldError::new("malware.max_file_mb", "must be 1 to 4096"));
            }
            if let Some(q) = &m.quarantine_dir {
                check_path("malware.quarantine_dir", q)?;
            }
        }
        Ok(())
    }

    /// Add `other` to these settings: lists are joined (without repeats), switches that
    /// either side turns on stay on, and `other`'s schedules fill in those not set here.
    pub fn add(&mut self, other: &AgentSettings) {
        fn join(a: &mut Vec<String>, b: &[String]) {
            for v in b {
                if !a.contains(v) {
                    a.push(v.clone());
                }
            }
        }
        join(&mut self.files, &other.files);
        join(&mut self.fim, &other.fim);
        self.journald |= other.journald;
        self.usb |= other.usb;
        if self.heartbeat_secs.is_none() {
            self.heartbeat_secs = other.heartbeat_secs;
        }
        if self.compliance.is_none() {
            self.compliance = other.compliance.clone();
        }
        if self.malware.is_none() {
            self.malware = other.malware.clone();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(json: &str) -> AgentSettings {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_full_document_validates() {
        let s = parse(
            r#"{"files":["/var/log/auth.log","/var/log/nginx/*.log"],"journald":true,
                "fim":["/etc"],"usb":true,"heartbeat_secs":60,
                "compliance":{"every_minutes":720,"policies":["lachan_d06_workstation_linux",
                    "builtin:lachan_linux_server_baseline.yml","/etc/lachan/policies"],
                    "security_level":3},
                "malware":{"rules":"/etc/lachan/yara","paths":["/home"],"every_minutes":1440,
                    "on_fim":true,"max_file_mb":32}}"#,
        );
        s.validate().unwrap();
        // Round trip keeps the document.
        let back: AgentSettings =
            serde_json::from_value(serde_json::to_value(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            (r#"{"files":["var/log/x"]}"#, "files[0]"),
            (r#"{"fim":["/etc","rel"]}"#, "fim[1]"),
            (r#"{"heartbeat_secs":1}"#, "heartbeat_secs"),
            (
                r#"{"compliance":{"every_minutes":1}}"#,
                "compliance.every_minutes",
            ),
            (
                r#"{"compliance":{"every_minutes":60,"policies":["Bad Name"]}}"#,
                "compliance.policies[0]",
            ),
            (
                r#"{"compliance":{"every_minutes":60,"security_level":6}}"#,
                "compliance.security_level",
            ),
            (r#"{"malware":{"rules":"/r"}}"#, "malware.every_minutes"),
            (
                r#"{"malware":{"rules":"/r","every_minutes":60}}"#,
                "malware.paths",
            ),
            (
                r#"{"malware":{"rules":"/r","on_fim":true}}"#,
                "malware.on_fim",
            ),
            (
                r#"{"malware":{"rules":"r","on_fim":true}}"#,
                "malware.rules",
            ),
        ];
        for (doc, field) in cases {
            let e = parse(doc).validate().unwrap_err();
            assert_eq!(e.field, field, "{doc}: {}", e.message);
        }
        assert!(serde_json::from_str::<AgentSettings>(r#"{"filez":[]}"#).is_err());
    }

    #[test]
    fn windows_paths_are_absolute() {
        let s = parse(r#"{"fim":["C:\\Windows\\System32\\drivers\\etc","\\\\srv\\share"]}"#);
        s.validate().unwrap();
    }

    #[test]
    fn local_settings_add_to_the_group() {
        let mut group = parse(
            r#"{"files":["/var/log/auth.log"],"fim":["/etc"],
                "compliance":{"every_minutes":60}}"#,
        );
        let local = parse(
            r#"{"files":["/var/log/auth.log","/opt/app/*.log"],"usb":true,
                "compliance":{"every_minutes":15}}"#,
        );
        group.add(&local);
        assert_eq!(group.files, ["/var/log/auth.log", "/opt/app/*.log"]);
        assert!(group.usb);
        assert_eq!(
            group.compliance.unwrap().every_minutes,
            60,
            "the group's schedule stands"
        );
    }
}
