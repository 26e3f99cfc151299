//! First-run administrator and the demo registry.

use lachan_core::auth::{Role, Scope};
use lachan_core::demo;
use lachan_store::{AuditCtx, NewUser, Store};

use crate::{AppError, auth};

/// Setting key recording that the demo registry was loaded.
pub const DEMO_SETTING: &str = "demo_seeded_at";

/// Create the `admin` account when there are no users yet. Returns the
/// password when one was generated (to be shown once).
pub async fn ensure_admin(
    store: &dyn Store,
    password_from_env: Option<String>,
) -> Result<Option<FirstAdmin>, AppError> {
    if store.user_count().await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match password_from_env.filter(|p| !p.is_empty()) {
        Some(p) => {
            auth::check_password_policy("admin", &p)?;
            (p, false)
        }
        None => (auth::generate_password(), true),
    };
    let hash = auth::hash_password(password.clone()).await?;
    store
        .create_user(
            &AuditCtx::new("system", "local"),
            NewUser {
                username: "admin".into(),
                full_name: "Quản trị hệ thống".into(),
                password_hash: hash,
                role: Role::Admin,
                agency_code: None,
                must_change_password: false,
            },
        )
        .await?;
    Ok(Some(FirstAdmin {
        username: "admin".into(),
        password: generated.then_some(password),
    }))
}

pub struct FirstAdmin {
    pub username: String,
    /// `Some` when generated (not taken from the environment).
    pub password: Option<String>,
}

pub struct DemoSeed {
    pub agencies: usize,
    pub systems: usize,
    pub users: Vec<(String, Role)>,
    pub password: String,
    pub ops: DemoOpsCounts,
}

/// What the demo operations year loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoOpsCounts {
    pub plans: usize,
    pub targets: usize,
    pub findings: usize,
    pub letters: usize,
    pub incidents: usize,
    pub scans: usize,
}

/// Load the demo registry once; `Ok(None)` when it was loaded before.
pub async fn seed_demo(store: &dyn Store, actor: &str) -> Result<Option<DemoSeed>, AppError> {
    if store.setting(DEMO_SETTING).await?.is_some() {
        return Ok(None);
    }
    let ctx = AuditCtx::new(actor, "local");
    let reg = demo::demo_registry();
    let agencies = reg.agencies.len();
    let rows = reg
        .agencies
        .into_iter()
        .enumerate()
        .map(|(i, a)| (i + 1, a))
        .collect();
    store.import_agencies(&ctx, rows, "demo registry").await?;
    let systems = reg.systems.len();
    let rows = reg
        .systems
        .iter()
        .enumerate()
        .map(|(i, s)| (i + 1, s.system.clone()))
        .collect();
    store
        .import_systems(&ctx, &Scope::All, rows, "demo registry")
        .await?;
    for s in &reg.systems {
        for a in &s.assets {
            store.add_asset(&ctx, &s.system.code, a.clone()).await?;
        }
        for c in &s.contacts {
            store.add_contact(&ctx, &s.system.code, c.clone()).await?;
        }
    }
    let password = auth::generate_password();
    let hash = auth::hash_password(password.clone()).await?;
    let mut users = Vec::new();
    for u in reg.users {
        if store.user_by_name(&u.username).await?.is_some() {
            continue;
        }
        store
            .create_user(
                &ctx,
                NewUser {
                    username: u.username.clone(),
                    full_name: u.full_name,
                    password_hash: hash.clone(),
                    role: u.role,
                    agency_code: u.agency_code,
                    must_change_password: false,
                },
            )
            .await?;
        users.push((u.username, u.role));
    }
    let ops = seed_demo_ops(store, &ctx).await?;
    let now = lachan_core::datefmt::to_rfc3339(lachan_core::datefmt::now_utc());
    store.set_setting(DEMO_SETTING, &now).await?;
    Ok(Some(DemoSeed {
        agencies,
        systems,
        users,
        password,
        ops,
    }))
}

/// Resolve codes of the demo data to ids (they all exist: the registry was just loaded).
struct Ids<'a> {
    store: &'a dyn Store,
    agencies: std::collections::HashMap<String, i64>,
}

impl Ids<'_> {
    async fn agency(&mut self, code: &str) -> Result<i64, AppError> {
        if let Some(id) = self.agencies.get(code) {
            return Ok(*id);
        }
        let a = self
            .store
            .agency(code)
            .await?
            .ok_or_else(|| AppError::Internal(format!("demo agency {code} missing")))?;
        self.agencies.insert(code.to_string(), a.id);
        Ok(a.id)
    }

    async fn system(&self, code: &Option<String>) -> Result<Option<i64>, AppError> {
        match code {
            None => Ok(None),
            Some(c) => Ok(self.store.system(c).await?.map(|s| s.system.id)),
        }
    }
}

