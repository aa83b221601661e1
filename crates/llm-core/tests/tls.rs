//! HTTPS end to end with whichever rustls flavour the build has: `rustls` (aws-lc-rs, the
//! default, run by `cargo test --workspace`) or `rustls-ring` alone (CI runs
//! `cargo test -p llm-core --no-default-features --features rustls-ring --test tls`).
//! The server is a TLS listener on loopback with a committed self-signed certificate
//! (`tests/fixtures/loopback-*.pem`, for 127.0.0.1 and localhost).
#![cfg(any(feature = "rustls", feature = "rustls-ring"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use llm_core::{ApiRequest, ErrorKind, Transport};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CERT: &[u8] = include_bytes!("fixtures/loopback-cert.pem");
const KEY: &[u8] = include_bytes!("fixtures/loopback-key.pem");
const BODY: &str = r#"{"object":"list","data":[{"id":"over-tls"}]}"#;

/// Serves `BODY` over TLS to every connection; returns the port.
async fn tls_server() -> u16 {
    let cert = CertificateDer::from_pem_slice(CERT).unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
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
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: not an error here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{BODY}",
                    BODY.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test]
async fn https_round_trip_over_loopback() {
    let port = tls_server().await;
    let transport = Transport::builder(format!("https://127.0.0.1:{port}/v1"))
        .danger_accept_invalid_certs(true) // the fixture is self-signed
        .max_retries(0)
        .build()
        .unwrap();
    let body: serde_json::Value = transport
        .send_json(ApiRequest::get("models"))
        .await
        .unwrap();
    assert_eq!(body["data"][0]["id"], "over-tls");
    // With `rustls-ring` alone, building the client installed ring as the process's
    // provider (reqwest has none of its own then).
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
    assert!(rustls::crypto::CryptoProvider::get_default().is_some());
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_by_default() {
    let port = tls_server().await;
    let transport = Transport::builder(format!("https://127.0.0.1:{port}/v1"))
        .max_retries(0)
        .build()
        .unwrap();
    let err = transport
        .send_json::<serde_json::Value>(ApiRequest::get("models"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
}
