//! Self-contained HTML evidence report (inline CSS, no scripts), Vietnamese
//! first with English in smaller type.

use std::fmt::Write;

use super::ScanReport;
use crate::sca::{CheckStatus, RuleOutcome};

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

const CSS: &str = "body{font-family:system-ui,'Segoe UI',Arial,sans-serif;margin:2em;color:#1b1f24;max-width:1200px}\
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #0b5394;padding-bottom:.2em;margin-top:1.6em}\
table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{border:1px solid #c8ccd0;padding:.35em .5em;text-align:left;vertical-align:top;font-size:.92em}\
th{background:#eef2f6}.en{color:#5a6570;font-size:.85em}.b{display:inline-block;padding:.1em .5em;border-radius:.3em;font-weight:600;font-size:.85em;white-space:nowrap}\
.passed{background:#d4edda;color:#155724}.failed{background:#f8d7da;color:#721c24}.not_applicable{background:#e2e3e5;color:#383d41}.error{background:#fff3cd;color:#856404}\
.critical{color:#fff;background:#8b0000}.high{color:#fff;background:#d9534f}.medium{background:#f0ad4e}.low{background:#d9edf7}.info{background:#eef2f6}\
.score{font-size:2em;font-weight:700}details{margin:.2em 0}code,pre{font-family:ui-monospace,Consolas,monospace;font-size:.85em;white-space:pre-wrap;word-break:break-all}\
.muted{color:#5a6570}@media print{details{display:block}details>*{display:block}}";

fn result_vi(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Passed => "Đạt",
        CheckStatus::Failed => "Không đạt",
        CheckStatus::NotApplicable => "Không áp dụng",
        CheckStatus::Error => "Lỗi",
    }
}

fn outcome(o: RuleOutcome) -> &'static str {
    match o {
        RuleOutcome::Found => "thỏa (found)",
        RuleOutcome::NotFound => "không thỏa (not found)",
        RuleOutcome::NotApplicable => "không áp dụng (n/a)",
        RuleOutcome::Error => "lỗi (error)",
        RuleOutcome::Skipped => "bỏ qua (skipped)",
    }
}

fn score(s: Option<f64>) -> String {
    s.map_or("—".to_string(), |v| format!("{v:.1}%"))
}

