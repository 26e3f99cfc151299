//! The registry: agencies (cơ quan, đơn vị), information systems (hệ thống
//! thông tin), their components (assets) and contacts, with the rules that
//! every writer must respect.

use serde::{Deserialize, Serialize};

use crate::datefmt;
use crate::error::FieldError;
use crate::regime;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $vi:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Stable code used in storage, APIs and spreadsheets.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            /// Vietnamese label.
            pub fn label_vi(self) -> &'static str { match self { $($name::$variant => $vi),+ } }
            /// English label.
            pub fn label_en(self) -> &'static str { match self { $($name::$variant => $en),+ } }
            /// Parse a code or a label (either language, case-insensitive).
            pub fn parse(s: &str) -> Option<Self> {
                let t = s.trim();
                $name::ALL.iter().copied().find(|v| {
                    v.code().eq_ignore_ascii_case(t)
                        || v.label_vi().to_lowercase() == t.to_lowercase()
                        || v.label_en().eq_ignore_ascii_case(t)
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.code()) }
        }
    };
}

pub(crate) use string_enum;

string_enum! {
    /// What sort of body an agency is.
    AgencyKind {
        ProvincePeoplesCommittee = "province_committee", "UBND tỉnh", "Provincial People's Committee";
        ProvinceDepartment = "province_department", "Sở, ban, ngành", "Provincial department";
        CommuneWard = "commune_ward", "UBND xã, phường", "Commune / ward";
        PartyBody = "party_body", "Cơ quan Đảng", "Party body";
        MassOrganization = "mass_organization", "Tổ chức chính trị - xã hội", "Mass organisation";
        PublicServiceUnit = "public_service_unit", "Đơn vị sự nghiệp", "Public service unit";
        Police = "police", "Công an", "Police";
        Enterprise = "enterprise", "Doanh nghiệp", "Enterprise";
        Other = "other", "Khác", "Other";
    }
}

string_enum! {
    /// Where the level-proposal dossier (hồ sơ đề xuất cấp độ) stands.
    DossierStatus {
        Drafting = "drafting", "Đang xây dựng", "Drafting";
        Submitted = "submitted", "Đã trình thẩm định", "Submitted";
        Appraised = "appraised", "Đã thẩm định", "Appraised";
        Approved = "approved", "Đã phê duyệt", "Approved";
    }
}

string_enum! {
    /// A component of an information system.
    AssetKind {
        Server = "server", "Máy chủ", "Server";
        NetworkDevice = "network_device", "Thiết bị mạng", "Network device";
        Application = "application", "Ứng dụng", "Application";
        Website = "website", "Cổng/trang TTĐT", "Website";
        Database = "database", "Cơ sở dữ liệu", "Database";
        Workstation = "workstation", "Máy trạm", "Workstation";
        Other = "other", "Khác", "Other";
    }
}

/// Identifiers (`code`s) are 1–64 characters of letters, digits, `.`, `_`, `-`.
pub fn validate_code(field: &str, code: &str) -> Result<(), FieldError> {
    if code.is_empty() || code.len() > 64 {
        return Err(FieldError::new(field, "must be 1 to 64 characters"));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(FieldError::new(
            field,
            "may contain only letters A-Z, digits, '.', '_' and '-'",
        ));
    }
    Ok(())
}

pub fn validate_text(
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<(), FieldError> {
    if required && value.trim().is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("is longer than {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FieldError::new(field, "contains control characters"));
    }
    Ok(())
}

/// An agency as submitted by a writer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAgency {
    pub code: String,
    pub name: String,
    #[serde(default = "default_kind")]
    pub kind: AgencyKind,
    #[serde(default)]
    pub parent_code: Option<String>,
}

fn default_kind() -> AgencyKind {
    AgencyKind::Other
}

