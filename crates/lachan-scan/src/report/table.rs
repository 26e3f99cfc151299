//! Plain-text summary for the terminal (Vietnamese with English in brackets).

use std::fmt::Write;

use super::ScanReport;

fn score(s: Option<f64>) -> String {
    s.map_or("-".to_string(), |v| format!("{v:.1}%"))
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Renders the summary: score, policies, failed checks by severity, findings.
pub fn render(r: &ScanReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Lá Chắn - kết quả kiểm tra (scan result)");
    let _ = writeln!(
        o,
        "Máy (host): {}  |  {}  |  kernel {}",
        r.host.hostname, r.host.os, r.host.kernel
    );
    let _ = writeln!(
        o,
        "Thời điểm (time): {}  |  thời gian chạy (duration): {:.1} s{}",
        r.started_at,
        r.duration_ms as f64 / 1000.0,
        r.security_level
            .map(|l| format!("  |  cấp độ (level): {l}"))
            .unwrap_or_default()
    );
    if !r.host.scanned_as_root {
        let _ = writeln!(
            o,
            "Lưu ý: không chạy với quyền root, một số kiểm tra không áp dụng được (not run as root)."
        );
    }
    let _ = writeln!(
        o,
        "\nĐiểm tổng (overall score): {}",
        score(r.overall_score())
    );
    let _ = writeln!(
        o,
        "\n{:<52} {:>7} {:>5} {:>5} {:>5} {:>4}",
        "Chính sách (policy)", "Điểm", "Đạt", "KĐạt", "KAD", "Lỗi"
    );
    for p in &r.policies {
        let name = p.name_vi.as_deref().unwrap_or(&p.name);
        let _ = writeln!(
            o,
            "{:<52} {:>7} {:>5} {:>5} {:>5} {:>4}",
            clip(name, 52),
            score(p.score),
            p.counts.passed,
            p.counts.failed,
            p.counts.not_applicable,
            p.counts.error
        );
    }
    let _ = writeln!(
        o,
        "(Đạt = passed, KĐạt = failed, KAD = not applicable, Lỗi = error)"
    );
    let by_sev: Vec<String> = r
        .failed_by_severity()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{} {n}", s.as_str()))
        .collect();
    let _ = writeln!(
        o,
        "\nKiểm tra không đạt theo mức độ (failed checks by severity): {}",
        if by_sev.is_empty() {
            "không có (none)".to_string()
        } else {
            by_sev.join(", ")
        }
    );
    for f in r.failed_checks() {
        let title = f.check.title_vi.as_deref().unwrap_or(&f.check.title);
        let _ = writeln!(
            o,
            "  [{:<8}] {:<10} {}",
            f.check.severity.as_str(),
            f.check.id,
            clip(title, 90)
        );
    }
    let _ = writeln!(
        o,
        "\nTài khoản (accounts): {} phát hiện (findings)",
        r.accounts.len()
    );
    for a in &r.accounts {
        let _ = writeln!(
            o,
            "  [{:<8}] {:<16} {} - {}",
            a.severity.as_str(),
            clip(&a.account, 16),
            a.title_vi,
            clip(&a.evidence, 80)
        );
    }
    match &r.malware_scan {
        None => {
            let _ = writeln!(o, "\nMã độc (malware): không quét (not scanned)");
        }
        Some(s) => {
            let _ = writeln!(
                o,
                "\nMã độc (malware): {} tệp khớp luật (matches) / {} tệp đã quét (files scanned), {} luật (rules), bỏ qua {} tệp quá lớn (skipped too large)",
                r.malware.len(),
                s.files_scanned,
                s.rules,
                s.skipped_too_large
            );
            for m in &r.malware {
                let q = m
                    .quarantine
                    .as_ref()
                    .map(|q| format!(" -> cách ly (quarantined) {}", q.stored_path))
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "  {}  [{}]  sha256 {}{q}",
                    m.path,
                    m.rules.join(", "),
                    m.sha256
                );
            }
        }
    }
    for w in &r.warnings {
        let _ = writeln!(o, "Cảnh báo (warning): {w}");
    }
    o
}
