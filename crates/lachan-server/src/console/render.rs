//! Page context shared by every template, HTML responses and the error page.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lachan_core::auth::Action;

use super::i18n::{Lang, t};
use crate::auth::Principal;
use crate::{AppError, AppState};

/// One entry of the top navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What the layout needs on every page.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    /// Session CSRF token for forms (empty before login).
    pub csrf: String,
    /// `username · role` of the signed-in user.
    pub user: Option<String>,
    pub nav: Vec<NavItem>,
    pub demo: bool,
    /// Link that switches to the other language and comes back here.
    pub lang_href: String,
    pub other_lang: &'static str,
    /// A confirmation after a redirect (`?ok=…`), already translated.
    pub flash: Option<&'static str>,
}

/// Percent-encode a query value.
pub fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|v| v.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

fn flash_from(here: &str, lang: Lang) -> Option<&'static str> {
    let query = here.split_once('?')?.1;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    let key = pairs.into_iter().find(|(k, _)| k == "ok")?.1;
    super::i18n::lookup(lang, &format!("ok.{key}"))
}

fn lang_link(lang: Lang, here: &str) -> (String, &'static str) {
    let other = lang.other();
    (
        format!("/lang?to={}&next={}", other.code(), enc(here)),
        other.switch_label(),
    )
}

impl Ctx {
    /// Context for pages shown before login.
    pub fn anonymous(state: &AppState, lang: Lang, here: &str) -> Self {
        let (lang_href, other_lang) = lang_link(lang, here);
        Self {
            lang,
            csrf: String::new(),
            user: None,
            nav: Vec::new(),
            demo: state.config.demo,
            lang_href,
            other_lang,
            flash: flash_from(here, lang),
        }
    }

    pub fn for_user(state: &AppState, p: &Principal, lang: Lang, here: String) -> Self {
        let path = here.split('?').next().unwrap_or("/");
        let role = p.user.role;
        let mut nav = Vec::new();
        let mut add = |href: &'static str, key: &str, allowed: bool| {
            if allowed {
                let current = if href == "/" {
                    path == "/"
                } else {
                    path.starts_with(href)
                };
                nav.push(NavItem {
                    href,
                    label: t(lang, key),
                    current,
                });
            }
        };
        add("/", "nav.dashboard", role.can(Action::ReadRegistry));
        add("/alerts", "nav.alerts", role.can(Action::ReadEvents));
        add("/events", "nav.events", role.can(Action::ReadEvents));
        add("/agents", "nav.agents", role.can(Action::ReadEvents));
        add("/tuning", "nav.tuning", role.can(Action::ReadEvents));
        let ops = role.can(Action::ReadOperations);
        add("/incidents", "nav.incidents", ops);
        add("/findings", "nav.findings", ops);
        add("/letters", "nav.letters", ops);
        add("/plans", "nav.plans", ops);
        add("/monitors", "nav.monitors", ops);
        add("/compliance", "nav.compliance", ops);
        add("/report", "nav.report", ops);
        add("/agencies", "nav.agencies", role.can(Action::ReadRegistry));
        add("/systems", "nav.systems", role.can(Action::ReadRegistry));
        add("/import", "nav.import", role.can(Action::ReadRegistry));
        add("/users", "nav.users", role.can(Action::ReadUsers));
        add("/audit", "nav.audit", role.can(Action::ReadAudit));
        let role_label = match lang {
            Lang::Vi => role.label_vi(),
            Lang::En => role.label_en(),
        };
        let mut c = Self::anonymous(state, lang, &here);
        c.csrf = p
            .session
            .as_ref()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default();
        c.user = Some(format!("{} · {role_label}", p.user.username));
        c.nav = nav;
        c
    }

    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }
}

/// Render a template as an HTML response that is never cached.
pub fn html<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

pub fn page<T: Template>(p: &T) -> Result<Response, Fail> {
    Ok(html(StatusCode::OK, p))
}

/// A list page's link: the non-empty filters, percent-encoded, then `page`.
pub fn list_href(path: &str, filters: &[(&str, &str)], page: i64) -> String {
    let mut s: Vec<String> = filters
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    s.push(format!("page={page}"));
    format!("{path}?{}", s.join("&"))
}

/// The `page` query parameter: empty means 1.
pub fn page_number(s: &str) -> Result<i64, AppError> {
    match s.trim() {
        "" => Ok(1),
        p => p
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| AppError::invalid("page", "must be a number from 1")),
    }
}

/// Redirect after a successful POST, with a confirmation key.
pub fn done(to: &str, ok: &str) -> Result<Response, Fail> {
    let sep = if to.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{to}{sep}ok={ok}")).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: &'a Ctx,
    status: u16,
    title: &'static str,
    message: String,
}

/// A failed request, shown as a page with the right status.
#[derive(Debug)]
pub struct Fail {
    err: AppError,
    ctx: Box<Option<Ctx>>,
    lang: Lang,
}

impl Fail {
    pub fn new(err: AppError, ctx: Ctx) -> Self {
        let lang = ctx.lang;
        Self {
            err,
            ctx: Box::new(Some(ctx)),
            lang,
        }
    }

    /// Without a layout (no user context yet).
    pub fn bare(err: AppError, lang: Lang) -> Self {
        Self {
            err,
            ctx: Box::new(None),
            lang,
        }
    }
}

/// A readable message for an error in the user's language.
pub fn message(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Invalid(f) => format!("{}: {}", super::i18n::field(lang, &f.field), f.message),
        AppError::Forbidden(m) if m == "CSRF" => t(lang, "err.csrf").to_string(),
        AppError::Forbidden(_) => t(lang, "err.forbidden").to_string(),
        AppError::NotFound(_) => t(lang, "err.not_found").to_string(),
        AppError::Internal(cause) => {
            tracing::error!(cause = %cause, "console request failed");
            t(lang, "err.internal").to_string()
        }
        AppError::Unauthorized => t(lang, "err.unauthorized").to_string(),
        AppError::BadCredentials => t(lang, "login.bad").to_string(),
        AppError::Locked(until) => format!("{} {until}.", t(lang, "login.locked")),
        AppError::Disabled => t(lang, "login.disabled").to_string(),
        AppError::TooManyAttempts => t(lang, "login.throttled").to_string(),
        other => other.to_string(),
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        let status = self.err.status();
        let ctx = match *self.ctx {
            Some(c) => c,
            None => Ctx {
                lang: self.lang,
                csrf: String::new(),
                user: None,
                nav: Vec::new(),
                demo: false,
                lang_href: "/".into(),
                other_lang: self.lang.other().switch_label(),
                flash: None,
            },
        };
        let title = match status {
            StatusCode::NOT_FOUND => "err.title.404",
            StatusCode::FORBIDDEN => "err.title.403",
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => "err.title.400",
            StatusCode::CONFLICT => "err.title.409",
            _ => "err.title.500",
        };
        let page = ErrorPage {
            status: status.as_u16(),
            title: ctx.t(title),
            message: message(ctx.lang, &self.err),
            c: &ctx,
        };
        html(status, &page)
    }
}
