//! Users: administrators create, disable, enable, unlock and reset
//! passwords; auditors see the list read-only.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lachan_core::auth::{Action, Role};
use lachan_core::datefmt;
use serde::Deserialize;

use super::i18n::Lang;
use super::render::{self, Ctx, Fail, done, enc, html};
use super::session::CsrfOnly;
use super::session::{OrPage, Ui};
use super::systems::{Opt, agency_options};
use crate::service::{self, CreateUser};
use crate::{AppError, AppState};

pub struct Row {
    pub username: String,
    pub url: String,
    pub full_name: String,
    pub role: &'static str,
    pub agency: String,
    pub disabled: bool,
    pub locked: bool,
    pub must_change: bool,
    pub last_login: String,
    pub is_self: bool,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct UserInput {
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency_code: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct ListPage {
    c: Ctx,
    rows: Vec<Row>,
    can_manage: bool,
    v: UserInput,
    roles: Vec<Opt>,
    agencies: Vec<Opt>,
    error_field: String,
    error: Option<String>,
}

impl ListPage {
    fn err(&self, field: &str) -> bool {
        self.error_field == field
    }
}

fn role_label(lang: Lang, r: Role) -> &'static str {
    match lang {
        Lang::Vi => r.label_vi(),
        Lang::En => r.label_en(),
    }
}

async fn render_list(
    st: &AppState,
    ui: Ui,
    v: UserInput,
    error: Option<AppError>,
) -> Result<Response, Fail> {
    let lang = ui.c.lang;
    let users = service::list_users(st, &ui.p).await.or_page(&ui)?;
    let now = datefmt::now_utc();
    let rows = users
        .into_iter()
        .map(|u| Row {
            url: enc(&u.username),
            is_self: u.id == ui.p.user.id,
            locked: u
                .locked_until
                .as_deref()
                .and_then(datefmt::parse_rfc3339)
                .is_some_and(|t| t > now),
            username: u.username,
            full_name: u.full_name,
            role: role_label(lang, u.role),
            agency: u.agency_code.unwrap_or_default(),
            disabled: u.disabled,
            must_change: u.must_change_password,
            last_login: u
                .last_login_at
                .as_deref()
                .map(datefmt::datetime_vn)
                .unwrap_or_default(),
        })
        .collect();
    let can_manage = ui.can(Action::ManageUsers);
    let roles = Role::ALL
        .iter()
        .map(|r| Opt {
            value: r.code().into(),
            label: role_label(lang, *r).into(),
            selected: r.code() == v.role,
        })
        .collect();
    let agencies = if can_manage {
        agency_options(st, &ui, &v.agency_code, Some(ui.t("user.no_agency"))).await?
    } else {
        Vec::new()
    };
    let (status, error_field, message) = match &error {
        Some(e) => (
            e.status(),
            match e {
                AppError::Invalid(f) => f.field.clone(),
                _ => String::new(),
            },
            Some(render::message(lang, e)),
        ),
        None => (StatusCode::OK, String::new(), None),
    };
    let page = ListPage {
        rows,
        can_manage,
        v: UserInput {
            password: String::new(),
            ..v
        },
        roles,
        agencies,
        error_field,
        error: message,
        c: ui.c,
    };
    Ok(html(status, &page))
}

pub async fn list(State(st): State<Arc<AppState>>, ui: Ui) -> Result<Response, Fail> {
    let v = UserInput {
        role: Role::Analyst.code().into(),
        ..Default::default()
    };
    render_list(&st, ui, v, None).await
}

pub async fn create(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Form(v): Form<UserInput>,
) -> Result<Response, Fail> {
    ui.check_csrf(&v.csrf)?;
    let u = CreateUser {
        username: v.username.trim().to_string(),
        password: v.password.clone(),
        role: v.role.clone(),
        agency_code: Some(v.agency_code.clone()),
        full_name: Some(v.full_name.trim().to_string()),
    };
    match service::create_user(&st, &ui.p, u).await {
        Ok(_) => done("/users", "created"),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            render_list(&st, ui, v, Some(e)).await
        }
        Err(e) => Err(ui.fail(e)),
    }
}

#[derive(Template)]
#[template(path = "user_reset.html")]
struct ResetPage {
    c: Ctx,
    username: String,
    password: String,
}

/// `disable`, `enable`, `unlock` or `reset` (the new temporary password
/// is shown once on the page answering the POST).
pub async fn operate(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path((username, op)): Path<(String, String)>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Fail> {
    ui.check_csrf(&f.csrf)?;
    match op.as_str() {
        "disable" => service::set_user_disabled(&st, &ui.p, &username, true)
            .await
            .or_page(&ui)?,
        "enable" => service::set_user_disabled(&st, &ui.p, &username, false)
            .await
            .or_page(&ui)?,
        "unlock" => service::unlock_user(&st, &ui.p, &username)
            .await
            .or_page(&ui)?,
        "reset" => {
            let password = service::reset_password(&st, &ui.p, &username, None)
                .await
                .or_page(&ui)?;
            return render::page(&ResetPage {
                username,
                password,
                c: ui.c,
            });
        }
        _ => return Err(ui.fail(AppError::NotFound("user operation".into()))),
    }
    done("/users", "saved")
}
