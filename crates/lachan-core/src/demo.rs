//! DEMO DATA — a fictional registry for the fictional province of Hà Nguyên,
//! used to show a living console on a fresh install (`serve --demo`,
//! `admin seed-demo`). Every name, code, address, phone number and person
//! here is invented; the console marks it as "dữ liệu mẫu / demo data".
//!
//! The province is modelled after the 1 July 2025 reorganisation: two tiers
//! only (province and commune/ward, no districts), provincial departments
//! after the merger of departments (e.g. Sở Khoa học và Công nghệ absorbing
//! the former Sở Thông tin và Truyền thông), party bodies, the provincial
//! police with its PA05 division, and 60 communes and wards.
//!
//! The generator is pure and deterministic: the same registry every time,
//! no randomness, no clock. Dates are fixed and lie before 25/11/2026; the
//! regime of each approval is the one in force on its date.

use crate::auth::Role;
use crate::datefmt;
use crate::regime;
use crate::registry::{
    AgencyKind, AssetKind, DossierStatus, NewAgency, NewAsset, NewContact, NewSystem,
};

/// Code of the provincial People's Committee, root of the demo tree.
pub const PROVINCE_CODE: &str = "HN-UBND";
/// Code of the provincial police cyber-security division (PA05).
pub const PA05_CODE: &str = "HN-CA-PA05";
/// Mail and web domain of the demo province.
pub const DOMAIN: &str = "hanguyen.gov.vn";

/// The whole demo registry.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoRegistry {
    /// Parents always come before their children.
    pub agencies: Vec<NewAgency>,
    pub systems: Vec<DemoSystem>,
    pub users: Vec<DemoUser>,
}

/// An information system with its components and contacts.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSystem {
    pub system: NewSystem,
    pub assets: Vec<NewAsset>,
    pub contacts: Vec<NewContact>,
}

/// A console account to create (the password is chosen by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    pub username: String,
    pub role: Role,
    /// Set for `agency_officer` accounts only.
    pub agency_code: Option<String>,
    pub full_name: String,
}

/// How a system is built, which decides its components.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A public web portal.
    Portal,
    /// A web application for citizens/businesses or staff.
    WebApp,
    /// Internal application on the provincial network.
    Internal,
    /// Shared infrastructure (data centre, WAN, integration platform).
    Infra,
}

/// One system before the status, dates and components are filled in.
#[derive(Clone, Copy)]
struct Spec {
    agency: &'static str,
    /// Short code used in the system code and host names.
    short: &'static str,
    name: &'static str,
    level: i64,
    population_db: bool,
    shape: Shape,
    purpose: &'static str,
    operating_unit: Option<&'static str>,
}

/// (code, name, kind, parent, short name for decision numbers and hosts)
type AgencyRow = (
    &'static str,
    &'static str,
    AgencyKind,
    Option<&'static str>,
    &'static str,
);

const P: Option<&str> = Some(PROVINCE_CODE);

