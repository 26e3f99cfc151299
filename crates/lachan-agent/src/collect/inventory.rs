//! Inventory: OS and kernel, hardware, network interfaces, installed packages (dpkg or
//! rpm), listening ports, local accounts with their groups and last login. Each part is
//! sent at start and again whenever it changes (checked every few minutes); account
//! changes also produce one event per account added, removed or given administrator
//! groups. A change of the accounts that is only newer logins is sent at most once an
//! hour, so that logging in does not re-send the inventory each time.
//!
//! The last login is the later of `/var/log/lastlog` (one record per UID, read at its
//! offset: the file is sparse and can be huge) and `/var/log/wtmp` (streamed).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lachan_core::logins::{LoginRecord, read_lastlog, read_wtmp};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::{Collector, Record};

/// Groups whose members administer the machine.
const ADMIN_GROUPS: &[&str] = &["sudo", "wheel", "admin", "root"];

pub struct Inventory {
    host: String,
    state_file: PathBuf,
    every: Duration,
    /// kind → hash of what was last sent
    sent: BTreeMap<String, String>,
    /// Accounts last seen: name → (uid, admin groups)
    accounts: Option<BTreeMap<String, (u64, BTreeSet<String>)>>,
    /// Files read (tests point these elsewhere).
    passwd: PathBuf,
    group: PathBuf,
    lastlog: PathBuf,
    wtmp: PathBuf,
    /// Least time between two sends of the accounts when only logins got newer.
    login_resend: Duration,
    /// The accounts last sent: hash without the logins, each account's login time, when.
    accounts_sent: Option<AccountsSent>,
}

#[derive(Debug, Clone)]
struct AccountsSent {
    without_logins: String,
    logins: BTreeMap<String, Option<i64>>,
    at: Instant,
}

/// One local account as read from the account files and login databases.
#[derive(Debug, Clone)]
struct Account {
    uid: u64,
    shell: String,
    groups: BTreeSet<String>,
    last: Option<LoginRecord>,
}

fn sha256_hex(v: &Value) -> String {
    hex::encode(Sha256::digest(v.to_string().as_bytes()))
}

fn read(p: &str) -> String {
    std::fs::read_to_string(p)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Run a command without a shell; its stdout, or nothing.
fn run(cmd: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(cmd)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn os() -> Value {
    let rel = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let get = |k: &str| {
        rel.lines()
            .find_map(|l| {
                l.strip_prefix(&format!("{k}="))
                    .map(|v| v.trim_matches('"').to_string())
            })
            .unwrap_or_default()
    };
    json!({"os.name": get("PRETTY_NAME"), "os.id": get("ID"), "os.version": get("VERSION_ID"),
           "os.kernel": read("/proc/sys/kernel/osrelease"), "os.arch": std::env::consts::ARCH})
}

fn hardware() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|x| x.1.trim().to_string())
        })
        .unwrap_or_default();
    let cores = cpu.lines().filter(|l| l.starts_with("processor")).count();
    let mem_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")
                .and_then(|r| r.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0);
    json!({"host.cpu.model": model, "host.cpu.cores": cores, "host.memory.bytes": mem_kib * 1024,
           "host.vendor": read("/sys/class/dmi/id/sys_vendor"),
           "host.product": read("/sys/class/dmi/id/product_name")})
}

fn interfaces() -> Value {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/sys/class/net") {
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            let base = format!("/sys/class/net/{name}");
            out.push(
                json!({"name": name, "mac": read(&format!("{base}/address")),
                            "state": read(&format!("{base}/operstate"))}),
            );
        }
    }
    out.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    // Addresses from iproute2 when it is there.
    if let Some(j) = run("ip", &["-j", "addr"]).and_then(|s| serde_json::from_str::<Value>(&s).ok())
    {
        for i in &mut out {
            let addrs: Vec<String> = j
                .as_array()
                .into_iter()
                .flatten()
                .filter(|x| x["ifname"] == i["name"])
                .flat_map(|x| x["addr_info"].as_array().cloned().unwrap_or_default())
                .filter_map(|a| a["local"].as_str().map(str::to_owned))
                .collect();
            i["addresses"] = json!(addrs);
        }
    }
    json!({"interfaces": out})
}

