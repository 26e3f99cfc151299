//! Local account review: never-used and long-unused accounts, default/vendor
//! accounts, empty or locked passwords, extra UID 0, members of administrator
//! groups and service accounts with login shells.
//!
//! Inputs are files (`/etc/passwd`, `/etc/shadow`, `/etc/group`,
//! `/etc/login.defs`, the binary `lastlog` and `wtmp` databases) whose paths are
//! injectable through [`AccountSources`], so tests run on fixtures.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::sca::Severity;
pub use lachan_core::logins::{
    LoginRecord, lastlog_record, parse_lastlog, parse_wtmp, read_lastlog, read_wtmp, wtmp_record,
};

/// Where the account databases are read from.
#[derive(Debug, Clone)]
pub struct AccountSources {
    pub passwd: PathBuf,
    pub shadow: PathBuf,
    pub group: PathBuf,
    pub login_defs: PathBuf,
    pub lastlog: PathBuf,
    pub wtmp: PathBuf,
}

impl Default for AccountSources {
    fn default() -> Self {
        Self {
            passwd: "/etc/passwd".into(),
            shadow: "/etc/shadow".into(),
            group: "/etc/group".into(),
            login_defs: "/etc/login.defs".into(),
            lastlog: "/var/log/lastlog".into(),
            wtmp: "/var/log/wtmp".into(),
        }
    }
}

/// Review settings.
#[derive(Debug, Clone)]
pub struct ReviewOptions {
    /// Accounts whose last login is older than this are reported (default 90).
    pub unused_days: u32,
    /// "Now" as Unix seconds (injectable for tests).
    pub now: i64,
}

impl Default for ReviewOptions {
    fn default() -> Self {
        Self {
            unused_days: 90,
            now: time::OffsetDateTime::now_utc().unix_timestamp(),
        }
    }
}

/// What kind of problem an account finding reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    ExtraUid0,
    EmptyPassword,
    DefaultAccount,
    ServiceAccountWithShell,
    NeverUsed,
    Unused,
    LockedPassword,
    AdminGroupMember,
}

/// One account finding with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFinding {
    pub kind: FindingKind,
    pub account: String,
    pub severity: Severity,
    pub title: String,
    pub title_vi: String,
    pub evidence: String,
}

/// Why the review could not run.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{path}: cannot read")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Parse {
        path: String,
        line: usize,
        reason: String,
    },
}

#[derive(Debug, Clone)]
struct PasswdEntry {
    name: String,
    uid: u32,
    gid: u32,
    home: String,
    shell: String,
}

/// Names that ship with products or installers and are commonly left enabled.
const DEFAULT_ACCOUNTS: &[&str] = &[
    "guest",
    "test",
    "testuser",
    "demo",
    "admin",
    "administrator",
    "user",
    "pi",
    "ubuntu",
    "debian",
    "centos",
    "ec2-user",
    "oracle",
    "postgres",
    "mysql",
    "tomcat",
    "jboss",
    "ftp",
    "ftpuser",
    "support",
    "operator",
    "vagrant",
    "kali",
];

const NOLOGIN_SHELLS: &[&str] = &["nologin", "false", "sync", "shutdown", "halt", "true"];

fn has_login_shell(shell: &str) -> bool {
    let base = shell.rsplit('/').next().unwrap_or(shell);
    !shell.is_empty() && !NOLOGIN_SHELLS.contains(&base)
}

fn read(path: &std::path::Path) -> Result<String, AccountError> {
    std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|source| AccountError::Io {
            path: path.display().to_string(),
            source,
        })
}

fn parse_passwd(text: &str, path: &str) -> Result<Vec<PasswdEntry>, AccountError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty()
            || line.starts_with('#')
            || line.starts_with('+')
            || line.starts_with('-')
        {
            continue;
        }
        let f: Vec<&str> = line.split(':').collect();
        let err = |reason: &str| AccountError::Parse {
            path: path.into(),
            line: i + 1,
            reason: reason.into(),
        };
        if f.len() < 7 {
            return Err(err("expected 7 ':'-separated fields"));
        }
        let uid = f[2].parse().map_err(|_| err("UID is not a number"))?;
        let gid = f[3].parse().map_err(|_| err("GID is not a number"))?;
        out.push(PasswdEntry {
            name: f[0].to_string(),
            uid,
            gid,
            home: f[5].to_string(),
            shell: f[6].to_string(),
        });
    }
    Ok(out)
}

/// `name -> password field` from shadow text.
fn parse_shadow(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.split(':');
            Some((f.next()?.to_string(), f.next()?.to_string()))
        })
        .collect()
}

/// `(group name, gid, members)` from group text.
fn parse_group(text: &str) -> Vec<(String, u32, Vec<String>)> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 4 {
                return None;
            }
            let members = f[3]
                .split(',')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_string)
                .collect();
            Some((f[0].to_string(), f[2].parse().ok()?, members))
        })
        .collect()
}

fn uid_min(login_defs: &str) -> u32 {
    login_defs
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            (w.next()? == "UID_MIN").then(|| w.next()?.parse().ok())?
        })
        .next()
        .unwrap_or(1000)
}

fn date(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ts.to_string())
}

