//! The client against the embedded server, in one process on loopback: every version from MSNP2 to MSNP18 logs
//! in (single sign-on through the server's RST endpoint from MSNP15), synchronises (SYN, or from MSNP13 the
//! address-book services, BLP and ADL) and signs out; the dump equals the accounts file; the recorded transcript
//! validates clean.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use msnp::abservice::group_guid;
use msnp::client::{Client, ClientConfig, Presence};
use msnp::contacts::ContactList;
use msnp::server::{Server, ServerConfig};
use msnp_tests::errors;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn version(n: u32) -> &'static msnp::spec::VersionDef {
    msnp::SPEC.version(&format!("MSNP{n}")).expect("a version of the spec")
}

async fn start(config: ServerConfig) -> Server {
    Server::start(config, LOOPBACK, 0).await.expect("the server starts")
}

fn client(server: &Server, n: u32, account: &str, password: &str) -> ClientConfig {
    let mut config = ClientConfig::new(version(n), &server.dispatch.to_string(), account, password);
    config.nexus = server.nexus_url();
    if n >= 15 {
        config.login_url = Some(server.rst_url());
    }
    config.soap_url = server.soap_url();
    config.timeout = Duration::from_secs(5);
    config.record = true;
    config
}

#[tokio::test]
async fn every_version_logs_in_synchronises_and_records_a_clean_transcript() {
    let server = start(ServerConfig::default()).await;
    let expected = msnp::server::Accounts::demo().get("alice@example.com").unwrap().list.clone();
    for n in 2..=18 {
        let config = client(&server, n, "alice@example.com", "alice-password");
        let mut session = Client::login(&config).await.unwrap_or_else(|e| panic!("MSNP{n}: {e}"));
        let list = session.synchronise().await.unwrap_or_else(|e| panic!("MSNP{n}: {e}"));
        // The account's name: from USR OK up to MSNP9, its MFN property from MSNP10 (in SYN, or pushed).
        assert_eq!(list.account.friendly_name, expected.account.friendly_name, "MSNP{n}");
        if n <= 12 {
            assert_eq!(list.account.handle, expected.account.handle, "MSNP{n}");
            assert_eq!(list.account.gtc, expected.account.gtc, "MSNP{n}");
            assert_eq!(list.account.blp, expected.account.blp, "MSNP{n}");
            // Properties arrive with PRP from MSNP5; groups with LSG from MSNP7.
            if n >= 5 {
                assert_eq!(list.account.properties, expected.account.properties, "MSNP{n}");
            }
            if n >= 7 {
                assert_eq!(list.groups, expected.groups, "MSNP{n}");
            }
            let mut contacts = list.contacts.clone();
            let mut want = expected.contacts.clone();
            for c in contacts.iter_mut().chain(want.iter_mut()) {
                c.lists.sort();
                if n < 7 {
                    c.groups.clear();
                }
                if n < 5 {
                    c.properties.clear();
                }
            }
            assert_eq!(contacts, want, "MSNP{n}");
        } else {
            assert_eq!(list, from_address_book(&expected), "MSNP{n}");
        }
        // The address book services' ticket: Passport's in MSNP13 and MSNP14, the contacts.msn.com one from MSNP15.
        assert_eq!(session.contacts_ticket().is_some(), n >= 13, "MSNP{n}");
        session.set_status("NLN", Some(0)).await.unwrap_or_else(|e| panic!("MSNP{n}: {e}"));
        assert!(session.warnings().is_empty(), "MSNP{n}: {:?}", session.warnings());
        let transcript = session.sign_out().await.unwrap().expect("recorded");
        if n >= 15 {
            let text = transcript.text();
            assert!(text.contains(" SSO S $ticket $response"), "MSNP{n}:\n{text}");
            assert!(!text.contains("&p="), "MSNP{n}: the ticket is redacted:\n{text}");
        }
        if std::env::var_os("SHOW").is_some() {
            eprintln!("{}", transcript.text());
        }
        let (summary, seen) = msnp_tests::run(&format!("MSNP{n}"), transcript.text().as_bytes());
        assert_eq!(summary.errors, 0, "MSNP{n}:\n{}\n{}", errors(&seen.diagnostics), transcript.text());
        assert!(summary.versions.contains(&version(n).name), "MSNP{n}: {:?}", summary.versions);
        // Passport 1.4 (MSNP8-14): the nexus and the login server, each an HTTP section that validates clean.
        assert_eq!(summary.http_exchanges, http_exchanges(n), "MSNP{n}:\n{}", transcript.text());
        let http: Vec<_> =
            seen.diagnostics.iter().filter(|d| d.code.starts_with("http-") || d.code.starts_with("soap-")).collect();
        assert!(http.is_empty(), "MSNP{n}: {http:?}");
    }
}

/// What the address-book services deliver of `list`: group IDs as the address book's GUIDs, no properties (the
/// services' phone numbers and the like are not read), each contact's lists in order.
fn from_address_book(list: &ContactList) -> ContactList {
    let mut list = list.clone();
    list.account.properties.clear();
    for group in &mut list.groups {
        group.id = group_guid(&group.id);
    }
    for contact in &mut list.contacts {
        contact.groups = contact.groups.iter().map(|g| group_guid(g)).collect();
        contact.properties.clear();
        contact.lists.sort();
    }
    list
}

