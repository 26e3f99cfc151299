//! Who is calling a console page: the session cookie resolved to a
//! [`Principal`], the language, and the CSRF token that every form carries.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use lachan_core::auth::Action;

use super::i18n::Lang;
use super::render::{Ctx, Fail};
use crate::auth::{self, Principal};
use crate::{AppError, AppState};

/// Name of the cookie holding the pre-session CSRF token of the login form.
pub const LOGIN_CSRF_COOKIE: &str = "lachan_login_csrf";
/// Name of the language cookie (`vi` or `en`).
pub const LANG_COOKIE: &str = "lang";

/// The language chosen by cookie; Vietnamese when absent or unknown.
pub fn lang(parts_headers: &axum::http::HeaderMap) -> Lang {
    auth::cookie(parts_headers, LANG_COOKIE)
        .and_then(|v| Lang::parse(&v))
        .unwrap_or(Lang::Vi)
}

/// Compare two secrets without an early exit on the first difference.
pub fn same_secret(a: &str, b: &str) -> bool {
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// A logged-in console user with the page context. Redirects to `/login`
/// without a valid session, and to `/password` while the user must change
/// the password.
pub struct Ui {
    pub p: Principal,
    pub c: Ctx,
}

/// Like [`Ui`] but allowed while a password change is pending (for the
/// password page and logout).
pub struct PendingUi(pub Ui);

async fn resolve(parts: &Parts, state: &Arc<AppState>) -> Result<Ui, Response> {
    let lang = lang(&parts.headers);
    let ip = auth::client_ip(parts);
    let here = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let p = match auth::principal_from_cookie(state, &parts.headers, ip).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            let next = if parts.method == axum::http::Method::GET && here != "/" {
                format!("/login?next={}", super::render::enc(&here))
            } else {
                "/login".into()
            };
            return Err(Redirect::to(&next).into_response());
        }
        Err(e) => return Err(Fail::bare(e, lang).into_response()),
    };
    let c = Ctx::for_user(state, &p, lang, here);
    Ok(Ui { p, c })
}

impl FromRequestParts<Arc<AppState>> for Ui {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let ui = resolve(parts, state).await?;
        if ui.p.user.must_change_password {
            return Err(Redirect::to("/password").into_response());
        }
        Ok(ui)
    }
}

impl FromRequestParts<Arc<AppState>> for PendingUi {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        Ok(PendingUi(resolve(parts, state).await?))
    }
}

/// A form whose only field is the CSRF token (buttons that act on the URL's object).
#[derive(Debug, serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

impl Ui {
    /// Reject a form whose `_csrf` field does not match the session's token.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), Fail> {
        let expected = self
            .p
            .session
            .as_ref()
            .map(|s| s.csrf_token.as_str())
            .unwrap_or_default();
        if same_secret(expected, submitted) {
            Ok(())
        } else {
            Err(self.fail(AppError::Forbidden("CSRF".into())))
        }
    }

    pub fn can(&self, a: Action) -> bool {
        self.p.user.role.can(a)
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.c.t(key)
    }

    /// An error page in this user's language and layout.
    pub fn fail(&self, e: AppError) -> Fail {
        Fail::new(e, self.c.clone())
    }
}

/// `Result<T, AppError>` → `Result<T, Fail>` rendered in the user's layout.
pub trait OrPage<T> {
    fn or_page(self, ui: &Ui) -> Result<T, Fail>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, ui: &Ui) -> Result<T, Fail> {
        self.map_err(|e| ui.fail(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", ""));
    }
}
