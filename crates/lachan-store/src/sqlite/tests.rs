use lachan_core::audit::ChainError;
use lachan_core::auth::{Role, Scope};
use lachan_core::registry::{AgencyKind, NewAgency, NewSystem};

use super::SqliteStore;
use crate::*;

async fn store() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    (s, dir)
}

fn ctx() -> AuditCtx {
    AuditCtx::new("tester", "127.0.0.1")
}

fn agency(code: &str, parent: Option<&str>) -> NewAgency {
    NewAgency {
        code: code.into(),
        name: format!("Cơ quan {code}"),
        kind: AgencyKind::ProvinceDepartment,
        parent_code: parent.map(Into::into),
    }
}

#[tokio::test]
async fn registry_roundtrip_and_scope() {
    let (s, _d) = store().await;
    let root = s.create_agency(&ctx(), agency("UBND", None)).await.unwrap();
    s.create_agency(&ctx(), agency("SO-A", Some("UBND")))
        .await
        .unwrap();
    let b = s
        .create_agency(&ctx(), agency("SO-B", Some("UBND")))
        .await
        .unwrap();
    s.create_agency(&ctx(), agency("XA-B1", Some("SO-B")))
        .await
        .unwrap();
    let sys = s
        .create_system(&ctx(), NewSystem::minimal("S1", "Hệ thống 1", "SO-A", 2))
        .await
        .unwrap();
    assert_eq!(sys.agency_code, "SO-A");
    s.create_system(&ctx(), NewSystem::minimal("S2", "Hệ thống 2", "XA-B1", 3))
        .await
        .unwrap();

    let sub = s.agency_subtree(b.id).await.unwrap();
    assert_eq!(sub.len(), 2);
    let page = s
        .list_systems(&SystemQuery::all(Scope::Agencies(sub)))
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].code, "S2");
    assert_eq!(s.agency_subtree(root.id).await.unwrap().len(), 4);

    // Duplicate code is a conflict, not a database error.
    let dup = s
        .create_system(&ctx(), NewSystem::minimal("S1", "x", "SO-A", 2))
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "{dup:?}");
    // Unknown agency names the field.
    let e = s
        .create_system(&ctx(), NewSystem::minimal("S9", "x", "NOPE", 2))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref f) if f.field == "agency_code"),
        "{e:?}"
    );
    // A cycle is refused.
    let e = s
        .update_agency(&ctx(), "UBND", agency("UBND", Some("XA-B1")))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");

    let d = s.dashboard(&Scope::All).await.unwrap();
    assert_eq!(d.systems_total, 2);
    assert_eq!(d.by_level, [0, 1, 1, 0, 0]);
    assert_eq!(d.per_agency.len(), 2);
}

#[tokio::test]
async fn import_is_all_or_nothing() {
    let (s, _d) = store().await;
    s.create_agency(&ctx(), agency("SO-A", None)).await.unwrap();
    let mut rows: Vec<(usize, NewSystem)> = (0..50)
        .map(|i| {
            (
                i + 2,
                NewSystem::minimal(&format!("S{i}"), "Hệ thống", "SO-A", 2),
            )
        })
        .collect();
    rows[30].1.agency_code = "SO-X".into();
    let e = s
        .import_systems(&ctx(), &Scope::All, rows.clone(), "t.csv")
        .await
        .unwrap_err();
    match e {
        StoreError::ImportRow { row, column, .. } => {
            assert_eq!(row, 32);
            assert_eq!(column, "agency_code");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        s.list_systems(&SystemQuery::all(Scope::All))
            .await
            .unwrap()
            .total,
        0
    );
    rows[30].1.agency_code = "SO-A".into();
    let sum = s
        .import_systems(&ctx(), &Scope::All, rows, "t.csv")
        .await
        .unwrap();
    assert_eq!(sum.created, 50);
    assert_eq!(
        s.list_systems(&SystemQuery::all(Scope::All))
            .await
            .unwrap()
            .total,
        50
    );
}

#[tokio::test]
async fn audit_chain_detects_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = SqliteStore::open(&path).await.unwrap();
    s.create_agency(&ctx(), agency("A", None)).await.unwrap();
    s.create_agency(&ctx(), agency("B", None)).await.unwrap();
    s.create_agency(&ctx(), agency("C", None)).await.unwrap();
    assert_eq!(s.verify_audit().await.unwrap(), Ok(3));
    let page = s
        .list_audit(&AuditQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.items[0].action, "agency.create");
    // Edit a row behind the store's back.
    sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
        .execute(&s.writer)
        .await
        .unwrap();
    assert_eq!(
        s.verify_audit().await.unwrap(),
        Err(ChainError::HashMismatch { seq: 2 })
    );
}

#[tokio::test]
async fn users_sessions_tokens() {
    let (s, _d) = store().await;
    s.create_agency(&ctx(), agency("SO-A", None)).await.unwrap();
    let e = s
        .create_user(
            &ctx(),
            NewUser {
                username: "officer".into(),
                full_name: "Cán bộ".into(),
                password_hash: "h".into(),
                role: Role::AgencyOfficer,
                agency_code: None,
                must_change_password: true,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref f) if f.field == "agency_code"));
    let u = s
        .create_user(
            &ctx(),
            NewUser {
                username: "officer".into(),
                full_name: "Cán bộ".into(),
                password_hash: "h".into(),
                role: Role::AgencyOfficer,
                agency_code: Some("SO-A".into()),
                must_change_password: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(u.agency_code.as_deref(), Some("SO-A"));
    assert!(u.must_change_password);
    assert_eq!(s.record_login_failure(&ctx(), u.id, None).await.unwrap(), 1);
    s.record_login_failure(&ctx(), u.id, Some("2099-01-01T00:00:00Z".into()))
        .await
        .unwrap();
    let locked = s.user_by_id(u.id).await.unwrap().unwrap();
    assert_eq!(locked.failed_logins, 2);
    assert!(locked.locked_until.is_some());
    s.unlock_user(&ctx(), u.id).await.unwrap();
    assert!(
        s.user_by_id(u.id)
            .await
            .unwrap()
            .unwrap()
            .locked_until
            .is_none()
    );

    let t = s
        .create_api_token(&ctx(), u.id, "siem", "abc")
        .await
        .unwrap();
    assert!(s.api_token_by_hash("abc").await.unwrap().is_some());
    s.revoke_api_token(&ctx(), u.id, t.id).await.unwrap();
    assert!(s.api_token_by_hash("abc").await.unwrap().is_none());
    assert_eq!(s.verify_audit().await.unwrap(), Ok(7));
}

#[tokio::test]
async fn backup_is_a_consistent_copy() {
    let (s, d) = store().await;
    s.create_agency(&ctx(), agency("A", None)).await.unwrap();
    let out = d.path().join("backup.db");
    s.backup_to(&out).await.unwrap();
    assert!(s.backup_to(&out).await.is_err(), "refuses to overwrite");
    let copy = SqliteStore::open_existing(&out).await.unwrap();
    assert!(copy.agency("A").await.unwrap().is_some());
    assert_eq!(copy.verify_audit().await.unwrap(), Ok(1));
}