/// Load the demo operations year through the same store calls the API uses.
async fn seed_demo_ops(store: &dyn Store, ctx: &AuditCtx) -> Result<DemoOpsCounts, AppError> {
    use lachan_core::ops::{IncidentChange, incident_deadlines};
    use lachan_store::{FindingRecord, IncidentRecord, TargetRecord};
    let data = lachan_core::demo_ops::demo_ops();
    let mut ids = Ids {
        store,
        agencies: Default::default(),
    };
    let mut counts = DemoOpsCounts::default();
    let mut target_ids: Vec<Vec<i64>> = Vec::new();
    for p in &data.plans {
        let mut recs = Vec::with_capacity(p.targets.len());
        for t in &p.targets {
            let agency_id = ids.agency(&t.agency_code).await?;
            let system = match &t.system_code {
                Some(c) => store.system(c).await?.map(|s| s.system),
                None => None,
            };
            recs.push(TargetRecord {
                input: t.clone(),
                agency_id,
                system_id: system.as_ref().map(|s| s.id),
                items: lachan_core::ops::checklist_items(
                    t.checklist,
                    system.as_ref().map(|s| s.security_level),
                    system.as_ref().map(|s| s.regime.as_str()),
                ),
            });
        }
        let plan = store.create_plan(ctx, p, &recs).await?;
        counts.plans += 1;
        counts.targets += plan.targets.len();
        target_ids.push(plan.targets.iter().map(|t| t.id).collect());
    }
    for r in &data.results {
        let Some(id) = target_ids.get(r.plan).and_then(|t| t.get(r.target)) else {
            continue;
        };
        store
            .record_target_result(ctx, *id, r.status, &r.result)
            .await?;
    }
    let mut finding_ids = Vec::with_capacity(data.findings.len());
    for f in &data.findings {
        let mut input = f.finding.clone();
        input.target_id =
            f.at.and_then(|(p, t)| target_ids.get(p).and_then(|v| v.get(t)).copied());
        let agency_id = ids.agency(&input.agency_code).await?;
        let system_id = ids.system(&input.system_code).await?;
        let fingerprint = input.fingerprint();
        let rec = FindingRecord {
            input,
            agency_id,
            system_id,
            fingerprint,
        };
        let (found, _) = store.record_finding(ctx, &rec).await?;
        finding_ids.push(found.id);
    }
    counts.findings = finding_ids.len();
    for l in &data.letters {
        let mut letter = l.letter.clone();
        letter.finding_ids = l
            .findings
            .iter()
            .filter_map(|i| finding_ids.get(*i).copied())
            .collect();
        let agency_id = ids.agency(&letter.agency_code).await?;
        store.create_letter(ctx, &letter, agency_id).await?;
        counts.letters += 1;
    }
    for (f, id) in data.findings.iter().zip(&finding_ids) {
        for (to, reason) in &f.moves {
            let change = lachan_core::ops::FindingChange {
                status: Some(*to),
                reason: reason.map(str::to_string),
                ..Default::default()
            };
            store.update_finding(ctx, *id, &change).await?;
        }
    }
    for i in &data.incidents {
        let n = &i.incident;
        let agency_id = ids.agency(&n.agency_code).await?;
        let detected_at = n
            .detected_at
            .clone()
            .unwrap_or_else(|| lachan_core::datefmt::to_rfc3339(lachan_core::datefmt::now_utc()));
        let resolve_by = incident_deadlines(n.severity, &detected_at)
            .map(|d| d.resolve_by)
            .unwrap_or_else(|| detected_at.clone());
        let rec = IncidentRecord {
            input: n.clone(),
            agency_id,
            system_id: ids.system(&n.system_code).await?,
            detected_at,
            resolve_by,
        };
        let created = store.create_incident(ctx, &rec).await?;
        for t in &i.tasks {
            let task = store
                .add_incident_task(ctx, created.id, t.0, Some("phantich.tuan"), None)
                .await?;
            if t.1 {
                store
                    .set_incident_task_done(ctx, created.id, task.id, true)
                    .await?;
            }
        }
        for note in &i.notes {
            store.add_incident_note(ctx, created.id, note).await?;
        }
        for (to, reason) in &i.moves {
            let change = IncidentChange {
                status: Some(*to),
                reason: reason.map(str::to_string),
                ..Default::default()
            };
            store
                .update_incident(ctx, created.id, &change, None)
                .await?;
        }
        counts.incidents += 1;
    }
    counts.scans = crate::demo_scans::seed(store, ctx).await?;
    Ok(counts)
}