#[tokio::test]
async fn msnp13_to_18_dump_every_demo_account_from_the_address_book() {
    let server = start(ServerConfig::default()).await;
    for n in 13..=18 {
        for account in &msnp::server::Accounts::demo().accounts {
            let handle = &account.list.account.handle;
            let mut session = Client::login(&client(&server, n, handle, &account.password)).await.unwrap();
            let list = session.synchronise().await.unwrap_or_else(|e| panic!("MSNP{n} {handle}: {e}"));
            assert_eq!(list, from_address_book(&account.list), "MSNP{n} {handle}");
            assert!(session.warnings().is_empty(), "MSNP{n}: {:?}", session.warnings());
            let transcript = session.sign_out().await.unwrap().expect("recorded");
            // BLP, then the initial list, in the version's forms.
            let text = transcript.text();
            let (blp, adl) = (text.find("C: BLP ").expect("BLP sent"), text.find("C: ADL ").expect("ADL sent"));
            assert!(blp < adl, "{text}");
            let (summary, seen) = msnp_tests::run(handle, text.as_bytes());
            assert_eq!(summary.errors, 0, "MSNP{n} {handle}:\n{}\n{text}", errors(&seen.diagnostics));
        }
    }
}

/// Watches `client` until an event satisfies `wanted` (at most five seconds); returns every event seen.
async fn until(client: &mut Client, wanted: impl Fn(&Presence) -> bool) -> Vec<Presence> {
    let mut seen = client.take_events();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !seen.iter().any(&wanted) && std::time::Instant::now() < deadline {
        seen.extend(client.watch(Duration::from_millis(50)).await.expect("watching"));
    }
    seen
}

fn is(command: &str, handle: &str, status: &str) -> impl Fn(&Presence) -> bool {
    move |p: &Presence| p.command == command && p.handle == handle && p.status == status
}

#[tokio::test]
async fn a_status_change_reaches_the_contacts_that_may_see_it_in_every_version() {
    let server = start(ServerConfig::default()).await;
    for n in 2..=18 {
        let mut bob = Client::login(&client(&server, n, "bob@example.com", "bob-password")).await.unwrap();
        bob.synchronise().await.unwrap();
        bob.set_status("NLN", Some(0)).await.unwrap();
        // Alice comes online: the server lists Bob (ILN, in answer to her first CHG) and tells Bob (NLN).
        let mut alice = Client::login(&client(&server, n, "alice@example.com", "alice-password")).await.unwrap();
        alice.synchronise().await.unwrap();
        alice.set_status("NLN", Some(0)).await.unwrap();
        let seen = until(&mut alice, is("ILN", "bob@example.com", "NLN")).await;
        assert!(seen.iter().any(is("ILN", "bob@example.com", "NLN")), "MSNP{n}: alice saw {seen:?}");
        let seen = until(&mut bob, is("NLN", "alice@example.com", "NLN")).await;
        let nln = seen.iter().find(|p| is("NLN", "alice@example.com", "NLN")(p));
        assert!(nln.is_some(), "MSNP{n}: bob saw {seen:?}");
        assert_eq!(nln.unwrap().friendly_name.as_deref(), Some("Alice"), "MSNP{n}");
        // Bob steps away, then signs out: NLN AWY, then FLN.
        bob.set_status("AWY", Some(0)).await.unwrap();
        let seen = until(&mut alice, is("NLN", "bob@example.com", "AWY")).await;
        assert!(seen.iter().any(is("NLN", "bob@example.com", "AWY")), "MSNP{n}: alice saw {seen:?}");
        let bob_transcript = bob.sign_out().await.unwrap().expect("recorded");
        let seen = until(&mut alice, is("FLN", "bob@example.com", "FLN")).await;
        assert!(seen.iter().any(is("FLN", "bob@example.com", "FLN")), "MSNP{n}: alice saw {seen:?}");
        // Both sides' transcripts, with the presence lines in the version's forms, validate clean.
        let alice_transcript = alice.sign_out().await.unwrap().expect("recorded");
        for (who, transcript) in [("alice", alice_transcript), ("bob", bob_transcript)] {
            let (summary, seen) = msnp_tests::run(who, transcript.text().as_bytes());
            assert_eq!(summary.errors, 0, "MSNP{n} {who}:\n{}\n{}", errors(&seen.diagnostics), transcript.text());
        }
    }
}

#[tokio::test]
async fn carol_does_not_see_a_contact_who_blocks_everyone_else() {
    // Bob's BLP is BL and Carol is on none of his lists: she never learns his status. Alice, on his allow
    // list, does.
    let server = start(ServerConfig::default()).await;
    let mut carol = Client::login(&client(&server, 8, "carol@example.com", "carol-password")).await.unwrap();
    carol.set_status("NLN", Some(0)).await.unwrap();
    let mut alice = Client::login(&client(&server, 8, "alice@example.com", "alice-password")).await.unwrap();
    alice.set_status("NLN", Some(0)).await.unwrap();
    let mut bob = Client::login(&client(&server, 8, "bob@example.com", "bob-password")).await.unwrap();
    bob.set_status("BSY", Some(0)).await.unwrap();
    let seen = until(&mut alice, is("NLN", "bob@example.com", "BSY")).await;
    assert!(seen.iter().any(is("NLN", "bob@example.com", "BSY")), "alice saw {seen:?}");
    // Carol did see Alice come online (both allow each other), so her connection was listening.
    let seen = carol.watch(Duration::from_millis(200)).await.unwrap();
    assert!(seen.iter().any(is("NLN", "alice@example.com", "NLN")), "carol saw {seen:?}");
    assert!(seen.iter().all(|p| p.handle != "bob@example.com"), "carol saw {seen:?}");
}

/// The HTTP exchanges a sign-in records: Passport 1.4's nexus and login server (MSNP8-14), the RST endpoint
/// (MSNP15-18), then FindMembership and ABFindAll (MSNP13 on).
fn http_exchanges(n: u32) -> usize {
    let sign_in = match n {
        8..=14 => 2,
        15.. => 1,
        _ => 0,
    };
    sign_in + if n >= 13 { 2 } else { 0 }
}
