//! Agencies, information systems, assets, contacts, imports, dashboard.

use std::collections::HashMap;

use async_trait::async_trait;
use lachan_core::FieldError;
use lachan_core::auth::Scope;
use lachan_core::registry::{
    Agency, AgencyKind, Asset, AssetKind, Contact, DossierStatus, NewAgency, NewAsset, NewContact,
    NewSystem, System,
};
use serde_json::json;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{SqliteStore, append_audit, entry, now};
use crate::{
    AgencyFigures, AuditCtx, Dashboard, ImportSummary, Page, RegistryStore, StoreError,
    StoreResult, SystemQuery, SystemSort, SystemWithAgency,
};

const SYSTEM_SELECT: &str =
    "SELECT s.id, s.code, s.name, a.code AS agency_code, a.name AS agency_name,
    s.agency_id, s.security_level, s.regime, s.operating_unit, s.purpose, s.approval_decision_no,
    s.approval_date, s.dossier_status, s.connects_population_db, s.created_at, s.updated_at
    FROM systems s JOIN agencies a ON a.id = s.agency_id";

fn agency_from(r: &SqliteRow) -> StoreResult<Agency> {
    let kind: String = r.try_get("kind")?;
    Ok(Agency {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: AgencyKind::parse(&kind).unwrap_or(AgencyKind::Other),
        parent_code: r.try_get("parent_code")?,
        created_at: r.try_get("created_at")?,
    })
}

fn system_from(r: &SqliteRow) -> StoreResult<SystemWithAgency> {
    let status: String = r.try_get("dossier_status")?;
    Ok(SystemWithAgency {
        agency_id: r.try_get("agency_id")?,
        system: System {
            id: r.try_get("id")?,
            code: r.try_get("code")?,
            name: r.try_get("name")?,
            agency_code: r.try_get("agency_code")?,
            agency_name: r.try_get("agency_name")?,
            security_level: r.try_get("security_level")?,
            regime: r.try_get("regime")?,
            operating_unit: r.try_get("operating_unit")?,
            purpose: r.try_get("purpose")?,
            approval_decision_no: r.try_get("approval_decision_no")?,
            approval_date: r.try_get("approval_date")?,
            dossier_status: DossierStatus::parse(&status).unwrap_or(DossierStatus::Drafting),
            connects_population_db: r.try_get("connects_population_db")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        },
    })
}

fn push_scope(qb: &mut QueryBuilder<Sqlite>, column: &str, scope: &Scope) {
    if let Scope::Agencies(ids) = scope {
        if ids.is_empty() {
            qb.push(" AND 0");
            return;
        }
        qb.push(format_args!(" AND {column} IN ("));
        let mut sep = qb.separated(", ");
        for id in ids {
            sep.push_bind(*id);
        }
        sep.push_unseparated(")");
    }
}

async fn agency_id(conn: &mut SqliteConnection, field: &str, code: &str) -> StoreResult<i64> {
    let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM agencies WHERE code = ?")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(id
        .ok_or_else(|| FieldError::new(field, format!("unknown agency '{code}'")))?
        .0)
}

async fn system_id(conn: &mut SqliteConnection, code: &str) -> StoreResult<i64> {
    let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM systems WHERE code = ?")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(id
        .ok_or_else(|| StoreError::NotFound(format!("system '{code}'")))?
        .0)
}

