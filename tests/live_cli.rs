//! The live commands as a user runs them: `msnp login`, `msnp chg` and `msnp demo` in process against the embedded
//! server (started on its own runtime, on loopback), with their output, exit statuses and transcripts.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use msnp::client::{Client, ClientConfig};
use msnp::server::{Server, ServerConfig};
use msnp_cli::{EXIT_AUTH, EXIT_NETWORK, EXIT_OK, EXIT_PROTOCOL, EXIT_USAGE};
use msnp_tests::msnp;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// The embedded server on a runtime of its own, so that the commands can block on theirs.
struct Background {
    runtime: tokio::runtime::Runtime,
    server: Server,
}

impl Background {
    fn start() -> Background {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
        let server = runtime.block_on(Server::start(ServerConfig::default(), LOOPBACK, 0)).expect("the server starts");
        Background { runtime, server }
    }

    /// `login` arguments for the demo account `who` in version `n` (with the RST endpoint from MSNP15).
    fn args(&self, command: &str, n: u32, who: &str) -> Vec<String> {
        let rst = self.server.rst_url();
        let login_url: &[&str] = if n >= 15 { &["--login-url", &rst] } else { &[] };
        [command, "--version", &n.to_string(), "--server", &self.server.dispatch.to_string()]
            .into_iter()
            .chain(["--account", &format!("{who}@example.com"), "--nexus", &self.server.nexus_url()])
            .chain(login_url.iter().copied())
            .chain(["--soap-url", &self.server.soap_url()])
            .chain(["--password-stdin", "--timeout", "5"])
            .map(String::from)
            .collect()
    }
}

fn run(args: &[String], stdin: &str) -> (u8, String, String) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    msnp(&args, stdin.as_bytes())
}

fn temp_file(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("msnp-live-cli-{}-{name}", std::process::id()))
}

#[test]
fn login_dumps_the_account_as_json_and_records_a_transcript_that_validates() {
    let background = Background::start();
    for n in [2, 7, 8, 11, 14, 15, 16, 18] {
        let transcript = temp_file(&format!("msnp{n}.txt"));
        let mut args = background.args("login", n, "alice");
        args.extend(["--format".into(), "json".into(), "--transcript".into(), transcript.display().to_string()]);
        let (status, out, err) = run(&args, "alice-password\n");
        assert_eq!(status, EXIT_OK, "MSNP{n}: {err}");
        let dump: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(dump["version"], format!("MSNP{n}"));
        assert_eq!(dump["account"]["handle"], "alice@example.com");
        let keys: Vec<&str> = dump.as_object().unwrap().keys().map(String::as_str).collect();
        // (The map is sorted; the order of the output is pinned by the snapshot below.)
        assert_eq!(keys, ["account", "contacts", "groups", "version"], "MSNP{n}");
        // The same shape whether the lists came with SYN or, from MSNP13, from the address-book services.
        assert_eq!(dump["contacts"][0]["handle"], "bob@example.com", "MSNP{n}");
        assert_eq!(dump["contacts"][0]["lists"], serde_json::json!(["FL", "AL", "RL"]), "MSNP{n}");
        if n >= 7 {
            assert_eq!(dump["groups"][1]["name"], "Work Mates", "MSNP{n}");
        }
        // The transcript keeps no secret and validates clean.
        let text = std::fs::read_to_string(&transcript).unwrap();
        assert!(!text.contains("alice-password"), "MSNP{n}");
        assert!(!text.contains("&p="), "MSNP{n}: the ticket is redacted:\n{text}");
        // The SSO response (base64 of a header that starts the same for every response) is redacted too.
        assert!(!text.contains("HAAAAAEAAAADZgAABIAAAA"), "MSNP{n}: the response is redacted:\n{text}");
        if n >= 15 {
            assert!(text.contains(" SSO S $ticket $response"), "MSNP{n}:\n{text}");
        }
        assert!(!text.contains("0123456789abcdef"), "MSNP{n}: MSPAuth is redacted:\n{text}");
        let (status, out, _) = msnp(&["validate", &transcript.display().to_string()], b"");
        assert_eq!(status, EXIT_OK, "MSNP{n}:\n{out}\n{text}");
        // The HTTP exchanges are recorded too, as HTTP sections: Passport 1.4's nexus and login (MSNP8-14), the RST
        // endpoint (MSNP15-18), FindMembership and ABFindAll (MSNP13 on).
        let exchanges = match n {
            8..=12 => 2,
            13 | 14 => 4,
            15.. => 3,
            _ => 0,
        };
        let http = if exchanges > 0 { format!(", {exchanges} HTTP exchanges") } else { String::new() };
        assert!(out.contains(&format!("MSNP{n} (2 connections{http}), 0 errors")), "MSNP{n}: {out}");
        std::fs::remove_file(&transcript).unwrap();
    }
}