#[rustfmt::skip]
const PROVINCIAL: &[AgencyRow] = &[
    (PROVINCE_CODE, "Ủy ban nhân dân tỉnh Hà Nguyên", AgencyKind::ProvincePeoplesCommittee, None, "UBND"),
    ("HN-VPUB", "Văn phòng Ủy ban nhân dân tỉnh", AgencyKind::ProvinceDepartment, P, "VPUB"),
    ("HN-SNV", "Sở Nội vụ", AgencyKind::ProvinceDepartment, P, "SNV"),
    ("HN-STC", "Sở Tài chính", AgencyKind::ProvinceDepartment, P, "STC"),
    ("HN-STP", "Sở Tư pháp", AgencyKind::ProvinceDepartment, P, "STP"),
    ("HN-SCT", "Sở Công Thương", AgencyKind::ProvinceDepartment, P, "SCT"),
    ("HN-SNNMT", "Sở Nông nghiệp và Môi trường", AgencyKind::ProvinceDepartment, P, "SNNMT"),
    ("HN-SXD", "Sở Xây dựng", AgencyKind::ProvinceDepartment, P, "SXD"),
    ("HN-SKHCN", "Sở Khoa học và Công nghệ", AgencyKind::ProvinceDepartment, P, "SKHCN"),
    ("HN-SGDDT", "Sở Giáo dục và Đào tạo", AgencyKind::ProvinceDepartment, P, "SGDDT"),
    ("HN-SYT", "Sở Y tế", AgencyKind::ProvinceDepartment, P, "SYT"),
    ("HN-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", AgencyKind::ProvinceDepartment, P, "SVHTTDL"),
    ("HN-SDTTG", "Sở Dân tộc và Tôn giáo", AgencyKind::ProvinceDepartment, P, "SDTTG"),
    ("HN-SNGV", "Sở Ngoại vụ", AgencyKind::ProvinceDepartment, P, "SNGV"),
    ("HN-TTT", "Thanh tra tỉnh", AgencyKind::ProvinceDepartment, P, "TTT"),
    ("HN-BQLKCN", "Ban Quản lý các khu công nghiệp tỉnh", AgencyKind::ProvinceDepartment, P, "BQLKCN"),
    ("HN-TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh", AgencyKind::PublicServiceUnit, Some("HN-VPUB"), "TTPVHCC"),
    ("HN-TTCDS", "Trung tâm Chuyển đổi số tỉnh", AgencyKind::PublicServiceUnit, Some("HN-SKHCN"), "TTCDS"),
    ("HN-BVDK", "Bệnh viện Đa khoa tỉnh Hà Nguyên", AgencyKind::PublicServiceUnit, Some("HN-SYT"), "BVDK"),
    ("HN-CDC", "Trung tâm Kiểm soát bệnh tật tỉnh", AgencyKind::PublicServiceUnit, Some("HN-SYT"), "CDC"),
    ("HN-CDN", "Trường Cao đẳng Kỹ thuật Hà Nguyên", AgencyKind::PublicServiceUnit, Some("HN-SGDDT"), "CDKT"),
    ("HN-DPTTH", "Đài Phát thanh và Truyền hình Hà Nguyên", AgencyKind::PublicServiceUnit, P, "DPTTH"),
    ("HN-TTDDT", "Trung tâm Phát triển quỹ đất tỉnh", AgencyKind::PublicServiceUnit, Some("HN-SNNMT"), "TTPTQD"),
    ("HN-BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh", AgencyKind::PublicServiceUnit, P, "BQLDA"),
    ("HN-QDTPT", "Quỹ Đầu tư phát triển tỉnh", AgencyKind::PublicServiceUnit, P, "QDTPT"),
    ("HN-VPDDQH", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", AgencyKind::Other, None, "VPDDBQH"),
    ("HN-TU", "Tỉnh ủy Hà Nguyên", AgencyKind::PartyBody, None, "TU"),
    ("HN-TU-VP", "Văn phòng Tỉnh ủy", AgencyKind::PartyBody, Some("HN-TU"), "VPTU"),
    ("HN-TU-BTC", "Ban Tổ chức Tỉnh ủy", AgencyKind::PartyBody, Some("HN-TU"), "BTCTU"),
    ("HN-TU-BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy", AgencyKind::PartyBody, Some("HN-TU"), "BTGDV"),
    ("HN-TU-UBKT", "Ủy ban Kiểm tra Tỉnh ủy", AgencyKind::PartyBody, Some("HN-TU"), "UBKTTU"),
    ("HN-MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", AgencyKind::MassOrganization, None, "MTTQ"),
    ("HN-CA", "Công an tỉnh Hà Nguyên", AgencyKind::Police, None, "CAT"),
    (PA05_CODE, "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao", AgencyKind::Police, Some("HN-CA"), "PA05"),
    ("HN-CA-PC06", "Phòng Cảnh sát quản lý hành chính về trật tự xã hội", AgencyKind::Police, Some("HN-CA"), "PC06"),
    ("HN-CTCN", "Công ty TNHH MTV Cấp thoát nước Hà Nguyên", AgencyKind::Enterprise, P, "CTCN"),
];

#[rustfmt::skip]
const WARDS: &[&str] = &[
    "Hà Nguyên", "Bắc Nguyên", "Nam Nguyên", "Đông Thành", "Tây Thành", "Hưng Phú", "An Lạc",
    "Phú Xuân", "Thanh Bình", "Minh Khai", "Quang Trung", "Hòa Bình", "Tân Tiến", "Kỳ Sơn",
    "Sông Cầu",
];

#[rustfmt::skip]
const COMMUNES: &[&str] = &[
    "Tân Phú", "Phú Lộc", "Vĩnh Hưng", "Yên Lạc", "Đồng Tâm", "Hợp Thành", "Thuận Hòa",
    "Phúc Thịnh", "Quảng Tiến", "Cẩm Hà", "Sơn Thủy", "Lâm Bình", "Bình Minh", "Hòa An",
    "Nghĩa Hưng", "Thạch Lâm", "Kim Sơn", "Mỹ Lộc", "Xuân Trường", "Trung Hà", "Lạc Sơn",
    "Đức Thịnh", "Tân Lập", "Hồng Phong", "Thống Nhất", "Quyết Tiến", "Nà Khương", "Pắc Ta",
    "Chiềng Sơn", "Mường Khoa", "Tam Đa", "Ngọc Lâm", "Cao Sơn", "Phong Châu", "Lương Sơn",
    "Tiền Phong", "Hưng Đạo", "Đại Đồng", "Vạn Xuân", "Thái Hòa", "An Thịnh", "Gia Phú",
    "Liên Minh", "Khánh Vân", "Tràng An",
];

/// ASCII form of a Vietnamese name for codes, host names and user names.
fn ascii(s: &str) -> String {
    const GROUPS: &[(&str, char)] = &[
        ("àáảãạăằắẳẵặâầấẩẫậ", 'a'),
        ("èéẻẽẹêềếểễệ", 'e'),
        ("ìíỉĩị", 'i'),
        ("òóỏõọôồốổỗộơờớởỡợ", 'o'),
        ("ùúủũụưừứửữự", 'u'),
        ("ỳýỷỹỵ", 'y'),
        ("đ", 'd'),
    ];
    s.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                return Some(c);
            }
            GROUPS
                .iter()
                .find(|(set, _)| set.contains(c))
                .map(|(_, b)| *b)
        })
        .collect()
}

