//! Multipart forms of the console (spreadsheet import, incident evidence, scan results):
//! read whole into their text fields and the one file, every read error a 400 shown in
//! the user's layout. The CSRF token is a text field like any other; callers check it.

use std::collections::HashMap;

use axum::extract::Multipart;

use super::render::Fail;
use super::session::Ui;
use crate::AppError;

/// The file part of a form.
#[derive(Debug, Default)]
pub struct UploadedFile {
    pub name: Option<String>,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// A multipart form read whole.
#[derive(Debug, Default)]
pub struct UploadForm {
    fields: HashMap<String, String>,
    /// The field named `file`, when sent with content.
    pub file: Option<UploadedFile>,
}

impl UploadForm {
    /// Read every part of `form`; the part named `file` is the file.
    pub async fn read(ui: &Ui, mut form: Multipart) -> Result<Self, Fail> {
        let mut out = UploadForm::default();
        loop {
            let field = match form.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(ui.fail(AppError::BadRequest(format!("upload: {e}")))),
            };
            let name = field.name().unwrap_or_default().to_string();
            if name == "file" {
                let file_name = field.file_name().map(str::to_string);
                let media_type = field.content_type().unwrap_or_default().to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| ui.fail(AppError::BadRequest(format!("file: {e}"))))?;
                out.file = Some(UploadedFile {
                    name: file_name,
                    media_type,
                    bytes: bytes.to_vec(),
                })
                .filter(|f| !f.bytes.is_empty());
            } else {
                let v = field
                    .text()
                    .await
                    .map_err(|e| ui.fail(AppError::BadRequest(format!("{name}: {e}"))))?;
                out.fields.insert(name, v);
            }
        }
        Ok(out)
    }

    /// A text field (empty when absent).
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }

    /// A text field with content, trimmed.
    pub fn given(&self, name: &str) -> Option<String> {
        Some(self.text(name).trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
}
