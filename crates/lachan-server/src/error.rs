//! One error type for both front ends. The API renders it as
//! `{"error": {"code", "message"}}`; the console as a page or form message.
//! Internal causes are logged, never sent to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lachan_core::FieldError;
use lachan_store::StoreError;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthorized,
    #[error("invalid username or password")]
    BadCredentials,
    #[error("account is locked until {0}")]
    Locked(String),
    #[error("account is disabled")]
    Disabled,
    #[error("too many failed logins from this address; try again later")]
    TooManyAttempts,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(FieldError),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("import rejected: {message}")]
    Import {
        message: String,
        details: Vec<serde_json::Value>,
    },
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Locked(_) | AppError::Disabled | AppError::Forbidden(_) => {
                StatusCode::FORBIDDEN
            }
            AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::Import { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::BadCredentials => "bad_credentials",
            AppError::Locked(_) => "account_locked",
            AppError::Disabled => "account_disabled",
            AppError::TooManyAttempts => "too_many_attempts",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Invalid(_) => "invalid_field",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::Import { .. } => "import_invalid",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(FieldError::new(field, message))
    }

    pub fn forbidden() -> Self {
        AppError::Forbidden("your role does not allow this action".into())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(w) => AppError::NotFound(w),
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Invalid(f) => AppError::Invalid(f),
            StoreError::ImportRow {
                row,
                column,
                message,
            } => AppError::Import {
                message: format!("row {row}, column {column}: {message}"),
                details: vec![json!({"row": row, "column": column, "message": message})],
            },
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<FieldError> for AppError {
    fn from(f: FieldError) -> Self {
        AppError::Invalid(f)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            AppError::Internal(cause) => {
                tracing::error!(cause = %cause, "request failed");
                "internal error; the cause has been logged".to_string()
            }
            AppError::Invalid(f) => format!("{}: {}", f.field, f.message),
            other => other.to_string(),
        };
        let mut body = json!({"error": {"code": self.code(), "message": message}});
        match &self {
            AppError::Invalid(f) => body["error"]["field"] = json!(f.field),
            AppError::Import { details, .. } => body["error"]["details"] = json!(details),
            _ => {}
        }
        (status, Json(body)).into_response()
    }
}
