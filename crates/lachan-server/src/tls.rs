//! TLS for the server (rustls, ring provider): a certificate and key
//! from files, or a self-signed certificate generated once into the
//! data directory.

use std::path::{Path, PathBuf};

use axum_server::tls_rustls::RustlsConfig;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("reading TLS material {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("generating a self-signed certificate: {0}")]
    Generate(String),
    #[error("writing {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Load a PEM certificate chain and private key.
pub async fn from_files(cert: &Path, key: &Path) -> Result<RustlsConfig, TlsError> {
    RustlsConfig::from_pem_file(cert, key)
        .await
        .map_err(|source| TlsError::Read {
            path: cert.to_path_buf(),
            source,
        })
}

/// Use `DATA/tls/self-signed.{crt,key}`, generating them on first use for
/// `localhost`, `127.0.0.1`, `::1` and the given extra names.
pub async fn self_signed(
    data_dir: &Path,
    names: &[String],
) -> Result<(RustlsConfig, PathBuf), TlsError> {
    let dir = data_dir.join("tls");
    let cert = dir.join("self-signed.crt");
    let key = dir.join("self-signed.key");
    if !(cert.is_file() && key.is_file()) {
        let mut sans = vec!["localhost".to_string(), "127.0.0.1".into(), "::1".into()];
        sans.extend(names.iter().cloned());
        let ck = rcgen::generate_simple_self_signed(sans)
            .map_err(|e| TlsError::Generate(e.to_string()))?;
        std::fs::create_dir_all(&dir).map_err(|source| TlsError::Write {
            path: dir.clone(),
            source,
        })?;
        std::fs::write(&cert, ck.cert.pem()).map_err(|source| TlsError::Write {
            path: cert.clone(),
            source,
        })?;
        write_private(&key, ck.signing_key.serialize_pem().as_bytes()).map_err(|source| {
            TlsError::Write {
                path: key.clone(),
                source,
            }
        })?;
    }
    Ok((from_files(&cert, &key).await?, cert))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
