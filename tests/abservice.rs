//! The embedded server's address-book services and ADL over sockets, with a raw client: a Passport 1.4 ticket from
//! the login endpoint, an MSNP13 sign-in with it, then FindMembership and ABFindAll over HTTP (authenticated by the
//! `MSPAuth` cookie or the `TicketToken`), ADL and BLP on the notification connection.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use msnp::abservice::{self, Action, SoapAuth, SoapError};
use msnp::auth::{passport_authorization, passport_ticket};
use msnp::contacts::List;
use msnp::server::{LOGIN_PATH, Server, ServerConfig};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// One HTTP/1.1 exchange on a fresh connection: the status and the body.
async fn http(server: &Server, head: &str, body: &[u8]) -> (u16, Vec<u8>, String) {
    let mut stream = TcpStream::connect(server.passport).await.unwrap();
    let request = format!("{head}\r\nHost: localhost\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await.unwrap().unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("a header");
    let header = String::from_utf8(answer[..split].to_vec()).unwrap();
    let status = header.split(' ').nth(1).unwrap().parse().unwrap();
    (status, answer[split + 4..].to_vec(), header)
}

/// A Passport 1.4 ticket for `handle`, from the login endpoint.
async fn ticket(server: &Server, handle: &str, password: &str) -> String {
    let authorization = passport_authorization(handle, password, "lc=1033,id=507");
    let (status, _, header) =
        http(server, &format!("GET {LOGIN_PATH} HTTP/1.1\r\nAuthorization: {authorization}"), b"").await;
    assert_eq!(status, 200, "{header}");
    let info =
        header.lines().find_map(|l| l.split_once(": ").filter(|(n, _)| n.eq_ignore_ascii_case("authentication-info")));
    let info = info.expect("Authentication-Info").1;
    passport_ticket(info).expect("a ticket")
}

/// A notification connection, read line by line (payloads skipped).
struct Raw {
    stream: BufReader<TcpStream>,
}

impl Raw {
    async fn send(&mut self, line: &str, payload: &str) {
        let bytes = format!("{line}\r\n{payload}");
        self.stream.get_mut().write_all(bytes.as_bytes()).await.unwrap();
    }

    /// The next line that is not the profile, a subscription, a friendly-name push or a challenge.
    async fn reply(&mut self) -> String {
        loop {
            let mut line = String::new();
            tokio::time::timeout(Duration::from_secs(5), self.stream.read_line(&mut line)).await.unwrap().unwrap();
            assert!(!line.is_empty(), "closed");
            if let Some(length) = line.trim_end().strip_prefix("MSG Hotmail Hotmail ") {
                let mut payload = vec![0; length.parse().unwrap()];
                self.stream.read_exact(&mut payload).await.unwrap();
            } else if !["SBS ", "PRP MFN ", "CHL "].iter().any(|p| line.starts_with(p)) {
                return line.trim_end().to_string();
            }
        }
    }
}

/// Signs in with MSNP13 and a Passport ticket; returns the connection and the ticket.
async fn sign_in(server: &Server, handle: &str, password: &str) -> (Raw, String) {
    let mut raw = Raw { stream: BufReader::new(TcpStream::connect(server.notification).await.unwrap()) };
    raw.send("VER 1 MSNP13 CVR0", "").await;
    assert_eq!(raw.reply().await, "VER 1 MSNP13");
    raw.send(&format!("CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 8.0.0566 MSMSGS {handle}"), "").await;
    assert!(raw.reply().await.starts_with("CVR 2 "));
    raw.send(&format!("USR 3 TWN I {handle}"), "").await;
    assert!(raw.reply().await.starts_with("USR 3 TWN S "));
    let ticket = ticket(server, handle, password).await;
    raw.send(&format!("USR 4 TWN S {ticket}"), "").await;
    assert_eq!(raw.reply().await, format!("USR 4 OK {handle} 1 0"));
    (raw, ticket)
}

async fn soap(server: &Server, action: Action, auth: &SoapAuth) -> (u16, Vec<u8>) {
    let mut head = format!(
        "POST {} HTTP/1.1\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: {}",
        action.path(),
        action.soap_action()
    );
    if let Some(cookie) = auth.cookie() {
        head += &format!("\r\nCookie: {cookie}");
    }
    let (status, body, _) = http(server, &head, &abservice::write_request(action, auth)).await;
    (status, body)
}

#[tokio::test]
async fn the_services_answer_a_signed_in_session_from_the_accounts_file() {
    let server = Server::start(ServerConfig::default(), LOOPBACK, 0).await.unwrap();
    let (mut raw, ticket) = sign_in(&server, "carol@example.com", "carol-password").await;
    for auth in [SoapAuth::from_twn_ticket(&ticket), SoapAuth::TicketToken(ticket.clone())] {
        let (status, body) = soap(&server, Action::FindMembership, &auth).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let members = abservice::read_find_membership(&body).unwrap().members;
        let pending: Vec<&str> = members.iter().filter(|m| m.list == List::PL).map(|m| m.handle.as_str()).collect();
        assert_eq!(pending, ["dave@example.com"]);
        let (status, body) = soap(&server, Action::AbFindAll, &auth).await;
        assert_eq!(status, 200);
        let book = abservice::read_ab_find_all(&body).unwrap();
        assert_eq!(book.me.unwrap().display_name, "Carol C.");
        assert_eq!(book.contacts.iter().map(|c| c.handle.as_str()).collect::<Vec<_>>(), ["alice@example.com"]);
    }
    // A ticket of no session, and a session that signed out, get a fault.
    let (status, body) = soap(&server, Action::AbFindAll, &SoapAuth::MspAuthCookie("forged".into())).await;
    assert_eq!(status, 403);
    assert!(matches!(abservice::read_ab_find_all(&body), Err(SoapError::Fault { .. })));
    raw.send("OUT", "").await;
    let mut rest = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), raw.stream.read_to_end(&mut rest)).await;
    let (status, _) = soap(&server, Action::AbFindAll, &SoapAuth::from_twn_ticket(&ticket)).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn requests_the_services_do_not_serve_get_a_fault() {
    let server = Server::start(ServerConfig::default(), LOOPBACK, 0).await.unwrap();
    let (_raw, ticket) = sign_in(&server, "alice@example.com", "alice-password").await;
    let auth = SoapAuth::from_twn_ticket(&ticket);
    let cookie = auth.cookie().unwrap();
    // ABFindAll at the sharing service, a document that is no envelope, a GET.
    let body = abservice::write_request(Action::AbFindAll, &auth);
    let head = format!("POST {} HTTP/1.1\r\nCookie: {cookie}", abservice::SHARING_PATH);
    let (status, answer, _) = http(&server, &head, &body).await;
    assert_eq!(status, 500);
    let error = abservice::read_find_membership(&answer).unwrap_err();
    assert!(error.to_string().contains("ABFindAll is served at /abservice/abservice.asmx"), "{error}");
    let (status, answer, _) = http(&server, &head, b"<html/>").await;
    assert_eq!(status, 500);
    assert!(abservice::read_find_membership(&answer).unwrap_err().to_string().contains("not an Envelope"));
    let (status, _, _) = http(&server, &format!("GET {} HTTP/1.1", abservice::ABSERVICE_PATH), b"").await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn adl_is_checked_against_the_accounts_lists_and_blp_is_echoed() {
    let server = Server::start(ServerConfig::default(), LOOPBACK, 0).await.unwrap();
    let (mut raw, _) = sign_in(&server, "alice@example.com", "alice-password").await;
    raw.send("BLP 5 AL", "").await;
    assert_eq!(raw.reply().await, "BLP 5 AL");
    raw.send("BLP 6 AL", "").await;
    assert_eq!(raw.reply().await, "218 6");
    for (trid, payload, reply) in [
        // RL is the server's list: 241, as the protocol documents.
        (7, r#"<ml l="1"><d n="example.com"><c n="bob" l="8" t="1"/></d></ml>"#, "241 7"),
        (8, r#"<ml></ml>"#, "240 8"),
        (9, r#"<ml l="1"><d n="example.com"><c n="nobody" l="1" t="1"/></d></ml>"#, "208 9"),
        // Alice has Mallory on her block list, not her forward list.
        (10, r#"<ml l="1"><d n="example.com"><c n="mallory" l="1" t="1"/></d></ml>"#, "241 10"),
        (
            11,
            r#"<ml l="1"><d n="example.com"><c n="bob" l="3" t="1"/><c n="mallory" l="4" t="1"/></d></ml>"#,
            "ADL 11 OK",
        ),
        (12, r#"<ml><d n="example.com"><c n="bob" l="1" t="256"/></d></ml>"#, "204 12"),
    ] {
        raw.send(&format!("ADL {trid} {}", payload.len()), payload).await;
        assert_eq!(raw.reply().await, reply, "{payload}");
    }
}