/// Renders the full report.
pub fn render(r: &ScanReport) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Báo cáo kiểm tra {}</title><style>{CSS}</style></head><body>\n",
        esc(&r.host.hostname)
    );
    let _ = writeln!(
        o,
        "<h1>Báo cáo kiểm tra an toàn thông tin máy {}</h1><div class=\"en\">Security inspection report — {}</div>",
        esc(&r.host.hostname),
        esc(&r.tool)
    );
    // Host facts.
    let _ = writeln!(
        o,
        "<h2>Thông tin máy <span class=\"en\">Host</span></h2><table>"
    );
    let h = &r.host;
    let ifaces: Vec<String> = h
        .interfaces
        .iter()
        .map(|i| format!("{} {} {}", i.name, i.mac, i.addresses.join(", ")))
        .collect();
    for (vi, en, v) in [
        ("Tên máy", "Hostname", h.hostname.clone()),
        ("Hệ điều hành", "Operating system", h.os.clone()),
        ("Nhân", "Kernel", format!("{} ({})", h.kernel, h.arch)),
        ("Mã máy", "Machine ID", h.machine_id.clone()),
        (
            "Nhà sản xuất / model",
            "Vendor / product",
            format!("{} {}", h.vendor, h.product),
        ),
        ("Số sê-ri", "Serial", h.serial.clone()),
        ("Giao diện mạng", "Interfaces", ifaces.join("; ")),
        (
            "Quyền khi quét",
            "Scanned as root",
            if h.scanned_as_root {
                "root".into()
            } else {
                "không phải root (not root)".into()
            },
        ),
        ("Bắt đầu", "Started", r.started_at.clone()),
        ("Kết thúc", "Finished", r.finished_at.clone()),
        (
            "Thời gian chạy",
            "Duration",
            format!("{:.1} s", r.duration_ms as f64 / 1000.0),
        ),
        (
            "Cấp độ hệ thống",
            "Security level",
            r.security_level
                .map(|l| l.to_string())
                .unwrap_or_else(|| "—".into()),
        ),
    ] {
        let _ = writeln!(
            o,
            "<tr><th>{vi} <span class=\"en\">{en}</span></th><td>{}</td></tr>",
            esc(&v)
        );
    }
    let _ = writeln!(o, "</table>");

    // Summary.
    let _ = writeln!(
        o,
        "<h2>Tổng hợp <span class=\"en\">Summary</span></h2><div>Điểm tổng <span class=\"en\">overall score</span>: <span class=\"score\">{}</span></div>",
        score(r.overall_score())
    );
    let _ = writeln!(
        o,
        "<table><tr><th>Chính sách <span class=\"en\">Policy</span></th><th>Điểm</th><th>Đạt</th><th>Không đạt</th><th>Không áp dụng</th><th>Lỗi</th></tr>"
    );
    for p in &r.policies {
        let _ = writeln!(
            o,
            "<tr><td>{} <div class=\"en\">{} — {}</div></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(p.name_vi.as_deref().unwrap_or(&p.name)),
            esc(&p.name),
            esc(&p.source),
            score(p.score),
            p.counts.passed,
            p.counts.failed,
            p.counts.not_applicable,
            p.counts.error
        );
    }
    let _ = writeln!(
        o,
        "</table><div>Không đạt theo mức độ <span class=\"en\">failed by severity</span>:"
    );
    for (s, n) in r.failed_by_severity() {
        let _ = write!(
            o,
            " <span class=\"b {}\">{} {n}</span>",
            s.as_str(),
            esc(s.as_vi())
        );
    }
    let _ = writeln!(o, "</div>");

    // Policies with every check.
    for p in &r.policies {
        let _ = writeln!(
            o,
            "<h2>{} <span class=\"en\">{}</span></h2>",
            esc(p.name_vi.as_deref().unwrap_or(&p.name)),
            esc(&p.name)
        );
        if let Some(req) = &p.requirements {
            let _ = writeln!(
                o,
                "<p class=\"muted\">Điều kiện áp dụng <span class=\"en\">requirements</span> “{}”: {}</p>",
                esc(&req.title),
                if req.met {
                    "thỏa (met)"
                } else {
                    "không thỏa (not met)"
                }
            );
        }
        let _ = writeln!(
            o,
            "<table><tr><th>Mã</th><th>Kiểm tra <span class=\"en\">Check</span></th><th>Mức độ</th><th>Kết quả</th><th>Bằng chứng <span class=\"en\">Evidence</span></th></tr>"
        );
        for c in &p.checks {
            let _ = write!(
                o,
                "<tr><td><code>{}</code></td><td>{}",
                esc(&c.id),
                esc(c.title_vi.as_deref().unwrap_or(&c.title))
            );
            if c.title_vi.is_some() {
                let _ = write!(o, "<div class=\"en\">{}</div>", esc(&c.title));
            }
            if c.result == CheckStatus::Failed
                && let Some(rem) = c.remediation_vi.as_deref().or(c.remediation.as_deref())
            {
                let _ = write!(
                    o,
                    "<details><summary>Khắc phục <span class=\"en\">remediation</span></summary>{}</details>",
                    esc(rem)
                );
            }
            let _ = write!(
                o,
                "</td><td><span class=\"b {}\">{}</span>{}</td><td><span class=\"b {}\">{}</span>",
                c.severity.as_str(),
                esc(c.severity.as_vi()),
                c.min_level
                    .map(|l| format!("<div class=\"muted\">cấp độ ≥ {l}</div>"))
                    .unwrap_or_default(),
                c.result.as_str(),
                result_vi(c.result)
            );
            if let Some(reason) = &c.reason {
                let _ = write!(o, "<div class=\"muted\">{}</div>", esc(reason));
            }
            let _ = write!(o, "</td><td>");
            for e in &c.evidence {
                let _ = write!(
                    o,
                    "<div><code>{}</code> → {}<br><span class=\"muted\">{}</span></div>",
                    esc(&e.rule),
                    outcome(e.outcome),
                    esc(&e.detail)
                );
            }
            let _ = writeln!(o, "</td></tr>");
        }
        let _ = writeln!(o, "</table>");
    }

    // Accounts.
    let _ = writeln!(
        o,
        "<h2>Rà soát tài khoản <span class=\"en\">Account review</span></h2>"
    );
    if r.accounts.is_empty() {
        let _ = writeln!(
            o,
            "<p>Không có phát hiện <span class=\"en\">no findings</span></p>"
        );
    } else {
        let _ = writeln!(
            o,
            "<table><tr><th>Tài khoản</th><th>Mức độ</th><th>Phát hiện <span class=\"en\">Finding</span></th><th>Bằng chứng <span class=\"en\">Evidence</span></th></tr>"
        );
        for a in &r.accounts {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td><span class=\"b {}\">{}</span></td><td>{}<div class=\"en\">{}</div></td><td><code>{}</code></td></tr>",
                esc(&a.account),
                a.severity.as_str(),
                esc(a.severity.as_vi()),
                esc(&a.title_vi),
                esc(&a.title),
                esc(&a.evidence)
            );
        }
        let _ = writeln!(o, "</table>");
    }

    // Malware.
    let _ = writeln!(
        o,
        "<h2>Quét mã độc <span class=\"en\">Malware scan</span></h2>"
    );
    match &r.malware_scan {
        None => {
            let _ = writeln!(
                o,
                "<p>Không thực hiện <span class=\"en\">not performed</span></p>"
            );
        }
        Some(s) => {
            let _ = writeln!(
                o,
                "<p>Luật <span class=\"en\">rules</span>: {} ({} tệp từ {}); đã quét {} tệp, {} byte; bỏ qua {} tệp quá lớn; {} ms.</p>",
                s.rules,
                s.rule_files,
                esc(&s.rules_dir),
                s.files_scanned,
                s.bytes_scanned,
                s.skipped_too_large,
                s.duration_ms
            );
            if r.malware.is_empty() {
                let _ = writeln!(
                    o,
                    "<p>Không phát hiện tệp khớp luật <span class=\"en\">no matches</span></p>"
                );
            } else {
                let _ = writeln!(
                    o,
                    "<table><tr><th>Tệp <span class=\"en\">File</span></th><th>Luật</th><th>SHA-256</th><th>Cách ly <span class=\"en\">Quarantine</span></th></tr>"
                );
                for m in &r.malware {
                    let _ = writeln!(
                        o,
                        "<tr><td><code>{}</code> ({} B)</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                        esc(&m.path),
                        m.size,
                        esc(&m.rules.join(", ")),
                        esc(&m.sha256),
                        esc(m
                            .quarantine
                            .as_ref()
                            .map_or("—", |q| q.stored_path.as_str()))
                    );
                }
                let _ = writeln!(o, "</table>");
            }
            for e in &s.errors {
                let _ = writeln!(o, "<div class=\"muted\">{}</div>", esc(e));
            }
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Cảnh báo <span class=\"en\">Warnings</span></h2><ul>"
        );
        for w in &r.warnings {
            let _ = writeln!(o, "<li>{}</li>", esc(w));
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(
        o,
        "<p class=\"muted\">Tạo bởi <span class=\"en\">generated by</span> {} — {}</p></body></html>",
        esc(&r.tool),
        esc(&r.finished_at)
    );
    o
}