async fn write_system(
    conn: &mut SqliteConnection,
    s: &NewSystem,
    agency_id: i64,
    existing: Option<i64>,
) -> StoreResult<i64> {
    let ts = now();
    let q = match existing {
        Some(_) => sqlx::query(
            "UPDATE systems SET code = ?, name = ?, agency_id = ?, security_level = ?, regime = ?,
                operating_unit = ?, purpose = ?, approval_decision_no = ?, approval_date = ?,
                dossier_status = ?, connects_population_db = ?, updated_at = ?
             WHERE id = ?",
        ),
        None => sqlx::query(
            "INSERT INTO systems (code, name, agency_id, security_level, regime, operating_unit,
                purpose, approval_decision_no, approval_date, dossier_status,
                connects_population_db, updated_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ),
    };
    let q = q
        .bind(&s.code)
        .bind(&s.name)
        .bind(agency_id)
        .bind(s.security_level)
        .bind(s.regime.as_deref().unwrap_or_default())
        .bind(&s.operating_unit)
        .bind(&s.purpose)
        .bind(&s.approval_decision_no)
        .bind(&s.approval_date)
        .bind(s.dossier_status.unwrap_or(DossierStatus::Drafting).code())
        .bind(s.connects_population_db)
        .bind(&ts);
    let q = match existing {
        Some(id) => q.bind(id),
        None => q.bind(&ts),
    };
    let res = q
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("system '{}'", s.code)))?;
    Ok(existing.unwrap_or(res.last_insert_rowid()))
}

async fn write_agency(
    conn: &mut SqliteConnection,
    a: &NewAgency,
    parent_id: Option<i64>,
    existing: Option<i64>,
) -> StoreResult<i64> {
    let res = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE agencies SET code = ?, name = ?, kind = ?, parent_id = ? WHERE id = ?",
            )
            .bind(&a.code)
            .bind(&a.name)
            .bind(a.kind.code())
            .bind(parent_id)
            .bind(id)
            .execute(&mut *conn)
            .await
        }
        None => sqlx::query(
            "INSERT INTO agencies (code, name, kind, parent_id, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&a.code)
        .bind(&a.name)
        .bind(a.kind.code())
        .bind(parent_id)
        .bind(now())
        .execute(&mut *conn)
        .await,
    }
    .map_err(|e| StoreError::from_write(e, &format!("agency '{}'", a.code)))?;
    Ok(existing.unwrap_or(res.last_insert_rowid()))
}

/// Whether making `parent` the parent of `id` would close a cycle.
async fn creates_cycle(conn: &mut SqliteConnection, id: i64, parent: i64) -> StoreResult<bool> {
    let (n,): (i64,) = sqlx::query_as(
        "WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT a.parent_id FROM agencies a JOIN up ON a.id = up.id
            WHERE a.parent_id IS NOT NULL)
         SELECT COUNT(*) FROM up WHERE id = ?",
    )
    .bind(parent)
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// A component table of a system.
#[derive(Clone, Copy)]
enum Part {
    Asset,
    Contact,
}

