//! Secrets stay secret, in every version: the password, the MD5 digest made from it and the Passport ticket
//! appear in no transcript, no warning and no error message, whether the login succeeds, fails at the password, or
//! goes on through lines the client warns about.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use msnp::auth::md5_login_digest;
use msnp::client::{Client, ClientConfig};
use msnp::server::{Quirk, Server, ServerConfig};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn config(server: &Server, n: u32, password: &str) -> ClientConfig {
    let version = msnp::SPEC.version(&format!("MSNP{n}")).expect("a version");
    let mut config = ClientConfig::new(version, &server.dispatch.to_string(), "alice@example.com", password);
    config.nexus = server.nexus_url();
    config.soap_url = server.soap_url();
    config.timeout = Duration::from_secs(5);
    config.record = true;
    config
}

/// Every secret `text` could leak for `password`: the password, the MD5 digest of it with the salt the
/// transcript shows, and any Passport ticket (the embedded server's tickets are `t=...&p=...`).
fn leaks(text: &str, transcript: &str, password: &str) -> Vec<String> {
    let mut found = Vec::new();
    if text.contains(password) {
        found.push("the password".to_string());
    }
    for salt in transcript.lines().filter_map(|l| l.split(" MD5 S ").nth(1)).filter(|s| !s.starts_with('$')) {
        let digest = md5_login_digest(salt.trim(), password);
        if text.contains(&digest) {
            found.push(format!("the digest {digest}"));
        }
    }
    if text.contains("&p=") {
        found.push("a Passport ticket".to_string());
    }
    found
}

#[tokio::test]
async fn no_secret_in_transcripts_warnings_or_errors_in_any_version() {
    // Unknown commands in the SYN make the client warn, with the lines it saw.
    let quirky = ServerConfig { quirks: Quirk::UnknownCommands.into(), ..ServerConfig::default() };
    let server = Server::start(quirky, LOOPBACK, 0).await.expect("the server starts");
    for n in 2..=14 {
        // A good login, with warnings.
        let password = "alice-password";
        let mut client = Client::login(&config(&server, n, password)).await.unwrap_or_else(|e| panic!("MSNP{n}: {e}"));
        client.synchronise().await.unwrap_or_else(|e| panic!("MSNP{n}: {e}"));
        let warnings = client.warnings().join("\n");
        let transcript = client.sign_out().await.unwrap().expect("recorded").text().to_string();
        for (what, text) in [("transcript", &transcript), ("warnings", &warnings)] {
            let found = leaks(text, &transcript, password);
            assert!(found.is_empty(), "MSNP{n} {what} holds {found:?}:\n{text}");
        }
        assert!(transcript.contains("$md5(salt + password)") || transcript.contains("$ticket"), "MSNP{n}");
        // A wrong password: the error, its warnings and its transcript.
        let wrong = "not-alices-password-1234";
        let error = Client::login(&config(&server, n, wrong)).await.expect_err("refused");
        let transcript = error.transcript.as_ref().map(|t| t.text().to_string()).unwrap_or_default();
        let message = format!("{error}\n{}", error.warnings.join("\n"));
        for (what, text) in [("transcript", &transcript), ("error", &message)] {
            let found = leaks(text, &transcript, wrong);
            assert!(found.is_empty(), "MSNP{n} {what} of a refused login holds {found:?}:\n{text}");
        }
    }
}

#[test]
fn no_secret_in_what_msnp_login_prints() {
    // The CLI, refused and accepted, with the transcript written to a file.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = runtime.block_on(Server::start(ServerConfig::default(), LOOPBACK, 0)).expect("the server starts");
    let dir = std::env::temp_dir().join(format!("msnp-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for n in [5, 8, 12, 13] {
        for password in ["alice-password", "not-alices-password-1234"] {
            let path = dir.join(format!("msnp{n}.txt"));
            let (dispatch, nexus, version) = (server.dispatch.to_string(), server.nexus_url(), n.to_string());
            let args = ["login", "--version", &version, "--server", &dispatch, "--account", "alice@example.com"];
            let soap = server.soap_url();
            let more =
                ["--nexus", &nexus, "--soap-url", &soap, "--password-stdin", "--transcript", path.to_str().unwrap()];
            let (_, out, err) = msnp_tests::msnp(&[&args[..], &more[..]].concat(), format!("{password}\n").as_bytes());
            let transcript = std::fs::read_to_string(&path).unwrap_or_default();
            for (what, text) in [("stdout", &out), ("stderr", &err), ("transcript", &transcript)] {
                let found = leaks(text, &transcript, password);
                assert!(found.is_empty(), "MSNP{n} {what} holds {found:?}:\n{text}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
