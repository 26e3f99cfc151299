//! Service and portal monitors: what is watched, how often, and the state machine
//! that turns check results into up/down states without flapping.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::registry::{string_enum, validate_code};

string_enum! {
    /// What a monitor checks.
    MonitorKind {
        Http = "http", "Truy cập HTTP(S)", "HTTP(S) request";
        Tcp = "tcp", "Cổng TCP", "TCP port";
        Tls = "tls", "Hạn chứng thư TLS", "TLS certificate expiry";
        Dns = "dns", "Phân giải tên miền", "DNS answer";
        Webcheck = "webcheck", "Kiểm tra toàn vẹn cổng TTĐT", "Portal integrity scan";
    }
}

string_enum! {
    /// What the monitor last concluded.
    MonitorState {
        Unknown = "unknown", "Chưa rõ", "Unknown";
        Up = "up", "Hoạt động", "Up";
        Down = "down", "Gián đoạn", "Down";
    }
}

/// Consecutive results in the new direction needed to change state (flap guard).
pub const CONFIRM_RESULTS: i64 = 2;

impl MonitorKind {
    /// Default seconds between checks.
    pub fn default_interval(self) -> i64 {
        match self {
            MonitorKind::Http | MonitorKind::Tcp => 60,
            MonitorKind::Dns => 300,
            MonitorKind::Tls | MonitorKind::Webcheck => 6 * 3600,
        }
    }

    /// Shortest interval allowed (a portal scan crawls the site).
    pub fn min_interval(self) -> i64 {
        match self {
            MonitorKind::Webcheck => 600,
            _ => 30,
        }
    }
}

/// A monitor as submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMonitor {
    pub name: String,
    pub kind: MonitorKind,
    /// URL (http, webcheck), `host:port` (tcp), `host[:port]` (tls) or a host name (dns).
    pub target: String,
    pub agency_code: String,
    #[serde(default)]
    pub system_code: Option<String>,
    #[serde(default)]
    pub interval_secs: Option<i64>,
    #[serde(default)]
    pub timeout_secs: Option<i64>,
    /// HTTP: text that must appear in the page (or must not, with `keyword_absent`).
    #[serde(default)]
    pub keyword: Option<String>,
    #[serde(default)]
    pub keyword_absent: bool,
    /// HTTP: the status expected (any 2xx/3xx when absent).
    #[serde(default)]
    pub expect_status: Option<u16>,
    /// TLS and HTTPS: warn this many days before the certificate expires.
    #[serde(default)]
    pub tls_warn_days: Option<i64>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// `host:port` split, with IPv6 in brackets.
pub fn split_host_port(s: &str) -> Option<(String, Option<u16>)> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('[') {
        let (host, tail) = rest.split_once(']')?;
        let port = match tail.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if tail.is_empty() => None,
            None => return None,
        };
        return Some((host.to_string(), port));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Some((h.to_string(), Some(p.parse().ok()?))),
        Some(_) => None,
        None => Some((s.to_string(), None)),
    }
}

fn valid_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'))
}

impl NewMonitor {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.name = self.name.trim().to_string();
        crate::ops_text("name", &self.name, 200, true)?;
        self.target = self.target.trim().to_string();
        self.agency_code = self.agency_code.trim().to_string();
        validate_code("agency_code", &self.agency_code)?;
        if let Some(s) = &self.system_code {
            let s = s.trim().to_string();
            if s.is_empty() {
                self.system_code = None;
            } else {
                validate_code("system_code", &s)?;
                self.system_code = Some(s);
            }
        }
        let bad = |m: &str| Err(FieldError::new("target", m.to_string()));
        match self.kind {
            MonitorKind::Http | MonitorKind::Webcheck => {
                let lower = self.target.to_ascii_lowercase();
                if !(lower.starts_with("http://") || lower.starts_with("https://"))
                    || self.target.len() > 2000
                    || self.target.chars().any(char::is_whitespace)
                {
                    return bad("must be an http:// or https:// URL");
                }
            }
            MonitorKind::Tcp => match split_host_port(&self.target) {
                Some((h, Some(p))) if valid_host(&h) && p > 0 => {}
                _ => return bad("must be host:port"),
            },
            MonitorKind::Tls => match split_host_port(&self.target) {
                Some((h, _)) if valid_host(&h) => {}
                _ => return bad("must be a host name, optionally with :port"),
            },
            MonitorKind::Dns => {
                if !valid_host(&self.target) || self.target.contains(':') {
                    return bad("must be a host name");
                }
            }
        }
        let interval = self
            .interval_secs
            .unwrap_or_else(|| self.kind.default_interval());
        if interval < self.kind.min_interval() || interval > 7 * 86_400 {
            return Err(FieldError::new(
                "interval_secs",
                format!(
                    "must be {} to 604800 seconds for this kind",
                    self.kind.min_interval()
                ),
            ));
        }
        self.interval_secs = Some(interval);
        let timeout = self.timeout_secs.unwrap_or(10);
        if !(1..=120).contains(&timeout) {
            return Err(FieldError::new("timeout_secs", "must be 1 to 120 seconds"));
        }
        self.timeout_secs = Some(timeout);
        if let Some(k) = &self.keyword {
            let k = k.trim().to_string();
            if k.chars().count() > 200 {
                return Err(FieldError::new("keyword", "is longer than 200 characters"));
            }
            self.keyword = Some(k).filter(|k| !k.is_empty());
        }
        if let Some(s) = self.expect_status
            && !(100..=599).contains(&s)
        {
            return Err(FieldError::new("expect_status", "must be an HTTP status"));
        }
        let warn = self.tls_warn_days.unwrap_or(14);
        if !(0..=365).contains(&warn) {
            return Err(FieldError::new("tls_warn_days", "must be 0 to 365"));
        }
        self.tls_warn_days = Some(warn);
        Ok(())
    }
}