/// A commune or ward: (code, full name, ascii slug).
fn communes() -> Vec<(String, String, String)> {
    let wards = WARDS.iter().enumerate().map(|(i, n)| {
        (
            format!("HN-PH-{:02}", i + 1),
            format!("Phường {n}"),
            ascii(n),
        )
    });
    let communes = COMMUNES
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("HN-XA-{:02}", i + 1), format!("Xã {n}"), ascii(n)));
    wards.chain(communes).collect()
}

fn agencies() -> Vec<NewAgency> {
    let mut out: Vec<NewAgency> = PROVINCIAL
        .iter()
        .map(|(code, name, kind, parent, _)| NewAgency {
            code: (*code).into(),
            name: (*name).into(),
            kind: *kind,
            parent_code: parent.map(str::to_string),
        })
        .collect();
    out.extend(communes().into_iter().map(|(code, name, _)| NewAgency {
        code,
        name: format!("Ủy ban nhân dân {name}"),
        kind: AgencyKind::CommuneWard,
        parent_code: Some(PROVINCE_CODE.into()),
    }));
    out
}

/// Short name of an agency for decision numbers ("QĐ-STC").
fn short_of(agency: &str) -> &'static str {
    PROVINCIAL
        .iter()
        .find(|a| a.0 == agency)
        .map(|a| a.4)
        .unwrap_or("UBND")
}

const fn spec(
    agency: &'static str,
    short: &'static str,
    name: &'static str,
    level: i64,
    population_db: bool,
    shape: Shape,
    purpose: &'static str,
) -> Spec {
    Spec {
        agency,
        short,
        name,
        level,
        population_db,
        shape,
        purpose,
        operating_unit: None,
    }
}

use Shape::{Infra, Internal, Portal, WebApp};

#[rustfmt::skip]
const PROVINCE_SYSTEMS: &[Spec] = &[
    spec(PROVINCE_CODE, "TTHC", "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", 3, true, WebApp,
        "Tiếp nhận, giải quyết và trả kết quả thủ tục hành chính theo cơ chế một cửa, một cửa liên thông"),
    spec(PROVINCE_CODE, "DVC", "Cổng Dịch vụ công tỉnh Hà Nguyên", 3, true, Portal,
        "Cung cấp dịch vụ công trực tuyến cho người dân, doanh nghiệp"),
    spec(PROVINCE_CODE, "CTTDT", "Cổng thông tin điện tử tỉnh Hà Nguyên", 2, false, Portal,
        "Công bố thông tin chỉ đạo, điều hành của tỉnh"),
    spec(PROVINCE_CODE, "QLVB", "Hệ thống quản lý văn bản và điều hành", 3, false, WebApp,
        "Gửi, nhận, xử lý văn bản điện tử và chữ ký số trong các cơ quan nhà nước của tỉnh"),
    spec(PROVINCE_CODE, "MAIL", "Hệ thống thư điện tử công vụ tỉnh", 2, false, WebApp,
        "Thư điện tử công vụ cho cán bộ, công chức, viên chức"),
    spec(PROVINCE_CODE, "LGSP", "Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)", 4, true, Infra,
        "Kết nối, chia sẻ dữ liệu giữa các hệ thống của tỉnh và với nền tảng quốc gia (NDXP)"),
    spec(PROVINCE_CODE, "TTDL", "Trung tâm dữ liệu tỉnh", 4, false, Infra,
        "Hạ tầng máy chủ, lưu trữ, ảo hóa dùng chung cho các cơ quan của tỉnh"),
    spec(PROVINCE_CODE, "TSLCD", "Mạng truyền số liệu chuyên dùng cấp tỉnh", 3, false, Infra,
        "Mạng diện rộng kết nối các sở, ngành và Ủy ban nhân dân cấp xã"),
    spec(PROVINCE_CODE, "KDL", "Kho dữ liệu dùng chung của tỉnh", 3, true, Infra,
        "Lưu trữ, khai thác dữ liệu dùng chung, dữ liệu mở của tỉnh"),
    spec(PROVINCE_CODE, "IOC", "Trung tâm giám sát, điều hành thông minh tỉnh (IOC)", 3, false, WebApp,
        "Giám sát, điều hành kinh tế - xã hội trên nền tảng dữ liệu"),
    spec(PROVINCE_CODE, "HNTH", "Hệ thống hội nghị truyền hình trực tuyến", 2, false, Internal,
        "Họp trực tuyến từ tỉnh đến cấp xã"),
    spec(PROVINCE_CODE, "PAKN", "Hệ thống tiếp nhận phản ánh, kiến nghị của người dân", 2, false, WebApp,
        "Tiếp nhận, xử lý phản ánh, kiến nghị qua cổng, ứng dụng di động và tổng đài"),
    spec(PROVINCE_CODE, "BCKTXH", "Hệ thống thông tin báo cáo kinh tế - xã hội tỉnh", 2, false, WebApp,
        "Tổng hợp chỉ tiêu báo cáo định kỳ của các cơ quan"),
    spec(PROVINCE_CODE, "SOC", "Hệ thống giám sát an ninh mạng tập trung (SOC) tỉnh", 3, false, Internal,
        "Thu thập nhật ký, phát hiện và cảnh báo tấn công mạng cho các hệ thống của tỉnh"),
    spec(PROVINCE_CODE, "KYSO", "Hệ thống ký số và xác thực tập trung", 3, true, Infra,
        "Xác thực một lần (SSO) và ký số cho cán bộ, công chức; xác thực VNeID cho người dân"),
];