fn packages() -> Value {
    let (manager, list) = if let Some(s) = run(
        "dpkg-query",
        &["-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n"],
    ) {
        let l: Vec<Value> = s
            .lines()
            .filter(|l| l.ends_with("ii "))
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some(json!({"name": f.next()?, "version": f.next()?}))
            })
            .collect();
        ("dpkg", l)
    } else if let Some(s) = run("rpm", &["-qa", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\n"]) {
        let l = s
            .lines()
            .filter_map(|l| {
                l.split_once('\t')
                    .map(|(n, v)| json!({"name": n, "version": v}))
            })
            .collect();
        ("rpm", l)
    } else {
        ("none", Vec::new())
    };
    json!({"package.manager": manager, "package.count": list.len(), "packages": list})
}

/// Listening TCP sockets and bound UDP sockets from /proc/net.
fn ports() -> Value {
    let mut out = BTreeSet::new();
    for (file, proto, state) in [
        ("/proc/net/tcp", "tcp", "0A"),
        ("/proc/net/tcp6", "tcp", "0A"),
        ("/proc/net/udp", "udp", "07"),
        ("/proc/net/udp6", "udp", "07"),
    ] {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for l in text.lines().skip(1) {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.get(3) != Some(&state) {
                continue;
            }
            if let Some(port) = f
                .get(1)
                .and_then(|a| a.rsplit_once(':'))
                .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
            {
                out.insert((proto, port));
            }
        }
    }
    let list: Vec<Value> = out
        .into_iter()
        .map(|(p, n)| json!({"protocol": p, "port": n}))
        .collect();
    json!({"listening": list})
}