#[test]
fn a_wrong_password_exits_4_and_names_the_stage_in_every_version() {
    let background = Background::start();
    for n in 2..=18 {
        let (status, out, err) = run(&background.args("login", n, "alice"), "wrong\n");
        assert_eq!(status, EXIT_AUTH, "MSNP{n}: {out}{err}");
        let stage = match n {
            ..=7 => "failed at USR S",
            8..=14 => "failed at login",
            _ => "failed at RST: ",
        };
        assert!(err.contains(stage), "MSNP{n}: {err}");
        assert!(out.is_empty(), "MSNP{n}: {out}");
        if n <= 7 {
            // The server's line, with the error's meaning from the spec.
            assert!(err.contains("(server: `911 "), "MSNP{n}: {err}");
        }
        if n >= 15 {
            // The fault the RST endpoint answered with.
            assert!(err.contains("wsse:FailedAuthentication (Authentication Failure)"), "MSNP{n}: {err}");
        }
    }
    // With --transcript, the session up to the failure is kept: the refused digest is redacted.
    let transcript = temp_file("refused.txt");
    let mut args = background.args("login", 7, "alice");
    args.extend(["--transcript".into(), transcript.display().to_string()]);
    let (status, _, err) = run(&args, "wrong\n");
    assert_eq!(status, EXIT_AUTH, "{err}");
    assert!(err.contains("the session up to the failure is in"), "{err}");
    let text = std::fs::read_to_string(&transcript).unwrap();
    assert!(text.contains("C: USR 7 MD5 S $md5(salt + password)\nS: 911 7"), "{text}");
    std::fs::remove_file(&transcript).unwrap();
}

#[test]
fn chg_confirms_the_status_and_prints_the_presence_that_arrives() {
    let background = Background::start();
    // Bob comes online while Alice watches.
    let (dispatch, nexus) = (background.server.dispatch.to_string(), background.server.nexus_url());
    let bob = background.runtime.spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let version = msnp::SPEC.version("MSNP8").unwrap();
        let mut config = ClientConfig::new(version, &dispatch, "bob@example.com", "bob-password");
        config.nexus = nexus;
        let mut bob = Client::login(&config).await.unwrap();
        bob.set_status("BRB", Some(0)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(2500)).await;
        bob.sign_out().await.unwrap();
    });
    let mut args = background.args("chg", 8, "alice");
    args.splice(1..1, ["AWY".to_string(), "--watch".into(), "2".into()]);
    let (status, out, err) = run(&args, "alice-password\n");
    assert_eq!(status, EXIT_OK, "{err}");
    assert!(out.starts_with("MSNP8  alice@example.com  status AWY confirmed: CHG "), "{out}");
    assert!(out.contains("NLN    bob@example.com  BRB"), "{out}");
    background.runtime.block_on(bob).unwrap();
    // JSON, with nobody else online.
    let mut args = background.args("chg", 8, "alice");
    args.splice(1..1, ["HDN".to_string(), "--format".into(), "json".into()]);
    let (status, out, err) = run(&args, "alice-password\n");
    assert_eq!(status, EXIT_OK, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(report["status"], "HDN");
    assert!(report["echo"].as_str().unwrap().contains("HDN"), "{out}");
}

#[test]
fn demo_logs_in_to_the_embedded_server_in_every_version() {
    for n in 2..=18 {
        let (status, out, err) = msnp(&["demo", "--version", &n.to_string()], b"");
        assert_eq!(status, EXIT_OK, "MSNP{n}: {err}");
        assert!(out.starts_with(&format!("MSNP{n}  alice@example.com")), "MSNP{n}: {out}");
        assert!(err.contains("embedded server: dispatch 127.0.0.1:"), "MSNP{n}: {err}");
        assert!(out.contains("mallory@example.com  Mallory        BL,RL"), "MSNP{n}: {out}");
    }
}