#[rustfmt::skip]
const DEPARTMENT_SYSTEMS: &[Spec] = &[
    spec("HN-SNV", "CSDLCBCC", "Cơ sở dữ liệu cán bộ, công chức, viên chức tỉnh", 3, true, WebApp,
        "Quản lý hồ sơ cán bộ, công chức, viên chức"),
    spec("HN-SNV", "LUUTRU", "Hệ thống lưu trữ hồ sơ điện tử", 2, false, Internal,
        "Lưu trữ hồ sơ, tài liệu điện tử của các cơ quan"),
    spec("HN-STC", "QLNS", "Hệ thống quản lý ngân sách và đầu tư công", 3, false, WebApp,
        "Lập, phân bổ, theo dõi dự toán ngân sách và kế hoạch đầu tư công"),
    spec("HN-STC", "DKDN", "Hệ thống hỗ trợ đăng ký doanh nghiệp", 3, true, WebApp,
        "Tiếp nhận hồ sơ đăng ký doanh nghiệp, hộ kinh doanh"),
    spec("HN-STP", "HOTICH", "Phần mềm đăng ký, quản lý hộ tịch", 3, true, WebApp,
        "Đăng ký khai sinh, kết hôn, khai tử tại cấp xã"),
    spec("HN-STP", "LLTP", "Phần mềm quản lý lý lịch tư pháp", 3, true, WebApp,
        "Cấp phiếu lý lịch tư pháp"),
    spec("HN-SCT", "QLTM", "Hệ thống quản lý thương mại và xúc tiến xuất khẩu", 2, false, WebApp,
        "Quản lý cấp phép kinh doanh có điều kiện, xúc tiến thương mại"),
    spec("HN-SNNMT", "DATDAI", "Hệ thống thông tin đất đai tỉnh", 3, true, WebApp,
        "Đăng ký, cấp giấy chứng nhận quyền sử dụng đất, cơ sở dữ liệu địa chính"),
    spec("HN-SNNMT", "QTMT", "Hệ thống quan trắc môi trường tự động", 2, false, Internal,
        "Thu nhận số liệu quan trắc nước thải, khí thải"),
    spec("HN-SXD", "CPXD", "Hệ thống cấp phép xây dựng và quản lý quy hoạch", 3, false, WebApp,
        "Cấp giấy phép xây dựng, tra cứu quy hoạch"),
    spec("HN-SXD", "GPLX", "Hệ thống sát hạch và cấp giấy phép lái xe", 3, true, Internal,
        "Sát hạch, cấp, đổi giấy phép lái xe"),
    spec("HN-SKHCN", "QLKHCN", "Hệ thống quản lý nhiệm vụ khoa học và công nghệ", 2, false, WebApp,
        "Quản lý đề tài, nhiệm vụ khoa học và công nghệ"),
    spec("HN-SGDDT", "CSDLGD", "Cơ sở dữ liệu ngành giáo dục tỉnh", 3, true, WebApp,
        "Quản lý học sinh, giáo viên, trường lớp"),
    spec("HN-SGDDT", "TSDC", "Hệ thống tuyển sinh đầu cấp trực tuyến", 3, true, WebApp,
        "Tuyển sinh lớp 1, lớp 6, lớp 10 trực tuyến"),
    spec("HN-SYT", "HSSK", "Hệ thống hồ sơ sức khỏe điện tử", 3, true, WebApp,
        "Quản lý hồ sơ sức khỏe điện tử của người dân"),
    spec("HN-BVDK", "HIS", "Hệ thống thông tin bệnh viện (HIS)", 3, true, Internal,
        "Quản lý khám, chữa bệnh, thanh toán bảo hiểm y tế"),
    spec("HN-BVDK", "PACS", "Hệ thống lưu trữ và truyền hình ảnh y tế (PACS)", 2, false, Internal,
        "Lưu trữ hình ảnh chẩn đoán"),
    spec("HN-CDC", "TCMR", "Hệ thống quản lý tiêm chủng", 3, true, WebApp,
        "Quản lý đối tượng và lịch sử tiêm chủng"),
    spec("HN-SVHTTDL", "DULICH", "Cổng thông tin du lịch Hà Nguyên", 2, false, Portal,
        "Quảng bá du lịch, lưu trú, điểm đến"),
    spec("HN-SVHTTDL", "DSVH", "Cơ sở dữ liệu di sản văn hóa", 1, false, Portal,
        "Số hóa di tích, di sản văn hóa"),
    spec("HN-TTT", "KNTC", "Hệ thống quản lý khiếu nại, tố cáo", 2, false, Internal,
        "Quản lý đơn thư khiếu nại, tố cáo, kiến nghị"),
    spec("HN-BQLKCN", "QLKCN", "Hệ thống quản lý doanh nghiệp khu công nghiệp", 2, false, WebApp,
        "Quản lý dự án, lao động trong khu công nghiệp"),
    spec("HN-TTPVHCC", "TONGDAI", "Tổng đài hỗ trợ dịch vụ công 1022", 2, false, Internal,
        "Hỗ trợ người dân qua điện thoại"),
    spec("HN-TTCDS", "NDXP-GW", "Cổng kết nối nền tảng chia sẻ dữ liệu quốc gia", 3, true, Infra,
        "Kết nối LGSP tỉnh với NDXP và Cơ sở dữ liệu quốc gia về dân cư"),
    spec("HN-DPTTH", "PTTH", "Hệ thống sản xuất và phát sóng truyền hình số", 2, false, Internal,
        "Sản xuất, lưu trữ và phát sóng chương trình"),
    spec("HN-CDN", "QLDT", "Hệ thống quản lý đào tạo", 2, false, WebApp,
        "Quản lý sinh viên, điểm, lịch học"),
    spec("HN-QDTPT", "QLTD", "Phần mềm quản lý tín dụng đầu tư", 2, false, Internal,
        "Quản lý khoản vay, thu hồi nợ"),
    spec("HN-BQLDA", "QLDA", "Phần mềm quản lý dự án đầu tư xây dựng", 1, false, Internal,
        "Theo dõi tiến độ, hồ sơ dự án"),
    spec("HN-TTDDT", "DAUGIA", "Hệ thống đấu giá quyền sử dụng đất trực tuyến", 3, true, WebApp,
        "Tổ chức đấu giá quyền sử dụng đất trực tuyến"),
    spec("HN-VPDDQH", "HDND", "Cổng thông tin điện tử Đoàn ĐBQH và HĐND tỉnh", 2, false, Portal,
        "Công bố thông tin hoạt động của đại biểu dân cử"),
    spec("HN-VPDDQH", "PHHDND", "Hệ thống phòng họp không giấy HĐND tỉnh", 2, false, Internal,
        "Tài liệu kỳ họp, biểu quyết điện tử"),
    spec("HN-TU-VP", "MANGTU", "Mạng thông tin diện rộng của Đảng bộ tỉnh", 3, false, Infra,
        "Kết nối các cơ quan Đảng trong tỉnh"),
    spec("HN-TU-VP", "VBDANG", "Hệ thống quản lý văn bản của Đảng bộ tỉnh", 3, false, Internal,
        "Gửi, nhận, xử lý văn bản trong các cơ quan Đảng"),
    spec("HN-TU-BTC", "DANGVIEN", "Phần mềm quản lý cơ sở dữ liệu đảng viên", 3, false, Internal,
        "Quản lý hồ sơ đảng viên"),
    spec("HN-TU-BTGDV", "BAODANG", "Trang thông tin điện tử Đảng bộ tỉnh", 2, false, Portal,
        "Tuyên truyền chủ trương, đường lối"),
    spec("HN-MTTQ", "MTTQ", "Trang thông tin điện tử Mặt trận Tổ quốc tỉnh", 1, false, Portal,
        "Thông tin hoạt động của Mặt trận"),
    spec("HN-CA-PC06", "CUTRU", "Hệ thống tiếp nhận hồ sơ cư trú, căn cước tại tỉnh", 4, true, Internal,
        "Tiếp nhận hồ sơ đăng ký cư trú, cấp căn cước"),
    spec("HN-CA", "CAMERA", "Hệ thống camera giám sát an ninh, trật tự", 3, false, Infra,
        "Giám sát an ninh, trật tự và giao thông tại các nút trọng điểm"),
    spec("HN-CA", "MANGMAT", "Mạng nội bộ xử lý thông tin mật Công an tỉnh", 5, false, Infra,
        "Xử lý, lưu trữ thông tin thuộc bí mật nhà nước"),
    spec(PA05_CODE, "LACHAN", "Hệ thống giám sát an ninh mạng Lá Chắn", 3, false, Internal,
        "Giám sát an ninh mạng, quản lý cấp độ và kiểm tra an ninh mạng các hệ thống của tỉnh"),
    spec("HN-CTCN", "HOADON", "Hệ thống quản lý khách hàng và hóa đơn tiền nước", 2, false, WebApp,
        "Quản lý hợp đồng, chỉ số, hóa đơn điện tử"),
];

