//! Single sign-on (MSNP15-18) at its edges, on loopback: the client against a scripted notification server and a
//! scripted RST endpoint that answer what each test gives (no messenger token, a fault with HTTP 200, a 403,
//! XML that is not well-formed, no USR OK ever), and the embedded server against hand-made lines (a response made
//! with the wrong key or for another nonce, a ticket used twice, a wrong password, a malformed request).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use msnp::account::sso::request::{CONTACTS, MESSENGER_CLEAR, PASSPORT_TB, RstRequest};
use msnp::account::sso::response::{
    FAILED_AUTHENTICATION, Issued, RstReply, read_response, write_fault, write_response,
};
use msnp::account::sso::{mbi_key_old, mbi_response, verify_mbi};
use msnp::client::{Client, ClientConfig, Failure, LoginError, PassportError, Stage};
use msnp::frame::Limits;
use msnp::net::{Connection, Frame};
use msnp::server::{RST_PATH, Server, ServerConfig};
use msnp::spec::Dir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: [u8; 24] = *b"a proof key of 24 bytes!";
const NONCE: &str = "8CLhG/xfgYZ7TyRQ/jIAWyDmd/w4R4GF2yKLS6tYrnjzi4cFag/Nr+hxsfg5zlCf";
const TICKET: &str = "t=scripted-ticket&p=scripted-profile";

fn version(n: u32) -> &'static msnp::spec::VersionDef {
    msnp::SPEC.version(&format!("MSNP{n}")).expect("a version of the spec")
}

/// A valid RST response: the Passport token, the contacts token, then the messenger token with [`KEY`].
fn good_response() -> String {
    let tokens = [
        Issued { address: PASSPORT_TB, ticket: "t=tb&p=", proof_key: b"another key" },
        Issued { address: CONTACTS, ticket: "t=contacts&p=", proof_key: b"another key" },
        Issued { address: MESSENGER_CLEAR, ticket: TICKET, proof_key: &KEY },
    ];
    write_response(&tokens, "2009-01-01T00:00:00Z", "2009-01-02T00:00:00Z")
}

/// An HTTP endpoint that answers every request with `status` and `body`, and keeps the request bodies.
async fn rst_endpoint(status: u16, body: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let url = format!("http://{}{RST_PATH}", listener.local_addr().unwrap());
    let heard = Arc::new(Mutex::new(Vec::new()));
    let kept = heard.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let request = read_http(&mut stream).await;
            kept.lock().unwrap().push(String::from_utf8_lossy(&request.1).into_owned());
            let answer = format!(
                "HTTP/1.1 {status} Whatever\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    (url, heard)
}

/// Reads one HTTP message (header, then a body of its Content-Length) from `stream`: (header, body).
async fn read_http(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let header = String::from_utf8_lossy(&bytes[..end]).into_owned();
            let length = header
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                return (header, bytes[end + 4..end + 4 + length].to_vec());
            }
        }
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return (String::from_utf8_lossy(&bytes).into_owned(), Vec::new()),
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
        }
    }
}

/// How the scripted notification server ends the sign-in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// USR OK when the response verifies under [`KEY`] and [`NONCE`], 911 otherwise.
    Verify,
    /// Nothing: USR OK never comes.
    Silent,
}

/// A notification server for `version` that sends the policies (GCF) and the challenge with [`NONCE`], and ends
/// the sign-in as `ending` says; keeps the lines it heard.
async fn notification(n: u32, ending: Ending) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let address = listener.local_addr().unwrap();
    let heard = Arc::new(Mutex::new(Vec::new()));
    let kept = heard.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(play(Box::new(stream), n, ending, kept.clone()));
        }
    });
    (address, heard)
}

