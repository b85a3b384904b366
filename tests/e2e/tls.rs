//! `hookwarden serve --tls-cert --tls-key` serves HTTPS directly (Okta only calls HTTPS).

use hookwarden_tests::{ADMIN_TOKEN, ServerProcess};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// A server process serving HTTPS with a fresh self-signed certificate
/// for `localhost`, with `more` flags; returns it with the certificate.
fn https_server(
    dir: &tempfile::TempDir,
    more: &[&str],
) -> (ServerProcess, rcgen::CertifiedKey<rcgen::KeyPair>) {
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, generated.cert.pem()).unwrap();
    std::fs::write(&key_path, generated.signing_key.serialize_pem()).unwrap();
    let mut args = vec![
        "--tls-cert",
        cert_path.to_str().unwrap(),
        "--tls-key",
        key_path.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    (
        ServerProcess::start(&dir.path().join("data"), &args),
        generated,
    )
}

#[tokio::test]
async fn the_server_speaks_https_with_the_given_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (server, generated) = https_server(&dir, &[]);
    assert!(server.url.starts_with("https://"), "{}", server.url);

    // A client that trusts only this certificate.
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(generated.cert.der().to_vec()))
        .unwrap();
    let config = ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let address = server.url.trim_start_matches("https://").to_owned();
    let tcp = tokio::net::TcpStream::connect(&address).await.unwrap();
    let mut tls = TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("TLS handshake with the server's certificate");
    let request = format!(
        "GET /api/v1/inlineHooks HTTP/1.1\r\nHost: localhost\r\nAuthorization: SSWS {ADMIN_TOKEN}\r\nConnection: close\r\n\r\n"
    );
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tls.read_to_string(&mut response).await.unwrap_or_default();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("[]"), "{response}");

    // Plain HTTP to the HTTPS port gets no HTTP answer.
    let plain = reqwest::Client::new()
        .get(format!("http://{address}/api/v1/inlineHooks"))
        .send()
        .await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
    server.kill();
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_tls_handshake_is_closed_after_the_header_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _cert) = https_server(&dir, &["--header-timeout-ms", "500"]);
    let address = server.url.trim_start_matches("https://").to_owned();
    // The first bytes of a ClientHello record, then nothing.
    let started = std::time::Instant::now();
    let mut tcp = tokio::net::TcpStream::connect(&address).await.unwrap();
    tcp.write_all(&[0x16, 0x03, 0x01]).await.unwrap();
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Ok(n) = tcp.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
    let took = started.elapsed();
    assert!(
        closed.is_ok(),
        "the stalled handshake was still open after 5 s"
    );
    assert!(
        took >= std::time::Duration::from_millis(450),
        "closed after {took:?}"
    );
    server.kill();
}