/// Deterministic pseudo-random numbers (SplitMix64) for dates and numbers.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô",
];
const MIDDLE: &[&str] = &["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Thanh", "Hữu"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan",
    "Long", "Mai", "Nam", "Ngọc", "Phong", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến",
];

fn person(mix: &mut Mix) -> (String, String) {
    let s = SURNAMES[mix.below(SURNAMES.len() as u64) as usize];
    let m = MIDDLE[mix.below(MIDDLE.len() as u64) as usize];
    let g = GIVEN[mix.below(GIVEN.len() as u64) as usize];
    let full = format!("{s} {m} {g}");
    let login = format!(
        "{}.{}{}",
        ascii(g),
        ascii(s).chars().next().unwrap_or('x'),
        ascii(m).chars().next().unwrap_or('x')
    );
    (full, login)
}

/// The specs for commune systems: one portal per commune or ward (level 1
/// or 2), for the first `n` of them.
fn commune_specs(n: usize) -> Vec<(String, String, String, String)> {
    communes()
        .into_iter()
        .take(n)
        .map(|(code, name, slug)| {
            let sys_code = format!("HTTT-{}-TTDT", code.trim_start_matches("HN-"));
            (
                code,
                format!("Trang thông tin điện tử {name}"),
                slug,
                sys_code,
            )
        })
        .collect()
}

