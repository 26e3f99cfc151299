//! TLS certificate facts: whether the server's chain validates for the host name against the
//! trusted roots (Mozilla roots plus extra CA files), why not, and the leaf's expiry.
//!
//! One handshake is made with a verifier that records the verification result and then lets
//! the handshake finish, so an invalid certificate is still described (expiry date).

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::Error;

/// Facts about a server certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsFacts {
    /// The chain validates for the host.
    pub valid: bool,
    /// Verification error (expired, unknown issuer, wrong name, ...).
    pub error: Option<String>,
    /// Leaf notAfter (Unix seconds).
    pub not_after: Option<i64>,
    /// Whole days until notAfter (negative when expired).
    pub days_left: Option<i64>,
}

/// Builds the root store: Mozilla's roots plus the PEM certificates given.
pub fn root_store(extra_pem: &[String]) -> Result<RootCertStore, Error> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for (n, pem) in extra_pem.iter().enumerate() {
        let ders = pem_certificates(pem);
        if ders.is_empty() {
            return Err(Error::CaParse {
                path: format!("extra root #{}", n + 1),
                reason: "no BEGIN CERTIFICATE block".into(),
            });
        }
        for der in ders {
            roots
                .add(CertificateDer::from(der))
                .map_err(|e| Error::CaParse {
                    path: format!("extra root #{}", n + 1),
                    reason: e.to_string(),
                })?;
        }
    }
    Ok(roots)
}

/// Extracts DER certificates from PEM text.
pub fn pem_certificates(pem: &str) -> Vec<Vec<u8>> {
    use base64::Engine;
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(b) = rest.find("-----BEGIN CERTIFICATE-----") {
        let after = &rest[b + 27..];
        let Some(e) = after.find("-----END CERTIFICATE-----") else {
            break;
        };
        let body: String = after[..e].chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(body) {
            out.push(der);
        }
        rest = &after[e + 25..];
    }
    out
}

/// Verifier for content fetches: accepts any certificate but checks handshake signatures.
#[derive(Debug)]
pub struct AcceptAnyCert {
    provider: Arc<CryptoProvider>,
}

impl AcceptAnyCert {
    pub fn new(provider: Arc<CryptoProvider>) -> Self {
        AcceptAnyCert { provider }
    }
}

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

type Recorded = Arc<Mutex<Option<(Result<(), String>, Vec<u8>)>>>;

/// Verifier that records the real verification result and lets the handshake continue.
#[derive(Debug)]
struct Recording {
    inner: Arc<WebPkiServerVerifier>,
    seen: Recorded,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut r = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            .map(|_| ())
            .map_err(|e| describe_error(&e));
        // A loopback address is also the machine's `localhost`: accept either name.
        if r.is_err()
            && let ServerName::IpAddress(ip) = server_name
            && std::net::IpAddr::from(*ip).is_loopback()
            && let Ok(local) = ServerName::try_from("localhost")
            && self
                .inner
                .verify_server_cert(end_entity, intermediates, &local, ocsp, now)
                .is_ok()
        {
            r = Ok(());
        }
        if let Ok(mut g) = self.seen.lock() {
            *g = Some((r, end_entity.as_ref().to_vec()));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

fn describe_error(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => "certificate expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => "certificate not valid yet".into(),
            C::UnknownIssuer => "untrusted issuer (self-signed or unknown CA)".into(),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "certificate issued for another name".into()
            }
            C::Revoked => "certificate revoked".into(),
            C::BadSignature => "bad certificate signature".into(),
            other => format!("invalid certificate: {other:?}"),
        },
        other => other.to_string(),
    }
}

/// Connects to `host:port`, verifies the certificate for `host` and returns the facts.
pub async fn inspect(
    host: &str,
    port: u16,
    roots: Arc<RootCertStore>,
    timeout: Duration,
) -> Result<TlsFacts, crate::error::FetchError> {
    use crate::error::FetchError;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
        .build()
        .map_err(|e| FetchError::Other(e.to_string()))?;
    let seen: Recorded = Arc::new(Mutex::new(None));
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| FetchError::Other(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Recording {
            inner,
            seen: seen.clone(),
        }))
        .with_no_client_auth();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let name: ServerName<'static> = match bare.parse::<IpAddr>() {
        Ok(ip) => ServerName::IpAddress(ip.into()),
        Err(_) => ServerName::try_from(bare.to_string())
            .map_err(|e| FetchError::Other(format!("bad server name {host}: {e}")))?,
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let handshake = async {
        let tcp = tokio::net::TcpStream::connect((bare, port))
            .await
            .map_err(|e| FetchError::Connect(e.to_string()))?;
        // The handshake result itself does not matter: the verifier recorded what it saw.
        let _ = connector.connect(name, tcp).await;
        Ok::<_, FetchError>(())
    };
    match tokio::time::timeout(timeout, handshake).await {
        Ok(r) => r?,
        Err(_) => return Err(FetchError::Timeout(timeout.as_secs())),
    }
    let recorded = seen.lock().ok().and_then(|g| g.clone());
    let Some((result, leaf)) = recorded else {
        return Err(FetchError::Other(
            "TLS handshake failed before a certificate was sent".into(),
        ));
    };
    let not_after = crate::der::validity(&leaf).map(|(_, na)| na);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Ok(TlsFacts {
        valid: result.is_ok(),
        error: result.err(),
        not_after,
        days_left: not_after.map(|na| (na - now).div_euclid(86_400)),
    })
}