/// The state after one more result, and whether it changed: a change needs
/// [`CONFIRM_RESULTS`] results in a row (the first result of a new monitor decides).
pub fn next_state(
    current: MonitorState,
    fail_streak: i64,
    ok_streak: i64,
    ok: bool,
) -> (MonitorState, i64, i64, bool) {
    let (fails, oks) = if ok {
        (0, ok_streak + 1)
    } else {
        (fail_streak + 1, 0)
    };
    let new = match current {
        MonitorState::Unknown => {
            if ok {
                MonitorState::Up
            } else if fails >= CONFIRM_RESULTS {
                MonitorState::Down
            } else {
                MonitorState::Unknown
            }
        }
        MonitorState::Up if !ok && fails >= CONFIRM_RESULTS => MonitorState::Down,
        MonitorState::Down if ok && oks >= CONFIRM_RESULTS => MonitorState::Up,
        s => s,
    };
    (new, fails, oks, new != current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use MonitorState::*;

    fn run(results: &[bool]) -> Vec<MonitorState> {
        let (mut s, mut f, mut o) = (Unknown, 0, 0);
        results
            .iter()
            .map(|ok| {
                let (n, nf, no, _) = next_state(s, f, o, *ok);
                (s, f, o) = (n, nf, no);
                s
            })
            .collect()
    }

    #[test]
    fn one_blip_does_not_flap() {
        assert_eq!(run(&[true, false, true, false, true]), vec![Up; 5]);
        assert_eq!(run(&[true, false, false]), vec![Up, Up, Down]);
        assert_eq!(
            run(&[false, false, true, true]),
            vec![Unknown, Down, Down, Up]
        );
        assert_eq!(
            run(&[true, false, false, true, false, true, true]).last(),
            Some(&Up)
        );
    }

    fn monitor(kind: MonitorKind, target: &str) -> NewMonitor {
        NewMonitor {
            name: "Cổng".into(),
            kind,
            target: target.into(),
            agency_code: "HN-SYT".into(),
            system_code: None,
            interval_secs: None,
            timeout_secs: None,
            keyword: None,
            keyword_absent: false,
            expect_status: None,
            tls_warn_days: None,
            enabled: true,
        }
    }

    #[test]
    fn targets_are_checked_by_kind() {
        assert!(
            monitor(MonitorKind::Http, "https://syt.example.vn/")
                .validate()
                .is_ok()
        );
        assert_eq!(
            monitor(MonitorKind::Http, "ftp://x")
                .validate()
                .unwrap_err()
                .field,
            "target"
        );
        assert!(monitor(MonitorKind::Tcp, "10.0.0.5:22").validate().is_ok());
        assert!(monitor(MonitorKind::Tcp, "10.0.0.5").validate().is_err());
        assert!(monitor(MonitorKind::Tcp, "[::1]:8443").validate().is_ok());
        assert!(
            monitor(MonitorKind::Tls, "syt.example.vn")
                .validate()
                .is_ok()
        );
        assert!(
            monitor(MonitorKind::Dns, "syt.example.vn")
                .validate()
                .is_ok()
        );
        assert!(monitor(MonitorKind::Dns, "a b").validate().is_err());
        let mut m = monitor(MonitorKind::Webcheck, "https://x.vn/");
        m.interval_secs = Some(60);
        assert_eq!(m.validate().unwrap_err().field, "interval_secs");
        let mut m = monitor(MonitorKind::Http, "https://x.vn/");
        m.validate().unwrap();
        assert_eq!(
            (m.interval_secs, m.timeout_secs, m.tls_warn_days),
            (Some(60), Some(10), Some(14))
        );
    }
}
