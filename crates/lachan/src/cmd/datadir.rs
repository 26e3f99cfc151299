//! The data directory: the database file and an exclusive lock held by
//! the running server, so that `admin restore` cannot swap the database
//! under it.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use lachan_store::sqlite::{DB_FILE, SqliteStore};

pub const LOCK_FILE: &str = "lachan.lock";

pub struct DataDir {
    path: PathBuf,
    _lock: Option<File>,
}

impl DataDir {
    /// Create the directory if needed and take the server lock.
    pub fn create_and_lock(path: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(path)
            .with_context(|| format!("creating data directory {}", path.display()))?;
        let lock = lock(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            _lock: Some(lock),
        })
    }

    /// An existing directory, without taking the lock (online reads).
    pub fn existing(path: &Path) -> anyhow::Result<Self> {
        if !path.join(DB_FILE).is_file() {
            bail!(
                "{} holds no Lá Chắn database ({DB_FILE} missing); pass --data",
                path.display()
            );
        }
        Ok(Self {
            path: path.to_path_buf(),
            _lock: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn db(&self) -> PathBuf {
        self.path.join(DB_FILE)
    }

    pub async fn open_store(&self) -> anyhow::Result<Arc<SqliteStore>> {
        let db = self.db();
        Ok(Arc::new(SqliteStore::open(&db).await.with_context(
            || format!("opening database {}", db.display()),
        )?))
    }
}

/// Take the exclusive lock; fails when a server holds it.
pub fn lock(path: &Path) -> anyhow::Result<File> {
    let f = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path.join(LOCK_FILE))
        .with_context(|| format!("opening lock file in {}", path.display()))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "another Lá Chắn process is using {} (stop the server first)",
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).context("locking the data directory"),
    }
}
