//! The client's MSNP13 contact list from the address-book services: a 5,000-contact address book served by the
//! embedded server and read back whole, within bounded memory and time; and a scripted HTTP server whose answers
//! (a fault with HTTP 200, XML that is not well-formed, an envelope without the answer) are clear failures at the
//! stage that asked, never panics.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use msnp::abservice::{self, group_guid};
use msnp::client::{Client, ClientConfig, Failure, LoginError, ServiceError, Stage};
use msnp::contacts::{Contact, List};
use msnp::server::{Accounts, Server, ServerConfig};
use msnp_tests::alloc::{Counting, thread_peak_of};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const CONTACTS: usize = 5_000;

/// The demo accounts and one more, `big@example.com`, with [`CONTACTS`] contacts in three groups.
fn accounts() -> Accounts {
    let mut accounts = Accounts::demo();
    let mut big = accounts.get("alice@example.com").unwrap().clone();
    big.list.account.handle = "big@example.com".into();
    big.list.contacts = (0..CONTACTS)
        .map(|i| Contact {
            handle: format!("contact{i:05}@domain{}.example", i % 7),
            friendly_name: format!("Contact {i} <&>"),
            lists: if i % 50 == 0 { vec![List::BL, List::RL] } else { vec![List::FL, List::AL, List::RL] },
            groups: if i % 50 == 0 { vec![] } else { vec![(i % 2).to_string()] },
            properties: Default::default(),
        })
        .collect();
    accounts.accounts.push(big);
    accounts
}

fn config(dispatch: &str, nexus: String, soap: String, account: &str, password: &str) -> ClientConfig {
    let mut config = ClientConfig::new(msnp::SPEC.version("MSNP13").unwrap(), dispatch, account, password);
    config.nexus = nexus;
    config.soap_url = soap;
    config.timeout = Duration::from_secs(20);
    config
}

#[test]
fn an_address_book_of_5000_contacts_is_served_and_read_whole() {
    // The server on a runtime of its own: the client's thread is the one measured.
    let server_runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server_config = ServerConfig { accounts: accounts(), ..ServerConfig::default() };
    let server = server_runtime.block_on(Server::start(server_config, LOOPBACK, 0)).unwrap();
    let config = config(
        &server.dispatch.to_string(),
        server.nexus_url(),
        server.soap_url(),
        "big@example.com",
        "alice-password",
    );
    let client_runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let started = Instant::now();
    let (list, peak) = thread_peak_of(|| {
        client_runtime.block_on(async {
            let mut client = Client::login(&config).await.expect("login");
            let list = client.synchronise().await.expect("the address book");
            client.sign_out().await.expect("OUT");
            list
        })
    });
    let took = started.elapsed();
    assert_eq!(list.contacts.len(), CONTACTS);
    let want = accounts().get("big@example.com").unwrap().list.contacts[4_999].clone();
    let got = list.contacts.iter().find(|c| c.handle == want.handle).unwrap();
    assert_eq!((&got.friendly_name, &got.lists), (&want.friendly_name, &want.lists));
    assert_eq!(got.groups, [group_guid("1")]);
    assert_eq!(list.on(List::BL).count(), CONTACTS / 50);
    // Both answers are some megabytes; what the client holds at once stays a small multiple of them.
    assert!(peak < 32 << 20, "the client held {} MiB at its peak", peak >> 20);
    assert!(took < Duration::from_secs(30), "{took:?}");
    eprintln!("5,000 contacts: {took:?}, client peak heap {} KiB", peak >> 10);
}

/// An HTTP server that answers every request with `status` and the body `answers` gives for its path.
async fn scripted(answers: fn(&str) -> (u16, String)) -> String {
    let listener = TcpListener::bind((LOOPBACK, 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0; 4096];
                // The header, then as many body bytes as Content-Length says.
                while let Ok(n @ 1..) = stream.read(&mut buffer).await {
                    request.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&request);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_string))
                            .and_then(|n| n.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let text = String::from_utf8_lossy(&request);
                let path = text.split(' ').nth(1).unwrap_or("/").to_string();
                let (status, body) = answers(&path);
                let head =
                    format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = stream.write_all(format!("{head}{body}").as_bytes()).await;
            });
        }
    });
    format!("http://{address}")
}

/// Logs in as alice with MSNP13, the lists from `soap`; gives the synchronisation's failure.
async fn failure(server: &Server, soap: String) -> LoginError {
    let config = config(&server.dispatch.to_string(), server.nexus_url(), soap, "alice@example.com", "alice-password");
    let mut client = Client::login(&config).await.expect("login");
    client.synchronise().await.expect_err("the services fail")
}

fn membership_then(path: &str, other: &str) -> (u16, String) {
    if path == abservice::SHARING_PATH {
        let list = Accounts::demo().get("alice@example.com").unwrap().list.clone();
        (200, String::from_utf8(abservice::write_find_membership(&list)).unwrap())
    } else {
        (200, other.to_string())
    }
}

#[tokio::test]
async fn a_scripted_servers_faults_and_bad_xml_are_clear_failures() {
    let server = Server::start(ServerConfig::default(), LOOPBACK, 0).await.unwrap();
    // A fault with HTTP 200: a fault is a fault whatever the status.
    let fault = scripted(|_| {
        (200, String::from_utf8(abservice::write_fault(false, "Database down", Some("DBError"))).unwrap())
    })
    .await;
    let error = failure(&server, fault).await;
    assert_eq!(error.stage, Stage::Sharing);
    assert!(matches!(error.failure, Failure::Service(ServiceError::Fault(_))), "{error}");
    let text = error.to_string();
    assert!(text.contains("answered 200 OK: SOAP fault soap:Server: Database down (DBError)"), "{text}");
    // XML that is not well-formed, from the address book service after a good FindMembership.
    let broken =
        scripted(|path| membership_then(path, "<soap:Envelope><soap:Body><ABFindAllResponse></soap:Body>")).await;
    let error = failure(&server, broken).await;
    assert_eq!(error.stage, Stage::AbService);
    assert!(matches!(error.failure, Failure::Service(ServiceError::Answer(_))), "{error}");
    assert!(error.to_string().contains("is not a SOAP envelope: ill-formed document"), "{error}");
    // Not XML at all, an envelope without the answer, 403 without a fault.
    let garbage = scripted(|_| (200, "\u{0}\u{ff} not xml <<<".into())).await;
    assert!(failure(&server, garbage).await.to_string().contains("not a SOAP envelope"));
    let empty = scripted(|path| membership_then(path, r#"<s:Envelope xmlns:s="x"><s:Body/></s:Envelope>"#)).await;
    assert!(failure(&server, empty).await.to_string().contains("the envelope has no <ABFindAllResponse>"));
    let refused = scripted(|_| (403, "Forbidden".into())).await;
    let error = failure(&server, refused).await;
    assert!(matches!(error.failure, Failure::Service(ServiceError::Refused(_))), "{error}");
    assert!(error.to_string().starts_with("Sharing: http://127.0.0.1:"), "{error}");
    assert!(error.to_string().ends_with("refused the ticket (403 Forbidden)"), "{error}");
}
