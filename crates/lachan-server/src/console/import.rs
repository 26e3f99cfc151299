//! Import of agencies or systems from CSV/XLSX (all rows or none), and
//! export links.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use lachan_core::auth::Action;
use lachan_sheets::SheetFormat;
use serde::Deserialize;

use super::render::{self, Ctx, Fail, html};
use super::session::{OrPage, Ui};
use crate::service::{self, SheetKind};
use crate::{AppError, AppState};

pub struct Problem {
    pub row: String,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    c: Ctx,
    can_import: bool,
    can_agencies: bool,
    kind: String,
    result: Option<String>,
    error: Option<String>,
    problems: Vec<Problem>,
}

fn import_page(
    ui: Ui,
    status: StatusCode,
    kind: String,
    result: Option<String>,
    error: Option<String>,
    problems: Vec<Problem>,
) -> Response {
    let page = ImportPage {
        can_import: ui.can(Action::ImportRegistry),
        can_agencies: ui.can(Action::WriteAgencies),
        kind,
        result,
        error,
        problems,
        c: ui.c,
    };
    html(status, &page)
}

pub async fn page(ui: Ui) -> Response {
    import_page(ui, StatusCode::OK, "systems".into(), None, None, Vec::new())
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub async fn upload(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    form: Multipart,
) -> Result<Response, Fail> {
    let form = super::upload::UploadForm::read(&ui, form).await?;
    ui.check_csrf(form.text("_csrf"))?;
    let kind = form.text("kind").to_string();
    let file = form.file.map(|f| (f.name, f.bytes));
    let sheet = SheetKind::parse(&kind)
        .ok_or_else(|| ui.fail(AppError::invalid("kind", "must be agencies or systems")))?;
    let Some((fname, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let e = AppError::invalid("file", "choose a CSV or XLSX file");
        let msg = render::message(ui.c.lang, &e);
        return Ok(import_page(
            ui,
            e.status(),
            kind,
            None,
            Some(msg),
            Vec::new(),
        ));
    };
    match service::import(&st, &ui.p, sheet, fname.as_deref(), &bytes).await {
        Ok(s) => {
            let msg = format!(
                "{}: {} {}, {} {}",
                ui.t("import.done"),
                s.created,
                ui.t("import.created"),
                s.updated,
                ui.t("import.updated")
            );
            Ok(import_page(
                ui,
                StatusCode::OK,
                kind,
                Some(msg),
                None,
                Vec::new(),
            ))
        }
        Err(AppError::Import { message, details }) => {
            let problems = details
                .iter()
                .map(|d| Problem {
                    row: text(&d["row"]),
                    column: text(&d["column"]),
                    message: text(&d["message"]),
                })
                .collect();
            let msg = format!("{} {message}", ui.t("import.rejected"));
            Ok(import_page(
                ui,
                StatusCode::UNPROCESSABLE_ENTITY,
                kind,
                None,
                Some(msg),
                problems,
            ))
        }
        Err(e @ AppError::Invalid(_)) => {
            let msg = render::message(ui.c.lang, &e);
            Ok(import_page(
                ui,
                e.status(),
                kind,
                None,
                Some(msg),
                Vec::new(),
            ))
        }
        Err(e) => Err(ui.fail(e)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    format: String,
}

pub async fn export(
    State(st): State<Arc<AppState>>,
    ui: Ui,
    Path(kind): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, Fail> {
    let sheet = SheetKind::parse(&kind)
        .ok_or_else(|| ui.fail(AppError::NotFound(format!("export '{kind}'"))))?;
    let format = match q.format.as_str() {
        "" | "csv" => SheetFormat::Csv,
        "xlsx" => SheetFormat::Xlsx,
        _ => return Err(ui.fail(AppError::invalid("format", "must be csv or xlsx"))),
    };
    let bytes = service::export(&st, &ui.p, sheet, format)
        .await
        .or_page(&ui)?;
    let mime = match format {
        SheetFormat::Csv => "text/csv; charset=utf-8",
        SheetFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    let disposition = format!("attachment; filename=\"{kind}.{}\"", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
