//! DEMO DATA — the operations year 2026 of the fictional province Hà Nguyên, on top of
//! the demo registry (`demo.rs`): the yearly inspection plan of the provincial
//! departments, the Đề án 06 workstation inspection of the communes and wards, a
//! re-inspection plan, findings from those inspections with the recommendation letters
//! that carried them, and the incidents of the year (among them the gambling backlinks
//! injected into a ward portal). Pure and deterministic, like the registry.

use crate::demo::{PA05_CODE, demo_registry};
use crate::ops::{
    Checklist, FindingSource, FindingStatus, IncidentCategory, IncidentStatus, NewFinding,
    NewIncident, NewLetter, NewPlan, NewTarget, Severity, TargetKind, TargetResult, TargetStatus,
};
use crate::registry::AgencyKind;

/// Everything to load, in order: plans, results, findings, letters, finding moves,
/// incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOps {
    pub plans: Vec<NewPlan>,
    pub results: Vec<DemoResult>,
    pub findings: Vec<DemoFinding>,
    pub letters: Vec<DemoLetter>,
    pub incidents: Vec<DemoIncident>,
}

/// The result of one target: `plan` and `target` index `plans` and its `targets`.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoResult {
    pub plan: usize,
    pub target: usize,
    pub status: TargetStatus,
    pub result: TargetResult,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoFinding {
    pub finding: NewFinding,
    /// (plan, target) it was found at.
    pub at: Option<(usize, usize)>,
    /// Status moves made after the letters went out.
    pub moves: Vec<(FindingStatus, Option<&'static str>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoLetter {
    /// `finding_ids` is empty here; `findings` indexes `DemoOps::findings`.
    pub letter: NewLetter,
    pub findings: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoIncident {
    pub incident: NewIncident,
    pub moves: Vec<(IncidentStatus, Option<&'static str>)>,
    pub notes: Vec<&'static str>,
    pub tasks: Vec<(&'static str, bool)>,
}

/// Problems an inspection finds, by checklist: (title, severity, recommendation).
const SYSTEM_ISSUES: &[(&str, Severity, &str)] = &[
    (
        "Máy chủ chưa cập nhật bản vá bảo mật hệ điều hành",
        Severity::High,
        "Cập nhật bản vá theo khuyến nghị của nhà sản xuất; lập quy trình vá định kỳ hằng tháng.",
    ),
    (
        "Tài khoản quản trị dùng mật khẩu mặc định",
        Severity::Critical,
        "Đổi ngay mật khẩu mặc định; áp dụng chính sách mật khẩu mạnh và xác thực hai yếu tố cho quản trị.",
    ),
    (
        "Chưa bật ghi nhật ký và chưa gửi về hệ thống giám sát tập trung",
        Severity::Medium,
        "Bật ghi nhật ký hệ thống, ứng dụng; cấu hình gửi nhật ký về Trung tâm giám sát của tỉnh.",
    ),
    (
        "Cổng quản trị từ xa (SSH/RDP) mở ra Internet",
        Severity::High,
        "Chỉ cho phép quản trị từ xa qua VPN hoặc từ địa chỉ được phép.",
    ),
    (
        "Chưa có phương án sao lưu dữ liệu được kiểm tra khôi phục",
        Severity::Medium,
        "Sao lưu định kỳ, lưu bản sao ngoài hệ thống và diễn tập khôi phục ít nhất 6 tháng/lần.",
    ),
    (
        "Cổng thông tin thiếu các tiêu đề bảo mật HTTP",
        Severity::Low,
        "Cấu hình CSP, X-Frame-Options, X-Content-Type-Options và HSTS trên máy chủ web.",
    ),
];

const WORKSTATION_ISSUES: &[(&str, Severity, &str)] = &[
    (
        "Máy trạm cho phép sử dụng thiết bị lưu trữ USB",
        Severity::High,
        "Chặn thiết bị lưu trữ USB bằng chính sách nhóm; chỉ cho phép thiết bị đã đăng ký.",
    ),
    (
        "Phần mềm phòng chống mã độc chưa kết nối máy chủ quản trị tập trung",
        Severity::High,
        "Cài đặt và kết nối phần mềm phòng chống mã độc với máy chủ quản trị tập trung của tỉnh.",
    ),
    (
        "Hệ điều hành hết hỗ trợ hoặc chưa kích hoạt bản quyền",
        Severity::Medium,
        "Nâng cấp hệ điều hành còn được hỗ trợ và có bản quyền.",
    ),
    (
        "Tài khoản dùng chung, không đặt mật khẩu màn hình khoá",
        Severity::Medium,
        "Mỗi cán bộ một tài khoản; đặt khoá màn hình sau 5 phút không sử dụng.",
    ),
];

fn target(
    kind: TargetKind,
    agency: &str,
    system: Option<&str>,
    name: Option<String>,
    day: Option<String>,
    checklist: Checklist,
    re: bool,
) -> NewTarget {
    NewTarget {
        kind,
        agency_code: agency.into(),
        system_code: system.map(str::to_string),
        name,
        scheduled_date: day,
        checklist,
        reinspection: re,
    }
}

fn day(m: usize, d: usize) -> String {
    format!("2026-{m:02}-{d:02}")
}

/// The demo operations data (DEMO DATA).
pub fn demo_ops() -> DemoOps {
    let reg = demo_registry();
    let departments: Vec<&str> = reg
        .agencies
        .iter()
        .filter(|a| matches!(a.kind, AgencyKind::ProvinceDepartment))
        .map(|a| a.code.as_str())
        .take(27)
        .collect();
    let communes: Vec<&str> = reg
        .agencies
        .iter()
        .filter(|a| a.kind == AgencyKind::CommuneWard)
        .map(|a| a.code.as_str())
        .collect();
    let system_of = |agency: &str| {
        reg.systems
            .iter()
            .find(|s| s.system.agency_code == agency)
            .map(|s| s.system.code.as_str())
    };
    let mut ops = DemoOps {
        plans: Vec::new(),
        results: Vec::new(),
        findings: Vec::new(),
        letters: Vec::new(),
        incidents: Vec::new(),
    };

    // Plan 0: the yearly inspection of the departments' information systems.
    let mut t0 = Vec::new();
    for (i, a) in departments.iter().enumerate() {
        let when = day(2 + i % 10, 5 + (i * 3) % 20);
        match system_of(a) {
            Some(s) => t0.push(target(
                TargetKind::System,
                a,
                Some(s),
                None,
                Some(when),
                Checklist::SecurityLevel,
                false,
            )),
            None => t0.push(target(
                TargetKind::Agency,
                a,
                None,
                None,
                Some(when),
                Checklist::SecurityLevel,
                false,
            )),
        }
    }
    ops.plans.push(NewPlan {
        number: "12/KH-PA05".into(),
        date: "2026-01-08".into(),
        title: "Kế hoạch kiểm tra công tác bảo đảm an ninh mạng đối với hệ thống thông tin của các sở, ban, ngành năm 2026".into(),
        start_date: "2026-02-01".into(),
        end_date: "2026-11-30".into(),
        team: vec!["Đại úy Nguyễn Minh Tuấn (tổ trưởng)".into(), "Thượng úy Phạm Ngọc Lan".into(), "Trung úy Đỗ Hữu Sơn".into()],
        description: Some("Kiểm tra việc thực hiện các yêu cầu bảo đảm an ninh mạng theo cấp độ đã được phê duyệt.".into()),
        targets: t0,
    });
    // Plan 1: Đề án 06 workstations of every commune and ward centre.
    let mut t1 = Vec::new();
    for (i, c) in communes.iter().enumerate() {
        let host = format!("pc-mc-{}-01", c.trim_start_matches("HN-").to_lowercase());
        t1.push(target(
            TargetKind::Workstation,
            c,
            None,
            Some(host),
            Some(day(3 + i % 9, 2 + (i * 7) % 25)),
            Checklist::D06Workstation,
            false,
        ));
    }
    ops.plans.push(NewPlan {
        number: "25/KH-PA05".into(),
        date: "2026-03-02".into(),
        title: "Kế hoạch kiểm tra máy trạm kết nối Cơ sở dữ liệu quốc gia về dân cư tại bộ phận một cửa cấp xã (Đề án 06)".into(),
        start_date: "2026-03-02".into(),
        end_date: "2026-12-20".into(),
        team: vec!["Tổ công tác số 1".into(), "Tổ công tác số 2".into()],
        description: Some("Kiểm tra cấu hình an toàn, phần mềm phòng chống mã độc, thiết bị lưu trữ và tài khoản trên máy trạm.".into()),
        targets: t1,
    });

    // Results: departments inspected up to October, 52 of the communes done.
    let n0 = ops.plans[0].targets.len();
    for i in 0..n0 {
        if i % 9 == 8 {
            continue; // not yet inspected
        }
        let failed = (i % 4) as i64;
        let on = ops.plans[0].targets[i].scheduled_date.clone();
        ops.results.push(DemoResult {
            plan: 0,
            target: i,
            status: TargetStatus::Done,
            result: TargetResult {
                inspected_on: on,
                passed: 38 - failed,
                failed,
                not_applicable: 4,
                summary: Some(if failed == 0 {
                    "Đáp ứng các yêu cầu kiểm tra.".into()
                } else {
                    format!("Còn {failed} nội dung chưa đáp ứng; đã lập biên bản và kiến nghị khắc phục.")
                }),
                inspector: Some("Nguyễn Minh Tuấn".into()),
            },
        });
        for k in 0..failed as usize {
            let (title, severity, rec) = SYSTEM_ISSUES[(i + k) % SYSTEM_ISSUES.len()];
            let t = &ops.plans[0].targets[i];
            ops.findings.push(DemoFinding {
                finding: NewFinding {
                    title: title.into(),
                    severity,
                    agency_code: t.agency_code.clone(),
                    system_code: t.system_code.clone(),
                    asset: t
                        .system_code
                        .as_ref()
                        .map(|s| format!("srv-{}", s.to_lowercase())),
                    source: FindingSource::Inspection,
                    source_ref: None,
                    description: None,
                    evidence: Some(format!(
                        "Biên bản kiểm tra ngày {}",
                        t.scheduled_date.clone().unwrap_or_default()
                    )),
                    recommendation: Some(rec.into()),
                    target_id: None,
                    observed_at: t.scheduled_date.as_ref().map(|d| format!("{d}T03:00:00Z")),
                },
                at: Some((0, i)),
                moves: Vec::new(),
            });
        }
    }
    let n1 = ops.plans[1].targets.len();
    for i in 0..n1 {
        if i >= n1.saturating_sub(8) {
            continue; // the last centres are scheduled for December
        }
        let failed = (i % 3) as i64;
        let on = ops.plans[1].targets[i].scheduled_date.clone();
        ops.results.push(DemoResult {
            plan: 1,
            target: i,
            status: TargetStatus::Done,
            result: TargetResult {
                inspected_on: on,
                passed: 14 - failed,
                failed,
                not_applicable: 1,
                summary: None,
                inspector: Some(
                    if i % 2 == 0 {
                        "Tổ công tác số 1"
                    } else {
                        "Tổ công tác số 2"
                    }
                    .into(),
                ),
            },
        });
        for k in 0..failed as usize {
            let (title, severity, rec) = WORKSTATION_ISSUES[(i + k) % WORKSTATION_ISSUES.len()];
            let t = &ops.plans[1].targets[i];
            ops.findings.push(DemoFinding {
                finding: NewFinding {
                    title: title.into(),
                    severity,
                    agency_code: t.agency_code.clone(),
                    system_code: None,
                    asset: t.name.clone(),
                    source: FindingSource::Inspection,
                    source_ref: None,
                    description: None,
                    evidence: Some("Kết quả lachan scan tại máy trạm".into()),
                    recommendation: Some(rec.into()),
                    target_id: None,
                    observed_at: t.scheduled_date.as_ref().map(|d| format!("{d}T02:00:00Z")),
                },
                at: Some((1, i)),
                moves: Vec::new(),
            });
        }
    }

    // Letters: one per agency with findings inspected before October, a month to fix.
    let mut by_agency: Vec<(String, Vec<usize>, String)> = Vec::new();
    for (i, f) in ops.findings.iter().enumerate() {
        let on = f.finding.observed_at.clone().unwrap_or_default();
        if on.as_str() >= "2026-10-01" {
            continue;
        }
        match by_agency
            .iter_mut()
            .find(|(a, _, _)| *a == f.finding.agency_code)
        {
            Some((_, v, last)) => {
                v.push(i);
                if on > *last {
                    *last = on;
                }
            }
            None => by_agency.push((f.finding.agency_code.clone(), vec![i], on)),
        }
    }
    for (n, (agency, findings, last)) in by_agency.into_iter().enumerate() {
        let d = crate::datefmt::parse_date(last.get(..10).unwrap_or("2026-06-01"))
            .and_then(|d| d.checked_add(time::Duration::days(7)))
            .unwrap_or(time::macros::date!(2026 - 06 - 01));
        let deadline = d.checked_add(time::Duration::days(30)).unwrap_or(d);
        ops.letters.push(DemoLetter {
            letter: NewLetter {
                number: format!("{}/CAT-PA05", 210 + n * 3),
                date: crate::datefmt::date_iso(d),
                agency_code: agency,
                finding_ids: Vec::new(),
                deadline: crate::datefmt::date_iso(deadline),
                subject: Some(
                    "Kiến nghị khắc phục tồn tại, hạn chế qua kiểm tra an ninh mạng".into(),
                ),
                signer: Some("Thượng tá Trần Quang Hải — Trưởng phòng".into()),
                body: None,
            },
            findings,
        });
    }
    // The owners answer: most fix, some only acknowledge; re-inspection verifies
    // most fixes and reopens one in seven.
    let lettered: Vec<usize> = ops
        .letters
        .iter()
        .flat_map(|l| l.findings.clone())
        .collect();
    for (k, i) in lettered.into_iter().enumerate() {
        let moves = &mut ops.findings[i].moves;
        match k % 6 {
            0 => moves.push((FindingStatus::Acknowledged, None)),
            1 => {}
            5 => moves.push((
                FindingStatus::AcceptedRisk,
                Some("Hệ thống sẽ thay thế trong quý I/2027; đã có biện pháp bù đắp."),
            )),
            _ => {
                moves.push((FindingStatus::Fixed, None));
                if k % 7 == 3 {
                    moves.push((FindingStatus::Open, Some("Phúc tra: tồn tại vẫn còn.")));
                } else if k % 3 != 0 {
                    moves.push((FindingStatus::Verified, None));
                }
            }
        }
    }

    // Plan 2: re-inspection of the agencies whose letters are older than two months.
    let mut t2 = Vec::new();
    for (n, l) in ops
        .letters
        .iter()
        .enumerate()
        .filter(|(_, l)| l.letter.date.as_str() < "2026-08-01")
        .take(6)
    {
        t2.push(target(
            TargetKind::Agency,
            &l.letter.agency_code,
            None,
            None,
            Some(day(9 + n % 3, 10 + n)),
            Checklist::SecurityLevel,
            true,
        ));
    }
    let n2 = t2.len();
    ops.plans.push(NewPlan {
        number: "41/KH-PA05".into(),
        date: "2026-09-01".into(),
        title: "Kế hoạch phúc tra việc khắc phục theo công văn kiến nghị".into(),
        start_date: "2026-09-05".into(),
        end_date: "2026-12-15".into(),
        team: vec!["Đại úy Nguyễn Minh Tuấn".into()],
        description: None,
        targets: t2,
    });
    for i in 0..n2.saturating_sub(2) {
        let on = ops.plans[2].targets[i].scheduled_date.clone();
        ops.results.push(DemoResult {
            plan: 2,
            target: i,
            status: TargetStatus::Done,
            result: TargetResult {
                inspected_on: on,
                passed: 3,
                failed: (i % 2) as i64,
                not_applicable: 0,
                summary: Some("Phúc tra việc khắc phục theo công văn kiến nghị.".into()),
                inspector: Some("Nguyễn Minh Tuấn".into()),
            },
        });
    }

    ops.incidents = incidents(&reg);
    ops
}

fn incidents(reg: &crate::demo::DemoRegistry) -> Vec<DemoIncident> {
    use IncidentStatus::*;
    let portal_of = |agency: &str| {
        reg.systems
            .iter()
            .find(|s| s.system.agency_code == agency)
            .map(|s| s.system.code.clone())
    };
    let inc = |title: &str,
               sev: Severity,
               cat: IncidentCategory,
               agency: &str,
               at: &str,
               assets: &[&str]| NewIncident {
        title: title.into(),
        description: None,
        severity: sev,
        category: cat,
        agency_code: agency.into(),
        system_code: portal_of(agency),
        assets: assets.iter().map(|s| s.to_string()).collect(),
        alert_ids: Vec::new(),
        detected_at: Some(at.into()),
        assignee: Some("phantich.tuan".into()),
        impact: None,
        personal_data: false,
    };
    let all = [Triage, Containment, Eradication, Recovery, Closed];
    let upto = |n: usize| all[..n].iter().map(|s| (*s, None)).collect::<Vec<_>>();
    let mut gambling = inc(
        "Cổng thông tin phường bị chèn liên kết quảng cáo cờ bạc trực tuyến",
        Severity::High,
        IncidentCategory::Defacement,
        "HN-PH-03",
        "2026-04-14T02:20:00Z",
        &["https://namnguyen.hanguyen.gov.vn"],
    );
    gambling.description = Some("Kết quả giám sát phát hiện liên kết ẩn tới trang cá cược chỉ hiển thị với trình thu thập của công cụ tìm kiếm (cloaking).".into());
    gambling.impact = Some("Uy tín cơ quan nhà nước; người truy cập từ công cụ tìm kiếm bị chuyển hướng tới trang cờ bạc.".into());
    let mut leak = inc(
        "Nghi lộ lọt danh sách hồ sơ hộ tịch trên mạng xã hội",
        Severity::Critical,
        IncidentCategory::DataLeak,
        "HN-STP",
        "2026-08-27T09:05:00Z",
        &["hotich.hanguyen.gov.vn"],
    );
    leak.personal_data = true;
    vec![
        DemoIncident {
            incident: gambling,
            moves: upto(5),
            notes: vec![
                "Đã gỡ mã độc chèn trong tệp giao diện và đổi mật khẩu quản trị CMS.",
                "Đã gửi thông báo sự cố tới Bộ Công an trong 24 giờ.",
            ],
            tasks: vec![
                ("Sao lưu mã nguồn và nhật ký máy chủ web", true),
                ("Rà soát toàn bộ tài khoản quản trị CMS", true),
            ],
        },
        DemoIncident {
            incident: inc(
                "Máy trạm bộ phận một cửa nhiễm mã độc đào tiền ảo",
                Severity::Medium,
                IncidentCategory::Malware,
                "HN-XA-07",
                "2026-05-20T01:10:00Z",
                &["pc-mc-xa-07-01"],
            ),
            moves: upto(5),
            notes: vec![
                "Cách ly máy trạm khỏi mạng, quét toàn bộ bằng phần mềm phòng chống mã độc.",
            ],
            tasks: vec![("Cài lại hệ điều hành", true)],
        },
        DemoIncident {
            incident: inc(
                "Dò quét mật khẩu SSH vào máy chủ cơ sở dữ liệu đất đai",
                Severity::Medium,
                IncidentCategory::Intrusion,
                "HN-SNNMT",
                "2026-07-03T15:40:00Z",
                &["10.20.3.11"],
            ),
            moves: upto(5),
            notes: vec!["Chặn địa chỉ nguồn trên tường lửa; chỉ cho phép SSH qua VPN."],
            tasks: vec![],
        },
        DemoIncident {
            incident: leak,
            moves: upto(3),
            notes: vec![
                "Đã yêu cầu nền tảng mạng xã hội gỡ bài viết; đang xác minh nguồn lộ lọt.",
                "Đã thông báo vi phạm dữ liệu cá nhân trong 72 giờ (Mẫu 08).",
            ],
            tasks: vec![
                ("Thu thập nhật ký truy cập ứng dụng hộ tịch 30 ngày", true),
                ("Rà soát phân quyền tài khoản cán bộ tư pháp", false),
            ],
        },
        DemoIncident {
            incident: inc(
                "Tài khoản thư công vụ bị chiếm đoạt, gửi thư lừa đảo",
                Severity::High,
                IncidentCategory::AccountCompromise,
                "HN-STC",
                "2026-09-18T03:00:00Z",
                &["mail.hanguyen.gov.vn"],
            ),
            moves: upto(4),
            notes: vec!["Khoá tài khoản, thu hồi phiên đăng nhập, bật xác thực hai yếu tố."],
            tasks: vec![("Thông báo tới người nhận thư giả mạo", true)],
        },
        DemoIncident {
            incident: inc(
                "Tấn công từ chối dịch vụ vào cổng dịch vụ công của tỉnh",
                Severity::High,
                IncidentCategory::Dos,
                "HN-VPUB",
                "2026-10-02T13:25:00Z",
                &["dichvucong.hanguyen.gov.vn"],
            ),
            moves: upto(5),
            notes: vec![
                "Phối hợp nhà cung cấp dịch vụ lọc lưu lượng; dịch vụ trở lại bình thường sau 2 giờ.",
            ],
            tasks: vec![],
        },
        DemoIncident {
            incident: inc(
                "Thư giả mạo Công an tỉnh gửi tới cán bộ các xã",
                Severity::Medium,
                IncidentCategory::Phishing,
                PA05_CODE,
                "2026-10-21T02:00:00Z",
                &[],
            ),
            moves: upto(2),
            notes: vec!["Đã cảnh báo qua nhóm điều phối các xã."],
            tasks: vec![
                ("Thu thập mẫu thư và tên miền giả mạo", true),
                ("Đề nghị chặn tên miền", false),
            ],
        },
        DemoIncident {
            incident: inc(
                "USB lạ cắm vào máy trạm kết nối CSDL dân cư",
                Severity::High,
                IncidentCategory::Insider,
                "HN-XA-01",
                "2026-11-12T07:45:00Z",
                &["pc-mc-xa-01-01"],
            ),
            moves: upto(1),
            notes: vec![],
            tasks: vec![("Làm việc với cán bộ sử dụng máy", false)],
        },
        DemoIncident {
            incident: inc(
                "Cảnh báo dò quét thư mục .git trên cổng thông tin sở",
                Severity::Low,
                IncidentCategory::Intrusion,
                "HN-SYT",
                "2026-11-20T10:00:00Z",
                &["syt.hanguyen.gov.vn"],
            ),
            moves: vec![(
                Closed,
                Some("Dò quét tự động, máy chủ không lộ thư mục; không phải sự cố."),
            )],
            notes: vec![],
            tasks: vec![],
        },
        DemoIncident {
            incident: inc(
                "Trang thông tin xã bị thay đổi giao diện",
                Severity::Medium,
                IncidentCategory::Defacement,
                "HN-XA-12",
                "2026-11-28T00:30:00Z",
                &[],
            ),
            moves: vec![],
            notes: vec![],
            tasks: vec![],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_deterministic_and_valid() {
        let a = demo_ops();
        assert_eq!(a, demo_ops());
        for p in &a.plans {
            p.clone()
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", p.number));
        }
        for f in &a.findings {
            f.finding
                .clone()
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", f.finding.title));
        }
        for i in &a.incidents {
            i.incident
                .clone()
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", i.incident.title));
            let mut at = IncidentStatus::New;
            for (to, reason) in &i.moves {
                at.check_move(*to, *reason)
                    .unwrap_or_else(|e| panic!("{}: {e}", i.incident.title));
                at = *to;
            }
        }
        for l in &a.letters {
            let mut letter = l.letter.clone();
            letter.finding_ids = vec![1];
            letter.validate().unwrap();
            assert!(!l.findings.is_empty());
        }
        for f in &a.findings {
            let mut at = FindingStatus::Open;
            for (to, reason) in &f.moves {
                at.check_move(*to, *reason).unwrap();
                at = *to;
            }
        }
        let reg = demo_registry();
        let codes: Vec<&str> = reg.agencies.iter().map(|a| a.code.as_str()).collect();
        for i in &a.incidents {
            assert!(
                codes.contains(&i.incident.agency_code.as_str()),
                "{}",
                i.incident.agency_code
            );
        }
        // A recognisable picture: 60 centres with 52 inspected, letters and re-inspection.
        assert_eq!(a.plans[1].targets.len(), 60);
        assert_eq!(a.results.iter().filter(|r| r.plan == 1).count(), 52);
        assert!(
            a.letters.len() >= 10 && a.findings.len() >= 40,
            "{} letters, {} findings",
            a.letters.len(),
            a.findings.len()
        );
        assert!(!a.plans[2].targets.is_empty());
    }
}
