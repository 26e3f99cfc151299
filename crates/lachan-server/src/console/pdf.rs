//! PDF copies of printable pages (the periodic report, incident reports, letters),
//! made by headless Chromium from the same HTML the console shows, with the
//! stylesheet inlined and no script. Chromium is found through `LACHAN_CHROMIUM` or
//! on the PATH; without it the console says so and the browser's own Print → Save as
//! PDF remains.

use std::path::PathBuf;
use std::time::Duration;

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppError;

const CSS: &str = include_str!("../../static/console.css");

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LACHAN_CHROMIUM").map(PathBuf::from) {
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The page's HTML made self-contained for printing.
fn standalone(html: &str) -> String {
    html.replace(
        r#"<link rel="stylesheet" href="/static/console.css">"#,
        &format!("<style>{CSS}</style>"),
    )
    .replace(r#"<script src="/static/console.js" defer></script>"#, "")
}

/// Render `page` to PDF and answer it as a download named `file_name`.
pub async fn respond<T: Template>(page: &T, file_name: &str) -> Result<Response, AppError> {
    let html = page
        .render()
        .map_err(|e| AppError::Internal(format!("rendering for PDF: {e}")))?;
    let pdf = html_to_pdf(&standalone(&html)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        pdf,
    )
        .into_response())
}

async fn html_to_pdf(html: &str) -> Result<Vec<u8>, AppError> {
    let bin = chromium().ok_or_else(|| {
        AppError::Unavailable(
            "PDF export needs Chromium on the server (or LACHAN_CHROMIUM); use the browser's Print → Save as PDF".into(),
        )
    })?;
    let dir = tempfile::tempdir().map_err(|e| AppError::Internal(format!("temp dir: {e}")))?;
    let input = dir.path().join("page.html");
    let output = dir.path().join("page.pdf");
    tokio::fs::write(&input, html)
        .await
        .map_err(|e| AppError::Internal(format!("writing the page: {e}")))?;
    let mut cmd = tokio::process::Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--no-pdf-header-footer",
    ])
    .arg(format!(
        "--user-data-dir={}",
        dir.path().join("profile").display()
    ))
    .arg(format!("--print-to-pdf={}", output.display()))
    .arg(format!("file://{}", input.display()))
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .kill_on_drop(true);
    let status = tokio::time::timeout(Duration::from_secs(60), cmd.status())
        .await
        .map_err(|_| AppError::Unavailable("PDF rendering took longer than 60 s".into()))?
        .map_err(|e| AppError::Internal(format!("starting Chromium: {e}")))?;
    let pdf = tokio::fs::read(&output).await.unwrap_or_default();
    if !status.success() || !pdf.starts_with(b"%PDF-") {
        return Err(AppError::Internal(format!(
            "Chromium did not produce a PDF ({status})"
        )));
    }
    Ok(pdf)
}
