//! Demo compliance history: for servers of the demo registry, `lachan scan` results of
//! the Linux baseline over the last four weeks, in which the agencies fix checks one by
//! one. They go through the same recording path as uploads, so the demo's compliance
//! page, trend and findings (opened, then verified by a later scan) are real figures.

use lachan_core::auth::Scope;
use lachan_core::datefmt;
use lachan_core::registry::AssetKind;
use lachan_store::{AuditCtx, Store, SystemQuery};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::Duration;

use crate::AppError;

/// Servers given a scan history.
const HOSTS: usize = 24;
/// Scan days, counted back from today.
const DAYS_AGO: [i64; 6] = [27, 20, 13, 7, 3, 0];

/// Checks of the built-in Linux server baseline: id, title, Vietnamese title, severity.
const CHECKS: [(&str, &str, &str, &str); 12] = [
    (
        "LNX-001",
        "SSH: root login is disabled",
        "SSH: không cho phép đăng nhập trực tiếp bằng root",
        "high",
    ),
    (
        "LNX-002",
        "SSH: empty passwords are refused",
        "SSH: không chấp nhận mật khẩu rỗng",
        "critical",
    ),
    (
        "LNX-003",
        "SSH: at most 5 authentication attempts per connection",
        "SSH: tối đa 5 lần thử xác thực mỗi kết nối",
        "medium",
    ),
    (
        "LNX-004",
        "SSH: idle administrative sessions end within 5 minutes",
        "SSH: phiên quản trị không hoạt động bị ngắt trong 5 phút",
        "low",
    ),
    (
        "LNX-005",
        "SSH: no CBC-mode ciphers",
        "SSH: không dùng thuật toán mã hóa chế độ CBC",
        "medium",
    ),
    (
        "LNX-006",
        "Passwords are at least 14 characters long",
        "Mật khẩu có độ dài tối thiểu 14 ký tự",
        "medium",
    ),
    (
        "LNX-007",
        "Passwords expire within 60 days",
        "Mật khẩu hết hạn trong vòng 60 ngày",
        "medium",
    ),
    (
        "LNX-008",
        "Accounts lock after at most 10 failed logins",
        "Tài khoản bị khóa sau tối đa 10 lần đăng nhập sai",
        "high",
    ),
    (
        "LNX-009",
        "Idle shells end within 15 minutes (TMOUT)",
        "Phiên dòng lệnh không hoạt động tự kết thúc trong 15 phút (TMOUT)",
        "low",
    ),
    (
        "LNX-010",
        "Only root has UID 0",
        "Chỉ tài khoản root có UID 0",
        "critical",
    ),
    (
        "LNX-011",
        "No account has an empty password",
        "Không có tài khoản nào có mật khẩu rỗng",
        "critical",
    ),
    (
        "LNX-012",
        "Inactive accounts are disabled after 45 days",
        "Tài khoản không hoạt động bị vô hiệu hóa sau 45 ngày",
        "medium",
    ),
];

/// A number 0..256 fixed by the text (the same demo every time).
fn roll(parts: &[&str]) -> u8 {
    Sha256::digest(parts.join("\u{1f}").as_bytes())[0]
}

/// Whether `check` fails on `host` `days_ago` days ago: each host starts with some
/// failures and fixes most of them at a day of its own; a few stay.
fn fails(host: &str, check: &str, days_ago: i64) -> bool {
    let r = roll(&[host, check]);
    if r >= 110 {
        return false;
    }
    if r < 25 {
        return true;
    }
    let fixed_days_ago = (roll(&[check, host]) % 30) as i64;
    days_ago > fixed_days_ago
}

/// The `lachan scan` JSON document of `host` (`address`) as it was `days_ago` days ago.
pub fn document(host: &str, address: &str, days_ago: i64) -> Value {
    let finished = datefmt::now_utc() - Duration::days(days_ago) - Duration::minutes(5);
    let started = finished - Duration::seconds(12);
    let checks: Vec<Value> = CHECKS
        .iter()
        .map(|(id, title, title_vi, severity)| {
            let failed = fails(host, id, days_ago);
            json!({"id": id, "title": title, "title_vi": title_vi, "severity": severity,
                   "result": if failed { "failed" } else { "passed" },
                   "evidence": if failed { "giá trị hiện tại không đạt yêu cầu" } else { "" }})
        })
        .collect();
    json!({
        "host": {"hostname": host, "os": "Ubuntu 22.04 LTS",
                 "interfaces": [{"name": "eth0", "addresses": [address]}]},
        "started_at": datefmt::to_rfc3339(started),
        "finished_at": datefmt::to_rfc3339(finished),
        "policies": [{"id": "lachan_linux_server_baseline",
                      "name": "Lá Chắn Linux server baseline (by security level)",
                      "name_vi": "Chuẩn cấu hình máy chủ Linux cho hệ thống thông tin theo cấp độ",
                      "checks": checks}],
    })
}

/// Record the demo scan history; returns how many scans were stored.
pub async fn seed(store: &dyn Store, ctx: &AuditCtx) -> Result<usize, AppError> {
    let systems = store.list_systems(&SystemQuery::all(Scope::All)).await?;
    let mut hosts = Vec::new();
    for s in &systems.items {
        for a in store.list_assets(&s.code).await? {
            if a.kind != AssetKind::Server {
                continue;
            }
            let Some(address) = a.address.clone() else {
                continue;
            };
            // "Máy chủ ứng dụng hn-so-yt-app01" → "hn-so-yt-app01".
            let host = a.name.rsplit(' ').next().unwrap_or(&a.name).to_lowercase();
            hosts.push((s.agency_code.clone(), host, address));
        }
    }
    // Spread over agencies: every n-th server.
    let step = hosts.len().div_ceil(HOSTS).max(1);
    let mut count = 0;
    for (agency_code, host, address) in hosts.into_iter().step_by(step) {
        let Some(agency) = store.agency(&agency_code).await? else {
            continue;
        };
        for days_ago in DAYS_AGO {
            let doc = document(&host, &address, days_ago).to_string();
            crate::service::scans::record_document(store, ctx, &agency, doc.as_bytes()).await?;
            count += 1;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_improve_over_the_weeks_and_some_checks_stay_failed() {
        let failing = |days_ago| {
            (0..40)
                .map(|h| format!("srv-{h}"))
                .map(|h| CHECKS.iter().filter(|c| fails(&h, c.0, days_ago)).count())
                .sum::<usize>()
        };
        let (then, now) = (failing(27), failing(0));
        assert!(then > now && now > 0, "then {then}, now {now}");
        let doc = document("srv-1", "10.0.0.1", 3);
        let results: Vec<&str> = doc["policies"][0]["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["result"].as_str())
            .collect();
        assert_eq!(results.len(), CHECKS.len());
        assert!(results.iter().all(|r| *r == "passed" || *r == "failed"));
    }
}