async fn play(stream: msnp::net::Stream, n: u32, ending: Ending, heard: Arc<Mutex<Vec<String>>>) {
    let mut conn = Connection::new(stream, version(n), Dir::Client, Limits::default(), Duration::from_secs(10));
    while let Ok(Frame { line, .. }) = conn.recv().await {
        heard.lock().unwrap().push(line.clone());
        let words: Vec<&str> = line.split(' ').collect();
        let t = words.get(1).copied().unwrap_or("0");
        let policies = "<Policies><Policy type=\"SHIELDS\">x</Policy></Policies>";
        let answer = match (words[0], words.get(2..4)) {
            ("VER", _) => format!("VER {t} MSNP{n}\r\n"),
            ("CVR", _) => format!("CVR {t} 8.5.1302 8.5.1302 8.5.1302 http://example.com http://example.com\r\n"),
            ("USR", Some(["SSO", "I"])) => {
                format!("GCF 0 {}\r\n{policies}USR {t} SSO S MBI_KEY_OLD {NONCE}\r\n", policies.len())
            }
            ("USR", Some(["SSO", "S"])) if ending == Ending::Silent => continue,
            ("USR", Some(["SSO", "S"])) => {
                let good = words.get(4) == Some(&TICKET)
                    && words.get(5).is_some_and(|blob| verify_mbi(&KEY, NONCE, blob).is_ok());
                if good { format!("USR {t} OK alice@example.com 1 0\r\n") } else { format!("911 {t}\r\n") }
            }
            ("PNG", _) => "QNG 50\r\n".to_string(),
            ("OUT", _) => break,
            _ => format!("502 {t}\r\n"),
        };
        if conn.send(answer.into_bytes()).await.is_err() {
            break;
        }
    }
}

fn config(n: u32, server: SocketAddr, rst: &str) -> ClientConfig {
    let mut config = ClientConfig::new(version(n), &server.to_string(), "alice@example.com", "alice-password");
    config.login_url = Some(rst.to_string());
    config.timeout = Duration::from_secs(2);
    config.record = true;
    config
}

#[tokio::test]
async fn the_client_signs_in_against_scripted_servers_with_the_policies_skipped() {
    for n in [15, 16, 18] {
        let (rst, requests) = rst_endpoint(200, good_response()).await;
        let (server, heard) = notification(n, Ending::Verify).await;
        let client = Client::login(&config(n, server, &rst)).await.unwrap_or_else(|e| panic!("MSNP{n}: {e}"));
        // GCF came before the challenge, as a payload, and needed no warning.
        assert!(client.warnings().is_empty(), "MSNP{n}: {:?}", client.warnings());
        assert_eq!(client.contacts_ticket(), Some("t=contacts&p="), "MSNP{n}");
        let request = RstRequest::read(requests.lock().unwrap()[0].as_bytes()).expect("a request the reader reads");
        assert_eq!((request.account.as_str(), request.password.as_str()), ("alice@example.com", "alice-password"));
        assert_eq!(request.tokens[1].policy.as_deref(), Some("MBI_KEY_OLD"), "the policy of USR SSO S");
        // USR SSO S: the ticket, the response, and the machine GUID in braces from MSNP16.
        let usr = heard.lock().unwrap().iter().find(|l| l.contains(" SSO S ")).cloned().expect("USR SSO S");
        let words: Vec<&str> = usr.split(' ').collect();
        assert_eq!(words.len(), if n >= 16 { 7 } else { 6 }, "MSNP{n}: {usr}");
        if n >= 16 {
            assert!(words[6].starts_with('{') && words[6].ends_with('}'), "MSNP{n}: {usr}");
        }
        let transcript = client.sign_out().await.unwrap().expect("recorded");
        let text = transcript.text();
        assert!(text.contains("SSO S $ticket $response"), "MSNP{n}:\n{text}");
        assert!(!text.contains(TICKET) && !text.contains(words[5]), "MSNP{n}: secrets in\n{text}");
    }
}

/// Logs in against the scripted servers with the RST endpoint answering `status` and `body`.
async fn refused_with(status: u16, body: &str) -> LoginError {
    let (rst, _) = rst_endpoint(status, body.to_string()).await;
    let (server, _) = notification(15, Ending::Verify).await;
    Client::login(&config(15, server, &rst)).await.expect_err("no sign-in")
}

