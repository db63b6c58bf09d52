//! Secrets stay secret, in every version: the password, the MD5 digest made from it and the Passport ticket
//! appear in no transcript, no warning and no error message, whether the login succeeds, fails at the password, or
//! goes on through lines the client warns about; nor in the HTTP exchanges a transcript records (Passport 1.4's
//! `Authorization` and `Authentication-Info`, RST's `Password`, `BinarySecurityToken` and `BinarySecret`, cookies).

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
        // From MSNP8 the Passport requests are in the transcript, their password and ticket redacted.
        assert_eq!(transcript.contains("pwd=$password"), n >= 8, "MSNP{n}:\n{transcript}");
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

#[test]
fn no_secret_in_recorded_http_exchanges() {
    use msnp::net::{HttpRequest, HttpResponse, Transcript};
    let (password, ticket, proof) = ("p&ss<word>", "t=Zm9vYmFy&p=c2VjcmV0cGFydA", "c2VjcmV0IHByb29mIGtleQ==");
    let escaped_ticket = ticket.replace('&', "&amp;");
    let header = |n: &str, v: &str| (n.to_string(), v.to_string());
    let rst = HttpRequest {
        method: "POST".into(),
        url: "https://login.example.com/RST.srf".into(),
        headers: vec![header("Content-Type", "text/xml; charset=utf-8"), header("Cookie", &format!("MSPAuth={ticket}; MSPProf=x1"))],
        body: "<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:wsse=\"s\" xmlns:ps=\"p\"><Header><wsse:Security><wsse:UsernameToken><wsse:Username>alice@example.com</wsse:Username><wsse:Password>p&amp;ss&lt;word&gt;</wsse:Password></wsse:UsernameToken></wsse:Security></Header><Body><ps:RequestMultipleSecurityTokens><RequestSecurityToken/></ps:RequestMultipleSecurityTokens></Body></Envelope>"
        .as_bytes()
        .to_vec(),
    };
    let answer = HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![header("Content-Type", "text/xml"), header("Set-Cookie", &format!("MSPAuth={ticket}; path=/"))],
        body: format!(
            "<S:Envelope xmlns:S=\"e\"><S:Body><RequestSecurityTokenResponseCollection><RequestSecurityTokenResponse><RequestedSecurityToken><BinarySecurityToken Id=\"Compact1\">{escaped_ticket}</BinarySecurityToken></RequestedSecurityToken><RequestedProofToken><BinarySecret>{proof}</BinarySecret></RequestedProofToken></RequestSecurityTokenResponse></RequestSecurityTokenResponseCollection></S:Body></S:Envelope>"
        )
        .into_bytes(),
    };
    let login = HttpRequest {
        method: "GET".into(),
        url: "https://login.example.com/login2.srf".into(),
        headers: vec![header(
            "Authorization",
            &msnp::auth::passport_authorization("alice@example.com", password, "lc=1033"),
        )],
        body: Vec::new(),
    };
    let granted = HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![header("Authentication-Info", &format!("Passport1.4 da-status=success,from-PP='{ticket}'"))],
        body: Vec::new(),
    };
    let mut transcript = Transcript::new();
    transcript.open("127.0.0.1:1863");
    transcript.http(&rst, Some(&answer));
    transcript.http(&login, Some(&granted));
    let text = transcript.text();
    let encoded_password = "p%26ss%3Cword%3E";
    for secret in [password, "p&amp;ss", encoded_password, ticket, &escaped_ticket, "c2VjcmV0cGFydA", proof, "x1"] {
        assert!(!text.contains(secret), "the transcript holds {secret:?}:\n{text}");
    }
    for placeholder in ["$password", "$ticket", "$proof-key", "$cookie"] {
        assert!(text.contains(placeholder), "no {placeholder}:\n{text}");
    }
    // What the placeholders leave validates against the spec's services (RST from MSNP12, Passport to MSNP14).
    let options = msnp::validate::Options { version: msnp::SPEC.version("MSNP12"), ..msnp_tests::options() };
    let (summary, seen) = msnp_tests::run_with("http.txt", text.as_bytes(), &options);
    assert!(seen.diagnostics.is_empty(), "{:?}\n{text}", seen.diagnostics);
    assert_eq!(summary.http_exchanges, 2);
}
