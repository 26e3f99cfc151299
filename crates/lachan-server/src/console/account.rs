//! The signed-in user's own account: password change (also forced after
//! an administrator created or reset the account) and API tokens.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lachan_core::datefmt;
use lachan_store::SessionKind;
use serde::Deserialize;

use super::render::{self, Ctx, Fail, done, html};
use super::session::CsrfOnly;
use super::session::{OrPage, PendingUi, Ui};
use crate::{AppError, AppState, auth, service};

#[derive(Debug, Default, Deserialize)]
pub struct PasswordInput {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

#[derive(Template)]
#[template(path = "password.html")]
struct ForcedPage {
    c: Ctx,
    error: Option<String>,
}

pub async fn forced_form(PendingUi(ui): PendingUi) -> Response {
    if !ui.p.user.must_change_password {
        return Redirect::to("/account").into_response();
    }
    html(
        StatusCode::OK,
        &ForcedPage {
            c: ui.c,
            error: None,
        },
    )
}

/// A password change ends every session of the user (the store removes
/// them), so the browser gets a fresh session and goes on to `to`.
async fn renewed(st: &AppState, ui: &Ui, to: &str) -> Result<Response, Fail> {
    let mut user = ui.p.user.clone();
    user.must_change_password = false;
    let (token, _) = auth::open_session(st, &user, SessionKind::Console, &ui.p.source_ip)
        .await
        .or_page(ui)?;
    let mut resp = done(to, "password")?;
    if let Ok(v) = auth::session_cookie(st, &token).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

async fn change(st: &AppState, ui: &Ui, f: &PasswordInput) -> Result<(), AppError> {
    if f.new_password != f.confirm_password {
        return Err(AppError::invalid(
            "confirm_password",
            "does not match the new password",
        ));
    }
    service::change_own_password(st, &ui.p, &f.current_password, &f.new_password).await
}

pub async fn forced_submit(
    State(st): State<Arc<AppState>>,
    PendingUi(ui): PendingUi,
    Form(f): Form<PasswordInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    match change(&st, &ui, &f).await {
        Ok(()) => renewed(&st, &ui, "/").await,
        Err(e @ AppError::Invalid(_)) => {
            let status = e.status();
            let error = Some(render::message(ui.c.lang, &e));
            Ok(html(status, &ForcedPage { c: ui.c, error }))
        }
        Err(e) => Err(ui.fail(e)),
    }
}

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: String,
    pub revoked: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Ctx,
    username: String,
    role: &'static str,
    agency: String,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    error: Option<String>,
}

async fn account_page(
    st: &AppState,
    ui: Ui,
    status: StatusCode,
    new_token: Option<String>,
    error: Option<String>,
) -> Result<Response, Fail> {
    let tokens = service::list_tokens(st, &ui.p).await.or_page(&ui)?;
    let role = match ui.c.lang {
        super::Lang::Vi => ui.p.user.role.label_vi(),
        super::Lang::En => ui.p.user.role.label_en(),
    };
    let page = AccountPage {
        username: ui.p.user.username.clone(),
        role,
        agency: ui.p.user.agency_code.clone().unwrap_or_default(),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                name: t.name,
                created: datefmt::datetime_vn(&t.created_at),
                last_used: t
                    .last_used_at
                    .as_deref()
                    .map(datefmt::datetime_vn)
                    .unwrap_or_default(),
                revoked: t
                    .revoked_at
                    .as_deref()
                    .map(datefmt::datetime_vn)
                    .unwrap_or_default(),
            })
            .collect(),
        new_token,
        error,
        c: ui.c,
    };
    Ok(html(status, &page))
}

pub async fn page(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    account_page(&st, ui, StatusCode::OK, None, None).await
}

pub async fn change_password(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(f): Form<PasswordInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    match change(&st, &ui, &f).await {
        Ok(()) => renewed(&st, &ui, "/account").await,
        Err(e @ AppError::Invalid(_)) => {
            let msg = render::message(ui.c.lang, &e);
            account_page(&st, ui, e.status(), None, Some(msg)).await
        }
        Err(e) => Err(ui.fail(e)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenInput {
    #[serde(default)]
    name: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// Creating a token shows it once, on the page that answers the POST.
pub async fn create_token(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(f): Form<TokenInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    match service::create_token(&st, &ui.p, f.name.trim()).await {
        Ok((_, token)) => account_page(&st, ui, StatusCode::OK, Some(token), None).await,
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let msg = render::message(ui.c.lang, &e);
            account_page(&st, ui, e.status(), None, Some(msg)).await
        }
        Err(e) => Err(ui.fail(e)),
    }
}

pub async fn revoke_token(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    service::revoke_token(&st, &ui.p, id).await.or_page(&ui)?;
    done("/account", "revoked")
}
