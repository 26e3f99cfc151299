//! Findings and per-site reports, with JSON (serde) and plain-text table rendering.

use serde::{Deserialize, Serialize};

/// Finding kinds (serialised as the exact snake_case strings of the specification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    SeoSpamHiddenLinks,
    SpamInjectedContent,
    CloakingUserAgent,
    CloakingReferer,
    JsInjectedLinks,
    MaliciousRedirect,
    DoorwayPage,
    Defacement,
    ExposedGit,
    ExposedEnv,
    ExposedBackup,
    ExposedPhpinfo,
    DirectoryListing,
    MissingSecurityHeaders,
    TlsInvalid,
    SiteUnavailable,
}

impl Kind {
    /// The exact string used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SeoSpamHiddenLinks => "seo_spam_hidden_links",
            Kind::SpamInjectedContent => "spam_injected_content",
            Kind::CloakingUserAgent => "cloaking_user_agent",
            Kind::CloakingReferer => "cloaking_referer",
            Kind::JsInjectedLinks => "js_injected_links",
            Kind::MaliciousRedirect => "malicious_redirect",
            Kind::DoorwayPage => "doorway_page",
            Kind::Defacement => "defacement",
            Kind::ExposedGit => "exposed_git",
            Kind::ExposedEnv => "exposed_env",
            Kind::ExposedBackup => "exposed_backup",
            Kind::ExposedPhpinfo => "exposed_phpinfo",
            Kind::DirectoryListing => "directory_listing",
            Kind::MissingSecurityHeaders => "missing_security_headers",
            Kind::TlsInvalid => "tls_invalid",
            Kind::SiteUnavailable => "site_unavailable",
        }
    }

    /// Integrity kinds mean the site was tampered with.
    pub fn is_integrity(self) -> bool {
        matches!(
            self,
            Kind::SeoSpamHiddenLinks
                | Kind::SpamInjectedContent
                | Kind::CloakingUserAgent
                | Kind::CloakingReferer
                | Kind::JsInjectedLinks
                | Kind::MaliciousRedirect
                | Kind::DoorwayPage
                | Kind::Defacement
        )
    }

    /// Default severity of the kind.
    pub fn severity(self) -> Severity {
        match self {
            Kind::Defacement | Kind::MaliciousRedirect | Kind::ExposedEnv | Kind::ExposedBackup => {
                Severity::Critical
            }
            Kind::SeoSpamHiddenLinks
            | Kind::SpamInjectedContent
            | Kind::CloakingUserAgent
            | Kind::CloakingReferer
            | Kind::JsInjectedLinks
            | Kind::DoorwayPage
            | Kind::ExposedGit
            | Kind::SiteUnavailable => Severity::High,
            Kind::ExposedPhpinfo | Kind::DirectoryListing | Kind::TlsInvalid => Severity::Medium,
            Kind::MissingSecurityHeaders => Severity::Low,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Finding severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// One finding with evidence a person can verify.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: Kind,
    pub severity: Severity,
    /// The URL that shows the problem (fetch it to see the evidence).
    pub evidence_url: String,
    /// What was found, with the hidden link, differing response or matched content.
    pub detail: String,
}

impl Finding {
    pub fn new(kind: Kind, evidence_url: impl Into<String>, detail: impl Into<String>) -> Self {
        Finding {
            kind,
            severity: kind.severity(),
            evidence_url: evidence_url.into(),
            detail: detail.into(),
        }
    }
}

/// TLS certificate facts of an HTTPS site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TlsSummary {
    pub valid: bool,
    /// Why validation failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Days until the leaf certificate expires (negative when expired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
}

/// The result of checking one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SiteReport {
    /// The URL as given.
    pub url: String,
    pub findings: Vec<Finding>,
    /// Pages fetched and analysed (HTML), for operators.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub pages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tls: Option<TlsSummary>,
    /// Problems that limited the check (budget exhausted, unreadable responses).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<String>,
    /// Milliseconds spent on the site.
    #[serde(default)]
    pub elapsed_ms: u64,
    /// Requests sent.
    #[serde(default)]
    pub requests: u32,
}

impl SiteReport {
    /// Adds a finding unless one of the same kind is already present.
    pub fn add(&mut self, f: Finding) {
        if !self.findings.iter().any(|x| x.kind == f.kind) {
            self.findings.push(f);
        }
    }

    pub fn has(&self, kind: Kind) -> bool {
        self.findings.iter().any(|f| f.kind == kind)
    }
}

/// Renders reports as a plain-text table (one row per finding, `-` for clean sites).
pub fn render_table(reports: &[SiteReport]) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for r in reports {
        if r.findings.is_empty() {
            rows.push([
                r.url.clone(),
                "-".into(),
                "-".into(),
                "không phát hiện vấn đề / no findings".into(),
            ]);
        }
        for f in &r.findings {
            rows.push([
                r.url.clone(),
                f.kind.as_str().into(),
                f.severity.as_str().into(),
                format!("{} ({})", crate::text::clip(&f.detail, 160), f.evidence_url),
            ]);
        }
    }
    let head = ["URL", "KIND", "SEVERITY", "DETAIL (EVIDENCE)"];
    let w: Vec<usize> = (0..3)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([head[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |c: [&str; 4]| {
        format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}\n",
            c[0],
            c[1],
            c[2],
            c[3],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2]
        )
    };
    out.push_str(&line(head));
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3]]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_matches_specification() {
        let mut r = SiteReport {
            url: "http://127.0.0.1:1/".into(),
            ..Default::default()
        };
        r.add(Finding::new(
            Kind::ExposedGit,
            "http://127.0.0.1:1/.git/HEAD",
            "ref: refs/heads/master",
        ));
        r.add(Finding::new(
            Kind::ExposedGit,
            "x",
            "duplicate kind is dropped",
        ));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["url"], "http://127.0.0.1:1/");
        assert_eq!(v["findings"].as_array().unwrap().len(), 1);
        assert_eq!(v["findings"][0]["kind"], "exposed_git");
        assert_eq!(v["findings"][0]["severity"], "high");
        assert_eq!(
            v["findings"][0]["evidence_url"],
            "http://127.0.0.1:1/.git/HEAD"
        );
        assert!(v["findings"][0]["detail"].is_string());
    }

    #[test]
    fn table_lists_clean_and_findings() {
        let clean = SiteReport {
            url: "http://a/".into(),
            ..Default::default()
        };
        let mut bad = SiteReport {
            url: "http://b/".into(),
            ..Default::default()
        };
        bad.add(Finding::new(Kind::TlsInvalid, "https://b/", "expired"));
        let t = render_table(&[clean, bad]);
        assert!(t.contains("no findings"));
        assert!(t.contains("tls_invalid"));
        assert_eq!(t.lines().count(), 3);
    }
}