impl Inventory {
    pub fn new(data: &Path, host: String) -> Self {
        let state_file = data.join("inventory.json");
        let sent = std::fs::read(&state_file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Self {
            host,
            state_file,
            every: Duration::from_secs(300),
            sent,
            accounts: None,
            passwd: PathBuf::from("/etc/passwd"),
            group: PathBuf::from("/etc/group"),
            lastlog: PathBuf::from("/var/log/lastlog"),
            wtmp: PathBuf::from("/var/log/wtmp"),
            login_resend: Duration::from_secs(3600),
            accounts_sent: None,
        }
    }

    /// The login databases read for the last login (`lastlog`, `wtmp`).
    pub fn with_login_files(mut self, lastlog: PathBuf, wtmp: PathBuf) -> Self {
        self.lastlog = lastlog;
        self.wtmp = wtmp;
        self
    }

    /// Least time between two sends of the accounts when only logins got newer
    /// (default one hour).
    pub fn with_login_resend(mut self, every: Duration) -> Self {
        self.login_resend = every;
        self
    }

    pub fn with_account_files(mut self, passwd: PathBuf, group: PathBuf) -> Self {
        self.passwd = passwd;
        self.group = group;
        self
    }

    /// The latest login per account name, from lastlog and wtmp; unreadable files give
    /// nothing.
    fn last_logins(&self, uids: &BTreeMap<String, u64>) -> BTreeMap<String, LoginRecord> {
        let mut last = BTreeMap::new();
        if let Ok(mut f) = std::fs::File::open(&self.lastlog) {
            for (name, uid) in uids {
                let Ok(uid) = u32::try_from(*uid) else {
                    continue;
                };
                if let Ok(Some(r)) = read_lastlog(&mut f, uid) {
                    last.insert(name.clone(), r);
                }
            }
        }
        if let Ok(wtmp) = std::fs::File::open(&self.wtmp).and_then(read_wtmp) {
            for (name, r) in wtmp {
                if uids.contains_key(&name) && last.get(&name).is_none_or(|o| r.time > o.time) {
                    last.insert(name, r);
                }
            }
        }
        last
    }

    fn account_table(&self) -> BTreeMap<String, Account> {
        let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut primary: BTreeMap<String, String> = BTreeMap::new();
        for l in std::fs::read_to_string(&self.group)
            .unwrap_or_default()
            .lines()
        {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 4 {
                continue;
            }
            primary.insert(f[2].to_string(), f[0].to_string());
            for m in f[3].split(',').filter(|m| !m.is_empty()) {
                groups
                    .entry(m.to_string())
                    .or_default()
                    .insert(f[0].to_string());
            }
        }
        let mut out = BTreeMap::new();
        for l in std::fs::read_to_string(&self.passwd)
            .unwrap_or_default()
            .lines()
        {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 7 {
                continue;
            }
            let mut g = groups.get(f[0]).cloned().unwrap_or_default();
            if let Some(pg) = primary.get(f[3]) {
                g.insert(pg.clone());
            }
            out.insert(
                f[0].to_string(),
                Account {
                    uid: f[2].parse().unwrap_or(u64::MAX),
                    shell: f[6].to_string(),
                    groups: g,
                    last: None,
                },
            );
        }
        let uids = out.iter().map(|(n, a)| (n.clone(), a.uid)).collect();
        for (name, r) in self.last_logins(&uids) {
            if let Some(a) = out.get_mut(&name) {
                a.last = Some(r);
            }
        }
        out
    }

    /// The accounts part, the same without the logins, each account's login time, and
    /// the account-change events.
    fn accounts_part(&mut self) -> (Value, AccountsSent, Vec<Value>) {
        let table = self.account_table();
        let list: Vec<Value> = table
            .iter()
            .map(|(n, a)| {
                let at = a
                    .last
                    .as_ref()
                    .and_then(|r| jiff::Timestamp::from_second(r.time).ok())
                    .map(|t| t.to_string());
                let from = a.last.as_ref().and_then(|r| r.origin().map(str::to_owned));
                json!({"name": n, "uid": a.uid, "shell": a.shell, "groups": a.groups,
                       "last_login": at, "last_login_from": from})
            })
            .collect();
        let without: Vec<Value> = list
            .iter()
            .cloned()
            .map(|mut v| {
                if let Some(o) = v.as_object_mut() {
                    o.remove("last_login");
                    o.remove("last_login_from");
                }
                v
            })
            .collect();
        let sent = AccountsSent {
            without_logins: sha256_hex(&json!(without)),
            logins: table
                .iter()
                .map(|(n, a)| (n.clone(), a.last.as_ref().map(|r| r.time)))
                .collect(),
            at: Instant::now(),
        };
        let now: BTreeMap<String, (u64, BTreeSet<String>)> = table
            .iter()
            .map(|(n, a)| {
                let admin = a
                    .groups
                    .iter()
                    .filter(|x| ADMIN_GROUPS.contains(&x.as_str()))
                    .cloned()
                    .collect();
                (n.clone(), (a.uid, admin))
            })
            .collect();
        let mut changes = Vec::new();
        if let Some(before) = &self.accounts {
            for (n, (uid, admin)) in &now {
                match before.get(n) {
                    None => changes.push(self.account_event("user_added", n, *uid, admin)),
                    Some((_, old)) if admin.difference(old).next().is_some() => {
                        changes.push(self.account_event("admin_granted", n, *uid, admin))
                    }
                    _ => {}
                }
                if *uid == 0 && n != "root" && before.get(n).is_none_or(|b| b.0 != 0) {
                    changes.push(self.account_event("uid0_account", n, *uid, admin));
                }
            }
            for (n, (uid, admin)) in before {
                if !now.contains_key(n) {
                    changes.push(self.account_event("user_removed", n, *uid, admin));
                }
            }
        }
        self.accounts = Some(now);
        (json!({"accounts": list}), sent, changes)
    }

    /// Whether the accounts differ from those last sent only by newer logins, and were
    /// sent less than `login_resend` ago.
    fn only_newer_logins_lately(&self, now: &AccountsSent) -> bool {
        let Some(before) = &self.accounts_sent else {
            return false;
        };
        before.at.elapsed() < self.login_resend
            && before.without_logins == now.without_logins
            && now.logins.iter().all(|(n, t)| {
                let old = before.logins.get(n).copied().flatten();
                match (old, t) {
                    (None, _) => true,
                    (Some(o), Some(t)) => *t >= o,
                    (Some(_), None) => false,
                }
            })
    }

    fn account_event(&self, action: &str, name: &str, uid: u64, admin: &BTreeSet<String>) -> Value {
        json!({"Channel": "lachan.inventory", "host": self.host, "inventory.kind": "account_change",
               "event.action": action, "user.name": name, "user.id": uid, "user.admin_groups": admin,
               "timestamp": jiff::Timestamp::now().to_string(),
               "message": format!("local account {name}: {action}")})
    }

    /// Every part whose content changed since it was last sent, plus account changes.
    pub fn collect(&mut self) -> Vec<Value> {
        let (accounts, accounts_sent, mut changes) = self.accounts_part();
        let parts = [
            ("os", os()),
            ("hardware", hardware()),
            ("interfaces", interfaces()),
            ("packages", packages()),
            ("ports", ports()),
            ("accounts", accounts),
        ];
        let mut out = Vec::new();
        for (kind, mut v) in parts {
            let hash = sha256_hex(&v);
            if self.sent.get(kind) == Some(&hash) {
                continue;
            }
            if kind == "accounts" {
                if self.only_newer_logins_lately(&accounts_sent) {
                    continue;
                }
                self.accounts_sent = Some(accounts_sent.clone());
            }
            self.sent.insert(kind.to_string(), hash);
            v["Channel"] = json!("lachan.inventory");
            v["host"] = json!(self.host);
            v["inventory.kind"] = json!(kind);
            v["timestamp"] = json!(jiff::Timestamp::now().to_string());
            v["message"] = json!(format!("inventory: {kind}"));
            out.push(v);
        }
        out.append(&mut changes);
        if let Ok(b) = serde_json::to_vec(&self.sent) {
            let _ = std::fs::write(&self.state_file, b);
        }
        out
    }
}

impl super::Periodic for Inventory {
    fn step(&mut self) -> Vec<Value> {
        self.collect()
    }

