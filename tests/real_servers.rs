//! The client against the embedded server misbehaving on purpose, every version from MSNP2 to MSNP18 and every
//! quirk the version can show: the dump is still the accounts file, the session ends well, the warnings name
//! the deviation, and the recorded transcript gives exactly the validator codes the deviation should give.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use msnp::abservice::group_guid;
use msnp::client::{Client, ClientConfig};
use msnp::contacts::{ContactList, List};
use msnp::server::{Accounts, Quirk, Server, ServerConfig};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn version(n: u32) -> &'static msnp::spec::VersionDef {
    msnp::SPEC.version(&format!("MSNP{n}")).expect("a version of the spec")
}

/// What a session against one quirk brought back.
struct Seen {
    list: ContactList,
    warnings: Vec<String>,
    codes: BTreeSet<&'static str>,
    transcript: String,
}

async fn session(quirk: Quirk, n: u32, account: &str, password: &str) -> Seen {
    let config = ServerConfig { quirks: quirk.into(), ..ServerConfig::default() };
    let server = Server::start(config, LOOPBACK, 0).await.expect("the server starts");
    let mut config = ClientConfig::new(version(n), &server.dispatch.to_string(), account, password);
    config.nexus = server.nexus_url();
    if n >= 15 {
        config.login_url = Some(server.rst_url());
    }
    config.soap_url = server.soap_url();
    config.timeout = Duration::from_secs(5);
    config.record = true;
    let what = format!("MSNP{n} {}", quirk.name());
    let mut client = Client::login(&config).await.unwrap_or_else(|e| panic!("{what}: {e}"));
    let list = client.synchronise().await.unwrap_or_else(|e| panic!("{what}: {e}"));
    client.set_status("NLN", Some(0)).await.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(client.lost_lines().is_empty(), "{what}: {:?}", client.lost_lines());
    let warnings = client.warnings().to_vec();
    let transcript = client.sign_out().await.unwrap_or_else(|e| panic!("{what}: {e}")).expect("recorded");
    let (_, collected) = msnp_tests::run(&what, transcript.text().as_bytes());
    let codes = collected.diagnostics.iter().map(|d| d.code).collect();
    Seen { list, warnings, codes, transcript: transcript.text().to_string() }
}

/// The accounts file's list for `account`, as MSNP`n` can deliver it (groups from MSNP7, properties from MSNP5;
/// from MSNP13 the address book's: groups under GUIDs, no properties).
fn expected(account: &str, n: u32) -> ContactList {
    let mut list = Accounts::demo().get(account).expect("a demo account").list.clone();
    if n >= 13 {
        list.account.properties.clear();
        for group in &mut list.groups {
            group.id = group_guid(&group.id);
        }
        for contact in &mut list.contacts {
            contact.groups = contact.groups.iter().map(|g| group_guid(g)).collect();
            contact.properties.clear();
            contact.lists.sort();
        }
        return list;
    }
    if n < 5 {
        list.account.properties.clear();
    }
    for contact in &mut list.contacts {
        contact.lists.sort();
        // The pending list arrives with MSNP10; before, a pending contact is on the reverse list alone.
        if n < 10 {
            contact.lists.retain(|l| *l != List::PL);
        }
        if n < 7 {
            contact.groups.clear();
        }
        if n < 5 {
            contact.properties.clear();
        }
    }
    if n < 7 {
        list.groups.clear();
    }
    list
}

/// The list as compared: contacts and groups in a fixed order (a quirk may reorder them).
fn normalised(mut list: ContactList) -> ContactList {
    list.contacts.sort_by(|a, b| a.handle.cmp(&b.handle));
    list.groups.sort_by(|a, b| a.id.cmp(&b.id));
    list
}

