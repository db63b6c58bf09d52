//! Login plus the contact list with 1,000 contacts, client and server in one process on loopback, for MSNP7 (MD5,
//! SYN), MSNP8 (Passport 1.4 over HTTP, SYN) and MSNP15 (single sign-on at the RST endpoint, then FindMembership,
//! ABFindAll, BLP and ADL): the median, fastest and 90th-percentile wall time of a whole session (connect to the
//! dispatch server, referral, authentication, the list, OUT), and the client's peak heap.
//!
//! The server runs on a runtime of its own (two worker threads); the client runs on the main thread, whose
//! allocations alone are counted for its peak.
//!
//! Run with `cargo bench -p msnp-tests --bench login` (`MSNP_BENCH_RUNS` sets the number of measured runs).

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use msnp::client::{Client, ClientConfig};
use msnp::contacts::{Contact, ContactList, Group, List};
use msnp::server::{Account, Accounts, Server, ServerConfig};
use msnp_tests::alloc::{Counting, thread_peak_of};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CONTACTS: usize = 1000;

/// An account with 1,000 contacts in 10 groups, on the lists a real account shows: most on FL, AL and RL, some
/// blocked, some with phone numbers.
fn accounts() -> Accounts {
    let mut list = ContactList::default();
    list.account.handle = "bench@example.com".into();
    list.account.friendly_name = "Bench".into();
    list.account.gtc = Some("A".into());
    list.account.blp = Some("AL".into());
    list.groups = (0..10).map(|i| Group { id: i.to_string(), name: format!("Group {i}") }).collect();
    list.contacts = (0..CONTACTS)
        .map(|i| {
            let lists = match i % 10 {
                0 => vec![List::BL, List::RL],
                1 => vec![List::FL, List::AL],
                _ => vec![List::FL, List::AL, List::RL],
            };
            let groups = if lists.contains(&List::FL) { vec![(i % 10).to_string()] } else { Vec::new() };
            let mut properties = std::collections::BTreeMap::new();
            if i % 7 == 0 {
                properties.insert("PHH".to_string(), format!("555%20{i:04}"));
            }
            Contact {
                handle: format!("contact{i:04}@example.com"),
                friendly_name: format!("Contact Number {i}"),
                lists,
                groups,
                properties,
            }
        })
        .collect();
    Accounts { accounts: vec![Account { password: "bench-password".into(), list }] }
}

fn main() {
    let runs: usize = std::env::var("MSNP_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(101);
    let server_runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    let config = ServerConfig { accounts: accounts(), ..ServerConfig::default() };
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let server = server_runtime.block_on(Server::start(config, loopback, 0)).expect("the server starts");
    let client_runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    println!("login + contact list, {CONTACTS} contacts, {runs} runs after 5 warm-up runs");
    println!("| version | median | fastest | 90th percentile | client peak heap |");
    println!("| --- | --- | --- | --- | --- |");
    for n in [7, 8, 15] {
        let version = msnp::SPEC.version(&format!("MSNP{n}")).expect("a version");
        let mut config =
            ClientConfig::new(version, &server.dispatch.to_string(), "bench@example.com", "bench-password");
        config.nexus = server.nexus_url();
        config.timeout = Duration::from_secs(10);
        // MSNP15: single sign-on at the server's RST endpoint, then the address-book services for the list.
        if n >= 15 {
            config.login_url = Some(server.rst_url());
        }
        config.soap_url = server.soap_url();
        let session = || {
            client_runtime.block_on(async {
                let mut client = Client::login(&config).await.expect("login");
                let list = client.synchronise().await.expect("the contact list");
                assert_eq!(list.contacts.len(), CONTACTS, "MSNP{n}: the whole list");
                client.sign_out().await.expect("OUT");
            })
        };
        for _ in 0..5 {
            session();
        }
        let mut times = Vec::with_capacity(runs);
        let mut peak = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let ((), bytes) = thread_peak_of(session);
            times.push(start.elapsed());
            peak = peak.max(bytes);
        }
        times.sort();
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| MSNP{n} | {} | {} | {} | {:.0} KiB |",
            ms(times[runs / 2]),
            ms(times[0]),
            ms(times[runs * 9 / 10]),
            peak as f64 / 1024.0
        );
    }
}
