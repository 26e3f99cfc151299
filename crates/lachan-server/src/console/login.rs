//! Login (with a pre-session double-submit CSRF cookie), logout and the
//! language switch.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lachan_store::SessionKind;
use serde::Deserialize;

use super::i18n::Lang;
use super::render::{Ctx, Fail, html, message};
use super::session::{LANG_COOKIE, LOGIN_CSRF_COOKIE, PendingUi, lang, same_secret};
use crate::AppState;
use crate::auth;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Ctx,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only local paths are followed after login or a language switch.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/".into()
    }
}

fn login_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    )
}

fn login_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<String>,
) -> Response {
    let token = auth::random_token("");
    let here = format!("/login?next={}", super::render::enc(&next));
    let page = LoginPage {
        c: Ctx::anonymous(state, lang, &here),
        csrf: token.clone(),
        next,
        username,
        error,
    };
    let mut resp = html(status, &page);
    if let Ok(v) = login_cookie(state, &token).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub async fn form(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    login_page(
        &st,
        lang(&headers),
        StatusCode::OK,
        safe_next(&q.next),
        String::new(),
        None,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn submit(
    State(st): State<Arc<AppState>>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let lang = lang(&headers);
    let next = safe_next(&f.next);
    let cookie_token = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !same_secret(&cookie_token, &f.csrf) {
        let msg = super::i18n::t(lang, "login.expired").to_string();
        return login_page(
            &st,
            lang,
            StatusCode::FORBIDDEN,
            next,
            f.username,
            Some(msg),
        );
    }
    let ip = addr.ip().to_string();
    let user = match auth::authenticate(&st, &f.username, &f.password, &ip).await {
        Ok(u) => u,
        Err(e) => {
            let status = e.status();
            let msg = message(lang, &e);
            return login_page(&st, lang, status, next, f.username, Some(msg));
        }
    };
    let token = match auth::open_session(&st, &user, SessionKind::Console, &ip).await {
        Ok((token, _)) => token,
        Err(e) => return Fail::bare(e, lang).into_response(),
    };
    let to = if user.must_change_password {
        "/password".to_string()
    } else {
        next
    };
    let mut resp = Redirect::to(&to).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = auth::session_cookie(&st, &token).parse() {
        h.append(header::SET_COOKIE, v);
    }
    let secure = if st.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let clear =
        format!("{LOGIN_CSRF_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0{secure}");
    if let Ok(v) = clear.parse() {
        h.append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn logout(
    State(st): State<Arc<AppState>>,
    PendingUi(ui): PendingUi,
    Form(f): Form<CsrfForm>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    if let Some(s) = &ui.p.session {
        st.store
            .delete_session(&s.id_hash)
            .await
            .map_err(|e| ui.fail(e.into()))?;
    }
    st.store
        .audit(lachan_core::audit::AuditEntry {
            actor: ui.p.user.username.clone(),
            action: "auth.logout".into(),
            target: format!("user:{}", ui.p.user.username),
            summary: "{}".into(),
            source_ip: ui.p.source_ip.clone(),
        })
        .await
        .map_err(|e| ui.fail(e.into()))?;
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = auth::clear_cookie(&st).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    to: String,
    #[serde(default)]
    next: String,
}

/// Remember the chosen language for a year and go back.
pub async fn switch_lang(State(st): State<Arc<AppState>>, Query(q): Query<LangQuery>) -> Response {
    let lang = Lang::parse(&q.to).unwrap_or(Lang::Vi);
    let mut resp = Redirect::to(&safe_next(&q.next)).into_response();
    let secure = if st.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let v = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Strict; Max-Age=31536000{secure}",
        lang.code()
    );
    if let Ok(v) = v.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_local() {
        assert_eq!(safe_next("/systems?q=a"), "/systems?q=a");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil"), "/");
    }
}