#[tokio::test]
async fn a_fault_or_a_refusing_status_is_a_refused_login() {
    let fault = write_fault(FAILED_AUTHENTICATION, "Authentication Failure");
    for (status, body) in [(200, fault.as_str()), (500, fault.as_str()), (403, "Forbidden"), (401, "")] {
        let error = refused_with(status, body).await;
        assert_eq!(error.stage, Stage::Rst, "{status}: {error}");
        assert!(matches!(error.failure, Failure::Passport(PassportError::Refused(_))), "{status}: {error}");
        assert!(error.is_bad_credentials(), "{status}: {error}");
        assert!(error.to_string().starts_with("RST: "), "{error}");
    }
    let error = refused_with(200, &fault).await;
    assert!(error.to_string().contains("wsse:FailedAuthentication (Authentication Failure)"), "{error}");
}

#[tokio::test]
async fn a_response_without_the_messenger_token_or_not_xml_is_a_clear_failure() {
    let no_messenger = good_response().replace(MESSENGER_CLEAR, "messenger.msn.com");
    let cases = [
        (200, no_messenger, "has no token for messengerclear.live.com"),
        (200, good_response()[..400].to_string(), "not well-formed XML"),
        (200, "<html><body>Service Unavailable</body></html>".to_string(), "not a SOAP 1.1 Envelope"),
        (200, String::new(), "holds no element"),
        (200, format!("{}\u{0}garbage", good_response()), "not well-formed XML"),
        (503, "<html/>".to_string(), "answered 503"),
    ];
    for (status, body, why) in cases {
        let error = refused_with(status, &body).await;
        assert_eq!(error.stage, Stage::Rst, "{why}: {error}");
        assert!(matches!(error.failure, Failure::Passport(PassportError::Login(_))), "{why}: {error}");
        assert!(!error.is_bad_credentials(), "{why}: {error}");
        assert!(error.to_string().contains(why), "{why}: {error}");
    }
}

#[tokio::test]
async fn a_server_that_never_confirms_fails_usr_s_at_the_steps_timeout() {
    let (rst, _) = rst_endpoint(200, good_response()).await;
    let (server, _) = notification(16, Ending::Silent).await;
    let mut config = config(16, server, &rst);
    config.timeout = Duration::from_millis(500);
    let error = Client::login(&config).await.expect_err("no USR OK");
    assert_eq!(error.stage, Stage::UsrS, "{error}");
    assert!(matches!(error.failure, Failure::Network(_)), "{error}");
    assert!(error.to_string().contains("nothing arrived within 500ms"), "{error}");
}