/// Total number of demo systems.
pub const SYSTEM_COUNT: usize = 100;

fn date(y: u16, m: u8, d: u8) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// Status, decision and regime for the system at `index`.
fn approval(
    index: usize,
    level: i64,
    agency: &str,
    mix: &mut Mix,
) -> (DossierStatus, Option<String>, Option<String>, String) {
    let status = match index % 16 {
        5 => DossierStatus::Drafting,
        9 => DossierStatus::Submitted,
        13 => DossierStatus::Appraised,
        _ if level == 5 => DossierStatus::Submitted,
        _ => DossierStatus::Approved,
    };
    if status != DossierStatus::Approved {
        // New dossiers are prepared under the current regime.
        let current = regime::default_for(datefmt::parse_date("2026-11-25"));
        return (status, None, None, current.code.clone());
    }
    // Most approvals happened under the legacy decree; about one in ten
    // after NĐ 331/2026 took effect on 19/08/2026.
    let day = if index % 10 == 3 {
        let m = 9 + mix.below(3) as u8; // September to November 2026
        let d = 1 + mix.below(if m == 11 { 20 } else { 28 }) as u8;
        date(2026, m, d)
    } else {
        let y = 2018 + mix.below(8) as u16; // 2018..=2025
        date(y, 1 + mix.below(12) as u8, 1 + mix.below(28) as u8)
    };
    // Level 3 and above are approved by the owner (UBND); levels 1–2 by the
    // owner's own dedicated unit.
    let issuer = if level >= 3 {
        if agency.starts_with("HN-TU") {
            "TU"
        } else if agency.starts_with("HN-CA") {
            "CAT"
        } else {
            "UBND"
        }
    } else if agency.starts_with("HN-PH") || agency.starts_with("HN-XA") {
        "UBND"
    } else {
        short_of(agency)
    };
    let number = format!("{}/QĐ-{issuer}", 100 + mix.below(3900));
    let regime_code = regime::default_for(datefmt::parse_date(&day)).code.clone();
    (status, Some(number), Some(day), regime_code)
}

fn assets(shape: Shape, slug: &str, host: &str, net: (u64, u64), mix: &mut Mix) -> Vec<NewAsset> {
    let ip = |last: u64| format!("10.{}.{}.{last}", net.0, net.1);
    let asset = |kind, name: String, address: String, note: &str| NewAsset {
        kind,
        name,
        address: Some(address),
        note: (!note.is_empty()).then(|| note.to_string()),
    };
    let mut out = Vec::new();
    match shape {
        Portal | WebApp => {
            out.push(asset(
                AssetKind::Website,
                format!("Trang web {host}"),
                format!("https://{host}"),
                "",
            ));
            out.push(asset(
                AssetKind::Server,
                format!("Máy chủ ứng dụng {slug}-app01"),
                ip(10 + mix.below(20)),
                "Ubuntu 22.04, Nginx",
            ));
            out.push(asset(
                AssetKind::Database,
                format!("Máy chủ CSDL {slug}-db01"),
                ip(40 + mix.below(20)),
                "PostgreSQL 14",
            ));
            if shape == WebApp {
                out.push(asset(
                    AssetKind::Application,
                    format!("Ứng dụng {slug}"),
                    format!("https://{host}/"),
                    "",
                ));
            }
        }
        Internal => {
            out.push(asset(
                AssetKind::Server,
                format!("Máy chủ {slug}-srv01"),
                ip(10 + mix.below(20)),
                "Windows Server 2019",
            ));
            out.push(asset(
                AssetKind::Application,
                format!("Ứng dụng {slug}"),
                format!("http://{}", ip(10)),
                "Chỉ truy cập trong mạng nội bộ",
            ));
        }
        Infra => {
            out.push(asset(
                AssetKind::Server,
                format!("Cụm máy chủ ảo hóa {slug}-hv01"),
                ip(5),
                "VMware ESXi 8",
            ));
            out.push(asset(
                AssetKind::Server,
                format!("Cụm máy chủ ảo hóa {slug}-hv02"),
                ip(6),
                "VMware ESXi 8",
            ));
            out.push(asset(
                AssetKind::NetworkDevice,
                format!("Thiết bị định tuyến lõi {slug}-core"),
                ip(254),
                "",
            ));
        }
    }
    out.push(asset(
        AssetKind::NetworkDevice,
        format!("Tường lửa {slug}-fw01"),
        ip(1),
        "Tường lửa vùng máy chủ",
    ));
    out
}

fn contacts(agency_slug: &str, mix: &mut Mix) -> Vec<NewContact> {
    let roles = [
        "Lãnh đạo phụ trách",
        "Quản trị hệ thống",
        "Cán bộ chuyên trách an ninh mạng",
    ];
    let n = 1 + mix.below(2) as usize;
    (0..n)
        .map(|k| {
            let (full, login) = person(mix);
            NewContact {
                name: full,
                role: Some(roles[(k + 1) % roles.len()].to_string()),
                phone: Some(format!("0900.000.{:03}", mix.below(1000))),
                email: Some(format!("{login}.{agency_slug}@{DOMAIN}")),
            }
        })
        .collect()
}

