//! Uploaded `lachan scan` results: an inspection of a host recorded with its evidence;
//! each failed check, account problem and malware hit becomes a finding of the host's
//! agency (folded into the live finding when already tracked).

use lachan_core::auth::Action;
use lachan_core::datefmt;
use lachan_core::ops::{FindingSource, NewFinding, Severity};
use lachan_store::{
    ComplianceBy, ComplianceFigure, ComplianceQuery, ComplianceView, FailedCheck, FindingRecord,
    NewScan, ScanRecord,
};
use serde::Deserialize;
use serde_json::Value;

use crate::auth::Principal;
use crate::{AppError, AppState};

/// Largest scan result accepted.
pub const MAX_SCAN_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Deserialize)]
struct Upload {
    host: UploadHost,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    finished_at: Option<String>,
    policies: Vec<UploadPolicy>,
    #[serde(default)]
    accounts: Vec<UploadAccount>,
    #[serde(default)]
    malware: Vec<UploadMalware>,
}

#[derive(Debug, Deserialize)]
struct UploadHost {
    hostname: String,
    #[serde(default)]
    interfaces: Vec<UploadInterface>,
}

#[derive(Debug, Deserialize)]
struct UploadInterface {
    #[serde(default)]
    addresses: Vec<String>,
}

impl UploadHost {
    /// The host's addresses without prefix lengths (`10.0.0.5/24` → `10.0.0.5`).
    fn addresses(&self) -> Vec<String> {
        self.interfaces
            .iter()
            .flat_map(|i| &i.addresses)
            .map(|a| a.split('/').next().unwrap_or(a).to_string())
            .collect()
    }
}

#[derive(Debug, Deserialize)]
struct UploadPolicy {
    id: String,
    name: String,
    #[serde(default)]
    name_vi: Option<String>,
    checks: Vec<UploadCheck>,
}

