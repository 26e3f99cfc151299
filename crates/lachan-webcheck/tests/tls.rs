//! TLS certificate judgement against local TLS servers with generated certificates: valid,
//! expired, self-signed, wrong name, and a loopback certificate named only `localhost`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use lachan_webcheck::tls::{TlsFacts, inspect, root_store};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, date_time_ymd};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;

struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn ca() -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Province test CA");
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Ca {
        pem: cert.pem(),
        issuer: Issuer::new(params, key),
    }
}

fn leaf(
    names: &[&str],
    ca: Option<&Ca>,
    expired: bool,
) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
    let mut params =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    if expired {
        params.not_before = date_time_ymd(2021, 1, 1);
        params.not_after = date_time_ymd(2022, 1, 1);
    } else {
        params.not_before = date_time_ymd(2024, 1, 1);
        params.not_after = date_time_ymd(2090, 1, 1);
    }
    let key = KeyPair::generate().unwrap();
    let cert = match ca {
        Some(ca) => params.signed_by(&key, &ca.issuer).unwrap(),
        None => params.self_signed(&key).unwrap(),
    };
    (
        cert.der().clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
}

async fn server(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(sock).await;
            });
        }
    });
    port
}

async fn facts(names: &[&str], ca: Option<&Ca>, trusted: &Ca, expired: bool) -> TlsFacts {
    let (cert, key) = leaf(names, ca, expired);
    let port = server(cert, key).await;
    let roots = Arc::new(root_store(std::slice::from_ref(&trusted.pem)).unwrap());
    inspect("127.0.0.1", port, roots, Duration::from_secs(3))
        .await
        .unwrap()
}

#[tokio::test]
async fn certificate_judgements() {
    let ca = ca();
    let ok = facts(&["127.0.0.1", "portal.example"], Some(&ca), &ca, false).await;
    assert!(ok.valid, "{ok:?}");
    assert!(ok.days_left.unwrap() > 20_000);

    let expired = facts(&["127.0.0.1"], Some(&ca), &ca, true).await;
    assert!(!expired.valid);
    assert_eq!(expired.error.as_deref(), Some("certificate expired"));
    assert!(expired.days_left.unwrap() < 0);

    let selfsigned = facts(&["127.0.0.1"], None, &ca, false).await;
    assert!(!selfsigned.valid);
    let why = selfsigned.error.unwrap();
    assert!(why.contains("untrusted"), "{why}");

    let wrong = facts(&["portal.other.example"], Some(&ca), &ca, false).await;
    assert!(!wrong.valid);
    assert!(wrong.error.unwrap().contains("another name"));

    let localhost = facts(&["localhost"], Some(&ca), &ca, false).await;
    assert!(localhost.valid, "{localhost:?}");
}

#[test]
fn ca_file_without_certificates_is_an_error() {
    let e = root_store(&["not a pem".to_string()]).err().unwrap();
    assert!(e.to_string().contains("no BEGIN CERTIFICATE"), "{e}");
}
