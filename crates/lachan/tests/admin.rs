//! `lachan admin`: audit verification catches edits made behind the
//! server's back; backup and restore round-trip; restore refuses a
//! broken backup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn lachan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lachan"))
        .args(args)
        .env("LACHAN_NEW_PASSWORD", "a long password")
        .output()
        .expect("running lachan")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

async fn sql(db: &Path, statement: &'static str) {
    use sqlx::ConnectOptions;
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .connect()
        .await
        .unwrap();
    sqlx::query(statement).execute(&mut c).await.unwrap();
}

#[tokio::test]
async fn verify_backup_restore() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();

    let o = lachan(&["admin", "seed-demo", "--data", d]);
    assert!(o.status.success(), "{}", text(&o));
    let o = lachan(&[
        "admin",
        "create-user",
        "--data",
        d,
        "--username",
        "nguyen.van.a",
        "--role",
        "analyst",
    ]);
    assert!(o.status.success(), "{}", text(&o));

    let o = lachan(&["admin", "verify-audit", "--data", d]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("intact"));

    let backup = dir.path().join("backup.db");
    let o = lachan(&[
        "admin",
        "backup",
        "--data",
        d,
        "--out",
        backup.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));

    // Edit one audit row directly in the database.
    sql(
        &data.join("lachan.db"),
        "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5",
    )
    .await;
    let o = lachan(&["admin", "verify-audit", "--data", d]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("audit row 5"), "{}", text(&o));

    // Restoring the backup brings back an intact chain.
    let o = lachan(&[
        "admin",
        "restore",
        "--data",
        d,
        "--from",
        backup.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = lachan(&["admin", "verify-audit", "--data", d]);
    assert!(o.status.success(), "{}", text(&o));

    // A tampered backup is refused and nothing changes.
    sql(&backup, "DELETE FROM audit_log WHERE seq = 3").await;
    let o = lachan(&[
        "admin",
        "restore",
        "--data",
        d,
        "--from",
        backup.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("audit log is broken"), "{}", text(&o));
    let o = lachan(&["admin", "verify-audit", "--data", d]);
    assert!(o.status.success(), "{}", text(&o));

    // Unknown data directory: a clear error.
    let o = lachan(&["admin", "verify-audit", "--data", "/nonexistent/lachan"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("no Lá Chắn database"), "{}", text(&o));
}

#[test]
fn enroll_token_is_printed_once_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    let o = lachan(&["admin", "seed-demo", "--data", d]);
    assert!(o.status.success(), "{}", text(&o));
    let o = lachan(&["admin", "enroll-token", "--data", d, "--agency", "NOPE"]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("no agency with code 'NOPE'"),
        "{}",
        text(&o)
    );
    let o = lachan(&[
        "admin",
        "enroll-token",
        "--data",
        d,
        "--agency",
        "HN-CA",
        "--expires",
        "0d",
    ]);
    assert!(!o.status.success());
    let o = lachan(&[
        "admin",
        "enroll-token",
        "--data",
        d,
        "--agency",
        "HN-CA",
        "--expires",
        "12h",
    ]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    let token = out
        .lines()
        .find(|l| l.starts_with("lce_"))
        .expect("token line");
    assert!(token.len() > 20);
    let o = lachan(&["admin", "verify-audit", "--data", d]);
    assert!(o.status.success(), "{}", text(&o));
}
