use lachan_core::FieldError;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// A spreadsheet row that cannot be stored; nothing of the file was stored.
    #[error("row {row}, column {column}: {message}")]
    ImportRow {
        row: usize,
        column: String,
        message: String,
    },
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration {version} failed: {message}")]
    Migration { version: i64, message: String },
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
    /// The store cannot take the request now (closed, or a write it was grouped with
    /// failed); nothing of it was stored.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A stored row that the code itself wrote no longer reads back.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Map a UNIQUE violation to a readable conflict, keep the rest.
    pub(crate) fn from_write(e: sqlx::Error, what: &str) -> StoreError {
        if let sqlx::Error::Database(d) = &e {
            if d.is_unique_violation() {
                return StoreError::Conflict(format!("{what} already exists"));
            }
            if d.is_foreign_key_violation() {
                return StoreError::Conflict(format!(
                    "{what} is still referenced or refers to a missing record"
                ));
            }
            if d.is_check_violation() {
                return StoreError::Conflict(format!("{what} breaks a stored-data rule"));
            }
        }
        StoreError::Db(e)
    }
}
