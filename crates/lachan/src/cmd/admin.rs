//! `lachan admin …`: local administration on the data directory. Every
//! change is written to the audit log with actor `cli:<os user>`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use lachan_core::auth::Role;
use lachan_store::sqlite::SqliteStore;
use lachan_store::{AccountStore, AuditCtx, AuditStore, NewUser};
use lachan_store::{AgentStore, RegistryStore};

use super::datadir::{self, DataDir};

#[derive(clap::Args)]
pub struct DataArg {
    /// Data directory of the server
    #[arg(long, default_value = "./lachan-data", env = "LACHAN_DATA")]
    pub data: PathBuf,
}

#[derive(clap::Subcommand)]
pub enum AdminCommand {
    /// Check the audit log's hash chain; exit 1 naming the first broken row
    VerifyAudit(DataArg),
    /// Consistent online copy of the database into FILE
    Backup {
        #[command(flatten)]
        data: DataArg,
        /// Backup file to write (must not exist)
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace the database with a backup (the server must be stopped)
    Restore {
        #[command(flatten)]
        data: DataArg,
        /// Backup file made by `admin backup`
        #[arg(long)]
        from: PathBuf,
    },
    /// Load the demo registry (once)
    SeedDemo(DataArg),
    /// Create a user; the password comes from LACHAN_NEW_PASSWORD or is generated and printed
    CreateUser {
        #[command(flatten)]
        data: DataArg,
        #[arg(long)]
        username: String,
        /// admin, analyst, agency_officer or auditor
        #[arg(long)]
        role: String,
        /// Agency code (required for agency_officer)
        #[arg(long)]
        agency: Option<String>,
        #[arg(long, default_value = "")]
        full_name: String,
    },
    /// Set a new temporary password (printed) and clear any lockout
    ResetPassword {
        #[command(flatten)]
        data: DataArg,
        #[arg(long)]
        username: String,
    },
    /// Clear a login lockout
    Unlock {
        #[command(flatten)]
        data: DataArg,
        #[arg(long)]
        username: String,
    },
    /// Disable a user and end their sessions
    Disable {
        #[command(flatten)]
        data: DataArg,
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled user
    Enable {
        #[command(flatten)]
        data: DataArg,
        #[arg(long)]
        username: String,
    },
    /// Create an agent enrollment token for an agency (printed once)
    EnrollToken {
        #[command(flatten)]
        data: DataArg,
        /// Agency code the enrolled agents belong to
        #[arg(long)]
        agency: String,
        /// Validity: a number with h (hours) or d (days), e.g. 12h, 7d
        #[arg(long, default_value = "7d")]
        expires: String,
        /// Agent group (name) the enrolled agents join: the agency's own group of that
        /// name, else a province-wide one
        #[arg(long)]
        group: Option<String>,
    },
}

/// `12h`, `7d` → hours.
fn parse_validity(s: &str) -> anyhow::Result<i64> {
    let s = s.trim();
    let (num, mult) = match s.strip_suffix('d') {
        Some(n) => (n, 24),
        None => (s.strip_suffix('h').unwrap_or(s), 1),
    };
    let n: i64 = num
        .parse()
        .with_context(|| format!("--expires '{s}': expected a number with h or d, e.g. 7d"))?;
    let hours = n.saturating_mul(mult);
    if !(1..=24 * 90).contains(&hours) {
        anyhow::bail!("--expires must be between 1h and 90d");
    }
    Ok(hours)
}

pub fn run(c: AdminCommand) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(run_async(c))
}

fn actor() -> AuditCtx {
    let who = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".into());
    AuditCtx::local(&who)
}

async fn open(d: &DataArg) -> anyhow::Result<SqliteStore> {
    let dir = DataDir::existing(&d.data)?;
    SqliteStore::open(&dir.db())
        .await
        .with_context(|| format!("opening {}", dir.db().display()))
}

async fn user_id(store: &SqliteStore, username: &str) -> anyhow::Result<i64> {
    Ok(store
        .user_by_name(username)
        .await?
        .with_context(|| format!("no user named '{username}'"))?
        .user
        .id)
}

async fn run_async(c: AdminCommand) -> anyhow::Result<ExitCode> {
    match c {
        AdminCommand::EnrollToken {
            data,
            agency,
            expires,
            group,
        } => {
            let hours = parse_validity(&expires)?;
            let store = open(&data).await?;
            let a = store
                .agency(agency.trim())
                .await?
                .with_context(|| format!("no agency with code '{agency}'"))?;
            let group_id = match group.as_deref().map(str::trim) {
                None => None,
                Some(name) => {
                    let groups = store
                        .list_agent_groups(&lachan_core::auth::Scope::All)
                        .await?;
                    let own = groups
                        .iter()
                        .find(|g| g.name == name && g.agency_id == Some(a.id));
                    let wide = groups
                        .iter()
                        .find(|g| g.name == name && g.agency_id.is_none());
                    Some(own.or(wide).map(|g| g.id).with_context(|| {
                        format!(
                            "no agent group '{name}' of agency {} or the province",
                            a.code
                        )
                    })?)
                }
            };
            let token = lachan_server::auth::random_token("lce_");
            let until = lachan_core::datefmt::now_utc() + time::Duration::hours(hours);
            let t = store
                .create_enroll_token(
                    &actor(),
                    a.id,
                    group_id,
                    &lachan_server::auth::token_hash(&token),
                    &lachan_core::datefmt::to_rfc3339(until),
                )
                .await?;
            println!(
                "enrollment token for agency {} (valid until {} UTC):",
                t.agency_code, t.expires_at
            );
            println!("{token}");
            println!("enroll an agent with: lachan agent --server URL --token {token}");
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::VerifyAudit(d) => {
            let store = open(&d).await?;
            match store.verify_audit().await? {
                Ok(n) => {
                    println!("audit log intact: {n} rows verified");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    println!("AUDIT LOG BROKEN: {e}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        AdminCommand::Backup { data, out } => {
            let store = open(&data).await?;
            store
                .backup_to(&out)
                .await
                .with_context(|| format!("writing backup {}", out.display()))?;
            store
                .audit(lachan_core::audit::AuditEntry {
                    actor: actor().actor,
                    action: "admin.backup".into(),
                    target: out.display().to_string(),
                    summary: "{}".into(),
                    source_ip: "local".into(),
                })
                .await?;
            println!("backup written to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Restore { data, from } => restore(&data, &from).await,
        AdminCommand::SeedDemo(d) => {
            let dir = DataDir::create_and_lock(&d.data)?;
            let store = dir.open_store().await?;
            match lachan_server::seed::seed_demo(store.as_ref(), &actor().actor)
                .await
                .map_err(|e| anyhow::anyhow!("loading the demo registry: {e}"))?
            {
                Some(s) => {
                    println!(
                        "demo data loaded: {} agencies, {} systems, {} plans, {} findings, \
                         {} letters, {} incidents, {} compliance scans",
                        s.agencies,
                        s.systems,
                        s.ops.plans,
                        s.ops.findings,
                        s.ops.letters,
                        s.ops.incidents,
                        s.ops.scans
                    );
                    println!("demo users (password for all: {}):", s.password);
                    for (u, r) in s.users {
                        println!("  {u:<16} {r}");
                    }
                }
                None => println!("demo data was already loaded"),
            }
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::CreateUser {
            data,
            username,
            role,
            agency,
            full_name,
        } => {
            let store = open(&data).await?;
            let role = Role::parse(&role).with_context(|| {
                format!("unknown role '{role}' (admin, analyst, agency_officer, auditor)")
            })?;
            let (pw, generated) = match std::env::var("LACHAN_NEW_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (lachan_server::auth::generate_password(), true),
            };
            lachan_server::auth::check_password_policy(&username, &pw)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = lachan_server::auth::hash_password(pw.clone())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let u = store
                .create_user(
                    &actor(),
                    NewUser {
                        username,
                        full_name,
                        password_hash: hash,
                        role,
                        agency_code: agency,
                        must_change_password: true,
                    },
                )
                .await?;
            println!("created user {} ({})", u.username, u.role);
            if generated {
                println!("temporary password (must be changed at first login): {pw}");
            }
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::ResetPassword { data, username } => {
            let store = open(&data).await?;
            let id = user_id(&store, &username).await?;
            let pw = lachan_server::auth::generate_password();
            let hash = lachan_server::auth::hash_password(pw.clone())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            store.set_password(&actor(), id, &hash, true).await?;
            store.unlock_user(&actor(), id).await?;
            println!("temporary password for {username} (must be changed at next login): {pw}");
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Unlock { data, username } => {
            let store = open(&data).await?;
            let id = user_id(&store, &username).await?;
            store.unlock_user(&actor(), id).await?;
            println!("unlocked {username}");
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Disable { data, username } => set_disabled(&data, &username, true).await,
        AdminCommand::Enable { data, username } => set_disabled(&data, &username, false).await,
    }
}

async fn set_disabled(data: &DataArg, username: &str, disabled: bool) -> anyhow::Result<ExitCode> {
    let store = open(data).await?;
    let id = user_id(&store, username).await?;
    store.set_user_disabled(&actor(), id, disabled).await?;
    println!(
        "{} {username}",
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(ExitCode::SUCCESS)
}

/// Check the backup in a scratch copy (schema, audit chain), then swap
/// it in, keeping the replaced database beside it.
async fn restore(data: &DataArg, from: &std::path::Path) -> anyhow::Result<ExitCode> {
    if !from.is_file() {
        bail!("backup file {} not found", from.display());
    }
    std::fs::create_dir_all(&data.data)?;
    let _lock = datadir::lock(&data.data)?;
    let target = data.data.join(lachan_store::sqlite::DB_FILE);
    let scratch = data.data.join("lachan.db.restoring");
    let _ = std::fs::remove_file(&scratch);
    std::fs::copy(from, &scratch).with_context(|| format!("copying {}", from.display()))?;
    let check = async {
        let s = SqliteStore::open_existing(&scratch)
            .await
            .with_context(|| format!("{} is not a usable Lá Chắn database", from.display()))?;
        let chain = s.verify_audit().await?;
        let n = match chain {
            Ok(n) => n,
            Err(e) => bail!("the backup's audit log is broken ({e}); refusing to restore it"),
        };
        s.audit(lachan_core::audit::AuditEntry {
            actor: actor().actor,
            action: "admin.restore".into(),
            target: from.display().to_string(),
            summary: format!("{{\"audit_rows\":{n}}}"),
            source_ip: "local".into(),
        })
        .await?;
        s.close().await;
        Ok(n)
    };
    let n = match check.await {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&scratch);
            return Err(e);
        }
    };
    if target.is_file() {
        let stamp =
            lachan_core::datefmt::to_rfc3339(lachan_core::datefmt::now_utc()).replace(':', "");
        let keep = data.data.join(format!("lachan.db.before-restore-{stamp}"));
        std::fs::rename(&target, &keep)?;
        println!("previous database kept as {}", keep.display());
    }
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(
            data.data
                .join(format!("{}{ext}", lachan_store::sqlite::DB_FILE)),
        );
        let _ = std::fs::remove_file(data.data.join(format!("lachan.db.restoring{ext}")));
    }
    std::fs::rename(&scratch, &target)?;
    println!("restored {} ({n} audit rows verified)", from.display());
    Ok(ExitCode::SUCCESS)
}