    fn interval(&self) -> Duration {
        self.every
    }
}

impl Collector for Inventory {
    fn name(&self) -> &'static str {
        "inventory"
    }

    fn run(
        self: Box<Self>,
        tx: mpsc::Sender<Record>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        let mut inv = *self;
        // Always send the whole picture once per start.
        inv.sent.clear();
        Box::pin(super::run_periodic(inv, tx))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parts_once_then_only_changes() {
        let data = tempfile::tempdir().unwrap();
        let passwd = data.path().join("passwd");
        let group = data.path().join("group");
        std::fs::write(
            &passwd,
            "root:x:0:0:root:/root:/bin/bash\nan:x:1000:1000::/home/an:/bin/bash\n",
        )
        .unwrap();
        std::fs::write(&group, "root:x:0:\nsudo:x:27:\nan:x:1000:\n").unwrap();
        let mut inv = Inventory::new(data.path(), "pc-01".into())
            .with_account_files(passwd.clone(), group.clone());
        let first = inv.collect();
        let kinds: Vec<&str> = first
            .iter()
            .map(|e| e["inventory.kind"].as_str().unwrap())
            .collect();
        for k in [
            "os",
            "hardware",
            "interfaces",
            "packages",
            "ports",
            "accounts",
        ] {
            assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
        }
        let acc = first
            .iter()
            .find(|e| e["inventory.kind"] == "accounts")
            .unwrap();
        assert_eq!(acc["accounts"][0]["name"], "an");
        assert!(first.iter().all(|e| e["Channel"] == "lachan.inventory"));
        assert!(
            inv.collect()
                .iter()
                .all(|e| e["inventory.kind"] == "ports" || e["inventory.kind"] == "interfaces"),
            "unchanged parts are not sent again"
        );

        // A new account in sudo and an extra UID 0.
        std::fs::write(&passwd, "root:x:0:0:root:/root:/bin/bash\nan:x:1000:1000::/home/an:/bin/bash\nbackdoor:x:0:0::/:/bin/sh\n").unwrap();
        std::fs::write(&group, "root:x:0:\nsudo:x:27:an\nan:x:1000:\n").unwrap();
        let ev = inv.collect();
        let actions: Vec<(&str, &str)> = ev
            .iter()
            .filter(|e| e["inventory.kind"] == "account_change")
            .map(|e| {
                (
                    e["event.action"].as_str().unwrap(),
                    e["user.name"].as_str().unwrap(),
                )
            })
            .collect();
        assert!(actions.contains(&("user_added", "backdoor")), "{actions:?}");
        assert!(
            actions.contains(&("uid0_account", "backdoor")),
            "{actions:?}"
        );
        assert!(actions.contains(&("admin_granted", "an")), "{actions:?}");
    }

    fn accounts_of(events: &[Value]) -> Option<&Value> {
        events.iter().find(|e| e["inventory.kind"] == "accounts")
    }

    fn account<'a>(part: &'a Value, name: &str) -> &'a Value {
        part["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap()
    }

