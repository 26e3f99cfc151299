//! Console strings in Vietnamese (default) and English. Every string shown
//! by the console comes from [`ENTRIES`]; domain labels (agency kinds,
//! dossier statuses, roles) come from `label_vi`/`label_en` of the types.

/// A console language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// The link text that switches *to* this language.
    pub fn switch_label(self) -> &'static str {
        match self {
            Lang::Vi => "Tiếng Việt",
            Lang::En => "English",
        }
    }
}

/// `(key, Vietnamese, English)`.
pub const ENTRIES: &[(&str, &str, &str)] = &[
    ("skip", "Bỏ qua, đến nội dung chính", "Skip to main content"),
    (
        "footer",
        "Nền tảng giám sát an toàn thông tin",
        "Cyber-security monitoring platform",
    ),
    (
        "demo.banner",
        "DỮ LIỆU MINH HỌA — không phải số liệu thật",
        "DEMO DATA — not real figures",
    ),
    ("nav.label", "Điều hướng chính", "Main navigation"),
    ("nav.dashboard", "Tổng quan", "Dashboard"),
    ("nav.agencies", "Cơ quan, đơn vị", "Agencies"),
    ("nav.systems", "Hệ thống thông tin", "Information systems"),
    ("nav.import", "Nhập/xuất", "Import/export"),
    ("nav.users", "Người dùng", "Users"),
    ("nav.audit", "Nhật ký quản trị", "Audit log"),
    ("nav.alerts", "Cảnh báo", "Alerts"),
    ("nav.events", "Sự kiện", "Events"),
    ("nav.tuning", "Tinh chỉnh", "Tuning"),
    ("nav.agents", "Tác tử", "Agents"),
    (
        "agents.title",
        "Tác tử giám sát trên máy",
        "Endpoint agents",
    ),
    ("agents.os", "Hệ điều hành", "OS"),
    ("agents.ips", "Địa chỉ IP", "IP addresses"),
    ("agents.version", "Phiên bản", "Version"),
    ("agents.last_seen", "Liên lạc lần cuối", "Last seen"),
    ("agents.rss", "Bộ nhớ (MB)", "Memory (MB)"),
    ("agents.status.online", "Trực tuyến", "Online"),
    ("agents.status.offline", "Mất liên lạc", "Offline"),
    ("agents.status.revoked", "Đã thu hồi", "Revoked"),
    ("agents.revoke", "Thu hồi", "Revoke"),
    (
        "agents.confirm_revoke",
        "Thu hồi tác tử này? Máy sẽ không gửi được dữ liệu nữa.",
        "Revoke this agent? It will no longer be able to send data.",
    ),
    (
        "agents.new_token",
        "Mã đăng ký tác tử mới",
        "New enrollment token",
    ),
    ("agents.days", "Hiệu lực (ngày)", "Valid for (days)"),
    ("agents.issue", "Tạo mã đăng ký", "Create token"),
    (
        "agents.token_issued",
        "Mã đăng ký (chỉ hiển thị một lần) cho đơn vị",
        "Enrollment token (shown once) for agency",
    ),
    ("agents.valid_until", "hiệu lực đến", "valid until"),
    ("tuning.title", "Tinh chỉnh phát hiện", "Detection tuning"),
    (
        "tuning.help",
        "Tắt hoặc đổi mức độ một luật, hoặc bỏ qua cảnh báo khi một trường của sự kiện khớp giá trị (* là ký tự đại diện, không phân biệt hoa thường). Mọi thay đổi đều ghi nhật ký quản trị.",
        "Switch a rule off or change its level, or suppress hits where an event field matches a value (* is a wildcard, case-insensitive). Every change is in the audit log.",
    ),
    ("tuning.overrides", "Điều chỉnh luật", "Rule overrides"),
    ("tuning.suppressions", "Bỏ qua cảnh báo", "Suppressions"),
    ("tuning.mode", "Trạng thái luật", "Rule state"),
    ("tuning.on", "Bật", "On"),
    ("tuning.off", "Tắt", "Off"),
    (
        "tuning.new_level",
        "Mức độ mới (tùy chọn)",
        "New level (optional)",
    ),
    ("tuning.by", "Người thực hiện", "By"),
    ("tuning.field", "Trường", "Field"),
    ("tuning.value", "Giá trị", "Value"),
    (
        "tuning.expires",
        "Hết hạn (dd/mm/yyyy)",
        "Expires (dd/mm/yyyy)",
    ),
    ("tuning.any_rule", "Mọi luật", "Any rule"),
    (
        "tuning.rule_optional",
        "Mã luật (bỏ trống = mọi luật)",
        "Rule id (empty = any rule)",
    ),
    (
        "tuning.agency_optional",
        "Mã đơn vị (tùy chọn)",
        "Agency code (optional)",
    ),
    ("tuning.host_optional", "Máy (tùy chọn)", "Host (optional)"),
    ("tuning.this_rule", "Tinh chỉnh luật này", "Tune this rule"),
    ("alerts.title", "Hàng đợi cảnh báo", "Alert queue"),
    ("alerts.rows", "cảnh báo", "alerts"),
    ("alerts.level", "Mức độ", "Level"),
    ("alerts.rule", "Luật phát hiện", "Rule"),
    ("alerts.rule_id", "Mã luật", "Rule id"),
    ("alerts.host", "Máy", "Host"),
    ("alerts.agency", "Đơn vị", "Agency"),
    ("alerts.first_seen", "Lần đầu", "First seen"),
    ("alerts.last_seen", "Lần cuối", "Last seen"),
    ("alerts.count", "Số lần", "Count"),
    ("alerts.status", "Trạng thái", "Status"),
    ("alerts.assignee", "Người xử lý", "Assignee"),
    ("alerts.reason", "Lý do", "Reason"),
    ("alerts.key_fields", "Trường khớp luật", "Matched fields"),
    (
        "alerts.events",
        "Sự kiện liên quan (mới nhất trước)",
        "Events (newest first)",
    ),
    ("alerts.triage", "Xử lý cảnh báo", "Triage"),
    ("alert.status.active", "Chưa đóng", "Not closed"),
    ("alert.status.open", "Mới", "Open"),
    ("alert.status.acknowledged", "Đã tiếp nhận", "Acknowledged"),
    ("alert.status.closed", "Đã đóng", "Closed"),
    ("alert.status.all", "Tất cả", "All"),
    ("level.critical", "Nghiêm trọng", "Critical"),
    ("level.high", "Cao", "High"),
    ("level.medium", "Trung bình", "Medium"),
    ("level.low", "Thấp", "Low"),
    ("level.informational", "Thông tin", "Informational"),
    ("events.title", "Tìm kiếm sự kiện", "Event search"),
    ("events.query", "Truy vấn", "Query"),
    (
        "events.help",
        "Gõ từ khóa (không phân biệt dấu) và/hoặc trường:giá_trị, ví dụ host.name:pc-01 event.code:4625; giá trị có dấu cách đặt trong \"…\". Thời gian theo giờ Việt Nam.",
        "Type words (accents ignored) and/or field:value, e.g. host.name:pc-01 event.code:4625; quote values with spaces in \"…\". Times are Vietnam time.",
    ),
    ("events.rows", "sự kiện", "events"),
    ("events.at", "Thời điểm", "Time"),
    ("events.dataset", "Nguồn", "Source"),
    ("events.code", "Mã sự kiện", "Event code"),
    ("events.summary", "Nội dung", "Content"),
    ("events.one", "Sự kiện", "Event"),
    ("events.original", "Bản gốc", "Original"),
    ("logout", "Đăng xuất", "Log out"),
    ("yes", "Có", "Yes"),
    ("no", "Không", "No"),
    ("save", "Lưu", "Save"),
    ("cancel", "Hủy", "Cancel"),
    ("add", "Thêm", "Add"),
    ("edit", "Sửa", "Edit"),
    ("delete", "Xóa", "Delete"),
    ("actions", "Thao tác", "Actions"),
    ("export", "Xuất dữ liệu", "Export"),
    ("ok.created", "Đã tạo.", "Created."),
    ("ok.saved", "Đã lưu.", "Saved."),
    ("ok.deleted", "Đã xóa.", "Deleted."),
    ("ok.added", "Đã thêm.", "Added."),
    ("ok.password", "Đã đổi mật khẩu.", "Password changed."),
    ("ok.revoked", "Đã thu hồi mã truy cập.", "Token revoked."),
    ("ok.agent_revoked", "Đã thu hồi tác tử.", "Agent revoked."),
    ("confirm.delete", "Xóa mục này?", "Delete this item?"),
    (
        "confirm.disable",
        "Khóa tài khoản này?",
        "Disable this account?",
    ),
    (
        "confirm.reset",
        "Đặt lại mật khẩu của tài khoản này?",
        "Reset this account's password?",
    ),
    (
        "confirm.revoke",
        "Thu hồi mã truy cập này?",
        "Revoke this token?",
    ),
    // login
    ("login.title", "Đăng nhập", "Log in"),
    (
        "login.intro",
        "Nền tảng giám sát an toàn thông tin Lá Chắn",
        "Lá Chắn cyber-security monitoring platform",
    ),
    ("login.username", "Tên đăng nhập", "Username"),
    ("login.password", "Mật khẩu", "Password"),
    ("login.submit", "Đăng nhập", "Log in"),
    (
        "login.bad",
        "Sai tên đăng nhập hoặc mật khẩu.",
        "Wrong username or password.",
    ),
    (
        "login.locked",
        "Tài khoản tạm khóa do đăng nhập sai nhiều lần, đến",
        "The account is locked after repeated failed logins, until",
    ),
    (
        "login.disabled",
        "Tài khoản đã bị vô hiệu hóa. Liên hệ quản trị viên.",
        "The account is disabled. Contact an administrator.",
    ),
    (
        "login.throttled",
        "Quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng thử lại sau.",
        "Too many failed logins from this address. Please try again later.",
    ),
    (
        "login.expired",
        "Phiên đăng nhập đã hết hạn, vui lòng thử lại.",
        "The login form expired; please try again.",
    ),
    // errors
    ("err.back", "Về trang tổng quan", "Back to the dashboard"),
    (
        "err.csrf",
        "Biểu mẫu không hợp lệ hoặc đã hết hạn. Hãy tải lại trang và thử lại.",
        "The form is invalid or expired. Reload the page and try again.",
    ),
    (
        "err.forbidden",
        "Vai trò của bạn không được phép thực hiện thao tác này.",
        "Your role does not allow this action.",
    ),
    (
        "err.not_found",
        "Không tìm thấy nội dung yêu cầu.",
        "The requested item was not found.",
    ),
    (
        "err.internal",
        "Lỗi hệ thống; nguyên nhân đã được ghi lại.",
        "Internal error; the cause has been logged.",
    ),
    ("err.unauthorized", "Cần đăng nhập.", "Please log in."),
    ("err.title.400", "Dữ liệu không hợp lệ", "Invalid input"),
    ("err.title.403", "Không có quyền", "Forbidden"),
    ("err.title.404", "Không tìm thấy", "Not found"),
    ("err.title.409", "Xung đột dữ liệu", "Conflict"),
    ("err.title.500", "Lỗi hệ thống", "Server error"),
    // dashboard
    (
        "dash.title",
        "Tổng quan hệ thống thông tin",
        "Information systems overview",
    ),
    ("dash.systems", "hệ thống thông tin", "information systems"),
    (
        "dash.approved",
        "đã phê duyệt cấp độ",
        "with approved level",
    ),
    ("dash.approved_short", "đã phê duyệt", "approved"),
    (
        "dash.population_db",
        "kết nối CSDL quốc gia về dân cư",
        "connected to the National Population Database",
    ),
    ("dash.agencies", "cơ quan, đơn vị", "agencies"),
    ("dash.by_level", "Theo cấp độ", "By security level"),
    (
        "dash.by_status",
        "Theo trạng thái hồ sơ",
        "By dossier status",
    ),
    ("dash.per_agency", "Theo cơ quan, đơn vị", "Per agency"),
    ("dash.approval", "Phê duyệt", "Approval"),
    (
        "dash.no_systems",
        "Chưa có hệ thống thông tin nào.",
        "No information systems yet.",
    ),
    // filters and pages
    ("filter.label", "Lọc", "Filter"),
    ("filter.text", "Tìm kiếm", "Search"),
    ("filter.all", "Tất cả", "All"),
    ("filter.apply", "Lọc", "Apply"),
    ("filter.reset", "Xóa bộ lọc", "Clear filters"),
    ("pager.label", "Phân trang", "Pages"),
    ("pager.prev", "Trang trước", "Previous"),
    ("pager.next", "Trang sau", "Next"),
    ("pager.page", "Trang", "Page"),
    // agencies
    ("agency.title", "Cơ quan, đơn vị", "Agencies"),
    ("agency.new", "Thêm cơ quan, đơn vị", "Add an agency"),
    ("agency.edit", "Sửa cơ quan, đơn vị", "Edit agency"),
    ("agency.code", "Mã", "Code"),
    ("agency.name", "Tên", "Name"),
    ("agency.kind", "Loại hình", "Kind"),
    ("agency.parent", "Cơ quan cấp trên", "Parent agency"),
    ("agency.no_parent", "(không có)", "(none)"),
    ("agency.created", "Ngày tạo", "Created"),
    ("agency.count", "cơ quan, đơn vị", "agencies"),
    // systems
    ("sys.title", "Hệ thống thông tin", "Information systems"),
    ("sys.new", "Thêm hệ thống", "New system"),
    ("sys.edit", "Sửa hệ thống", "Edit system"),
    ("sys.code", "Mã hệ thống", "Code"),
    ("sys.name", "Tên hệ thống", "Name"),
    ("sys.agency", "Cơ quan chủ quản", "Owning agency"),
    ("sys.level", "Cấp độ", "Level"),
    ("sys.regime", "Căn cứ pháp lý", "Regulatory regime"),
    (
        "sys.regime.auto",
        "(theo ngày phê duyệt)",
        "(from the approval date)",
    ),
    ("sys.status", "Trạng thái hồ sơ", "Dossier status"),
    ("sys.status.auto", "(tự xác định)", "(automatic)"),
    (
        "sys.decision_no",
        "Số quyết định phê duyệt",
        "Approval decision number",
    ),
    ("sys.decision_date", "Ngày phê duyệt", "Approval date"),
    ("sys.approval", "Quyết định phê duyệt", "Approval decision"),
    (
        "sys.population_db",
        "Kết nối Cơ sở dữ liệu quốc gia về dân cư",
        "Connects to the National Population Database",
    ),
    ("sys.population_db_short", "CSDL dân cư", "Population DB"),
    ("sys.operating_unit", "Đơn vị vận hành", "Operating unit"),
    ("sys.purpose", "Mục đích, chức năng", "Purpose"),
    ("sys.updated", "Cập nhật lần cuối", "Last updated"),
    ("sys.found", "hệ thống", "systems"),
    (
        "sys.none",
        "Không có hệ thống nào phù hợp.",
        "No matching systems.",
    ),
    (
        "sys.delete_title",
        "Xóa hệ thống thông tin",
        "Delete information system",
    ),
    (
        "sys.delete_confirm",
        "Xóa vĩnh viễn hệ thống này cùng thành phần và đầu mối liên hệ?",
        "Permanently delete this system with its components and contacts?",
    ),
    ("asset.title", "Thành phần hệ thống", "Components"),
    (
        "asset.none",
        "Chưa khai báo thành phần nào.",
        "No components recorded.",
    ),
    ("asset.add", "Thêm thành phần", "Add a component"),
    ("asset.kind", "Loại", "Kind"),
    ("asset.name", "Tên", "Name"),
    (
        "asset.address",
        "Địa chỉ (tên máy, IP, URL)",
        "Address (host, IP, URL)",
    ),
    ("asset.note", "Ghi chú", "Note"),
    ("contact.title", "Đầu mối liên hệ", "Contacts"),
    (
        "contact.none",
        "Chưa có đầu mối liên hệ.",
        "No contacts recorded.",
    ),
    ("contact.add", "Thêm đầu mối", "Add a contact"),
    ("contact.name", "Họ tên", "Name"),
    ("contact.role", "Chức vụ", "Role"),
    ("contact.phone", "Điện thoại", "Phone"),
    ("contact.email", "Thư điện tử", "E-mail"),
    // import
    ("import.title", "Nhập và xuất dữ liệu", "Import and export"),
    ("import.kind", "Loại dữ liệu", "Data to import"),
    ("import.file", "Tệp CSV hoặc XLSX", "CSV or XLSX file"),
    (
        "import.note",
        "Tệp được kiểm tra toàn bộ; chỉ cần một dòng lỗi thì không dòng nào được nhập.",
        "The whole file is checked; if any row is wrong, nothing is imported.",
    ),
    ("import.submit", "Nhập dữ liệu", "Import"),
    ("import.done", "Đã nhập", "Imported"),
    ("import.created", "mới", "new"),
    ("import.updated", "cập nhật", "updated"),
    (
        "import.rejected",
        "Không nhập dòng nào.",
        "Nothing was imported.",
    ),
    (
        "import.problems",
        "Các lỗi trong tệp",
        "Problems in the file",
    ),
    ("import.row", "Dòng", "Row"),
    ("import.column", "Cột", "Column"),
    ("import.reason", "Lý do", "Reason"),
    // users
    ("user.title", "Người dùng", "Users"),
    ("user.new", "Thêm người dùng", "Add a user"),
    ("user.full_name", "Họ tên", "Full name"),
    (
        "user.initial_password",
        "Mật khẩu ban đầu (phải đổi khi đăng nhập lần đầu)",
        "Initial password (must be changed at first login)",
    ),
    ("user.role", "Vai trò", "Role"),
    ("user.agency", "Cơ quan, đơn vị", "Agency"),
    ("user.no_agency", "(không gắn đơn vị)", "(no agency)"),
    ("user.state", "Trạng thái", "State"),
    ("user.active", "Đang hoạt động", "Active"),
    ("user.disabled", "Đã vô hiệu hóa", "Disabled"),
    ("user.locked", "Tạm khóa", "Locked"),
    (
        "user.must_change",
        "Chờ đổi mật khẩu",
        "Must change password",
    ),
    ("user.last_login", "Đăng nhập gần nhất", "Last login"),
    ("user.disable", "Vô hiệu hóa", "Disable"),
    ("user.enable", "Kích hoạt", "Enable"),
    ("user.unlock", "Mở khóa", "Unlock"),
    ("user.reset", "Đặt lại mật khẩu", "Reset password"),
    (
        "user.reset_once",
        "Mật khẩu tạm thời chỉ hiển thị một lần. Hãy chuyển cho người dùng qua kênh an toàn; người dùng phải đổi khi đăng nhập.",
        "The temporary password is shown only once. Pass it on through a safe channel; the user must change it at login.",
    ),
    (
        "user.temp_password",
        "Mật khẩu tạm thời",
        "Temporary password",
    ),
    ("user.back", "Về danh sách người dùng", "Back to users"),
    // audit
    ("audit.title", "Nhật ký quản trị", "Audit log"),
    ("audit.actor", "Người thực hiện", "Actor"),
    ("audit.action", "Hành động", "Action"),
    ("audit.from", "Từ ngày", "From"),
    ("audit.to", "Đến ngày", "To"),
    ("audit.at", "Thời điểm", "Time"),
    ("audit.target", "Đối tượng", "Target"),
    ("audit.summary", "Nội dung thay đổi", "Change"),
    ("audit.ip", "Địa chỉ IP", "IP address"),
    ("audit.rows", "bản ghi", "records"),
    // account
    ("account.title", "Tài khoản của tôi", "My account"),
    ("pw.title", "Đổi mật khẩu", "Change password"),
    (
        "pw.forced",
        "Bạn cần đổi mật khẩu trước khi tiếp tục sử dụng.",
        "You must change your password before continuing.",
    ),
    ("pw.current", "Mật khẩu hiện tại", "Current password"),
    (
        "pw.new",
        "Mật khẩu mới (ít nhất 8 ký tự)",
        "New password (at least 8 characters)",
    ),
    (
        "pw.confirm",
        "Nhập lại mật khẩu mới",
        "Repeat the new password",
    ),
    ("pw.submit", "Đổi mật khẩu", "Change password"),
    ("token.title", "Mã truy cập API", "API tokens"),
    (
        "token.intro",
        "Dùng cho chương trình gọi API (Authorization: Bearer).",
        "For programs calling the API (Authorization: Bearer).",
    ),
    ("token.none", "Chưa có mã truy cập.", "No tokens."),
    ("token.name", "Tên mã", "Token name"),
    ("token.created", "Ngày tạo", "Created"),
    ("token.last_used", "Dùng gần nhất", "Last used"),
    ("token.create", "Tạo mã truy cập", "Create token"),
    ("token.revoke", "Thu hồi", "Revoke"),
    ("token.revoked", "Đã thu hồi", "Revoked"),
    (
        "token.once",
        "Mã truy cập chỉ hiển thị một lần này. Hãy sao chép và lưu giữ an toàn.",
        "The token is shown only this once. Copy it and keep it safe.",
    ),
    ("token.value", "Mã truy cập mới", "New token"),
    // form fields named in error messages
    ("field.code", "Mã", "Code"),
    ("field.name", "Tên", "Name"),
    ("field.agency_code", "Cơ quan, đơn vị", "Agency"),
    ("field.parent_code", "Cơ quan cấp trên", "Parent agency"),
    ("field.kind", "Loại", "Kind"),
    ("field.security_level", "Cấp độ", "Security level"),
    ("field.regime", "Căn cứ pháp lý", "Regulatory regime"),
    (
        "field.approval_decision_no",
        "Số quyết định phê duyệt",
        "Approval decision number",
    ),
    ("field.approval_date", "Ngày phê duyệt", "Approval date"),
    ("field.dossier_status", "Trạng thái hồ sơ", "Dossier status"),
    ("field.operating_unit", "Đơn vị vận hành", "Operating unit"),
    ("field.purpose", "Mục đích", "Purpose"),
    ("field.username", "Tên đăng nhập", "Username"),
    ("field.password", "Mật khẩu", "Password"),
    ("field.role", "Vai trò", "Role"),
    (
        "field.current_password",
        "Mật khẩu hiện tại",
        "Current password",
    ),
    ("field.new_password", "Mật khẩu mới", "New password"),
    (
        "field.confirm_password",
        "Nhập lại mật khẩu",
        "Repeated password",
    ),
    ("field.file", "Tệp", "File"),
    ("field.page", "Trang", "Page"),
    ("field.from", "Từ ngày", "From"),
    ("field.to", "Đến ngày", "To"),
    ("field.level", "Cấp độ", "Level"),
    ("field.status", "Trạng thái", "Status"),
    ("field.sort", "Sắp xếp", "Sort"),
    ("field.email", "Thư điện tử", "E-mail"),
    // operations: navigation and shared words
    ("nav.incidents", "Sự cố", "Incidents"),
    ("nav.findings", "Phát hiện", "Findings"),
    ("nav.letters", "Công văn", "Letters"),
    ("nav.plans", "Kế hoạch kiểm tra", "Inspection plans"),
    ("nav.report", "Báo cáo", "Report"),
    ("ops.agency", "Cơ quan, đơn vị", "Agency"),
    ("ops.severity", "Mức độ", "Severity"),
    ("ops.status", "Trạng thái", "Status"),
    ("ops.system", "Hệ thống thông tin", "Information system"),
    (
        "ops.system_optional",
        "Mã hệ thống (tùy chọn)",
        "System code (optional)",
    ),
    ("ops.description", "Mô tả", "Description"),
    ("ops.overdue", "Quá hạn", "Overdue"),
    ("ops.created_by", "Người tạo", "Created by"),
    (
        "ok.dedup",
        "Phát hiện này đã có; đã ghi nhận thêm một lần xuất hiện.",
        "This finding already exists; one more occurrence was recorded.",
    ),
    ("log.created", "Tạo mới", "Created"),
    ("log.status", "Chuyển trạng thái", "Status change"),
    ("log.note", "Ghi chú", "Note"),
    ("log.change", "Cập nhật", "Change"),
    ("log.task", "Công việc", "Task"),
    ("log.evidence", "Chứng cứ", "Evidence"),
    ("log.alerts", "Liên kết cảnh báo", "Alerts linked"),
    ("log.letter", "Công văn", "Letter"),
    ("log.occurrence", "Xuất hiện lại", "Seen again"),
    ("log.other", "Khác", "Other"),
    ("task.done", "Đã xong", "Done"),
    ("task.reopened", "Mở lại", "Reopened"),
    ("task.open", "Chưa xong", "Open"),
    ("task.mark_done", "Đánh dấu đã xong", "Mark done"),
    ("task.reopen", "Mở lại", "Reopen"),
    // incidents
    ("inc.title", "Sự cố an toàn thông tin", "Security incidents"),
    ("inc.new", "Tạo sự cố mới", "New incident"),
    ("inc.create", "Tạo sự cố", "Create incident"),
    ("inc.open_from_alert", "Mở sự cố", "Open incident"),
    ("inc.from_alert", "Mở từ cảnh báo", "Opened from alert"),
    ("inc.title_field", "Tên sự cố", "Title"),
    ("inc.category", "Loại sự cố", "Category"),
    (
        "inc.assets_lines",
        "Tài sản bị ảnh hưởng (mỗi dòng một máy, địa chỉ hoặc URL)",
        "Affected assets (one host, address or URL per line)",
    ),
    (
        "inc.detected_local",
        "Thời điểm phát hiện (giờ Việt Nam; bỏ trống = thời điểm cảnh báo hoặc hiện tại)",
        "Detected at (Vietnam time; empty = the alert's time or now)",
    ),
    ("inc.status.open", "Chưa đóng", "Not closed"),
    ("inc.rows", "sự cố", "incidents"),
    (
        "inc.none",
        "Không có sự cố nào phù hợp.",
        "No matching incidents.",
    ),
    ("inc.code", "Số hiệu", "Reference"),
    ("inc.detected", "Phát hiện lúc", "Detected"),
    ("inc.resolve_by", "Hạn xử lý", "Resolve by"),
    (
        "inc.notify_by",
        "Hạn thông báo ban đầu (24 giờ)",
        "Initial notice by (24 h)",
    ),
    ("inc.report_by", "Hạn báo cáo (72 giờ)", "Report by (72 h)"),
    (
        "inc.reported",
        "Thời điểm báo cáo",
        "Reported to the authority",
    ),
    (
        "inc.reported_local",
        "Thời điểm báo cáo cơ quan chức năng (giờ Việt Nam)",
        "Reported to the authority at (Vietnam time)",
    ),
    ("inc.assets", "Tài sản bị ảnh hưởng", "Affected assets"),
    ("inc.t0", "Thời điểm phát hiện (T0)", "Detected at (T0)"),
    (
        "inc.personal_data",
        "Liên quan dữ liệu cá nhân",
        "Personal data involved",
    ),
    ("inc.impact", "Ảnh hưởng, thiệt hại", "Impact"),
    ("inc.closed_at", "Đóng lúc", "Closed at"),
    (
        "inc.report",
        "Báo cáo sự cố (bản in)",
        "Incident report (printable)",
    ),
    ("inc.move", "Chuyển bước xử lý", "Move the handling on"),
    ("inc.next_status", "Trạng thái mới", "New status"),
    (
        "inc.reason_hint",
        "Lý do (bắt buộc khi đóng sớm hoặc mở lại)",
        "Reason (required to close early or reopen)",
    ),
    ("inc.move_submit", "Chuyển trạng thái", "Change status"),
    ("inc.edit", "Thông tin xử lý", "Handling details"),
    ("inc.alerts", "Cảnh báo liên quan", "Linked alerts"),
    ("inc.alert", "Cảnh báo", "Alert"),
    (
        "inc.no_alerts",
        "Chưa liên kết cảnh báo nào.",
        "No alerts linked.",
    ),
    (
        "inc.link_alerts",
        "Liên kết thêm cảnh báo (số hiệu, cách nhau bởi dấu phẩy)",
        "Link more alerts (numbers, comma separated)",
    ),
    ("inc.tasks", "Công việc xử lý", "Tasks"),
    ("inc.task", "Công việc", "Task"),
    ("inc.due", "Thời hạn", "Due"),
    ("inc.evidence", "Chứng cứ", "Evidence"),
    ("inc.no_evidence", "Chưa có chứng cứ.", "No evidence yet."),
    ("inc.file", "Tệp", "File"),
    ("inc.size", "Dung lượng (byte)", "Size (bytes)"),
    ("inc.upload", "Tải lên", "Upload"),
    ("inc.timeline", "Diễn biến xử lý", "Timeline"),
    ("inc.note", "Ghi chú mới", "New note"),
    ("inc.add_note", "Thêm ghi chú", "Add note"),
    ("inc.kind", "Loại", "Kind"),
    // printable documents
    (
        "doc.nation",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "SOCIALIST REPUBLIC OF VIET NAM",
    ),
    (
        "doc.motto",
        "Độc lập - Tự do - Hạnh phúc",
        "Independence - Freedom - Happiness",
    ),
    (
        "doc.date_pattern",
        "ngày {d} tháng {m} năm {y}",
        "{d}/{m}/{y}",
    ),
    ("doc.number", "Số", "No."),
    ("doc.no", "STT", "No."),
    (
        "doc.print_hint",
        "Dùng chức năng In của trình duyệt (Ctrl+P) để in hoặc lưu PDF.",
        "Use the browser's Print (Ctrl+P) to print or save as PDF.",
    ),
    ("doc.incident_report", "Báo cáo sự cố", "Incident report"),
    (
        "doc.incident_report_title",
        "Báo cáo sự cố an toàn thông tin mạng",
        "Cyber-security incident report",
    ),
    ("doc.general", "Thông tin chung", "General information"),
    ("doc.reporting_unit", "Đơn vị báo cáo", "Reporting unit"),
    ("doc.owner_agency", "Cơ quan chủ quản", "Owning agency"),
    (
        "doc.description",
        "Mô tả sự cố",
        "Description of the incident",
    ),
    ("doc.impact", "Ảnh hưởng, thiệt hại", "Impact and damage"),
    (
        "doc.actions",
        "Các biện pháp đã triển khai",
        "Actions taken",
    ),
    ("doc.status_now", "Tình trạng hiện tại", "Current status"),
    ("doc.proposals", "Đề xuất, kiến nghị", "Proposals"),
    ("doc.reporter", "NGƯỜI BÁO CÁO", "REPORTED BY"),
    (
        "doc.sign_hint",
        "(Ký, ghi rõ họ tên)",
        "(Signature and full name)",
    ),
    // findings
    ("fnd.title", "Phát hiện qua kiểm tra, giám sát", "Findings"),
    ("fnd.new", "Ghi nhận phát hiện mới", "Record a finding"),
    ("fnd.create", "Ghi nhận", "Record"),
    ("fnd.title_field", "Nội dung phát hiện", "Finding"),
    (
        "fnd.asset",
        "Tài sản (máy, địa chỉ, URL)",
        "Asset (host, address, URL)",
    ),
    ("fnd.source", "Nguồn", "Source"),
    ("fnd.evidence", "Bằng chứng", "Evidence"),
    (
        "fnd.recommendation",
        "Kiến nghị khắc phục",
        "Recommendation",
    ),
    (
        "fnd.at_target",
        "Tại đối tượng kiểm tra",
        "At inspection target",
    ),
    (
        "fnd.status.outstanding",
        "Chưa khắc phục xong",
        "Outstanding",
    ),
    ("fnd.only_overdue", "Chỉ quá hạn", "Overdue only"),
    (
        "fnd.without_letter",
        "Chưa có công văn",
        "Not yet in a letter",
    ),
    (
        "fnd.letter_hint",
        "Chọn một cơ quan, đơn vị trong bộ lọc để đánh dấu phát hiện và lập công văn kiến nghị.",
        "Choose one agency in the filter to tick findings and draft a recommendation letter.",
    ),
    ("fnd.rows", "phát hiện", "findings"),
    (
        "fnd.none",
        "Không có phát hiện nào phù hợp.",
        "No matching findings.",
    ),
    ("fnd.pick", "Đưa vào công văn", "Include in the letter"),
    ("fnd.where", "Hệ thống, tài sản", "System, asset"),
    ("fnd.due", "Hạn khắc phục", "Fix by"),
    ("fnd.letters", "Công văn", "Letters"),
    ("fnd.occurrences", "Số lần ghi nhận", "Occurrences"),
    ("fnd.move", "Cập nhật trạng thái", "Update status"),
    (
        "fnd.reason_hint",
        "Lý do (bắt buộc khi chấp nhận rủi ro hoặc mở lại)",
        "Reason (required to accept a risk or reopen)",
    ),
    ("fnd.history", "Lịch sử", "History"),
    // letters
    (
        "letter.title",
        "Công văn kiến nghị",
        "Recommendation letters",
    ),
    ("letter.one", "Công văn", "Letter"),
    (
        "letter.intro",
        "Công văn được lập từ trang phát hiện: lọc theo một cơ quan, đánh dấu các phát hiện rồi điền số, ngày ban hành.",
        "Letters are drafted from the findings page: filter by one agency, tick findings, then fill in the number and date.",
    ),
    (
        "letter.new",
        "Lập công văn kiến nghị",
        "Draft a recommendation letter",
    ),
    ("letter.number", "Số công văn", "Number"),
    ("letter.date", "Ngày ban hành", "Date"),
    (
        "letter.deadline",
        "Hạn khắc phục, báo cáo",
        "Fix and report by",
    ),
    ("letter.subject", "Trích yếu", "Subject"),
    ("letter.signer", "Người ký", "Signer"),
    (
        "letter.body",
        "Nội dung mở đầu (tùy chọn)",
        "Opening text (optional)",
    ),
    ("letter.create", "Lập công văn", "Create letter"),
    ("letter.recipient", "Nơi nhận", "Recipient"),
    ("letter.outstanding", "Chưa khắc phục", "Outstanding"),
    (
        "letter.outstanding_lc",
        "phát hiện chưa khắc phục",
        "findings outstanding",
    ),
    ("letter.none", "Chưa có công văn nào.", "No letters yet."),
    (
        "letter.default_subject",
        "kiến nghị khắc phục tồn tại, hạn chế về bảo đảm an toàn thông tin mạng",
        "recommendations to remedy cyber-security shortcomings",
    ),
    ("letter.issuer", "ĐƠN VỊ KIỂM TRA", "INSPECTING UNIT"),
    ("letter.dear", "Kính gửi", "To"),
    (
        "letter.intro_text",
        "Qua công tác kiểm tra, giám sát an toàn thông tin mạng, chúng tôi phát hiện hệ thống thông tin của Quý cơ quan, đơn vị còn tồn tại các vấn đề sau:",
        "Our cyber-security inspection and monitoring found the following issues in your information systems:",
    ),
    ("letter.fix_by", "Thời hạn", "Deadline"),
    (
        "letter.ask",
        "Đề nghị Quý cơ quan, đơn vị khẩn trương khắc phục các tồn tại nêu trên và báo cáo kết quả trước ngày",
        "Please remedy the issues above and report the results by",
    ),
    ("letter.cc", "Nơi nhận:", "Copies to:"),
    ("letter.cc_above", "Như trên", "As above"),
    ("letter.cc_archive", "Lưu: VT", "Archive"),
    ("letter.sign_title", "THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF UNIT"),
    // plans
    ("plan.title", "Kế hoạch kiểm tra", "Inspection plans"),
    ("plan.new", "Ban hành kế hoạch mới", "New plan"),
    ("plan.create", "Tạo kế hoạch", "Create plan"),
    ("plan.number", "Số kế hoạch", "Number"),
    ("plan.date", "Ngày ban hành", "Date"),
    ("plan.name", "Tên kế hoạch", "Title"),
    ("plan.start", "Ngày bắt đầu", "Start"),
    ("plan.end", "Ngày kết thúc", "End"),
    ("plan.period", "Thời gian thực hiện", "Period"),
    ("plan.team", "Đoàn kiểm tra", "Team"),
    (
        "plan.team_lines",
        "Thành viên đoàn kiểm tra (mỗi dòng một người)",
        "Team members (one per line)",
    ),
    (
        "plan.progress",
        "Tiến độ (đã kiểm tra/tổng)",
        "Progress (done/total)",
    ),
    ("plan.none", "Chưa có kế hoạch nào.", "No plans yet."),
    ("plan.targets", "Đối tượng kiểm tra", "Targets"),
    (
        "plan.no_targets",
        "Chưa có đối tượng kiểm tra.",
        "No targets yet.",
    ),
    ("plan.kind", "Loại đối tượng", "Kind"),
    ("plan.what", "Hệ thống, tên", "System, name"),
    ("plan.scheduled", "Ngày kiểm tra dự kiến", "Scheduled"),
    ("plan.checklist", "Nội dung kiểm tra", "Checklist"),
    ("plan.result", "Kết quả", "Result"),
    ("plan.passed", "đạt", "passed"),
    ("plan.failed", "không đạt", "failed"),
    ("plan.na", "không áp dụng", "not applicable"),
    ("plan.summary", "Nhận xét", "Summary"),
    ("plan.inspector", "Người kiểm tra", "Inspector"),
    ("plan.inspected_on", "Ngày kiểm tra", "Inspected on"),
    ("plan.findings", "phát hiện", "findings"),
    ("plan.reinspection", "Phúc tra", "Re-inspection"),
    ("plan.record_result", "Ghi kết quả", "Record result"),
    (
        "plan.record_finding",
        "Ghi phát hiện tại đây",
        "Record a finding here",
    ),
    ("plan.add_target", "Thêm đối tượng kiểm tra", "Add a target"),
    (
        "plan.target_name",
        "Tên máy trạm hoặc nhãn",
        "Workstation name or label",
    ),
    // the periodic report
    (
        "report.title",
        "Báo cáo công tác bảo đảm an toàn thông tin mạng",
        "Cyber-security activity report",
    ),
    ("report.period", "Kỳ báo cáo", "Period"),
    ("report.from", "từ ngày", "from"),
    ("report.to", "đến ngày", "to"),
    ("report.show", "Xem báo cáo", "Show report"),
    ("report.h1", "6 tháng đầu năm", "First half-year"),
    ("report.h2", "6 tháng cuối năm", "Second half-year"),
    ("report.year", "Cả năm", "Whole year"),
    ("report.print", "Bản in", "Print view"),
    ("report.method", "Cách tính", "How it was counted"),
    (
        "report.systems",
        "Hệ thống thông tin",
        "Information systems",
    ),
    (
        "report.systems_total",
        "Tổng số hệ thống",
        "Systems in total",
    ),
    (
        "report.systems_approved",
        "Đã phê duyệt cấp độ",
        "Level approved",
    ),
    (
        "report.systems_approved_period",
        "Phê duyệt trong kỳ",
        "Approved in the period",
    ),
    ("report.incidents", "Sự cố", "Incidents"),
    (
        "report.incidents_total",
        "Tổng số sự cố",
        "Incidents in total",
    ),
    ("report.open", "Chưa đóng", "Open"),
    ("report.by_category", "Theo loại", "By category"),
    ("report.by_severity", "Theo mức độ", "By severity"),
    ("report.by_status", "Theo trạng thái", "By status"),
    ("report.findings", "Phát hiện", "Findings"),
    (
        "report.findings_total",
        "Tổng số phát hiện",
        "Findings in total",
    ),
    (
        "report.letters",
        "Công văn kiến nghị",
        "Recommendation letters",
    ),
    (
        "report.letters_issued",
        "Số công văn đã ban hành",
        "Letters issued",
    ),
    ("report.inspections", "Kiểm tra", "Inspections"),
    ("report.planned", "Theo kế hoạch", "Planned"),
    ("report.done", "Đã kiểm tra", "Done"),
    ("report.targets", "Đối tượng kiểm tra", "Inspection targets"),
    (
        "report.workstations",
        "Trong đó máy trạm (Đề án 06)",
        "Of which workstations (Đề án 06)",
    ),
    ("report.reinspections", "Phúc tra", "Re-inspections"),
    ("report.alerts", "Cảnh báo giám sát", "Monitoring alerts"),
    ("report.alerts_total", "Tổng số cảnh báo", "Alerts in total"),
    ("report.agents", "Tác tử giám sát", "Monitoring agents"),
    ("item.title", "Danh mục kiểm tra", "Checklist"),
    ("item.code", "Mã", "Code"),
    ("item.requirement", "Nội dung kiểm tra", "Requirement"),
    ("item.pending", "Chưa kiểm tra", "Not checked"),
    ("item.passed", "Đạt", "Passed"),
    ("item.failed", "Không đạt", "Failed"),
    ("item.not_applicable", "Không áp dụng", "Not applicable"),
    ("item.inspected_on", "Đã kiểm tra ngày", "Inspected on"),
    (
        "item.not_inspected",
        "Chưa kiểm tra xong",
        "Not yet inspected",
    ),
    (
        "item.none",
        "Đối tượng này không có danh mục (kết quả lấy từ lachan scan).",
        "This target has no checklist (its result comes from lachan scan).",
    ),
    ("item.open", "Danh mục", "Checklist"),
    (
        "report.monitors",
        "Giám sát dịch vụ và cổng TTĐT",
        "Service and portal monitoring",
    ),
    (
        "report.monitors_total",
        "Số dịch vụ được giám sát",
        "Monitored services",
    ),
    ("report.monitors_down", "Đang gián đoạn", "Down now"),
    (
        "report.monitors_uptime",
        "Tỷ lệ hoạt động trong kỳ",
        "Uptime in the period",
    ),
    (
        "report.web_compromises",
        "Dấu hiệu xâm phạm cổng TTĐT",
        "Portal compromise findings",
    ),
    (
        "report.compliance",
        "Mức tuân thủ cấu hình (kết quả lachan scan)",
        "Configuration compliance (lachan scan results)",
    ),
    (
        "report.compliance_none",
        "Chưa có kết quả lachan scan nào trong kỳ.",
        "No lachan scan result in the period.",
    ),
    ("report.compliance_hosts", "Số máy", "Hosts"),
    ("report.compliance_score", "Điểm trung bình", "Mean score"),
    (
        "report.compliance_failed",
        "Nội dung không đạt",
        "Failed checks",
    ),
    (
        "report.agents_total",
        "Số tác tử đang hoạt động",
        "Agents enrolled",
    ),
    ("report.col_systems", "Hệ thống", "Systems"),
    ("report.col_incidents", "Sự cố", "Incidents"),
    ("report.col_findings", "Phát hiện", "Findings"),
    ("report.col_outstanding", "Chưa khắc phục", "Outstanding"),
    (
        "report.col_inspections",
        "Đã kiểm tra/kế hoạch",
        "Inspected/planned",
    ),
    // dashboard: operations
    ("dash.ops", "Công tác vận hành", "Operations"),
    ("dash.incidents_open", "sự cố chưa đóng", "open incidents"),
    (
        "dash.findings_overdue",
        "phát hiện quá hạn khắc phục",
        "overdue findings",
    ),
    (
        "dash.inspections",
        "đối tượng đã kiểm tra (6 tháng này)",
        "targets inspected (this half-year)",
    ),
    // form fields of the operations pages
    ("field.title", "Tên", "Title"),
    ("field.severity", "Mức độ", "Severity"),
    ("field.category", "Loại sự cố", "Category"),
    ("field.system_code", "Mã hệ thống", "System code"),
    ("field.detected_at", "Thời điểm phát hiện", "Detected at"),
    ("field.reported_at", "Thời điểm báo cáo", "Reported at"),
    ("field.description", "Mô tả", "Description"),
    ("field.impact", "Ảnh hưởng", "Impact"),
    ("field.assignee", "Người xử lý", "Assignee"),
    ("field.assets", "Tài sản", "Assets"),
    ("field.asset", "Tài sản", "Asset"),
    ("field.alert_ids", "Cảnh báo", "Alerts"),
    ("field.alert_id", "Cảnh báo", "Alert"),
    ("field.reason", "Lý do", "Reason"),
    ("field.text", "Nội dung", "Text"),
    ("field.due_date", "Thời hạn", "Due date"),
    ("field.number", "Số", "Number"),
    ("field.date", "Ngày ban hành", "Date"),
    ("field.deadline", "Hạn khắc phục", "Deadline"),
    ("field.finding_ids", "Phát hiện", "Findings"),
    ("field.subject", "Trích yếu", "Subject"),
    ("field.signer", "Người ký", "Signer"),
    ("field.body", "Nội dung", "Body"),
    ("field.source", "Nguồn", "Source"),
    ("field.recommendation", "Kiến nghị", "Recommendation"),
    ("field.evidence", "Bằng chứng", "Evidence"),
    ("field.target_id", "Đối tượng kiểm tra", "Inspection target"),
    ("field.start_date", "Ngày bắt đầu", "Start date"),
    ("field.end_date", "Ngày kết thúc", "End date"),
    ("field.team", "Đoàn kiểm tra", "Team"),
    ("field.checklist", "Nội dung kiểm tra", "Checklist"),
    ("field.inspected_on", "Ngày kiểm tra", "Inspected on"),
    ("field.passed", "Số tiêu chí đạt", "Passed"),
    ("field.failed", "Số tiêu chí không đạt", "Failed"),
    (
        "field.not_applicable",
        "Số tiêu chí không áp dụng",
        "Not applicable",
    ),
    ("field.summary", "Nhận xét", "Summary"),
    ("field.inspector", "Người kiểm tra", "Inspector"),
    // service and portal monitors
    ("nav.monitors", "Giám sát dịch vụ", "Monitors"),
    (
        "mon.title",
        "Giám sát dịch vụ, cổng thông tin",
        "Service and portal monitors",
    ),
    ("mon.new", "Thêm giám sát mới", "New monitor"),
    ("mon.create", "Tạo giám sát", "Create monitor"),
    ("mon.name", "Tên dịch vụ", "Service name"),
    ("mon.service", "Dịch vụ", "Service"),
    ("mon.kind", "Loại kiểm tra", "Check"),
    ("mon.target", "Địa chỉ kiểm tra", "Target"),
    (
        "mon.target_hint",
        "URL http(s):// cho HTTP và cổng TTĐT; máy:cổng cho TCP; tên máy[:cổng] cho TLS; tên miền cho DNS.",
        "An http(s):// URL for HTTP and portal scans; host:port for TCP; host[:port] for TLS; a host name for DNS.",
    ),
    (
        "mon.interval",
        "Chu kỳ kiểm tra (giây)",
        "Interval (seconds)",
    ),
    ("mon.interval_default", "Mặc định", "Default"),
    ("mon.timeout", "Thời gian chờ (giây)", "Timeout (seconds)"),
    (
        "mon.keyword",
        "Từ khóa phải có trên trang (HTTP)",
        "Keyword the page must contain (HTTP)",
    ),
    (
        "mon.keyword_absent",
        "Từ khóa không được xuất hiện",
        "Keyword must be absent",
    ),
    (
        "mon.expect_status",
        "Mã trạng thái HTTP mong đợi",
        "Expected HTTP status",
    ),
    (
        "mon.tls_warn_days",
        "Cảnh báo trước khi chứng thư hết hạn (ngày)",
        "Warn before the certificate expires (days)",
    ),
    ("mon.enabled", "Đang bật", "Enabled"),
    ("mon.paused", "Tạm dừng", "Paused"),
    ("mon.state", "Tình trạng", "State"),
    ("mon.since", "Từ lúc", "Since"),
    ("mon.since_word", "từ", "since"),
    ("mon.last_check", "Lần kiểm tra gần nhất", "Last check"),
    ("mon.never", "Chưa kiểm tra", "Not checked yet"),
    ("mon.last_detail", "Kết quả gần nhất", "Last result"),
    ("mon.next_due", "Lần kiểm tra tiếp theo", "Next check"),
    ("mon.uptime_24h", "Sẵn sàng 24 giờ", "Uptime 24 h"),
    ("mon.uptime_7d", "Sẵn sàng 7 ngày", "Uptime 7 days"),
    ("mon.uptime_30d", "Sẵn sàng 30 ngày", "Uptime 30 days"),
    (
        "mon.none",
        "Chưa có dịch vụ nào được giám sát.",
        "No monitor yet.",
    ),
    ("mon.status_pages", "Trang trạng thái", "Status pages"),
    ("mon.status_page", "Trang trạng thái", "Status page"),
    ("mon.check_now", "Kiểm tra ngay", "Check now"),
    ("mon.history", "Lịch sử kiểm tra", "Check history"),
    ("mon.span", "Khoảng thời gian", "Period"),
    ("mon.span_24h", "24 giờ", "24 hours"),
    ("mon.span_7d", "7 ngày", "7 days"),
    ("mon.span_30d", "30 ngày", "30 days"),
    ("mon.checks", "lần kiểm tra", "checks"),
    ("mon.failed_checks", "lần lỗi", "failed"),
    ("mon.hours", "giờ qua", "hours back"),
    (
        "mon.no_results",
        "Chưa có kết quả kiểm tra trong khoảng thời gian này.",
        "No check results in this period.",
    ),
    (
        "mon.chart_title",
        "Thời gian phản hồi của từng lần kiểm tra",
        "Response time of each check",
    ),
    (
        "mon.chart_hint",
        "Mỗi cột là một lần kiểm tra, cũ bên trái, mới bên phải; chiều cao theo thời gian phản hồi; cột đỏ là lần lỗi.",
        "One bar per check, oldest on the left; the height follows the response time; red bars are failures.",
    ),
    (
        "mon.latest_results",
        "50 kết quả gần nhất",
        "Latest 50 results",
    ),
    ("mon.result", "Kết quả", "Result"),
    ("mon.latency", "Phản hồi", "Latency"),
    ("mon.http_status", "Mã trạng thái", "Status code"),
    ("mon.detail", "Chi tiết", "Detail"),
    ("mon.ok", "Đạt", "OK"),
    ("mon.fail", "Lỗi", "Failed"),
    ("mon.edit", "Sửa cấu hình giám sát", "Edit monitor"),
    ("mon.delete", "Xóa giám sát", "Delete monitor"),
    (
        "mon.delete_hint",
        "Xóa giám sát cùng toàn bộ lịch sử kiểm tra của nó.",
        "Deletes the monitor with its whole check history.",
    ),
    (
        "mon.delete_confirm",
        "Tôi xác nhận xóa giám sát này",
        "I confirm deleting this monitor",
    ),
    (
        "mon.status_none",
        "Cơ quan, đơn vị này chưa có dịch vụ nào được giám sát.",
        "This agency has no monitored service yet.",
    ),
    (
        "mon.all_up",
        "Tất cả dịch vụ hoạt động bình thường",
        "All services are operating normally",
    ),
    ("mon.n_down", "dịch vụ đang gián đoạn", "service(s) down"),
    ("mon.days", "ngày qua", "days"),
    (
        "mon.strip_label",
        "Tình trạng theo ngày trong 30 ngày qua",
        "Daily state over the last 30 days",
    ),
    ("mon.day_ok", "Không lỗi", "No failure"),
    ("mon.day_part", "Có lỗi", "Some failures"),
    ("mon.day_fail", "Gián đoạn cả ngày", "Down all day"),
    ("mon.no_checks", "Không có lần kiểm tra", "No checks"),
    ("sub.title", "Nhận thông báo", "Notifications"),
    ("sub.back", "Tài khoản", "Account"),
    (
        "sub.intro",
        "Nhận thư điện tử (hoặc webhook) khi có cảnh báo mới mức cao, sự cố, hoặc phát hiện quá hạn khắc phục — trong phạm vi bạn được xem.",
        "Get an e-mail (or a webhook) on new high alerts, incidents and overdue findings — within what you may see.",
    ),
    (
        "sub.none",
        "Chưa đăng ký nhận thông báo nào.",
        "No subscriptions yet.",
    ),
    ("sub.channel", "Kênh", "Channel"),
    ("sub.target", "Địa chỉ nhận", "Address"),
    ("sub.template", "Mẫu nội dung webhook", "Webhook body"),
    ("sub.scope", "Phạm vi", "Scope"),
    ("sub.events", "Sự việc", "Events"),
    ("sub.min_severity", "Từ mức độ", "From severity"),
    ("sub.delete", "Hủy đăng ký", "Unsubscribe"),
    ("sub.new", "Đăng ký mới", "New subscription"),
    ("sub.personal", "cá nhân", "personal"),
    ("sub.everything", "Toàn bộ", "Everything"),
    (
        "sub.any_agency",
        "Mọi đơn vị trong phạm vi",
        "Every agency in scope",
    ),
    ("sub.all_events", "Tất cả", "All"),
    ("sub.kind.alert", "Cảnh báo mới", "New alerts"),
    ("sub.kind.incident", "Sự cố", "Incidents"),
    (
        "sub.kind.finding_overdue",
        "Phát hiện quá hạn",
        "Overdue findings",
    ),
    ("sub.deliveries", "Nhật ký gửi thông báo", "Delivery log"),
    (
        "sub.no_deliveries",
        "Chưa gửi thông báo nào.",
        "Nothing sent yet.",
    ),
    ("sub.at", "Thời điểm", "Time"),
    ("sub.subject", "Tiêu đề", "Subject"),
    ("sub.attempts", "Số lần gửi", "Attempts"),
    ("sub.error", "Lỗi gần nhất", "Last error"),
    ("sub.status.pending", "Đang chờ gửi lại", "Pending retry"),
    ("sub.status.sent", "Đã gửi", "Sent"),
    ("sub.status.failed", "Gửi không thành công", "Failed"),
    ("ok.checked", "Đã kiểm tra.", "Checked."),
    ("field.target", "Địa chỉ kiểm tra", "Target"),
    ("field.interval_secs", "Chu kỳ kiểm tra", "Interval"),
    ("field.timeout_secs", "Thời gian chờ", "Timeout"),
    ("field.keyword", "Từ khóa", "Keyword"),
    (
        "field.expect_status",
        "Mã trạng thái mong đợi",
        "Expected status",
    ),
    (
        "field.tls_warn_days",
        "Số ngày cảnh báo trước",
        "Warning days",
    ),
    ("field.hours", "Khoảng thời gian", "Period"),
    ("field.confirm", "Xác nhận", "Confirmation"),
];

