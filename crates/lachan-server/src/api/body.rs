//! A JSON body extractor whose rejections use the API's error shape:
//! a syntax error is 400, a missing or mistyped field is 422 naming it.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::AppError;

pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(match e {
                JsonRejection::JsonDataError(d) => {
                    let text = d.body_text();
                    let field = field_of(&text).unwrap_or_else(|| "body".into());
                    AppError::invalid(&field, text)
                }
                JsonRejection::JsonSyntaxError(s) => AppError::BadRequest(s.body_text()),
                JsonRejection::MissingJsonContentType(_) => {
                    AppError::BadRequest("expected Content-Type: application/json".into())
                }
                JsonRejection::BytesRejection(b) => AppError::BadRequest(b.body_text()),
                other => AppError::BadRequest(other.body_text()),
            }),
        }
    }
}

/// Pull the field name out of serde's message (`missing field `x`` or
/// `x: invalid type …`).
fn field_of(msg: &str) -> Option<String> {
    if let Some(i) = msg.find("missing field `") {
        let rest = &msg[i + 15..];
        return rest.split('`').next().map(str::to_string);
    }
    if let Some(i) = msg.find("unknown field `") {
        let rest = &msg[i + 15..];
        return rest.split('`').next().map(str::to_string);
    }
    // "Failed to deserialize the JSON body into the target type: security_level: invalid type…"
    let tail = msg.rsplit("target type: ").next()?;
    let (field, _) = tail.split_once(": ")?;
    (!field.contains(' ')).then(|| field.to_string())
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn names_the_field() {
        assert_eq!(field_of("Failed to deserialize the JSON body into the target type: missing field `name` at line 1").as_deref(), Some("name"));
        assert_eq!(
            field_of("Failed to deserialize the JSON body into the target type: security_level: invalid type: string \"x\", expected i64 at line 1 column 20").as_deref(),
            Some("security_level")
        );
    }
}
