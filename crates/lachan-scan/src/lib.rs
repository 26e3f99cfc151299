//! Endpoint assessment for Lá Chắn.
//!
//! - [`sca`]: Wazuh-SCA-compatible policy engine (`run_policy(&Policy, &Platform)`).
//! - [`policies`]: built-in policies (Linux server baseline by security level,
//!   Đề án 06 workstation policy).
//! - [`accounts`]: local account review (unused, default, empty-password, UID 0, …).
//! - [`malware`]: YARA scanning with `yara-x` (cargo feature `yara`) and quarantine.
//! - [`report`]: the scan report (JSON), its table summary and HTML evidence report.
//!
//! Every result type is `serde`-serializable so an agent can send it to the server.

pub mod accounts;
pub mod malware;
pub mod policies;
pub mod report;
pub mod sca;
pub mod scan;

/// An error and its causes joined with `: ` (for messages that end up in reports).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