#[derive(Debug, Deserialize)]
struct UploadCheck {
    id: Value,
    title: String,
    #[serde(default)]
    title_vi: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    result: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    evidence: Value,
    #[serde(default)]
    remediation: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UploadAccount {
    kind: String,
    account: String,
    #[serde(default)]
    severity: Option<String>,
    title: String,
    #[serde(default)]
    title_vi: Option<String>,
    #[serde(default)]
    evidence: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UploadMalware {
    path: String,
    sha256: String,
    #[serde(default)]
    rules: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct UploadParams {
    pub agency_code: Option<String>,
    pub target_id: Option<i64>,
    /// The information system the host serves; without it (and without a target of a
    /// system) the system whose registry assets name the host, if exactly one does.
    pub system_code: Option<String>,
}

fn severity(s: Option<&str>) -> Severity {
    match s.unwrap_or("medium") {
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "low" | "info" | "informational" => Severity::Low,
        _ => Severity::Medium,
    }
}

fn clip(s: String, max: usize) -> String {
    if s.chars().count() <= max {
        s
    } else {
        s.chars().take(max).collect::<String>() + "…"
    }
}

fn time_or(field: &str, v: &Option<String>, default: &str) -> Result<String, AppError> {
    match v.as_deref().filter(|s| !s.trim().is_empty()) {
        None => Ok(default.to_string()),
        Some(s) => datefmt::parse_rfc3339(s)
            .map(datefmt::to_rfc3339)
            .ok_or_else(|| AppError::invalid(field, format!("'{s}' is not an RFC 3339 time"))),
    }
}

/// Record an uploaded scan result.
pub async fn upload(
    st: &AppState,
    p: &Principal,
    params: &UploadParams,
    body: &[u8],
) -> Result<(ScanRecord, i64), AppError> {
    p.require(Action::RecordFindings)?;
    let u = parse(body)?;
    // The agency: the target's, or the one named, inside the caller's scope.
    let (agency_code, system_code) = match params.target_id {
        Some(t) => {
            let target = st
                .store
                .target(t)
                .await?
                .filter(|x| p.scope.allows(x.agency_id))
                .ok_or_else(|| {
                    AppError::invalid("target_id", format!("inspection target {t} not found"))
                })?;
            // A system named by the uploader wins over the target's.
            (
                target.agency_code,
                given(&params.system_code)
                    .map(str::to_string)
                    .or(target.system_code),
            )
        }
        None => {
            let code = given(&params.agency_code).ok_or_else(|| {
                AppError::invalid(
                    "agency_code",
                    "name the agency of the scanned host (or a target_id)",
                )
            })?;
            (
                code.to_string(),
                given(&params.system_code).map(str::to_string),
            )
        }
    };
    let agency = st.store.agency(&agency_code).await?.ok_or_else(|| {
        AppError::invalid("agency_code", format!("unknown agency '{agency_code}'"))
    })?;
    if !p.scope.allows(agency.id) {
        return Err(AppError::Forbidden(format!(
            "agency '{agency_code}' is outside the agencies you may act for"
        )));
    }
    record(
        st.store.as_ref(),
        &p.ctx(),
        &agency,
        system_code,
        params.target_id,
        u,
        body,
    )
    .await
}

/// A compliance result sent by an agent: recorded for the agent's agency and host.
pub async fn from_agent(
    st: &AppState,
    agent: &lachan_store::Agent,
    source_ip: &str,
    body: &[u8],
) -> Result<(ScanRecord, i64), AppError> {
    let mut u = parse(body)?;
    // The host is the enrolled machine, whatever the document says.
    u.host.hostname = agent.hostname.clone();
    let agency = st
        .store
        .agency(&agent.agency_code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("agency '{}'", agent.agency_code)))?;
    let ctx = lachan_store::AuditCtx::new(format!("agent:{}", agent.id), source_ip);
    u.host.interfaces = vec![UploadInterface {
        addresses: agent.ips.clone(),
    }];
    record(st.store.as_ref(), &ctx, &agency, None, None, u, body).await
}

/// Record a scan document for `agency` outside a request (the demo data).
pub async fn record_document(
    store: &dyn lachan_store::Store,
    ctx: &lachan_store::AuditCtx,
    agency: &lachan_core::registry::Agency,
    body: &[u8],
) -> Result<(ScanRecord, i64), AppError> {
    let u = parse(body)?;
    record(store, ctx, agency, None, None, u, body).await
}

fn parse(body: &[u8]) -> Result<Upload, AppError> {
    if body.len() > MAX_SCAN_BYTES {
        return Err(AppError::BadRequest(format!(
            "a scan result is limited to {MAX_SCAN_BYTES} bytes"
        )));
    }
    let u: Upload = serde_json::from_slice(body).map_err(|e| {
        AppError::BadRequest(format!(
            "not a lachan scan result (line {}, column {}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    let host = u.host.hostname.trim();
    if host.is_empty() || host.chars().count() > 253 {
        return Err(AppError::invalid(
            "host.hostname",
            "must be 1 to 253 characters",
        ));
    }
    if u.policies.len() > 500 || u.policies.iter().map(|p| p.checks.len()).sum::<usize>() > 20_000 {
        return Err(AppError::BadRequest("too many policies or checks".into()));
    }
    Ok(u)
}

async fn record(
    store: &dyn lachan_store::Store,
    ctx: &lachan_store::AuditCtx,
    agency: &lachan_core::registry::Agency,
    system_code: Option<String>,
    target_id: Option<i64>,
    u: Upload,
    body: &[u8],
) -> Result<(ScanRecord, i64), AppError> {
    let host = u.host.hostname.trim().to_string();
    let (system_id, system_code) = match system_code {
        Some(c) => {
            let sys = store
                .system(&c)
                .await?
                .filter(|s| s.agency_id == agency.id)
                .ok_or_else(|| {
                    AppError::invalid(
                        "system_code",
                        format!(
                            "'{c}' is not an information system of agency '{}'",
                            agency.code
                        ),
                    )
                })?;
            (Some(sys.system.id), Some(sys.system.code))
        }
        None => match store
            .system_for_host(agency.id, &host, &u.host.addresses())
            .await?
        {
            Some((id, code)) => (Some(id), Some(code)),
            None => (None, None),
        },
    };
    let now = datefmt::to_rfc3339(datefmt::now_utc());
    let finished_at = time_or("finished_at", &u.finished_at, &now)?;
    let started_at = time_or("started_at", &u.started_at, &finished_at)?;

    let (mut passed, mut failed, mut na) = (0i64, 0i64, 0i64);
    let mut findings = Vec::new();
    let mut failed_checks = Vec::new();
    let mut passing = Vec::new();
    let mut push = |mut n: NewFinding| -> Result<(), AppError> {
        n.validate()?;
        let fingerprint = n.fingerprint();
        findings.push(FindingRecord {
            input: n,
            agency_id: agency.id,
            system_id,
            fingerprint,
        });
        Ok(())
    };
    let base = |title: String, sev: Severity, source_ref: String| NewFinding {
        title: clip(title, 300),
        severity: sev,
        agency_code: agency.code.clone(),
        system_code: system_code.clone(),
        asset: Some(host.clone()),
        source: FindingSource::Scan,
        source_ref: Some(clip(source_ref, 300)),
        description: None,
        evidence: None,
        recommendation: None,
        target_id: None,
        observed_at: Some(finished_at.clone()),
    };
    for (pi, pol) in u.policies.iter().enumerate() {
        for (ci, c) in pol.checks.iter().enumerate() {
            let id = match &c.id {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let title = c.title_vi.clone().unwrap_or_else(|| c.title.clone());
            let sev = severity(c.severity.as_deref());
            match c.result.as_str() {
                "passed" => {
                    passed += 1;
                    passing.push(base(title, sev, format!("{}:{id}", pol.id)).fingerprint());
                }
                "not_applicable" => na += 1,
                "failed" => {
                    failed += 1;
                    failed_checks.push(FailedCheck {
                        policy_id: clip(pol.id.clone(), 200),
                        check_id: clip(id.clone(), 200),
                        title: clip(title.clone(), 300),
                        severity: sev.code().to_string(),
                    });
                    let mut n = base(title, sev, format!("{}:{id}", pol.id));
                    let policy = pol.name_vi.clone().unwrap_or_else(|| pol.name.clone());
                    n.description = Some(clip(format!("{policy} — {}", c.title), 10_000));
                    let mut ev = c.reason.clone().unwrap_or_default();
                    if !c.evidence.is_null() {
                        ev.push_str(&format!("\n{}", c.evidence));
                    }
                    n.evidence =
                        Some(clip(ev.trim().to_string(), 90_000)).filter(|e| !e.is_empty());
                    n.recommendation = c.remediation.clone().map(|r| clip(r, 10_000));
                    push(n)?;
                }
                other => {
                    return Err(AppError::invalid(
                        &format!("policies[{pi}].checks[{ci}].result"),
                        format!("'{other}' is not passed, failed or not_applicable"),
                    ));
                }
            }
        }
    }
    for a in &u.accounts {
        let title = format!(
            "{} ({})",
            a.title_vi.clone().unwrap_or_else(|| a.title.clone()),
            a.account
        );
        let mut n = base(
            title,
            severity(a.severity.as_deref()),
            format!("account:{}:{}", a.kind, a.account),
        );
        n.evidence = a.evidence.clone().map(|e| clip(e, 90_000));
        push(n)?;
    }
    for m in &u.malware {
        let mut n = base(
            format!("Phát hiện mã độc: {}", m.path),
            Severity::Critical,
            format!("malware:{}", m.sha256),
        );
        n.evidence = Some(format!(
            "sha256 {}; rules: {}",
            m.sha256,
            m.rules.join(", ")
        ));
        n.recommendation =
            Some("Cách ly tệp, quét toàn bộ máy và xác định nguồn lây nhiễm.".into());
        push(n)?;
    }
    let score = (passed + failed > 0)
        .then(|| ((passed as f64) * 1000.0 / (passed + failed) as f64).round() / 10.0);
    let scan = NewScan {
        agency_id: agency.id,
        host,
        target_id,
        started_at,
        finished_at,
        score,
        passed,
        failed,
        not_applicable: na,
        system_id,
        report: String::from_utf8_lossy(body).into_owned(),
        findings,
        failed_checks,
        passing,
    };
    Ok(store.record_scan(ctx, &scan).await?)
}

/// Most scans a list returns.
pub const MAX_LISTED: i64 = 500;

/// Scans in scope, newest first, at most `limit` (capped at [`MAX_LISTED`]).
pub async fn list(
    st: &AppState,
    p: &Principal,
    host: Option<&str>,
    limit: i64,
) -> Result<Vec<ScanRecord>, AppError> {
    p.require(Action::ReadOperations)?;
    let limit = limit.clamp(1, MAX_LISTED);
    Ok(st.store.list_scans(&p.scope, host, limit).await?)
}

pub async fn get(st: &AppState, p: &Principal, id: i64) -> Result<(ScanRecord, Value), AppError> {
    p.require(Action::ReadOperations)?;
    let (rec, report) = st
        .store
        .scan(id)
        .await?
        .filter(|(r, _)| p.scope.allows(r.agency_id))
        .ok_or_else(|| AppError::NotFound(format!("scan {id}")))?;
    Ok((rec, serde_json::from_str(&report).unwrap_or(Value::Null)))
}

pub async fn compliance(st: &AppState, p: &Principal) -> Result<Vec<ComplianceFigure>, AppError> {
    p.require(Action::ReadOperations)?;
    Ok(st.store.compliance(&p.scope).await?)
}

/// Filters of the compliance view (API query and console form; empty means "all").
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ComplianceParams {
    /// `agency` (default), `system` or `level`.
    pub by: Option<String>,
    pub agency_code: Option<String>,
    pub system_code: Option<String>,
    /// Security level 1–5.
    pub level: Option<String>,
    /// Days of trend, ending today (Vietnam calendar); default 30, at most 366.
    pub days: Option<String>,
}

/// A query or form value with content, trimmed.
pub fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Compliance in the caller's scope, grouped and filtered as asked, with its trend.
pub async fn view(
    st: &AppState,
    p: &Principal,
    params: &ComplianceParams,
) -> Result<ComplianceView, AppError> {
    p.require(Action::ReadOperations)?;
    let by = match given(&params.by) {
        None => ComplianceBy::Agency,
        Some(b) => ComplianceBy::parse(b)
            .ok_or_else(|| AppError::invalid("by", "must be agency, system or level"))?,
    };
    let agency_id = match given(&params.agency_code) {
        None => None,
        Some(code) => Some(
            st.store
                .agency(code)
                .await?
                .filter(|a| p.scope.allows(a.id))
                .ok_or_else(|| {
                    AppError::invalid("agency_code", format!("unknown agency '{code}'"))
                })?
                .id,
        ),
    };
    let system_id = match given(&params.system_code) {
        None => None,
        Some(code) => Some(
            st.store
                .system(code)
                .await?
                .filter(|s| p.scope.allows(s.agency_id))
                .ok_or_else(|| {
                    AppError::invalid(
                        "system_code",
                        format!("unknown information system '{code}'"),
                    )
                })?
                .system
                .id,
        ),
    };
    let level = match given(&params.level) {
        None => None,
        Some(l) => Some(
            l.parse::<i64>()
                .ok()
                .filter(|l| (1..=5).contains(l))
                .ok_or_else(|| AppError::invalid("level", "must be a security level 1 to 5"))?,
        ),
    };
    let days = match given(&params.days) {
        None => 30,
        Some(d) => d
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=366).contains(d))
            .ok_or_else(|| AppError::invalid("days", "must be 1 to 366"))?,
    };
    let today = datefmt::now_utc().to_offset(datefmt::VN_OFFSET).date();
    let first = today - time::Duration::days(days - 1);
    let from_utc = datefmt::to_rfc3339(first.midnight().assume_offset(datefmt::VN_OFFSET));
    let q = ComplianceQuery {
        by,
        agency_id,
        system_id,
        level,
        days: (0..days)
            .map(|i| datefmt::date_iso(first + time::Duration::days(i)))
            .collect(),
        from_utc,
    };
    Ok(st.store.compliance_view(&p.scope, &q).await?)
}
