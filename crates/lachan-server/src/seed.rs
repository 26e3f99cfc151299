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
    let now = lachan_core::datefmt::to_rfc3339(lachan_core::datefmt::now_utc());
    store.set_setting(DEMO_SETTING, &now).await?;
    Ok(Some(DemoSeed {
        agencies,
        systems,
        users,
        password,
    }))
}