/// The validator codes a quirk's transcript gives in MSNP`n`, and a text the client's warnings hold (`None`
/// where the client has nothing to warn about: the lines are what the spec allows).
fn deviation(quirk: Quirk, n: u32) -> (&'static [&'static str], Option<&'static str>) {
    match quirk {
        Quirk::TrailingSpace => (&["arg-type"], Some("empty argument (a doubled or trailing space)")),
        // Swapped, the "total" counts up: it also changes within the list.
        Quirk::SwappedCounters => (&["list-index-above-total", "list-total-changed"], Some("is above the total")),
        Quirk::MissingTrailingArg => (&["arg-count"], Some("read with the missing arguments absent")),
        Quirk::ExtraTrailingArg => (&["arg-count"], Some("read without the extra arguments")),
        // LST before LSG: a group is named before any line defined it.
        Quirk::ReorderedLists if n >= 8 => (&["undefined-id"], None),
        Quirk::ReorderedLists | Quirk::NoProfile => (&[], None),
        // MSNP7 announces no group count, and Carol has no group: with no LSG line in the answer, the validator
        // cannot tell a missing group from groups it was not told about. The client still warns.
        Quirk::PhantomGroup if n < 8 => (&[], Some("which no LSG line of the synchronisation defined")),
        Quirk::PhantomGroup => (&["undefined-id"], Some("which no LSG line of the synchronisation defined")),
        Quirk::UnknownCommands => (&["unknown-command"], Some("`ZZZ")),
    }
}

#[tokio::test]
async fn every_version_keeps_every_contact_whatever_the_server_does() {
    let mut tried = 0;
    for n in 2..=18 {
        for quirk in Quirk::ALL {
            if !quirk.applies_to(version(n)) {
                continue;
            }
            tried += 1;
            let what = format!("MSNP{n} {}", quirk.name());
            // Alice's contacts are all in groups; Carol's Alice is in none, which the phantom group fills.
            let (account, password) = match quirk {
                Quirk::PhantomGroup => ("carol@example.com", "carol-password"),
                _ => ("alice@example.com", "alice-password"),
            };
            let seen = session(quirk, n, account, password).await;
            let mut want = expected(account, n);
            if quirk == Quirk::PhantomGroup {
                // The client keeps what the server said: the contact is in the group, defined or not.
                for contact in want.contacts.iter_mut().filter(|c| c.lists.contains(&msnp::contacts::List::FL)) {
                    contact.groups = vec!["0".to_string()];
                }
            }
            assert_eq!(normalised(seen.list), normalised(want), "{what}\n{}", seen.transcript);
            let (codes, warning) = deviation(quirk, n);
            let codes: BTreeSet<&str> = codes.iter().copied().collect();
            assert_eq!(seen.codes, codes, "{what}: validator codes\n{}", seen.transcript);
            match warning {
                Some(text) => assert!(seen.warnings.iter().any(|w| w.contains(text)), "{what}: {:?}", seen.warnings),
                None => assert!(seen.warnings.is_empty(), "{what}: {:?}", seen.warnings),
            }
        }
    }
    // Eight quirks over the versions each can show (see `Quirk::applies_to`).
    assert!(tried >= 80, "{tried} sessions");
}

/// The same through the CLI: `msnp demo --quirk NAME` exits 0 with the dump and warnings naming the deviation, and
/// the transcript it records validates with exactly the expected codes (`msnp validate` exits 1 only when the
/// deviation is an error).
#[test]
fn msnp_demo_with_each_quirk_exits_zero_and_warns() {
    let dir = std::env::temp_dir().join(format!("msnp-real-servers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    for n in [2, 5, 7, 8, 10, 12, 14, 15, 18] {
        for quirk in Quirk::ALL.into_iter().filter(|q| q.applies_to(version(n))) {
            let what = format!("MSNP{n} {}", quirk.name());
            let account = if quirk == Quirk::PhantomGroup { "carol@example.com" } else { "alice@example.com" };
            let transcript = dir.join(format!("msnp{n}-{}.txt", quirk.name()));
            let path = transcript.to_str().expect("a UTF-8 path");
            let args = ["demo", "--version", &n.to_string(), "--account", account, "--quirk", quirk.name()];
            let (status, out, err) = msnp_tests::msnp(&[&args[..], &["--transcript", path]].concat(), b"");
            assert_eq!(status, 0, "{what}: {err}");
            assert!(out.contains(account), "{what}: {out}");
            let (codes, warning) = deviation(quirk, n);
            if let Some(text) = warning {
                assert!(err.contains(text), "{what}: {err}");
            }
            let (status, out, _) = msnp_tests::msnp(&["validate", "--format", "json", path], b"");
            let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
            let found: BTreeSet<&str> = report["files"][0]["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .filter_map(|d| d["code"].as_str())
                .collect();
            let want: BTreeSet<&str> = codes.iter().copied().collect();
            assert_eq!(found, want, "{what}");
            assert_eq!(status, u8::from(!codes.is_empty()), "{what}: validate's exit status");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