/// POSTs `body` to the embedded server's RST endpoint: (status line, body).
async fn post(server: &Server, body: &str) -> (String, String) {
    let mut stream = TcpStream::connect(server.passport).await.expect("the Passport listener");
    let request = format!(
        "POST {RST_PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let (header, body) = read_http(&mut stream).await;
    (header.lines().next().unwrap_or_default().to_string(), String::from_utf8(body).unwrap())
}

/// The embedded server's tickets for alice: (messenger ticket, its proof key).
async fn tickets(server: &Server) -> (String, Vec<u8>) {
    let (status, body) =
        post(server, &RstRequest::messenger("alice@example.com", "alice-password", "MBI").to_xml()).await;
    assert!(status.contains("200"), "{status}");
    let Ok(RstReply::Tokens(tokens)) = read_response(body.as_bytes()) else { panic!("tokens: {body}") };
    assert_eq!(tokens.len(), 4, "one per token asked for");
    let tickets = msnp::account::sso::response::Tickets::from_tokens(&tokens).expect("the messenger ticket");
    (tickets.ticket, tickets.proof_key)
}

/// Signs in to the embedded server's notification server up to the challenge: the connection, the nonce, the
/// next TrID.
async fn challenged(server: &Server, n: u32) -> (Connection<msnp::net::Stream>, String) {
    let stream: msnp::net::Stream = Box::new(TcpStream::connect(server.notification).await.unwrap());
    let mut conn = Connection::new(stream, version(n), Dir::Server, Limits::default(), Duration::from_secs(5));
    for line in [format!("VER 1 MSNP{n} CVR0"), "USR 2 SSO I alice@example.com".to_string()] {
        conn.send(format!("{line}\r\n").into_bytes()).await.unwrap();
    }
    assert_eq!(conn.recv().await.unwrap().line, format!("VER 1 MSNP{n}"));
    let gcf = conn.recv().await.unwrap();
    assert!(gcf.line.starts_with("GCF 0 ") && gcf.payload.starts_with(b"<Policies>"), "{gcf:?}");
    let challenge = conn.recv().await.unwrap().line;
    let nonce = challenge.strip_prefix("USR 2 SSO S MBI_KEY_OLD ").expect("the challenge").to_string();
    assert_eq!(nonce.len(), 64, "{challenge}");
    (conn, nonce)
}

/// Sends `USR 3 SSO S ticket response {guid}` and gives the reply's line.
async fn answer(conn: &mut Connection<msnp::net::Stream>, ticket: &str, response: &str) -> String {
    let line = format!("USR 3 SSO S {ticket} {response} {{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}}\r\n");
    conn.send(line.into_bytes()).await.unwrap();
    conn.recv().await.unwrap().line
}

#[tokio::test]
async fn the_server_verifies_the_response_under_the_key_it_issued_and_the_nonce_it_sent() {
    let server = Server::start(ServerConfig::default(), [127, 0, 0, 1].into(), 0).await.unwrap();
    // A wrong key: 911, and the nonce is not reused for the next attempt.
    let (ticket, key) = tickets(&server).await;
    let (mut conn, nonce) = challenged(&server, 16).await;
    let mut wrong = key.clone();
    wrong[0] ^= 1;
    assert_eq!(answer(&mut conn, &ticket, &mbi_key_old(&wrong, &nonce, [0; 8])).await, "911 3");
    // Another nonce than the one sent: 911.
    let (mut conn, fresh) = challenged(&server, 16).await;
    assert_ne!(fresh, nonce, "a fresh nonce per attempt");
    assert_eq!(answer(&mut conn, &ticket, &mbi_key_old(&key, &nonce, [0; 8])).await, "911 3");
    // The right key and nonce: USR OK; the ticket is then spent.
    let (mut conn, nonce) = challenged(&server, 16).await;
    assert_eq!(
        answer(&mut conn, &ticket, &mbi_response(&key, &nonce).unwrap()).await,
        "USR 3 OK alice@example.com 1 0"
    );
    let (mut conn, nonce) = challenged(&server, 16).await;
    assert_eq!(answer(&mut conn, &ticket, &mbi_response(&key, &nonce).unwrap()).await, "911 3");
    // MSNP16 requires the machine GUID.
    let (ticket, key) = tickets(&server).await;
    let (mut conn, nonce) = challenged(&server, 16).await;
    let line = format!("USR 3 SSO S {ticket} {}\r\n", mbi_response(&key, &nonce).unwrap());
    conn.send(line.into_bytes()).await.unwrap();
    assert_eq!(conn.recv().await.unwrap().line, "911 3");
    // MSNP15 has none.
    let (mut conn, nonce) = challenged(&server, 15).await;
    let line = format!("USR 3 SSO S {ticket} {}\r\n", mbi_response(&key, &nonce).unwrap());
    conn.send(line.into_bytes()).await.unwrap();
    assert_eq!(conn.recv().await.unwrap().line, "USR 3 OK alice@example.com 1 0");
}

#[tokio::test]
async fn the_rst_endpoint_refuses_a_wrong_password_and_a_malformed_request() {
    let server = Server::start(ServerConfig::default(), [127, 0, 0, 1].into(), 0).await.unwrap();
    let (status, body) = post(&server, &RstRequest::messenger("alice@example.com", "wrong", "MBI").to_xml()).await;
    assert!(status.contains("500"), "{status}");
    let Ok(RstReply::Fault(fault)) = read_response(body.as_bytes()) else { panic!("a fault: {body}") };
    assert_eq!((fault.code.as_str(), fault.status.as_deref()), (FAILED_AUTHENTICATION, Some("0x80048823")));
    let (status, body) = post(&server, "<not xml").await;
    assert!(status.contains("500"), "{status}");
    let Ok(RstReply::Fault(fault)) = read_response(body.as_bytes()) else { panic!("a fault: {body}") };
    assert_eq!(fault.code, "S:Client");
    assert!(fault.reason.contains("not a SOAP 1.1 Envelope") || fault.reason.contains("well-formed"), "{fault}");
}