/// Reviews the local accounts.
pub fn review_accounts(
    src: &AccountSources,
    opts: &ReviewOptions,
) -> Result<Vec<AccountFinding>, AccountError> {
    let passwd_path = src.passwd.display().to_string();
    let users = parse_passwd(&read(&src.passwd)?, &passwd_path)?;
    // shadow is root-only; without it the password-based findings are skipped.
    let shadow = read(&src.shadow).map(|t| parse_shadow(&t)).ok();
    let groups = read(&src.group)
        .map(|t| parse_group(&t))
        .unwrap_or_default();
    let uid_min = read(&src.login_defs).map(|t| uid_min(&t)).unwrap_or(1000);
    let mut last: BTreeMap<String, LoginRecord> = BTreeMap::new();
    // lastlog is sparse and can be huge with high UIDs: one record per account.
    if let Ok(mut f) = std::fs::File::open(&src.lastlog) {
        for u in &users {
            if let Ok(Some(r)) = read_lastlog(&mut f, u.uid) {
                last.insert(u.name.clone(), r);
            }
        }
    }
    if let Ok(logins) = std::fs::File::open(&src.wtmp).and_then(read_wtmp) {
        for (name, r) in logins {
            let newer = last.get(&name).is_none_or(|old| r.time > old.time);
            if newer {
                last.insert(name, r);
            }
        }
    }

    let mut out = Vec::new();
    let mut push =
        |kind, account: &str, severity, title: &str, title_vi: &str, evidence: String| {
            out.push(AccountFinding {
                kind,
                account: account.to_string(),
                severity,
                title: title.to_string(),
                title_vi: title_vi.to_string(),
                evidence,
            });
        };
    for u in &users {
        let pw = shadow.as_ref().and_then(|s| s.get(&u.name));
        let shell = has_login_shell(&u.shell);
        let human = u.uid == 0 || u.uid >= uid_min && u.uid < 60000;
        let pw_state = pw.map(|p| {
            if p.is_empty() {
                "empty"
            } else if p.starts_with('!') || p.starts_with('*') {
                "locked"
            } else {
                "set"
            }
        });
        if u.uid == 0 && u.name != "root" {
            push(
                FindingKind::ExtraUid0,
                &u.name,
                Severity::Critical,
                "Account other than root has UID 0",
                "Tài khoản khác root có UID 0",
                format!(
                    "{passwd_path}: {}:x:0:{}:…:{}:{}",
                    u.name, u.gid, u.home, u.shell
                ),
            );
        }
        if pw_state == Some("empty") {
            push(
                FindingKind::EmptyPassword,
                &u.name,
                Severity::Critical,
                "Account has an empty password",
                "Tài khoản có mật khẩu rỗng",
                format!(
                    "{}: password field of '{}' is empty",
                    src.shadow.display(),
                    u.name
                ),
            );
        }
        let lname = u.name.to_ascii_lowercase();
        if DEFAULT_ACCOUNTS.contains(&lname.as_str())
            && (pw_state == Some("set")
                || pw_state == Some("empty")
                || (pw_state.is_none() && shell))
        {
            push(
                FindingKind::DefaultAccount,
                &u.name,
                Severity::High,
                "Default or vendor account is enabled",
                "Tài khoản mặc định/của nhà cung cấp đang được kích hoạt",
                format!(
                    "account '{}' (UID {}) has a {} password and shell {}",
                    u.name,
                    u.uid,
                    pw_state.unwrap_or("unknown"),
                    u.shell
                ),
            );
        }
        if !human && shell {
            push(
                FindingKind::ServiceAccountWithShell,
                &u.name,
                Severity::Medium,
                "Service account has a login shell",
                "Tài khoản dịch vụ có shell đăng nhập",
                format!("UID {} < UID_MIN {uid_min}, shell {}", u.uid, u.shell),
            );
        }
        if human && pw_state == Some("locked") && u.uid != 0 {
            push(
                FindingKind::LockedPassword,
                &u.name,
                Severity::Info,
                "User account password is locked",
                "Mật khẩu tài khoản người dùng đang bị khóa",
                format!(
                    "{}: password field of '{}' starts with '!' or '*'",
                    src.shadow.display(),
                    u.name
                ),
            );
        }
        // Usage: only accounts someone can log in to.
        let usable = shell && pw_state != Some("locked");
        if human && usable {
            match last.get(&u.name) {
                None => push(
                    FindingKind::NeverUsed,
                    &u.name,
                    Severity::Medium,
                    "Account has never been used",
                    "Tài khoản chưa từng được sử dụng",
                    format!(
                        "no login record for '{}' in {} or {}",
                        u.name,
                        src.lastlog.display(),
                        src.wtmp.display()
                    ),
                ),
                Some(r) => {
                    let days = (opts.now - r.time) / 86_400;
                    if days > i64::from(opts.unused_days) {
                        push(
                            FindingKind::Unused,
                            &u.name,
                            Severity::Medium,
                            "Account unused for longer than the limit",
                            "Tài khoản không sử dụng quá thời hạn cho phép",
                            format!(
                                "last login {} ({days} days ago, limit {}) from {} on {}",
                                date(r.time),
                                opts.unused_days,
                                if r.host.is_empty() { "local" } else { &r.host },
                                r.line
                            ),
                        );
                    }
                }
            }
        }
    }
    for (gname, gid, members) in &groups {
        if !matches!(gname.as_str(), "sudo" | "wheel" | "admin") {
            continue;
        }
        let mut all: Vec<String> = members.clone();
        all.extend(
            users
                .iter()
                .filter(|u| u.gid == *gid)
                .map(|u| u.name.clone()),
        );
        all.sort();
        all.dedup();
        for m in all {
            push(
                FindingKind::AdminGroupMember,
                &m,
                Severity::Info,
                "Member of an administrator group",
                "Thành viên nhóm quản trị",
                format!(
                    "{}: member of group '{gname}' (GID {gid})",
                    src.group.display()
                ),
            );
        }
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then(a.account.cmp(&b.account))
    });
    Ok(out)
}