/// The string for `key`, if the table has it.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    ENTRIES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, vi, en)| match lang {
            Lang::Vi => *vi,
            Lang::En => *en,
        })
}

/// The string for `key`; a missing key shows as `??` so tests catch it.
pub fn t(lang: Lang, key: &str) -> &'static str {
    lookup(lang, key).unwrap_or("??")
}

/// The label of a form field named in an error message.
pub fn field(lang: Lang, name: &str) -> String {
    lookup(lang, &format!("field.{name}"))
        .map(str::to_string)
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_filled() {
        let mut keys: Vec<&str> = ENTRIES.iter().map(|e| e.0).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate i18n keys");
        for (k, vi, en) in ENTRIES {
            assert!(!vi.is_empty() && !en.is_empty(), "{k} is empty");
        }
    }

    /// Every `c.t("…")` in the templates and `t("…")` in the handlers names a key.
    #[test]
    fn every_used_key_exists() {
        let sources = [
            include_str!("../../templates/base.html"),
            include_str!("../../templates/error.html"),
            include_str!("../../templates/login.html"),
            include_str!("../../templates/dashboard.html"),
            include_str!("../../templates/systems.html"),
            include_str!("../../templates/system_detail.html"),
            include_str!("../../templates/system_form.html"),
            include_str!("../../templates/system_delete.html"),
            include_str!("../../templates/agencies.html"),
            include_str!("../../templates/agency_form.html"),
            include_str!("../../templates/account.html"),
            include_str!("../../templates/password.html"),
            include_str!("../../templates/users.html"),
            include_str!("../../templates/user_reset.html"),
            include_str!("../../templates/audit.html"),
            include_str!("../../templates/import.html"),
            include_str!("../../templates/alerts.html"),
            include_str!("../../templates/alert_detail.html"),
            include_str!("../../templates/events.html"),
            include_str!("../../templates/event_detail.html"),
            include_str!("../../templates/tuning.html"),
            include_str!("../../templates/agents.html"),
            include_str!("../../templates/incidents.html"),
            include_str!("../../templates/incident_detail.html"),
            include_str!("../../templates/incident_report.html"),
            include_str!("../../templates/findings.html"),
            include_str!("../../templates/finding_detail.html"),
            include_str!("../../templates/letters.html"),
            include_str!("../../templates/letter_detail.html"),
            include_str!("../../templates/plans.html"),
            include_str!("../../templates/plan_detail.html"),
            include_str!("../../templates/report.html"),
            include_str!("../../templates/target_checklist.html"),
            include_str!("../../templates/subscriptions.html"),
            include_str!("../../templates/monitors.html"),
            include_str!("../../templates/monitor_detail.html"),
            include_str!("../../templates/status.html"),
            include_str!("render.rs"),
            include_str!("systems.rs"),
            include_str!("dashboard.rs"),
            include_str!("import.rs"),
            include_str!("agencies.rs"),
            include_str!("users.rs"),
            include_str!("login.rs"),
            include_str!("alerts.rs"),
            include_str!("incidents.rs"),
            include_str!("findings.rs"),
            include_str!("plans.rs"),
            include_str!("report.rs"),
            include_str!("checklist.rs"),
            include_str!("subscriptions.rs"),
            include_str!("monitors.rs"),
        ];
        let mut checked = 0;
        for src in sources {
            for marker in [".t(\"", " t(lang, \""] {
                for (i, _) in src.match_indices(marker) {
                    let rest = &src[i + marker.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = &rest[..end];
                    assert!(lookup(Lang::Vi, key).is_some(), "missing i18n key {key}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} keys found");
        // Keys built at run time.
        for s in ["active", "open", "acknowledged", "closed", "all"] {
            assert!(
                lookup(Lang::En, &format!("alert.status.{s}")).is_some(),
                "{s}"
            );
        }
        for s in ["online", "offline", "revoked"] {
            assert!(
                lookup(Lang::En, &format!("agents.status.{s}")).is_some(),
                "{s}"
            );
        }
        for l in ["critical", "high", "medium", "low", "informational"] {
            assert!(lookup(Lang::En, &format!("level.{l}")).is_some(), "{l}");
        }
        for k in [
            "created",
            "status",
            "note",
            "change",
            "task",
            "evidence",
            "alerts",
            "letter",
            "occurrence",
            "other",
        ] {
            assert!(lookup(Lang::En, &format!("log.{k}")).is_some(), "{k}");
        }
        for k in [
            "mon.span_24h",
            "mon.span_7d",
            "mon.span_30d",
            "ok.checked",
            "task.done",
            "task.reopened",
            "report.h1",
            "report.h2",
            "report.year",
        ] {
            assert!(lookup(Lang::En, k).is_some(), "{k}");
        }
        // Letters and reports fill this pattern with the day, month and year.
        for lang in [Lang::Vi, Lang::En] {
            let p = t(lang, "doc.date_pattern");
            assert!(p.contains("{d}") && p.contains("{m}") && p.contains("{y}"));
        }
    }

    #[test]
    fn fallbacks() {
        assert_eq!(t(Lang::En, "nav.systems"), "Information systems");
        assert_eq!(t(Lang::Vi, "no.such.key"), "??");
        assert_eq!(field(Lang::Vi, "security_level"), "Cấp độ");
        assert_eq!(field(Lang::En, "odd"), "odd");
    }
}