impl NewAgency {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.code = self.code.trim().to_string();
        self.name = self.name.trim().to_string();
        validate_code("code", &self.code)?;
        validate_text("name", &self.name, 300, true)?;
        if let Some(p) = &mut self.parent_code {
            *p = p.trim().to_string();
            if p.is_empty() {
                self.parent_code = None;
            } else {
                validate_code("parent_code", p)?;
                if *p == self.code {
                    return Err(FieldError::new(
                        "parent_code",
                        "an agency cannot be its own parent",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A stored agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agency {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    pub parent_code: Option<String>,
    pub created_at: String,
}

/// An information system as submitted by a writer (API, console, import).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSystem {
    pub code: String,
    pub name: String,
    pub agency_code: String,
    /// Kept wide so that an out-of-range value is reported, not rejected by the parser.
    pub security_level: i64,
    /// Regulatory regime code; defaults from the approval date (see [`regime::default_for`]).
    #[serde(default)]
    pub regime: Option<String>,
    #[serde(default)]
    pub operating_unit: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub approval_decision_no: Option<String>,
    /// `yyyy-mm-dd` (dd/mm/yyyy accepted on input).
    #[serde(default)]
    pub approval_date: Option<String>,
    /// Defaults to `approved` when a decision number and date are given, else `drafting`.
    #[serde(default)]
    pub dossier_status: Option<DossierStatus>,
    #[serde(default)]
    pub connects_population_db: bool,
}

impl NewSystem {
    /// The smallest valid-looking input, for tests and examples.
    pub fn minimal(code: &str, name: &str, agency_code: &str, level: i64) -> Self {
        Self {
            code: code.into(),
            name: name.into(),
            agency_code: agency_code.into(),
            security_level: level,
            regime: None,
            operating_unit: None,
            purpose: None,
            approval_decision_no: None,
            approval_date: None,
            dossier_status: None,
            connects_population_db: false,
        }
    }

    /// Trim, fill defaults and enforce the level rules. On success every
    /// optional field that has a default is set.
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.code = self.code.trim().to_string();
        self.name = self.name.trim().to_string();
        self.agency_code = self.agency_code.trim().to_string();
        validate_code("code", &self.code)?;
        validate_text("name", &self.name, 300, true)?;
        validate_code("agency_code", &self.agency_code)?;
        if !(1..=5).contains(&self.security_level) {
            return Err(FieldError::new(
                "security_level",
                format!("must be a level from 1 to 5 (got {})", self.security_level),
            ));
        }
        for (field, v) in [
            ("operating_unit", &mut self.operating_unit),
            ("purpose", &mut self.purpose),
            ("approval_decision_no", &mut self.approval_decision_no),
        ] {
            if let Some(s) = v {
                *s = s.trim().to_string();
                if s.is_empty() {
                    *v = None;
                } else {
                    validate_text(field, s, 2000, false)?;
                }
            }
        }
        let date = match self.approval_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(datefmt::parse_date(s).ok_or_else(|| {
                FieldError::new(
                    "approval_date",
                    "must be a date as yyyy-mm-dd or dd/mm/yyyy",
                )
            })?),
        };
        if let Some(d) = date
            && d > datefmt::now_utc().to_offset(datefmt::VN_OFFSET).date()
        {
            return Err(FieldError::new("approval_date", "cannot be in the future"));
        }
        self.approval_date = date.map(datefmt::date_iso);
        let status = self.dossier_status.unwrap_or(
            if self.approval_decision_no.is_some() && date.is_some() {
                DossierStatus::Approved
            } else {
                DossierStatus::Drafting
            },
        );
        if status == DossierStatus::Approved {
            if self.approval_decision_no.is_none() {
                return Err(FieldError::new(
                    "approval_decision_no",
                    "an approved level needs the approval decision number",
                ));
            }
            if date.is_none() {
                return Err(FieldError::new(
                    "approval_date",
                    "an approved level needs the approval decision date",
                ));
            }
        }
        self.dossier_status = Some(status);
        if self.connects_population_db && self.security_level < 3 {
            return Err(FieldError::new(
                "security_level",
                "a system connected to the National Population Database must be level 3 or higher",
            ));
        }
        let regime_code = match self.regime.as_deref().map(str::trim) {
            Some(r) if !r.is_empty() => r.to_string(),
            _ => regime::default_for(date).code.clone(),
        };
        if regime::find(&regime_code).is_none() {
            return Err(FieldError::new(
                "regime",
                format!(
                    "unknown regulatory regime '{regime_code}' (known: {})",
                    regime::codes().join(", ")
                ),
            ));
        }
        self.regime = Some(regime_code);
        Ok(())
    }
}

/// A stored information system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct System {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub agency_code: String,
    pub agency_name: String,
    pub security_level: i64,
    pub regime: String,
    pub operating_unit: Option<String>,
    pub purpose: Option<String>,
    pub approval_decision_no: Option<String>,
    pub approval_date: Option<String>,
    pub dossier_status: DossierStatus,
    pub connects_population_db: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl System {
    /// The writable part, e.g. to edit and store again.
    pub fn to_new(&self) -> NewSystem {
        NewSystem {
            code: self.code.clone(),
            name: self.name.clone(),
            agency_code: self.agency_code.clone(),
            security_level: self.security_level,
            regime: Some(self.regime.clone()),
            operating_unit: self.operating_unit.clone(),
            purpose: self.purpose.clone(),
            approval_decision_no: self.approval_decision_no.clone(),
            approval_date: self.approval_date.clone(),
            dossier_status: Some(self.dossier_status),
            connects_population_db: self.connects_population_db,
        }
    }
}

/// A component of a system: server, network device, application, website…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAsset {
    pub kind: AssetKind,
    pub name: String,
    /// Host name, IP address or URL.
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl NewAsset {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.name = self.name.trim().to_string();
        validate_text("name", &self.name, 300, true)?;
        if let Some(a) = &self.address {
            validate_text("address", a, 2000, false)?;
        }
        if let Some(n) = &self.note {
            validate_text("note", n, 2000, false)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    pub id: i64,
    pub system_code: String,
    pub kind: AssetKind,
    pub name: String,
    pub address: Option<String>,
    pub note: Option<String>,
}

/// A person to contact about a system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewContact {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

impl NewContact {
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.name = self.name.trim().to_string();
        validate_text("name", &self.name, 200, true)?;
        for (f, v) in [
            ("role", &self.role),
            ("phone", &self.phone),
            ("email", &self.email),
        ] {
            if let Some(v) = v {
                validate_text(f, v, 200, false)?;
            }
        }
        if let Some(e) = &self.email
            && !e.is_empty()
            && !e.contains('@')
        {
            return Err(FieldError::new("email", "is not an e-mail address"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    pub system_code: String,
    pub name: String,
    pub role: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys(level: i64) -> NewSystem {
        NewSystem::minimal("HTTT-01", "Hệ thống một cửa", "SO-TC", level)
    }

    #[test]
    fn level_must_be_one_to_five() {
        for bad in [0, 6, 7, -1] {
            assert_eq!(sys(bad).validate().unwrap_err().field, "security_level");
        }
        for good in 1..=5 {
            sys(good).validate().unwrap();
        }
    }

    #[test]
    fn approval_needs_number_and_date() {
        let mut s = sys(3);
        s.dossier_status = Some(DossierStatus::Approved);
        assert_eq!(s.validate().unwrap_err().field, "approval_decision_no");
        s.approval_decision_no = Some("123/QĐ-UBND".into());
        assert_eq!(s.validate().unwrap_err().field, "approval_date");
        s.approval_date = Some("15/03/2024".into());
        s.validate().unwrap();
        assert_eq!(s.approval_date.as_deref(), Some("2024-03-15"));
        assert_eq!(s.regime.as_deref(), Some("ND85_TCVN11930"));
    }

    #[test]
    fn number_and_date_default_to_approved() {
        let mut s = sys(2);
        s.approval_decision_no = Some("9/QĐ".into());
        s.approval_date = Some("2026-09-01".into());
        s.validate().unwrap();
        assert_eq!(s.dossier_status, Some(DossierStatus::Approved));
        assert_eq!(s.regime.as_deref(), Some("ND331_TCVN14423"));
        let mut d = sys(2);
        d.validate().unwrap();
        assert_eq!(d.dossier_status, Some(DossierStatus::Drafting));
    }

    #[test]
    fn population_db_needs_level_three() {
        let mut s = sys(2);
        s.connects_population_db = true;
        assert_eq!(s.validate().unwrap_err().field, "security_level");
    }

    #[test]
    fn rejects_bad_codes_and_regimes() {
        let mut s = sys(2);
        s.code = "a b".into();
        assert_eq!(s.validate().unwrap_err().field, "code");
        let mut s = sys(2);
        s.regime = Some("ND999".into());
        assert_eq!(s.validate().unwrap_err().field, "regime");
    }

    #[test]
    fn enums_parse_codes_and_labels() {
        assert_eq!(
            AgencyKind::parse("Sở, ban, ngành"),
            Some(AgencyKind::ProvinceDepartment)
        );
        assert_eq!(
            DossierStatus::parse("APPROVED"),
            Some(DossierStatus::Approved)
        );
        assert_eq!(AssetKind::parse("website"), Some(AssetKind::Website));
        assert_eq!(AgencyKind::parse("???"), None);
    }
}