impl SqliteStore {
    async fn delete_part(
        &self,
        ctx: &AuditCtx,
        system_code: &str,
        part: Part,
        id: i64,
    ) -> StoreResult<()> {
        let (sql, name) = match part {
            Part::Asset => ("DELETE FROM assets WHERE id = ? AND system_id = ?", "asset"),
            Part::Contact => (
                "DELETE FROM contacts WHERE id = ? AND system_id = ?",
                "contact",
            ),
        };
        let mut tx = self.writer.begin().await?;
        let sid = system_id(&mut tx, system_code).await?;
        let n = sqlx::query(sql)
            .bind(id)
            .bind(sid)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("{name} {id}")));
        }
        let target = format!("system:{system_code}/{name}:{id}");
        append_audit(
            &mut tx,
            &entry(ctx, &format!("{name}.delete"), target, json!({})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn system_by_id(&self, id: i64) -> StoreResult<System> {
        let sql = sqlx::AssertSqlSafe(format!("{SYSTEM_SELECT} WHERE s.id = ?"));
        let row = sqlx::query(sql).bind(id).fetch_one(&self.writer).await?;
        Ok(system_from(&row)?.system)
    }
}

#[async_trait]
impl RegistryStore for SqliteStore {
    async fn create_agency(&self, ctx: &AuditCtx, mut a: NewAgency) -> StoreResult<Agency> {
        a.validate()?;
        let mut tx = self.writer.begin().await?;
        let parent_id = match &a.parent_code {
            Some(p) => Some(agency_id(&mut tx, "parent_code", p).await?),
            None => None,
        };
        write_agency(&mut tx, &a, parent_id, None).await?;
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "agency.create",
                format!("agency:{}", a.code),
                json!({"after": a}),
            ),
        )
        .await?;
        tx.commit().await?;
        self.agency(&a.code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("agency '{}'", a.code)))
    }

    async fn update_agency(
        &self,
        ctx: &AuditCtx,
        code: &str,
        mut a: NewAgency,
    ) -> StoreResult<Agency> {
        a.validate()?;
        let before = self
            .agency(code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("agency '{code}'")))?;
        let mut tx = self.writer.begin().await?;
        let parent_id = match &a.parent_code {
            Some(p) => {
                let pid = agency_id(&mut tx, "parent_code", p).await?;
                if creates_cycle(&mut tx, before.id, pid).await? {
                    return Err(FieldError::new(
                        "parent_code",
                        "would make the agency its own ancestor",
                    )
                    .into());
                }
                Some(pid)
            }
            None => None,
        };
        write_agency(&mut tx, &a, parent_id, Some(before.id)).await?;
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "agency.update",
                format!("agency:{code}"),
                json!({"before": before, "after": a}),
            ),
        )
        .await?;
        tx.commit().await?;
        self.agency(&a.code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("agency '{}'", a.code)))
    }

    async fn agency(&self, code: &str) -> StoreResult<Option<Agency>> {
        let row = sqlx::query(
            "SELECT a.*, p.code AS parent_code FROM agencies a
             LEFT JOIN agencies p ON p.id = a.parent_id WHERE a.code = ?",
        )
        .bind(code)
        .fetch_optional(&self.writer)
        .await?;
        row.as_ref().map(agency_from).transpose()
    }

    async fn list_agencies(&self, scope: &Scope) -> StoreResult<Vec<Agency>> {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT a.*, p.code AS parent_code FROM agencies a
             LEFT JOIN agencies p ON p.id = a.parent_id WHERE 1",
        );
        push_scope(&mut qb, "a.id", scope);
        qb.push(" ORDER BY a.code");
        let rows = qb.build().fetch_all(&self.reader).await?;
        rows.iter().map(agency_from).collect()
    }

    async fn agency_subtree(&self, agency_id: i64) -> StoreResult<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT a.id FROM agencies a JOIN sub ON a.parent_id = sub.id)
             SELECT id FROM sub",
        )
        .bind(agency_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn create_system(&self, ctx: &AuditCtx, mut s: NewSystem) -> StoreResult<System> {
        s.validate()?;
        let mut tx = self.writer.begin().await?;
        let aid = agency_id(&mut tx, "agency_code", &s.agency_code).await?;
        let id = write_system(&mut tx, &s, aid, None).await?;
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "system.create",
                format!("system:{}", s.code),
                json!({"after": s}),
            ),
        )
        .await?;
        tx.commit().await?;
        self.system_by_id(id).await
    }

    async fn update_system(
        &self,
        ctx: &AuditCtx,
        code: &str,
        mut s: NewSystem,
    ) -> StoreResult<System> {
        s.validate()?;
        let mut tx = self.writer.begin().await?;
        let id = system_id(&mut tx, code).await?;
        let before = {
            let sql = sqlx::AssertSqlSafe(format!("{SYSTEM_SELECT} WHERE s.id = ?"));
            system_from(&sqlx::query(sql).bind(id).fetch_one(&mut *tx).await?)?.system
        };
        let aid = agency_id(&mut tx, "agency_code", &s.agency_code).await?;
        write_system(&mut tx, &s, aid, Some(id)).await?;
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "system.update",
                format!("system:{code}"),
                json!({"before": before.to_new(), "after": s}),
            ),
        )
        .await?;
        tx.commit().await?;
        self.system_by_id(id).await
    }

    async fn delete_system(&self, ctx: &AuditCtx, code: &str) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let id = system_id(&mut tx, code).await?;
        let before = {
            let sql = sqlx::AssertSqlSafe(format!("{SYSTEM_SELECT} WHERE s.id = ?"));
            system_from(&sqlx::query(sql).bind(id).fetch_one(&mut *tx).await?)?.system
        };
        sqlx::query("DELETE FROM systems WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_write(e, &format!("system '{code}'")))?;
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "system.delete",
                format!("system:{code}"),
                json!({"before": before.to_new()}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn system(&self, code: &str) -> StoreResult<Option<SystemWithAgency>> {
        let sql = sqlx::AssertSqlSafe(format!("{SYSTEM_SELECT} WHERE s.code = ?"));
        let row = sqlx::query(sql)
            .bind(code)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(system_from).transpose()
    }

    async fn list_systems(&self, q: &SystemQuery) -> StoreResult<Page<System>> {
        fn filters(qb: &mut QueryBuilder<Sqlite>, q: &SystemQuery) {
            push_scope(qb, "s.agency_id", &q.scope);
            if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                let pat = format!(
                    "%{}%",
                    t.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                );
                qb.push(" AND (s.code LIKE ")
                    .push_bind(pat.clone())
                    .push(" ESCAPE '\\' OR s.name LIKE ")
                    .push_bind(pat.clone())
                    .push(" ESCAPE '\\' OR a.name LIKE ")
                    .push_bind(pat)
                    .push(" ESCAPE '\\')");
            }
            if let Some(c) = &q.agency_code {
                qb.push(" AND a.code = ").push_bind(c.as_str());
            }
            if let Some(l) = q.level {
                qb.push(" AND s.security_level = ").push_bind(l);
            }
            if let Some(st) = q.status {
                qb.push(" AND s.dossier_status = ").push_bind(st.code());
            }
            if let Some(p) = q.population_db {
                qb.push(" AND s.connects_population_db = ").push_bind(p);
            }
        }
        let mut count = QueryBuilder::<Sqlite>::new(
            "SELECT COUNT(*) FROM systems s JOIN agencies a ON a.id = s.agency_id WHERE 1",
        );
        filters(&mut count, q);
        let total: i64 = count.build().fetch_one(&self.reader).await?.try_get(0)?;

        let mut qb = QueryBuilder::<Sqlite>::new(SYSTEM_SELECT);
        qb.push(" WHERE 1");
        filters(&mut qb, q);
        let col = match q.sort {
            SystemSort::Code => "s.code",
            SystemSort::Name => "s.name",
            SystemSort::Level => "s.security_level",
            SystemSort::Agency => "a.code",
            SystemSort::Status => "s.dossier_status",
            SystemSort::Updated => "s.updated_at",
        };
        let dir = if q.descending { "DESC" } else { "ASC" };
        qb.push(format_args!(" ORDER BY {col} {dir}, s.code ASC LIMIT "))
            .push_bind(q.limit.max(0))
            .push(" OFFSET ")
            .push_bind(q.offset.max(0));
        let rows = qb.build().fetch_all(&self.reader).await?;
        let items = rows
            .iter()
            .map(|r| system_from(r).map(|s| s.system))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page { items, total })
    }

    async fn add_asset(
        &self,
        ctx: &AuditCtx,
        system_code: &str,
        mut a: NewAsset,
    ) -> StoreResult<Asset> {
        a.validate()?;
        let mut tx = self.writer.begin().await?;
        let sid = system_id(&mut tx, system_code).await?;
        let id = sqlx::query(
            "INSERT INTO assets (system_id, kind, name, address, note) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(sid)
        .bind(a.kind.code())
        .bind(&a.name)
        .bind(&a.address)
        .bind(&a.note)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "asset.create",
                format!("system:{system_code}/asset:{id}"),
                json!({"after": a}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Asset {
            id,
            system_code: system_code.to_string(),
            kind: a.kind,
            name: a.name,
            address: a.address,
            note: a.note,
        })
    }

    async fn delete_asset(&self, ctx: &AuditCtx, system_code: &str, id: i64) -> StoreResult<()> {
        self.delete_part(ctx, system_code, Part::Asset, id).await
    }

    async fn list_assets(&self, system_code: &str) -> StoreResult<Vec<Asset>> {
        let rows = sqlx::query(
            "SELECT t.* FROM assets t JOIN systems s ON s.id = t.system_id WHERE s.code = ? ORDER BY t.id",
        )
        .bind(system_code)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(Asset {
                    id: r.try_get("id")?,
                    system_code: system_code.to_string(),
                    kind: AssetKind::parse(&kind).unwrap_or(AssetKind::Other),
                    name: r.try_get("name")?,
                    address: r.try_get("address")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
    }

    async fn add_contact(
        &self,
        ctx: &AuditCtx,
        system_code: &str,
        mut c: NewContact,
    ) -> StoreResult<Contact> {
        c.validate()?;
        let mut tx = self.writer.begin().await?;
        let sid = system_id(&mut tx, system_code).await?;
        let id = sqlx::query(
            "INSERT INTO contacts (system_id, name, role, phone, email) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(sid)
        .bind(&c.name)
        .bind(&c.role)
        .bind(&c.phone)
        .bind(&c.email)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "contact.create",
                format!("system:{system_code}/contact:{id}"),
                json!({"after": {"name": c.name, "role": c.role}}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Contact {
            id,
            system_code: system_code.to_string(),
            name: c.name,
            role: c.role,
            phone: c.phone,
            email: c.email,
        })
    }

    async fn delete_contact(&self, ctx: &AuditCtx, system_code: &str, id: i64) -> StoreResult<()> {
        self.delete_part(ctx, system_code, Part::Contact, id).await
    }

    async fn list_contacts(&self, system_code: &str) -> StoreResult<Vec<Contact>> {
        let rows = sqlx::query(
            "SELECT c.* FROM contacts c JOIN systems s ON s.id = c.system_id WHERE s.code = ? ORDER BY c.id",
        )
        .bind(system_code)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Contact {
                    id: r.try_get("id")?,
                    system_code: system_code.to_string(),
                    name: r.try_get("name")?,
                    role: r.try_get("role")?,
                    phone: r.try_get("phone")?,
                    email: r.try_get("email")?,
                })
            })
            .collect()
    }

    async fn import_agencies(
        &self,
        ctx: &AuditCtx,
        rows: Vec<(usize, NewAgency)>,
        source: &str,
    ) -> StoreResult<ImportSummary> {
        let mut tx = self.writer.begin().await?;
        let known: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM agencies")
            .fetch_all(&mut *tx)
            .await?;
        let mut ids: HashMap<String, i64> = known.into_iter().map(|(i, c)| (c, i)).collect();
        let (mut created, mut updated) = (0, 0);
        for (row, mut a) in rows {
            a.validate().map_err(|e| StoreError::ImportRow {
                row,
                column: e.field.clone(),
                message: e.message.clone(),
            })?;
            let parent_id = match &a.parent_code {
                Some(p) => Some(*ids.get(p).ok_or_else(|| StoreError::ImportRow {
                    row,
                    column: "parent_code".into(),
                    message: format!(
                        "unknown parent agency '{p}' (parents must come first or exist)"
                    ),
                })?),
                None => None,
            };
            let existing = ids.get(&a.code).copied();
            if let (Some(id), Some(pid)) = (existing, parent_id)
                && creates_cycle(&mut tx, id, pid).await?
            {
                return Err(StoreError::ImportRow {
                    row,
                    column: "parent_code".into(),
                    message: "would make the agency its own ancestor".into(),
                });
            }
            let id = write_agency(&mut tx, &a, parent_id, existing)
                .await
                .map_err(|e| StoreError::ImportRow {
                    row,
                    column: "code".into(),
                    message: e.to_string(),
                })?;
            if existing.is_some() {
                updated += 1;
            } else {
                created += 1;
            }
            ids.insert(a.code.clone(), id);
        }
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "agency.import",
                "agencies",
                json!({"source": source, "created": created, "updated": updated}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ImportSummary { created, updated })
    }

    async fn import_systems(
        &self,
        ctx: &AuditCtx,
        scope: &Scope,
        rows: Vec<(usize, NewSystem)>,
        source: &str,
    ) -> StoreResult<ImportSummary> {
        let mut tx = self.writer.begin().await?;
        let agencies: HashMap<String, i64> =
            sqlx::query_as::<_, (String, i64)>("SELECT code, id FROM agencies")
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
        let systems: HashMap<String, (i64, i64)> =
            sqlx::query_as::<_, (String, i64, i64)>("SELECT code, id, agency_id FROM systems")
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|(c, i, a)| (c, (i, a)))
                .collect();
        let (mut created, mut updated) = (0, 0);
        for (row, mut s) in rows {
            let bad = |column: &str, message: String| StoreError::ImportRow {
                row,
                column: column.to_string(),
                message,
            };
            s.validate().map_err(|e| bad(&e.field, e.message.clone()))?;
            let aid = *agencies
                .get(&s.agency_code)
                .ok_or_else(|| bad("agency_code", format!("unknown agency '{}'", s.agency_code)))?;
            if !scope.allows(aid) {
                return Err(bad(
                    "agency_code",
                    format!("agency '{}' is outside your scope", s.agency_code),
                ));
            }
            let existing = systems.get(&s.code).copied();
            if let Some((_, old_agency)) = existing
                && !scope.allows(old_agency)
            {
                return Err(bad(
                    "code",
                    format!(
                        "system '{}' belongs to an agency outside your scope",
                        s.code
                    ),
                ));
            }
            write_system(&mut tx, &s, aid, existing.map(|e| e.0))
                .await
                .map_err(|e| bad("code", e.to_string()))?;
            if existing.is_some() {
                updated += 1;
            } else {
                created += 1;
            }
        }
        append_audit(
            &mut tx,
            &entry(
                ctx,
                "system.import",
                "systems",
                json!({"source": source, "created": created, "updated": updated}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ImportSummary { created, updated })
    }

    async fn agency_for_address(&self, address: &str) -> StoreResult<Option<(i64, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT DISTINCT ag.id, ag.code FROM assets a
             JOIN systems s ON s.id = a.system_id JOIN agencies ag ON ag.id = s.agency_id
             WHERE lower(trim(a.address)) = lower(trim(?)) LIMIT 2",
        )
        .bind(address)
        .fetch_all(&self.reader)
        .await?;
        Ok(match rows.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        })
    }

    async fn dashboard(&self, scope: &Scope) -> StoreResult<Dashboard> {
        let mut d = Dashboard::default();
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT security_level, dossier_status, connects_population_db, COUNT(*) AS n
             FROM systems s WHERE 1",
        );
        push_scope(&mut qb, "s.agency_id", scope);
        qb.push(" GROUP BY 1, 2, 3");
        let mut by_status: HashMap<String, i64> = HashMap::new();
        for r in qb.build().fetch_all(&self.reader).await? {
            let level: i64 = r.try_get(0)?;
            let status: String = r.try_get(1)?;
            let pop: bool = r.try_get(2)?;
            let n: i64 = r.try_get(3)?;
            if let Some(slot) = usize::try_from(level - 1)
                .ok()
                .and_then(|i| d.by_level.get_mut(i))
            {
                *slot += n;
            }
            d.systems_total += n;
            if status == DossierStatus::Approved.code() {
                d.approved += n;
            }
            if pop {
                d.population_db += n;
            }
            *by_status.entry(status).or_default() += n;
        }
        d.by_status = DossierStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.code().to_string(),
                    by_status.get(s.code()).copied().unwrap_or(0),
                )
            })
            .collect();
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT a.code, a.name, COUNT(s.id), COALESCE(SUM(s.dossier_status = 'approved'), 0)
             FROM agencies a LEFT JOIN systems s ON s.agency_id = a.id WHERE 1",
        );
        push_scope(&mut qb, "a.id", scope);
        qb.push(" GROUP BY a.id ORDER BY COUNT(s.id) DESC, a.code");
        for r in qb.build().fetch_all(&self.reader).await? {
            d.agencies_total += 1;
            let systems: i64 = r.try_get(2)?;
            if systems > 0 {
                d.per_agency.push(AgencyFigures {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    systems,
                    approved: r.try_get(3)?,
                });
            }
        }
        Ok(d)
    }
}