    #[test]
    fn accounts_carry_the_last_login() {
        use lachan_core::logins::{lastlog_record, wtmp_record};
        use std::io::{Seek, SeekFrom, Write};

        let data = tempfile::tempdir().unwrap();
        let (passwd, group) = (data.path().join("passwd"), data.path().join("group"));
        let (lastlog, wtmp) = (data.path().join("lastlog"), data.path().join("wtmp"));
        std::fs::write(
            &passwd,
            "root:x:0:0:root:/root:/bin/bash\nan:x:1000:1000::/home/an:/bin/bash\n\
             far:x:4000000:4000000::/home/far:/bin/bash\nnever:x:1001:1001::/:/bin/sh\n",
        )
        .unwrap();
        std::fs::write(&group, "root:x:0:\nsudo:x:27:\nan:x:1000:\n").unwrap();
        // Sparse, as on a real system: records only where UIDs logged in, one far out.
        let mut f = std::fs::File::create(&lastlog).unwrap();
        f.write_all(&lastlog_record(1_700_000_000, "tty1", ""))
            .unwrap();
        for (uid, t, host) in [
            (1000u64, 1_700_000_100, "10.0.0.5"),
            (4_000_000, 1_700_000_200, "vpn-gw"),
        ] {
            f.seek(SeekFrom::Start(uid * 292)).unwrap();
            f.write_all(&lastlog_record(t, "pts/0", host)).unwrap();
        }
        drop(f);
        // wtmp knows a later login of an than lastlog.
        let mut w = wtmp_record("an", 1_700_000_050, "pts/1", "old");
        w.extend(wtmp_record("an", 1_700_000_300, "pts/2", "10.0.0.9"));
        w.extend(wtmp_record("ghost", 1_700_000_400, "pts/3", "x"));
        std::fs::write(&wtmp, &w).unwrap();

        let mut inv = Inventory::new(data.path(), "pc-01".into())
            .with_account_files(passwd.clone(), group.clone())
            .with_login_files(lastlog.clone(), wtmp.clone());
        let first = inv.collect();
        let part = accounts_of(&first).unwrap();
        let root = account(part, "root");
        assert_eq!(root["last_login"], "2023-11-14T22:13:20Z");
        assert_eq!(root["last_login_from"], "tty1");
        let an = account(part, "an");
        assert_eq!(an["last_login"], "2023-11-14T22:18:20Z");
        assert_eq!(an["last_login_from"], "10.0.0.9");
        assert_eq!(account(part, "far")["last_login_from"], "vpn-gw");
        let never = account(part, "never");
        assert!(never["last_login"].is_null() && never["last_login_from"].is_null());
        assert_eq!(
            part["accounts"].as_array().unwrap().len(),
            4,
            "ghost is no account"
        );

        // Only a newer login: not sent again within the hour.
        w.extend(wtmp_record("an", 1_700_000_900, "pts/4", "10.0.0.10"));
        std::fs::write(&wtmp, &w).unwrap();
        assert!(accounts_of(&inv.collect()).is_none());

        // Any other change goes at once, with the newest login in it.
        std::fs::write(&group, "root:x:0:\nsudo:x:27:\nan:x:1000:\nops:x:1100:an\n").unwrap();
        let ev = inv.collect();
        let part = accounts_of(&ev).expect("a group change is sent at once");
        assert_eq!(account(part, "an")["last_login_from"], "10.0.0.10");

        // A login record that vanished (a cleared lastlog) is not a newer login.
        std::fs::write(&lastlog, b"").unwrap();
        let part = accounts_of(&inv.collect()).map(|p| account(p, "root").clone());
        assert!(part.is_some_and(|r| r["last_login"].is_null()));

        // Once the hour is over, newer logins are sent too.
        let mut inv = inv.with_login_resend(Duration::ZERO);
        w.extend(wtmp_record("an", 1_700_001_000, "pts/5", "10.0.0.11"));
        std::fs::write(&wtmp, &w).unwrap();
        let ev = inv.collect();
        let part = accounts_of(&ev).expect("resent after the interval");
        assert_eq!(account(part, "an")["last_login_from"], "10.0.0.11");
    }
}
