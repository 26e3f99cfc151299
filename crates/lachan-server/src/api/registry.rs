//! Agencies, information systems, assets, contacts, import/export.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use lachan_core::registry::{NewAgency, NewAsset, NewContact, NewSystem};
use lachan_sheets::SheetFormat;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ApiJson;
use crate::auth::ApiPrincipal;
use crate::service::{self, SheetKind, SystemFilter};
use crate::{AppError, AppState};

pub async fn list_agencies(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    let items = service::list_agencies(&st, &p).await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

pub async fn get_agency(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(service::get_agency(&st, &p, &code).await?)))
}

pub async fn create_agency(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(a): ApiJson<NewAgency>,
) -> Result<impl IntoResponse, AppError> {
    let a = service::create_agency(&st, &p, a).await?;
    Ok((StatusCode::CREATED, Json(json!(a))))
}

pub async fn update_agency(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(a): ApiJson<NewAgency>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(
        service::update_agency(&st, &p, &code, a).await?
    )))
}

pub async fn list_systems(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Query(f): Query<SystemFilter>,
) -> Result<Json<Value>, AppError> {
    let (page, q) = service::list_systems(&st, &p, &f, 100).await?;
    Ok(Json(
        json!({"items": page.items, "total": page.total, "offset": q.offset, "limit": q.limit}),
    ))
}

pub async fn get_system(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (s, assets, contacts) = service::system_parts(&st, &p, &code).await?;
    let mut v = json!(s);
    v["assets"] = json!(assets);
    v["contacts"] = json!(contacts);
    Ok(Json(v))
}

pub async fn create_system(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(s): ApiJson<NewSystem>,
) -> Result<impl IntoResponse, AppError> {
    let s = service::create_system(&st, &p, s).await?;
    Ok((StatusCode::CREATED, Json(json!(s))))
}

pub async fn update_system(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(s): ApiJson<NewSystem>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(
        service::update_system(&st, &p, &code, s).await?
    )))
}

pub async fn delete_system(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<StatusCode, AppError> {
    service::delete_system(&st, &p, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_assets(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (_, assets, _) = service::system_parts(&st, &p, &code).await?;
    Ok(Json(json!({"total": assets.len(), "items": assets})))
}

pub async fn add_asset(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(a): ApiJson<NewAsset>,
) -> Result<impl IntoResponse, AppError> {
    let a = service::add_asset(&st, &p, &code, a).await?;
    Ok((StatusCode::CREATED, Json(json!(a))))
}

pub async fn delete_asset(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path((code, id)): Path<(String, i64)>,
) -> Result<StatusCode, AppError> {
    service::delete_asset(&st, &p, &code, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_contacts(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (_, _, contacts) = service::system_parts(&st, &p, &code).await?;
    Ok(Json(json!({"total": contacts.len(), "items": contacts})))
}

pub async fn add_contact(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(c): ApiJson<NewContact>,
) -> Result<impl IntoResponse, AppError> {
    let c = service::add_contact(&st, &p, &code, c).await?;
    Ok((StatusCode::CREATED, Json(json!(c))))
}

pub async fn delete_contact(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path((code, id)): Path<(String, i64)>,
) -> Result<StatusCode, AppError> {
    service::delete_contact(&st, &p, &code, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn sheet_kind(kind: &str) -> Result<SheetKind, AppError> {
    SheetKind::parse(kind)
        .ok_or_else(|| AppError::NotFound(format!("sheet kind '{kind}' (use agencies or systems)")))
}

#[derive(Deserialize)]
pub struct ImportParams {
    filename: Option<String>,
}

/// The body is the file itself (CSV or XLSX, detected from its bytes or
/// `?filename=`).
pub async fn import(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(kind): Path<String>,
    Query(q): Query<ImportParams>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let kind = sheet_kind(&kind)?;
    if body.is_empty() {
        return Err(AppError::BadRequest(
            "the request body (the file) is empty".into(),
        ));
    }
    let s = service::import(&st, &p, kind, q.filename.as_deref(), &body).await?;
    Ok(Json(json!(s)))
}

#[derive(Deserialize)]
pub struct ExportParams {
    format: Option<String>,
}

pub async fn export(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
    Path(kind): Path<String>,
    Query(q): Query<ExportParams>,
) -> Result<impl IntoResponse, AppError> {
    let kind_enum = sheet_kind(&kind)?;
    let format = match q.format.as_deref() {
        None | Some("csv") => SheetFormat::Csv,
        Some("xlsx") => SheetFormat::Xlsx,
        Some(_) => return Err(AppError::invalid("format", "must be csv or xlsx")),
    };
    let bytes = service::export(&st, &p, kind_enum, format).await?;
    let mut h = HeaderMap::new();
    if let Ok(v) = format.content_type().parse() {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = format!("attachment; filename=\"{kind}.{}\"", format.extension()).parse() {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok((h, bytes))
}

pub async fn regimes(ApiPrincipal(_p): ApiPrincipal) -> Json<Value> {
    Json(json!({"items": lachan_core::regime::all()}))
}

pub async fn dashboard(
    State(st): State<Arc<AppState>>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(service::dashboard(&st, &p).await?)))
}