fn systems() -> Vec<DemoSystem> {
    let mut mix = Mix(0x4841_4E47_5559_454E); // "HANGUYEN"
    let mut specs: Vec<(String, Spec, String)> = Vec::new();
    for s in PROVINCE_SYSTEMS.iter().chain(DEPARTMENT_SYSTEMS) {
        let code = format!("HTTT-{}-{}", short_of(s.agency), s.short);
        let host_slug = ascii(s.short);
        specs.push((code, *s, host_slug));
    }
    let provincial = specs.len();
    let mut out = Vec::with_capacity(SYSTEM_COUNT);
    let operator = Some("Trung tâm Chuyển đổi số tỉnh");
    for (i, (code, s, slug)) in specs.iter().enumerate() {
        let (status, number, day, regime_code) = approval(i, s.level, s.agency, &mut mix);
        let host = if s.agency == PROVINCE_CODE {
            format!("{slug}.{DOMAIN}")
        } else {
            format!("{slug}.{}.{DOMAIN}", ascii(short_of(s.agency)))
        };
        let system = NewSystem {
            code: code.clone(),
            name: s.name.into(),
            agency_code: s.agency.into(),
            security_level: s.level,
            regime: Some(regime_code),
            operating_unit: s
                .operating_unit
                .or(if s.agency == PROVINCE_CODE {
                    operator
                } else {
                    None
                })
                .map(str::to_string),
            purpose: Some(s.purpose.into()),
            approval_decision_no: number,
            approval_date: day,
            dossier_status: Some(status),
            connects_population_db: s.population_db,
        };
        let net = (20 + (i as u64 / 250), (i as u64 % 250) + 1);
        out.push(DemoSystem {
            system,
            assets: assets(s.shape, slug, &host, net, &mut mix),
            contacts: contacts(&ascii(short_of(s.agency)), &mut mix),
        });
    }
    for (k, (agency, name, slug, code)) in commune_specs(SYSTEM_COUNT - provincial)
        .into_iter()
        .enumerate()
    {
        let i = provincial + k;
        let level = if k % 3 == 0 { 1 } else { 2 };
        let (status, number, day, regime_code) = approval(i, level, &agency, &mut mix);
        let host = format!("{slug}.{DOMAIN}");
        out.push(DemoSystem {
            system: NewSystem {
                code,
                name,
                agency_code: agency,
                security_level: level,
                regime: Some(regime_code),
                operating_unit: Some("Văn phòng HĐND và UBND cấp xã".into()),
                purpose: Some("Công khai thông tin, thủ tục hành chính của cấp xã".into()),
                approval_decision_no: number,
                approval_date: day,
                dossier_status: Some(status),
                connects_population_db: false,
            },
            assets: vec![
                NewAsset {
                    kind: AssetKind::Website,
                    name: format!("Trang web {host}"),
                    address: Some(format!("https://{host}")),
                    note: Some("Lưu trữ tại Trung tâm dữ liệu tỉnh".into()),
                },
                NewAsset {
                    kind: AssetKind::Server,
                    name: format!("Máy chủ web {slug}-web01"),
                    address: Some(format!("10.30.{}.{}", 1 + k / 200, 10 + k % 200)),
                    note: None,
                },
            ],
            contacts: contacts(&slug, &mut mix),
        });
    }
    out
}

fn users() -> Vec<DemoUser> {
    let u = |username: &str, role, agency: Option<&str>, full_name: &str| DemoUser {
        username: username.into(),
        role,
        agency_code: agency.map(str::to_string),
        full_name: full_name.into(),
    };
    vec![
        u("quantri.pa05", Role::Admin, None, "Trần Quang Hải"),
        u("quantri2.pa05", Role::Admin, None, "Lê Thị Thu Hà"),
        u("phantich.tuan", Role::Analyst, None, "Nguyễn Minh Tuấn"),
        u("phantich.lan", Role::Analyst, None, "Phạm Ngọc Lan"),
        u("phantich.son", Role::Analyst, None, "Đỗ Hữu Sơn"),
        u(
            "canbo.stc",
            Role::AgencyOfficer,
            Some("HN-STC"),
            "Vũ Thị Hương",
        ),
        u(
            "canbo.syt",
            Role::AgencyOfficer,
            Some("HN-SYT"),
            "Bùi Đức Long",
        ),
        u(
            "canbo.skhcn",
            Role::AgencyOfficer,
            Some("HN-SKHCN"),
            "Hoàng Thanh Tâm",
        ),
        u(
            "canbo.xatanphu",
            Role::AgencyOfficer,
            Some("HN-XA-01"),
            "Ngô Văn Bình",
        ),
        u("kiemtoan.mai", Role::Auditor, None, "Đặng Thị Mai"),
        u("kiemtoan.cuong", Role::Auditor, None, "Nguyễn Văn Cường"),
    ]
}

