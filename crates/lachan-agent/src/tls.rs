//! Server certificate pinning: the first HTTPS connection (enrollment) records the
//! server certificate's SHA-256 unless one was given; later connections accept only that
//! certificate. Handshake signatures are always verified.

use std::sync::{Arc, Mutex};

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};

#[derive(Debug)]
pub struct PinVerifier {
    provider: Arc<rustls::crypto::CryptoProvider>,
    pin: Option<String>,
    seen: Mutex<Option<String>>,
}

impl PinVerifier {
    pub fn new(provider: Arc<rustls::crypto::CryptoProvider>, pin: Option<String>) -> Self {
        Self {
            provider,
            pin: pin.map(|p| p.to_lowercase().replace(':', "")),
            seen: Mutex::new(None),
        }
    }

    /// The certificate hash seen on the last handshake.
    pub fn seen(&self) -> Option<String> {
        self.seen.lock().ok().and_then(|g| g.clone())
    }
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let hash = hex::encode(Sha256::digest(end_entity.as_ref()));
        if let Ok(mut g) = self.seen.lock() {
            *g = Some(hash.clone());
        }
        match &self.pin {
            Some(p) if *p != hash => Err(rustls::Error::General(format!(
                "server certificate {hash} is not the pinned {p}"
            ))),
            _ => Ok(ServerCertVerified::assertion()),
        }
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

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
