//! The client against a faulty embedded server, one fault per test: the server closes during SYN, announces a
//! payload of 1 GB, refers the client to itself with `XFR NS` forever, stops answering, sends a line no spec
//! allows; Passport's nexus redirects, its login server redirects, and it answers 401. Each failure names its
//! stage; nothing hangs and nothing grows with what the server announces. The server's sessions, in turn, say what
//! ended them.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use msnp::client::{Client, ClientConfig, Failure, LoginError, PassportError, Stage};
use msnp::frame::FrameError;
use msnp::net::NetError;
use msnp::server::{Fault, REDIRECTING_NEXUS_PATH, Server, ServerConfig, SessionError, Sessions};
use msnp_tests::alloc::{Counting, peak_of};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

async fn start(fault: Option<Fault>) -> Server {
    Server::start(ServerConfig { fault, ..ServerConfig::default() }, LOOPBACK, 0).await.expect("the server starts")
}

fn config(server: &Server, n: u32, password: &str) -> ClientConfig {
    let version = msnp::SPEC.version(&format!("MSNP{n}")).expect("a version of the spec");
    let mut config = ClientConfig::new(version, &server.dispatch.to_string(), "alice@example.com", password);
    config.nexus = server.nexus_url();
    config.soap_url = server.soap_url();
    config.timeout = Duration::from_secs(5);
    config
}

/// Logs in as Alice and synchronises.
async fn login_and_sync(config: &ClientConfig) -> Result<Client, LoginError> {
    let mut client = Client::login(config).await?;
    client.synchronise().await?;
    Ok(client)
}

#[tokio::test]
async fn the_server_closing_during_syn_fails_the_syn_stage() {
    let server = start(Some(Fault::CloseDuringSyn)).await;
    for n in [5, 7, 8, 12] {
        let error = login_and_sync(&config(&server, n, "alice-password")).await.unwrap_err();
        assert_eq!(error.stage, Stage::Syn, "MSNP{n}: {error}");
        assert!(matches!(error.failure, Failure::Network(NetError::Closed)), "MSNP{n}: {error}");
    }
}

#[test]
fn a_payload_of_one_gigabyte_is_refused_when_announced() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    for n in [7, 8] {
        let (result, peak) = peak_of(|| {
            runtime.block_on(async {
                let server = start(Some(Fault::HugePayload)).await;
                login_and_sync(&config(&server, n, "alice-password")).await
            })
        });
        let error = result.unwrap_err();
        assert!(
            matches!(
                error.failure,
                Failure::Network(NetError::Frame(FrameError::PayloadTooLarge { announced: 1_000_000_000, .. }))
            ),
            "MSNP{n}: {error}"
        );
        assert!(error.to_string().contains("1000000000"), "MSNP{n}: {error}");
        println!("MSNP{n}: peak heap {peak} bytes");
        // Client and server together: far below the announced gigabyte (the limit is checked before buffering).
        assert!(peak < 8 << 20, "MSNP{n}: {peak} bytes at the peak");
    }
}

#[tokio::test]
async fn an_xfr_ns_loop_ends_after_the_allowed_referrals() {
    let server = start(Some(Fault::RedirectLoop)).await;
    let mut config = config(&server, 8, "alice-password");
    config.max_referrals = 4;
    config.record = true;
    let started = Instant::now();
    let error = Client::login(&config).await.unwrap_err();
    assert_eq!(error.stage, Stage::UsrI, "{error}");
    assert!(matches!(error.failure, Failure::TooManyReferrals(4)), "{error}");
    assert!(error.to_string().contains("more than 4 referrals"), "{error}");
    // The recording of all five connections comes with the error.
    let transcript = error.transcript.expect("recorded");
    assert_eq!(transcript.text().matches("Client opens a connection").count(), 5, "{}", transcript.text());
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_server_that_stops_answering_times_out_at_the_next_step() {
    let server = start(Some(Fault::Silent)).await;
    for (n, stage) in [(7, Stage::Inf), (8, Stage::Cvr)] {
        let mut config = config(&server, n, "alice-password");
        config.timeout = Duration::from_millis(300);
        let started = Instant::now();
        let error = Client::login(&config).await.unwrap_err();
        assert_eq!(error.stage, stage, "MSNP{n}: {error}");
        assert!(matches!(error.failure, Failure::Network(NetError::Timeout(_))), "MSNP{n}: {error}");
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(300) && took < Duration::from_secs(3), "MSNP{n}: {took:?}");
    }
}

