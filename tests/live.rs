//! The client against the embedded server, in one process on loopback: every version from MSNP2 to MSNP14 logs
//! in, synchronises and signs out; the dump equals the accounts file; the recorded transcript validates clean.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use msnp::client::{Client, ClientConfig};
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
    config.timeout = Duration::from_secs(5);
    config.record = true;
    config
}

#[tokio::test]
async fn every_version_logs_in_synchronises_and_records_a_clean_transcript() {
    let server = start(ServerConfig::default()).await;
    let expected = msnp::server::Accounts::demo().get("alice@example.com").unwrap().list.clone();
    for n in 2..=14 {
        let config = client(&server, n, "alice@example.com", "alice-password");
        let mut session = Client::login(&config).await.unwrap_or_else(|e| panic!("MSNP{n}: {e}"));
        let list = session.synchronise().await.unwrap_or_else(|e| panic!("MSNP{n}: {e}"));
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
            assert_eq!(list.account.handle, expected.account.handle, "MSNP{n}");
        }
        session.set_status("NLN", Some(0)).await.unwrap_or_else(|e| panic!("MSNP{n}: {e}"));
        assert!(session.warnings().is_empty(), "MSNP{n}: {:?}", session.warnings());
        let transcript = session.sign_out().await.unwrap().expect("recorded");
        if std::env::var_os("SHOW").is_some() {
            eprintln!("{}", transcript.text());
        }
        let (summary, seen) = msnp_tests::run(&format!("MSNP{n}"), transcript.text().as_bytes());
        assert_eq!(summary.errors, 0, "MSNP{n}:\n{}\n{}", errors(&seen.diagnostics), transcript.text());
        assert!(summary.versions.contains(&version(n).name), "MSNP{n}: {:?}", summary.versions);
    }
}
