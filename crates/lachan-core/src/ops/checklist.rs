//! Inspection checklists: what an inspector answers at a target. For a system, the
//! requirements of its regime that apply at its security level; for a Đề án 06
//! workstation, the workstation checklist; a `lachan scan` target is answered by the
//! uploaded result instead.

use serde::Serialize;

use super::Checklist;
use crate::regime;

/// One item to answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub code: String,
    pub title_vi: String,
    pub title_en: String,
}

/// The Đề án 06 workstation checklist (PCs holding accounts to the National
/// Population Database): (code, Vietnamese, English).
pub const D06_ITEMS: &[(&str, &str, &str)] = &[
    (
        "D06-01",
        "Máy được đăng ký trong danh mục (tên máy, MAC, IP, đơn vị, cán bộ sử dụng, tài khoản CSDLQG)",
        "Machine registered in the inventory with owner and account",
    ),
    (
        "D06-02",
        "Không tự ý thay đổi địa chỉ IP, cấu hình mạng",
        "No unauthorised IP or network change",
    ),
    (
        "D06-03",
        "Không truy cập Internet trực tiếp; chỉ qua đường truyền được phép",
        "No direct Internet; only the approved line or VPN",
    ),
    (
        "D06-04",
        "Không gắn thiết bị mạng, ngoại vi không được cấp (USB Wi-Fi, 3G/4G, Bluetooth)",
        "No unissued network peripherals",
    ),
    (
        "D06-05",
        "Chặn thiết bị lưu trữ ngoài (USB, ổ cứng ngoài, CD/DVD)",
        "Removable storage blocked",
    ),
    ("D06-06", "Tắt autorun/autoplay", "Autorun disabled"),
    (
        "D06-07",
        "Hệ điều hành có bản quyền",
        "Licensed, activated OS",
    ),
    (
        "D06-08",
        "Hệ điều hành còn được hãng hỗ trợ",
        "Supported OS version",
    ),
    (
        "D06-09",
        "Cập nhật bản vá hệ điều hành ít nhất 1 lần/tháng",
        "OS patched within 30 days",
    ),
    (
        "D06-10",
        "Có phần mềm phòng chống mã độc bản quyền, bật bảo vệ thời gian thực, mẫu nhận diện mới",
        "Licensed anti-malware, real-time on, signatures fresh",
    ),
    (
        "D06-11",
        "Phần mềm phòng chống mã độc kết nối máy chủ quản trị tập trung của tỉnh",
        "Anti-malware enrolled to the provincial console",
    ),
    (
        "D06-12",
        "Không cài phần mềm không rõ nguồn gốc, ngoài danh sách được phép",
        "Only allow-listed software",
    ),
    (
        "D06-13",
        "Không có phần mềm điều khiển từ xa không được phép (TeamViewer, UltraViewer, AnyDesk…)",
        "No unauthorised remote-control tools",
    ),
    (
        "D06-14",
        "Không lưu mật khẩu trên trình duyệt",
        "No browser-saved passwords",
    ),
    (
        "D06-15",
        "Mật khẩu mạnh, đổi định kỳ không quá 3 tháng",
        "Strong passwords, changed at least every 90 days",
    ),
    (
        "D06-16",
        "Mỗi cán bộ một tài khoản; không dùng chung tài khoản",
        "No shared accounts",
    ),
    (
        "D06-17",
        "Tự khóa màn hình sau không quá 15 phút",
        "Screen lock within 15 minutes",
    ),
    (
        "D06-18",
        "Khóa tài khoản sau 5–10 lần đăng nhập sai",
        "Account lockout after 5–10 failed logins",
    ),
    (
        "D06-19",
        "Người dùng không có quyền quản trị máy",
        "Users are not local administrators",
    ),
    (
        "D06-20",
        "Vô hiệu hóa Guest; đổi hoặc khóa tài khoản mặc định",
        "Guest and default accounts disabled",
    ),
    ("D06-21", "Bật tường lửa máy trạm", "Host firewall on"),
    (
        "D06-22",
        "Tắt dịch vụ không cần thiết: RDP, SMBv1, chia sẻ thư mục",
        "Unneeded services off (RDP, SMBv1, shares)",
    ),
    (
        "D06-23",
        "Ghi nhật ký đăng nhập, sử dụng thiết bị ngoài; đồng bộ thời gian; gửi log về tập trung",
        "Logon and USB auditing, time sync, log forwarding",
    ),
    (
        "D06-24",
        "Có sổ theo dõi truy cập vào/ra hệ thống CSDLQG về dân cư",
        "Access log book for the population database",
    ),
    (
        "D06-25",
        "Mã hóa ổ đĩa máy có lưu dữ liệu dân cư",
        "Disk encryption where resident data is stored",
    ),
    (
        "D06-26",
        "Máy dùng riêng cho nghiệp vụ; không cài game, mạng xã hội, phần mềm cá nhân",
        "Dedicated-use machine",
    ),
    (
        "D06-27",
        "Camera an ninh không quay màn hình, khu vực thông tin nhạy cảm",
        "CCTV does not capture screens",
    ),
    (
        "D06-28",
        "Không soạn thảo, lưu tài liệu bí mật nhà nước trên máy này",
        "No state-secret documents on this machine",
    ),
];

/// The items of `checklist` for a target; `level` and `regime` are the target
/// system's (the regime in force today when unknown).
pub fn checklist_items(
    checklist: Checklist,
    level: Option<i64>,
    regime_code: Option<&str>,
) -> Vec<ChecklistItem> {
    match checklist {
        Checklist::D06Workstation => D06_ITEMS
            .iter()
            .map(|(c, vi, en)| ChecklistItem {
                code: (*c).into(),
                title_vi: (*vi).into(),
                title_en: (*en).into(),
            })
            .collect(),
        Checklist::SecurityLevel => {
            let r = regime_code
                .and_then(regime::find)
                .unwrap_or_else(|| regime::default_for(None));
            let level = level.unwrap_or(1).clamp(1, 5) as u8;
            r.requirements_for(level)
                .map(|q| ChecklistItem {
                    code: q.id.clone(),
                    title_vi: q.title_vi.clone(),
                    title_en: q.title_en.clone(),
                })
                .collect()
        }
        Checklist::Scan => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklists_by_kind_and_level() {
        let d06 = checklist_items(Checklist::D06Workstation, None, None);
        assert_eq!(d06.len(), 28);
        assert_eq!(d06[4].code, "D06-05");
        let l1 = checklist_items(Checklist::SecurityLevel, Some(1), None);
        let l4 = checklist_items(Checklist::SecurityLevel, Some(4), None);
        assert!(
            !l1.is_empty() && l4.len() > l1.len(),
            "{} vs {}",
            l1.len(),
            l4.len()
        );
        let mut codes: Vec<&str> = l4.iter().map(|i| i.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), l4.len(), "codes are unique");
        assert!(checklist_items(Checklist::Scan, Some(3), None).is_empty());
    }
}