#[tokio::test]
async fn a_garbage_line_is_a_warning_and_the_session_goes_on() {
    let server = start(Some(Fault::GarbageLine)).await;
    for n in [7, 8, 14] {
        let mut client = login_and_sync(&config(&server, n, "alice-password")).await.unwrap();
        client.set_status("NLN", Some(0)).await.unwrap();
        let warnings = client.warnings();
        assert!(warnings.iter().any(|w| w.contains("ZZZ this is no command")), "MSNP{n}: {warnings:?}");
        client.sign_out().await.unwrap();
    }
}

#[tokio::test]
async fn a_redirecting_nexus_and_login_server_are_followed() {
    let server = Server::start(ServerConfig { passport_redirects: true, ..ServerConfig::default() }, LOOPBACK, 0)
        .await
        .expect("the server starts");
    let mut config = config(&server, 8, "alice-password");
    config.nexus = format!("http://{}{REDIRECTING_NEXUS_PATH}", server.passport);
    let client = login_and_sync(&config).await.unwrap_or_else(|e| panic!("{e}"));
    client.sign_out().await.unwrap();
}

#[tokio::test]
async fn a_wrong_password_is_refused_at_the_stage_that_checks_it() {
    let server = start(None).await;
    // Passport answers 401 (MSNP8 on); the notification server answers 911 to the MD5 digest (MSNP2 to MSNP7).
    for (n, stage) in [(2, Stage::UsrS), (7, Stage::UsrS), (8, Stage::Login), (14, Stage::Login)] {
        let error = Client::login(&config(&server, n, "not-the-password")).await.unwrap_err();
        assert_eq!(error.stage, stage, "MSNP{n}: {error}");
        assert!(error.is_bad_credentials(), "MSNP{n}: {error}");
        if n >= 8 {
            assert!(matches!(error.failure, Failure::Passport(PassportError::Refused(_))), "MSNP{n}: {error}");
            assert!(error.to_string().contains("da-status=failed"), "MSNP{n}: {error}");
        } else {
            assert_eq!(error.server_line.as_deref().map(|l| l.split(' ').next()), Some(Some("911")), "MSNP{n}");
        }
    }
}

#[tokio::test]
async fn a_version_the_server_refuses_is_a_clear_error() {
    let server =
        Server::start(ServerConfig { versions: 8..=14, ..ServerConfig::default() }, LOOPBACK, 0).await.unwrap();
    let error = Client::login(&config(&server, 5, "alice-password")).await.unwrap_err();
    assert_eq!(error.stage, Stage::Ver, "{error}");
    assert!(matches!(error.failure, Failure::VersionRefused), "{error}");
    assert_eq!(error.server_line.as_deref(), Some("VER 1 0"), "{error}");
}

#[tokio::test]
async fn a_watching_client_keeps_the_connection_alive_at_the_interval_qng_names() {
    let server = Server::start(ServerConfig { next_ping: 1, ..ServerConfig::default() }, LOOPBACK, 0).await.unwrap();
    let mut config = config(&server, 9, "alice-password");
    config.record = true;
    let mut client = login_and_sync(&config).await.unwrap();
    client.set_status("NLN", Some(0)).await.unwrap();
    client.watch(Duration::from_millis(2500)).await.unwrap();
    assert!(client.warnings().is_empty(), "{:?}", client.warnings());
    let transcript = client.sign_out().await.unwrap().expect("recorded");
    let text = transcript.text();
    let after_chg = &text[text.find("C: CHG").expect("CHG")..];
    // One PNG flushes the SYN; two more while watching, a second apart, each answered.
    assert_eq!(after_chg.matches("C: PNG").count(), 2, "{text}");
    assert_eq!(after_chg.matches("S: QNG 1").count(), 2, "{text}");
}

#[tokio::test]
async fn a_server_signing_the_client_out_names_the_reason_from_the_spec() {
    let server = start(Some(Fault::SignOut)).await;
    for n in [2, 8, 12] {
        let error = login_and_sync(&config(&server, n, "alice-password")).await.unwrap_err();
        assert_eq!(error.stage, Stage::Syn, "MSNP{n}: {error}");
        assert_eq!(error.server_line.as_deref(), Some("OUT OTH"), "MSNP{n}: {error}");
        assert!(error.to_string().contains("The account signed in somewhere else"), "MSNP{n}: {error}");
    }
}

