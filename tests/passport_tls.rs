//! Passport 1.4 over HTTPS: the client verifies certificates, refuses one it cannot trust (at the stage that met
//! it), and accepts it once its CA is given as an extra one (`--ca-file`). A TLS front with a freshly made
//! certificate for `localhost` forwards to the embedded server's HTTP listener (the Passport endpoints, and the
//! address-book services of MSNP13, verified the same way), all on loopback.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use msnp::client::{Client, ClientConfig, Failure, PassportError, ServiceError, Stage};
use msnp::server::{LOGIN_PATH, NEXUS_PATH, REDIRECTING_LOGIN_PATH, Server, ServerConfig};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig as TlsConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Starts a TLS front for `target` with a new self-signed certificate for `localhost`; returns its port and the
/// certificate in PEM. The task ends with the test's runtime.
async fn tls_front(target: SocketAddr) -> (u16, String) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("a certificate");
    let pem = certified.cert.pem();
    let chain = vec![CertificateDer::from(certified.cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = TlsConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("a TLS configuration");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind((LOOPBACK, 0)).await.expect("a port");
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: nothing to forward then.
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let Ok(mut plain) = TcpStream::connect(target).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (port, pem)
}

fn config(server: &Server) -> ClientConfig {
    let version = msnp::SPEC.version("MSNP8").expect("MSNP8");
    let mut config = ClientConfig::new(version, &server.dispatch.to_string(), "alice@example.com", "alice-password");
    config.timeout = Duration::from_secs(5);
    config
}

#[tokio::test]
async fn passport_over_https_verifies_the_certificate_and_trusts_an_extra_ca() {
    let server = Server::start(ServerConfig::default(), LOOPBACK, 0).await.expect("the server starts");
    let (port, pem) = tls_front(server.passport).await;

    // Not trusted: the nexus stage fails on the certificate.
    let mut untrusted = config(&server);
    untrusted.nexus = format!("https://localhost:{port}{NEXUS_PATH}");
    let error = Client::login(&untrusted).await.unwrap_err();
    assert_eq!(error.stage, Stage::Nexus, "{error}");
    assert!(matches!(error.failure, Failure::Passport(PassportError::Unreachable(_))), "{error}");
    assert!(error.to_string().to_lowercase().contains("certificate"), "{error}");

    // The same at the login server, reached directly.
    let mut untrusted = config(&server);
    untrusted.login_url = Some(format!("https://localhost:{port}{LOGIN_PATH}"));
    let error = Client::login(&untrusted).await.unwrap_err();
    assert_eq!(error.stage, Stage::Login, "{error}");
    assert!(!error.is_bad_credentials(), "{error}");

    // Trusted with the extra CA, but the HTTPS nexus names an HTTP login server (the embedded server's own): the
    // password would leave in cleartext, so the nexus stage refuses it.
    let mut cleartext = config(&server);
    cleartext.extra_ca = Some(pem.clone().into_bytes());
    cleartext.nexus = format!("https://localhost:{port}{NEXUS_PATH}");
    cleartext.record = true;
    let error = Client::login(&cleartext).await.unwrap_err();
    assert_eq!(error.stage, Stage::Nexus, "{error}");
    assert!(matches!(error.failure, Failure::Passport(PassportError::Nexus(_))), "{error}");
    assert!(error.to_string().contains("which is not HTTPS; the password is not sent there"), "{error}");
    assert!(!error.transcript.map(|t| t.text().to_string()).unwrap_or_default().contains("alice-password"));

    // Trusted with the extra CA: the nexus and the login server both over HTTPS, then the login server alone.
    for (nexus, login) in [(true, true), (false, true)] {
        let mut trusted = config(&server);
        trusted.extra_ca = Some(pem.clone().into_bytes());
        if nexus {
            trusted.nexus = format!("https://localhost:{port}{NEXUS_PATH}");
        }
        if login {
            trusted.login_url = Some(format!("https://localhost:{port}{LOGIN_PATH}"));
        }
        let mut client = Client::login(&trusted).await.unwrap_or_else(|e| panic!("nexus {nexus}, login {login}: {e}"));
        client.synchronise().await.unwrap();
        client.sign_out().await.unwrap();
    }
    // A login server over HTTPS that redirects to HTTP: the password is not sent there.
    let mut downgraded = config(&server);
    downgraded.extra_ca = Some(pem.into_bytes());
    downgraded.login_url = Some(format!("https://localhost:{port}{REDIRECTING_LOGIN_PATH}"));
    let error = Client::login(&downgraded).await.unwrap_err();
    assert_eq!(error.stage, Stage::Login, "{error}");
    assert!(matches!(error.failure, Failure::Passport(PassportError::Login(_))), "{error}");
    assert!(error.to_string().contains("from HTTPS"), "{error}");
}

#[tokio::test]
async fn the_address_book_services_over_https_verify_the_certificate_too() {
    let server = Server::start(ServerConfig::default(), LOOPBACK, 0).await.expect("the server starts");
    let (port, pem) = tls_front(server.passport).await;
    let msnp13 = |extra_ca: Option<Vec<u8>>| {
        let mut config = config(&server);
        config.version = msnp::SPEC.version("MSNP13").expect("MSNP13");
        config.nexus = server.nexus_url();
        config.soap_url = format!("https://localhost:{port}");
        config.extra_ca = extra_ca;
        config
    };
    // Passport over HTTP as configured; the services over HTTPS, not trusted: the first call fails on it.
    let mut client = Client::login(&msnp13(None)).await.expect("signed in");
    let error = client.synchronise().await.unwrap_err();
    assert_eq!(error.stage, Stage::Sharing, "{error}");
    assert!(matches!(error.failure, Failure::Service(ServiceError::Unreachable(_))), "{error}");
    assert!(error.to_string().to_lowercase().contains("certificate"), "{error}");
    // With the extra CA, both calls go through.
    let mut client = Client::login(&msnp13(Some(pem.into_bytes()))).await.expect("signed in");
    let list = client.synchronise().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(list.contacts.len(), 3);
    client.sign_out().await.unwrap();
}