/// The demo registry of the fictional province of Hà Nguyên (DEMO DATA).
pub fn demo_registry() -> DemoRegistry {
    DemoRegistry {
        agencies: agencies(),
        systems: systems(),
        users: users(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn is_deterministic() {
        assert_eq!(demo_registry(), demo_registry());
    }

    #[test]
    fn every_item_validates() {
        let r = demo_registry();
        for a in &r.agencies {
            let mut a2 = a.clone();
            a2.validate().unwrap_or_else(|e| panic!("{}: {e}", a.code));
            assert_eq!(&a2, a, "validate changed agency {}", a.code);
        }
        for s in &r.systems {
            let mut sys = s.system.clone();
            sys.validate()
                .unwrap_or_else(|e| panic!("{}: {e}", s.system.code));
            assert_eq!(sys, s.system, "validate changed system {}", s.system.code);
            assert!(
                !s.assets.is_empty() && !s.contacts.is_empty(),
                "{}",
                sys.code
            );
            for a in &s.assets {
                a.clone()
                    .validate()
                    .unwrap_or_else(|e| panic!("{}: {e}", sys.code));
            }
            for c in &s.contacts {
                c.clone()
                    .validate()
                    .unwrap_or_else(|e| panic!("{}: {e}", sys.code));
            }
        }
    }

    #[test]
    fn tree_is_ordered_and_codes_unique() {
        let r = demo_registry();
        let mut seen = HashSet::new();
        for a in &r.agencies {
            if let Some(p) = &a.parent_code {
                assert!(
                    seen.contains(p.as_str()),
                    "{} before its parent {p}",
                    a.code
                );
            }
            assert!(seen.insert(a.code.as_str()), "duplicate agency {}", a.code);
        }
        let communes = r
            .agencies
            .iter()
            .filter(|a| a.kind == AgencyKind::CommuneWard)
            .count();
        assert_eq!(communes, 60);
        let depts = r
            .agencies
            .iter()
            .filter(|a| {
                matches!(
                    a.kind,
                    AgencyKind::ProvinceDepartment | AgencyKind::PublicServiceUnit
                )
            })
            .count();
        assert!((20..=30).contains(&depts), "{depts}");
        assert!(r.agencies.iter().any(|a| a.kind == AgencyKind::PartyBody));
        assert!(r.agencies.iter().any(|a| a.code == PA05_CODE));
        let mut codes = HashSet::new();
        for s in &r.systems {
            assert!(
                seen.contains(s.system.agency_code.as_str()),
                "{}",
                s.system.code
            );
            assert!(
                codes.insert(s.system.code.as_str()),
                "duplicate {}",
                s.system.code
            );
        }
        for u in &r.users {
            assert_eq!(
                u.role.needs_agency(),
                u.agency_code.is_some(),
                "{}",
                u.username
            );
            if let Some(a) = &u.agency_code {
                assert!(seen.contains(a.as_str()), "{}", u.username);
            }
        }
        for role in Role::ALL {
            assert!(
                r.users.iter().filter(|u| u.role == *role).count() >= 2,
                "{role}"
            );
        }
    }

    #[test]
    fn levels_statuses_and_regimes_are_realistic() {
        let r = demo_registry();
        assert_eq!(r.systems.len(), SYSTEM_COUNT);
        let mut by_level: HashMap<i64, usize> = HashMap::new();
        let mut by_status: HashMap<DossierStatus, usize> = HashMap::new();
        for d in &r.systems {
            let s = &d.system;
            *by_level.entry(s.security_level).or_default() += 1;
            let status = s.dossier_status.unwrap_or(DossierStatus::Drafting);
            *by_status.entry(status).or_default() += 1;
            if s.connects_population_db || s.name.contains("thủ tục hành chính") {
                assert!(s.security_level >= 3, "{}", s.code);
            }
            if let Some(day) = &s.approval_date {
                assert!(day.as_str() <= "2026-11-25", "{} {day}", s.code);
                let expected = regime::default_for(datefmt::parse_date(day));
                assert_eq!(
                    s.regime.as_deref(),
                    Some(expected.code.as_str()),
                    "{}",
                    s.code
                );
            }
            for a in &d.assets {
                let addr = a.address.as_deref().unwrap_or_default();
                match a.kind {
                    AssetKind::Website => {
                        assert!(
                            addr.starts_with("https://") && addr.ends_with(DOMAIN),
                            "{addr}"
                        )
                    }
                    AssetKind::Server | AssetKind::NetworkDevice | AssetKind::Database => {
                        assert!(addr.starts_with("10."), "{addr}")
                    }
                    _ => {}
                }
            }
        }
        for level in 1..=5 {
            assert!(
                by_level.get(&level).copied().unwrap_or(0) >= 1,
                "level {level}"
            );
        }
        let mid = by_level[&2] + by_level[&3];
        assert!(mid * 10 >= SYSTEM_COUNT * 7, "{by_level:?}");
        assert!((2..=6).contains(&by_level[&4]), "{by_level:?}");
        for st in DossierStatus::ALL {
            assert!(by_status.get(st).copied().unwrap_or(0) >= 1, "{st}");
        }
        assert!(
            by_status[&DossierStatus::Approved] * 10 >= SYSTEM_COUNT * 7,
            "{by_status:?}"
        );
        let new_regime = r
            .systems
            .iter()
            .filter(|d| {
                d.system.approval_date.is_some()
                    && d.system.regime.as_deref() == Some("ND331_TCVN14423")
            })
            .count();
        assert!(new_regime >= 3, "{new_regime}");
    }

    #[test]
    fn ascii_slugs() {
        assert_eq!(ascii("Đồng Tâm"), "dongtam");
        assert_eq!(ascii("Nà Khương"), "nakhuong");
    }
}