#[tokio::test]
async fn dropping_the_server_ends_its_sessions() {
    let server = start(None).await;
    let mut client = login_and_sync(&config(&server, 8, "alice-password")).await.unwrap();
    drop(server);
    // The connection closes: the next read fails at once rather than at a timeout.
    let started = Instant::now();
    let error = client.set_status("NLN", Some(0)).await.unwrap_err();
    assert!(matches!(error.failure, Failure::Network(NetError::Closed | NetError::Io(_))), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Connects to `address` and waits for the server to close the connection after `send`; returns how long that
/// took (at most five seconds).
async fn closed_after(address: std::net::SocketAddr, send: &[u8]) -> Duration {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connects");
    stream.write_all(send).await.expect("sends");
    let started = Instant::now();
    let mut buffer = vec![0; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => {}
            Err(_) => panic!("the connection to {address} was still open after 5 s"),
        }
    }
}

#[tokio::test]
async fn connections_that_stall_are_closed_at_their_deadlines() {
    let config = ServerConfig {
        login_timeout: Duration::from_millis(300),
        frame_timeout: Duration::from_millis(300),
        http_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    };
    let server = Server::start(config, LOOPBACK, 0).await.unwrap();
    let cases: [(&str, std::net::SocketAddr, &[u8]); 5] = [
        ("silent before signing in (dispatch)", server.dispatch, b""),
        ("silent before signing in (notification)", server.notification, b""),
        ("negotiated, then silent", server.notification, b"VER 1 MSNP8 CVR0\r\n"),
        ("a line without its end", server.notification, b"VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 win"),
        (
            "a payload announced and never sent",
            server.notification,
            b"VER 1 MSNP8 CVR0\r\nQRY 2 msmsgs@msnmsgr.com 32\r\n",
        ),
    ];
    for (what, address, send) in cases {
        let took = closed_after(address, send).await;
        assert!(took < Duration::from_secs(2), "{what}: closed after {took:?}");
    }
    // The Passport endpoints: no header at all, and half a header.
    for send in [&b""[..], b"GET /rdr/pprdr.asp HTTP/1.1\r\nHost: x\r\n"] {
        let took = closed_after(server.passport, send).await;
        assert!(took < Duration::from_secs(2), "Passport: closed after {took:?}");
    }
    // A client that signs in in time is not affected.
    login_and_sync(&config_for(&server, 7)).await.expect("a login within the deadlines");
}

fn config_for(server: &Server, n: u32) -> ClientConfig {
    config(server, n, "alice-password")
}

/// Serves one connection on which the client sends `send` (then closes its side, when `close`), and gives how the
/// session ended.
async fn session_ended_by(send: &[u8], close: bool) -> Result<(), SessionError> {
    use tokio::io::AsyncWriteExt;
    let config = ServerConfig {
        limits: msnp::frame::Limits { max_line: 64, max_payload: 64 },
        // Long enough that a frame's deadline (30 s, counted from when the frame is seen to be under way) passes
        // first.
        login_timeout: Duration::from_secs(120),
        ..ServerConfig::default()
    };
    let sessions = Sessions::new(config, "127.0.0.1:1864".parse().expect("an address"));
    // The pipe holds everything the server answers, so that it never waits for this side to read.
    let (mut ours, theirs) = tokio::io::duplex(1 << 16);
    ours.write_all(send).await.expect("the pipe takes the bytes");
    if close {
        ours.shutdown().await.expect("the pipe closes");
    }
    let ended = sessions.serve(Box::new(theirs), "127.0.0.1:1863".parse().expect("an address"), false).await;
    drop(ours);
    ended
}

#[tokio::test(start_paused = true)]
async fn a_session_says_what_ended_it() {
    // Closes the protocol has: refused without signing in.
    assert!(session_ended_by(b"VER 1 MSNP8 CVR0\r\nSYN 2 0\r\n", false).await.is_ok());
    let ended = session_ended_by(b"VER 1 MSNP8 CVR0\r\n", true).await;
    assert!(matches!(ended, Err(SessionError::Closed)), "{ended:?}");
    let ended = session_ended_by(b"USR 1 MD5 I alice@example.com\r\n", false).await;
    assert!(matches!(&ended, Err(SessionError::NoVersion { command }) if command == "USR"), "{ended:?}");
    let ended = session_ended_by(b"VER x MSNP8\r\n", false).await;
    assert!(matches!(ended, Err(SessionError::Protocol(_))), "{ended:?}");
    let ended = session_ended_by(format!("VER 1 {}\r\n", "MSNP8 ".repeat(20)).as_bytes(), false).await;
    assert!(matches!(ended, Err(SessionError::Frame(NetError::Frame(FrameError::LineTooLong { .. })))), "{ended:?}");
    // Deadlines, on the paused clock: nothing sent, and a line that never ends.
    let ended = session_ended_by(b"", false).await;
    assert!(matches!(ended, Err(SessionError::Timeout { what: "the sign-in", .. })), "{ended:?}");
    let ended = session_ended_by(b"VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 win", false).await;
    assert!(matches!(ended, Err(SessionError::Timeout { what: "a frame under way", .. })), "{ended:?}");
    let error = ended.unwrap_err().to_string();
    assert_eq!(error, "a frame under way took longer than 30s");
}