#[test]
fn msnp13_address_book_failures_name_their_stage_and_exit_status() {
    let background = Background::start();
    for n in [13, 14] {
        let mut args = background.args("login", n, "alice");
        // A service that is not there: the HTTP listener answers 404 elsewhere.
        let at = args.iter().position(|a| a == "--soap-url").unwrap() + 1;
        args[at] = format!("{}/elsewhere", background.server.soap_url());
        let (status, out, err) = run(&args, "alice-password\n");
        assert_eq!(status, EXIT_PROTOCOL, "MSNP{n}: {err}");
        assert!(err.contains("failed at Sharing: http://127.0.0.1:"), "MSNP{n}: {err}");
        assert!(err.contains("/elsewhere/abservice/SharingService.asmx answered 404 Not Found"), "MSNP{n}: {err}");
        assert!(out.is_empty(), "MSNP{n}: {out}");
        // Nothing listens: a network failure.
        let port = std::net::TcpListener::bind((LOOPBACK, 0)).unwrap().local_addr().unwrap().port();
        args[at] = format!("http://127.0.0.1:{port}");
        let (status, _, err) = run(&args, "alice-password\n");
        assert_eq!(status, EXIT_NETWORK, "MSNP{n}: {err}");
        assert!(err.contains("failed at Sharing"), "MSNP{n}: {err}");
    }
}

#[test]
fn the_json_dump_keeps_its_documented_shape() {
    let (status, out, err) = msnp(&["demo", "--version", "8", "--format", "json"], b"");
    assert_eq!(status, EXIT_OK, "{err}");
    insta::assert_snapshot!("demo_msnp8_json", out);
    let (status, out, err) = msnp(&["demo", "--version", "7"], b"");
    assert_eq!(status, EXIT_OK, "{err}");
    insta::assert_snapshot!("demo_msnp7_table", out);
}

#[test]
fn connection_and_usage_failures_have_their_own_exit_statuses() {
    // Nothing listens on a port just released.
    let port = std::net::TcpListener::bind((LOOPBACK, 0)).unwrap().local_addr().unwrap().port();
    let server = format!("127.0.0.1:{port}");
    let args = ["login", "--version", "8", "--server", &server, "--account", "a@example.com", "--password-stdin"];
    let (status, _, err) = msnp(&args, b"x\n");
    assert_eq!(status, EXIT_NETWORK, "{err}");
    assert!(err.contains("failed at connect"), "{err}");
    // No password anywhere (standard input is not a terminal here).
    let (status, _, err) = msnp(&args, b"");
    assert_eq!(status, EXIT_USAGE, "{err}");
    assert!(err.contains("standard input holds no password"), "{err}");
    let (status, _, err) = msnp(&["login", "--version", "21", "--server", &server, "--account", "a@b.c"], b"");
    assert_eq!(status, EXIT_USAGE, "{err}");
    assert!(err.contains("MSNP2 to MSNP18"), "{err}");
    // A CA file without a certificate is refused before anything is sent.
    let not_pem = temp_file("not-a-ca.pem");
    std::fs::write(&not_pem, "not a certificate\n").unwrap();
    let mut with_ca = args.to_vec();
    let not_pem_arg = not_pem.display().to_string();
    with_ca.extend(["--ca-file", &not_pem_arg]);
    let (status, _, err) = msnp(&with_ca, b"x\n");
    assert_eq!(status, EXIT_USAGE, "{err}");
    assert!(err.contains("holds no PEM certificate"), "{err}");
    std::fs::remove_file(&not_pem).unwrap();
    let (status, _, err) = msnp(&["--spec", "spec", "demo"], b"");
    assert_eq!(status, EXIT_USAGE, "{err}");
    let (status, _, err) = msnp(&["demo", "--account", "eve@example.com"], b"");
    assert_eq!(status, EXIT_USAGE, "{err}");
    assert!(err.contains("not a demo account"), "{err}");
    let (status, _, err) = msnp(&["serve", "--accounts", "no-such-file.toml", "--duration", "1"], b"");
    assert_eq!(status, EXIT_USAGE, "{err}");
    assert!(err.contains("no-such-file.toml"), "{err}");
}
