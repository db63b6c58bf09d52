//! The client against a scripted notification server that sends exactly the lines a test gives: list counters
//! swapped or changing within one SYN, lines no repair can read, a list that never completes. These are shapes
//! real servers sent; the embedded server's quirks cover the rest (`tests/quirks.rs`).
//!
//! The script answers VER, INF, USR MD5 (any digest), PNG, CHG and OUT as an MSNP2-7 server does, and SYN with the
//! test's lines; it writes the lines as given, malformed ones included, which is the point of it.

use std::net::SocketAddr;
use std::time::Duration;

use msnp::client::{Client, ClientConfig, Failure, LoginError};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the scripted server sends: the USR OK line and the SYN answer, with `{t}` standing for the request's TrID.
#[derive(Clone)]
struct Script {
    version: &'static str,
    usr_ok: &'static str,
    syn: Vec<&'static str>,
    /// Lines after the echo of CHG (`{t}` is CHG's TrID).
    after_chg: Vec<&'static str>,
}

/// Starts the script on a loopback port; it serves one connection at a time until the test ends.
async fn serve(script: Script) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(play(stream, script.clone()));
        }
    });
    address
}

/// Plays the script on one connection until the client signs out or closes it.
async fn play(stream: impl AsyncRead + AsyncWrite, script: Script) {
    let (read, mut write) = tokio::io::split(stream);
    let mut lines = BufReader::new(read).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let words: Vec<&str> = line.split(' ').collect();
        let t = words.get(1).copied().unwrap_or("0");
        let answer: Vec<String> = match (words[0], words.get(2).copied()) {
            ("VER", _) => vec![format!("VER {t} {}", script.version)],
            ("INF", _) => vec![format!("INF {t} MD5")],
            ("USR", Some("MD5")) if words.get(3) == Some(&"I") => {
                vec![format!("USR {t} MD5 S 1013928519.693957190")]
            }
            ("USR", Some("TWN")) if words.get(3) == Some(&"I") => {
                vec![format!("USR {t} TWN S lc=1033,id=507,tw=40,fs=1,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1")]
            }
            ("CVR", _) => {
                vec![format!("CVR {t} 7.5.0324 7.5.0324 7.0.0425 http://download.example.com http://example.com")]
            }
            ("USR", _) => vec![script.usr_ok.replace("{t}", t)],
            ("SYN", _) => script.syn.iter().map(|l| l.replace("{t}", t)).collect(),
            ("PNG", _) if script.version == "MSNP12" => vec!["QNG 50".to_string()],
            ("PNG", _) => vec!["QNG".to_string()],
            ("CHG", _) => {
                std::iter::once(line.clone()).chain(script.after_chg.iter().map(|l| l.replace("{t}", t))).collect()
            }
            ("OUT", _) => break,
            _ => vec![format!("502 {t}")],
        };
        let mut bytes = Vec::new();
        for line in answer {
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        if write.write_all(&bytes).await.is_err() {
            break;
        }
    }
}

fn config(address: SocketAddr, version: &str) -> ClientConfig {
    let version = msnp::SPEC.version(version).expect("a version of the spec");
    let mut config = ClientConfig::new(version, &address.to_string(), "alice@example.com", "any-password");
    config.timeout = Duration::from_secs(2);
    config.record = true;
    config
}

async fn login_and_sync(config: &ClientConfig) -> Result<(Client, msnp::contacts::ContactList), LoginError> {
    let mut client = Client::login(config).await?;
    let list = client.synchronise().await.map_err(|e| e.with_session(client.transcript().cloned(), vec![]))?;
    Ok((client, list))
}

/// The handles on each list, as `FL:a,b AL:... ` for comparison.
fn lists(list: &msnp::contacts::ContactList) -> String {
    use msnp::contacts::List;
    [List::FL, List::AL, List::BL, List::RL]
        .iter()
        .map(|l| {
            let on: Vec<&str> = list.on(*l).map(|c| c.handle.as_str()).collect();
            format!("{}:{}", l.name(), on.join(","))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const MSNP7_OK: &str = "USR {t} OK alice@example.com Alice 1";

/// Each case: the version, the SYN answer, the lists the dump must hold, and a text each warning list must hold.
#[tokio::test]
async fn lists_complete_whatever_their_counters_say() {
    let cases: Vec<(&str, Vec<&str>, &str, &[&str])> = vec![
        (
            "consistent counters",
            vec![
                "SYN {t} 9",
                "GTC {t} 9 A",
                "BLP {t} 9 AL",
                "LSG {t} 9 1 1 0 Other%20Contacts 0",
                "LST {t} FL 9 1 2 bob@example.com Bob 0",
                "LST {t} FL 9 2 2 carol@example.com Carol 0",
                "LST {t} AL 9 1 1 bob@example.com Bob",
                "LST {t} BL 9 0 0",
                "LST {t} RL 9 1 2 bob@example.com Bob",
                "LST {t} RL 9 2 2 carol@example.com Carol",
            ],
            "FL:bob@example.com,carol@example.com AL:bob@example.com BL: RL:bob@example.com,carol@example.com",
            &[],
        ),
        (
            // Index and total swapped: `1 2` written as `2 1`. Read as written, the first line says the list is
            // complete; counted by the larger of the two, it is not.
            "index and total swapped",
            vec![
                "SYN {t} 9",
                "LST {t} FL 9 1 1 bob@example.com Bob 0",
                "LST {t} AL 9 0 0",
                "LST {t} BL 9 0 0",
                "LST {t} RL 9 2 1 bob@example.com Bob",
                "LST {t} RL 9 2 2 carol@example.com Carol",
            ],
            "FL:bob@example.com AL: BL: RL:bob@example.com,carol@example.com",
            &["RL: index 2 is above the total 1"],
        ),
        (
            // The total changes within one SYN: the list holds as many lines as the largest count announced.
            "a total that changes",
            vec![
                "SYN {t} 9",
                "LST {t} FL 9 1 2 bob@example.com Bob 0",
                "LST {t} FL 9 2 3 carol@example.com Carol 0",
                "LST {t} FL 9 3 3 dave@example.com Dave 0",
                "LST {t} AL 9 0 0",
                "LST {t} BL 9 0 0",
                "LST {t} RL 9 0 0",
            ],
            "FL:bob@example.com,carol@example.com,dave@example.com AL: BL: RL:",
            &["FL: the total changed from 2 to 3"],
        ),
        (
            // Lists in another order, groups last: the PNG round trip collects what comes after the counts.
            "lists in another order",
            vec![
                "SYN {t} 9",
                "LST {t} RL 9 1 1 bob@example.com Bob",
                "LST {t} BL 9 0 0",
                "LST {t} AL 9 0 0",
                "LST {t} FL 9 1 1 bob@example.com Bob 1",
                "LSG {t} 9 1 1 1 Work%20Mates 0",
            ],
            "FL:bob@example.com AL: BL: RL:bob@example.com",
            &[],
        ),
    ];
    for (what, syn, want, warnings) in cases {
        let address = serve(Script { version: "MSNP7", usr_ok: MSNP7_OK, syn, after_chg: vec![] }).await;
        let (client, list) = login_and_sync(&config(address, "MSNP7")).await.unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(lists(&list), want, "{what}");
        for warning in warnings {
            assert!(client.warnings().iter().any(|w| w.contains(warning)), "{what}: {:?}", client.warnings());
        }
        if what == "consistent counters" {
            assert!(client.warnings().is_empty(), "{what}: {:?}", client.warnings());
        }
        assert!(client.lost_lines().is_empty(), "{what}");
        if what == "lists in another order" {
            assert_eq!(list.groups.len(), 1, "{what}");
            assert_eq!(list.groups[0].name, "Work Mates", "{what}");
        }
    }
}

#[tokio::test]
async fn a_list_that_never_completes_says_what_is_missing() {
    let syn = vec![
        "SYN {t} 9",
        "LST {t} FL 9 0 0",
        "LST {t} AL 9 0 0",
        "LST {t} BL 9 0 0",
        "LST {t} RL 9 1 2 bob@example.com Bob",
        "ZZZ {t} this line is no command",
    ];
    let address = serve(Script { version: "MSNP7", usr_ok: MSNP7_OK, syn, after_chg: vec![] }).await;
    let error = login_and_sync(&config(address, "MSNP7")).await.unwrap_err();
    let text = error.to_string();
    assert!(matches!(error.failure, Failure::Incomplete(_)), "{text}");
    assert!(text.starts_with("SYN: 1 of 2 RL entries missing after 2s; 6 lines arrived, 1 skipped"), "{text}");
    assert!(text.contains("ZZZ"), "{text}");
}

#[tokio::test]
async fn a_reply_no_repair_can_read_fails_at_once_and_keeps_the_transcript() {
    // USR's literal is wrong: no form of USR can be guessed, and the line answers the request being waited for.
    let address = serve(Script {
        version: "MSNP7",
        usr_ok: "USR {t} XX alice@example.com Alice 1",
        syn: vec![],
        after_chg: vec![],
    })
    .await;
    let started = std::time::Instant::now();
    let error = login_and_sync(&config(address, "MSNP7")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1), "the reply was waited for again: {error}");
    let text = error.to_string();
    assert!(text.starts_with("USR S: the reply to TrID 4 cannot be read: USR:"), "{text}");
    assert!(text.contains("(server: `USR 4 XX alice@example.com Alice 1`)"), "{text}");
    let transcript = error.transcript.expect("the session up to the failure");
    assert!(transcript.text().contains("S: USR 4 XX alice@example.com Alice 1"), "{}", transcript.text());
    // The CLI: exit 5, the stage and the line.
    let (status, _, err) = cli_login(address, "7").await;
    assert_eq!(status, 5, "{err}");
    assert!(err.contains("failed at USR S: the reply to TrID 4 cannot be read"), "{err}");
}

#[tokio::test]
async fn a_list_line_no_repair_can_read_is_counted_and_the_dump_is_incomplete() {
    let syn = vec![
        "SYN {t} 9",
        "LST {t} FL 9 1 2 bob@example.com Bob 0",
        "LST {t} FL 9 2 2 not-a-handle Carol 0",
        "LST {t} AL 9 0 0",
        "LST {t} BL 9 0 0",
        "LST {t} RL 9 0 0",
    ];
    let address = serve(Script { version: "MSNP7", usr_ok: MSNP7_OK, syn, after_chg: vec![] }).await;
    let (client, list) = login_and_sync(&config(address, "MSNP7")).await.expect("the SYN ends");
    assert_eq!(lists(&list), "FL:bob@example.com AL: BL: RL:");
    assert_eq!(client.lost_lines(), ["LST 5 FL 9 2 2 not-a-handle Carol 0"]);
    let (status, out, err) = cli_login(address, "7").await;
    assert_eq!(status, 5, "{err}");
    assert!(out.contains("bob@example.com"), "the dump is still printed: {out}");
    assert!(err.contains("the dump is incomplete: 1 line(s) of the SYN answer could not be read"), "{err}");
}

#[tokio::test]
async fn repaired_replies_are_used_and_reported() {
    // USR OK without the verified flag (MSNP6 and MSNP7 servers), and a trailing space on a list line.
    let syn = vec![
        "SYN {t} 9",
        "LST {t} FL 9 1 1 bob@example.com Bob 0 ",
        "LST {t} AL 9 0 0",
        "LST {t} BL 9 0 0",
        "LST {t} RL 9 0 0",
    ];
    let address =
        serve(Script { version: "MSNP7", usr_ok: "USR {t} OK alice@example.com Alice", syn, after_chg: vec![] }).await;
    let (client, list) = login_and_sync(&config(address, "MSNP7")).await.expect("signed in");
    assert_eq!(list.account.friendly_name, "Alice");
    assert_eq!(lists(&list), "FL:bob@example.com AL: BL: RL:");
    let warnings = client.warnings().join("\n");
    assert!(warnings.contains("`USR 4 OK alice@example.com Alice`: arg-count at column 33"), "{warnings}");
    assert!(warnings.contains("expected `USR TrID OK handle friendly-name verified`"), "{warnings}");
    assert!(warnings.contains("arg-type at column 38: LST: empty argument"), "{warnings}");
}

/// Runs `msnp login` against the script (the CLI starts its own runtime).
async fn cli_login(address: SocketAddr, version: &'static str) -> (u8, String, String) {
    let server = address.to_string();
    // A blocking thread, so that this runtime keeps serving the script meanwhile.
    tokio::task::spawn_blocking(move || {
        msnp_tests::msnp(
            &[
                "login",
                "--server",
                &server,
                "--version",
                version,
                "--account",
                "alice@example.com",
                "--timeout",
                "2",
                "--password-stdin",
            ],
            b"any-password\n",
        )
    })
    .await
    .expect("the CLI thread")
}

#[tokio::test]
async fn control_characters_from_the_server_are_shown_not_sent_to_the_terminal() {
    // An escaped ESC in a name, and raw ESC and BEL bytes in a line the client warns about.
    let syn = vec![
        "SYN {t} 9",
        "ZZZ {t} \u{1b}]0;retitled\u{7}",
        "LSG {t} 9 1 1 0 Other%1B[2JContacts 0",
        "LST {t} FL 9 1 1 bob@example.com Bob%1B[31m 0",
        "LST {t} AL 9 0 0",
        "LST {t} BL 9 0 0",
        "LST {t} RL 9 0 0",
    ];
    let address =
        serve(Script { version: "MSNP7", usr_ok: "USR {t} OK alice@example.com Ali%07ce 1", syn, after_chg: vec![] })
            .await;
    let (status, out, err) = cli_login(address, "7").await;
    assert_eq!(status, 0, "{err}");
    for text in [&out, &err] {
        assert!(!text.contains(['\u{1b}', '\u{7}']), "a control character reached the terminal: {text:?}");
    }
    assert!(out.contains("Ali\\x07ce"), "{out}");
    assert!(out.contains("Bob\\x1b[31m"), "{out}");
    assert!(out.contains("Other\\x1b[2JContacts"), "{out}");
    assert!(err.contains("ZZZ 5 \\x1b]0;retitled\\x07"), "{err}");
}

#[tokio::test]
async fn the_client_runs_over_any_byte_stream() {
    // An in-memory pipe instead of TCP: what a fuzzer playing the server needs.
    let syn = vec!["SYN {t} 9", "LST {t} FL 9 0 0", "LST {t} AL 9 0 0", "LST {t} BL 9 0 0", "LST {t} RL 9 0 0"];
    let script = Script { version: "MSNP7", usr_ok: MSNP7_OK, syn, after_chg: vec![] };
    let version = msnp::SPEC.version("MSNP7").expect("MSNP7");
    let config = ClientConfig::new(version, "in-memory:1863", "alice@example.com", "any-password");
    let mut client = Client::login_via(&config, |_| {
        let (ours, theirs) = tokio::io::duplex(4096);
        tokio::spawn(play(theirs, script.clone()));
        std::future::ready(Ok(Box::new(ours) as msnp::client::Stream))
    })
    .await
    .expect("signed in over the pipe");
    let list = client.synchronise().await.expect("synchronised");
    assert_eq!(list.account.friendly_name, "Alice");
}

#[tokio::test]
async fn msnp12_lines_only_real_servers_send_are_kept() {
    // The notification server is scripted; Passport is the embedded server's, whose ticket the script does not
    // check.
    let passport = msnp::server::Server::start(msnp::server::ServerConfig::default(), "127.0.0.1".parse().unwrap(), 0)
        .await
        .expect("the embedded server starts");
    let syn = vec![
        "SYN {t} 2010-02-11T09:25:15.117-08:00 2009-06-21T11:55:14.32-07:00 2 0",
        "GTC A",
        "BLP AL",
        "LST N=bob@example.com F=Bob C=bob@example.com 11 1",
        // A contact only on the allow list: no stored name, no contact id (a real MSNP12 server, 2010).
        "LST N=someone@example.es 2 1",
    ];
    // ILN pushed with TrID 0 after the CHG's echo (a real MSNP12 server, 2010).
    let after_chg = vec!["ILN 0 AWY bob@example.com Bob 2789003300"];
    let script = Script { version: "MSNP12", usr_ok: "USR {t} OK alice@example.com 1 0", syn, after_chg };
    let address = serve(script).await;
    let mut config = config(address, "MSNP12");
    config.account = "alice@example.com".into();
    config.password = "alice-password".into();
    config.login_url = Some(format!("http://{}{}", passport.passport, msnp::server::LOGIN_PATH));
    let (mut client, list) = login_and_sync(&config).await.expect("signed in and synchronised");
    assert_eq!(lists(&list), "FL:bob@example.com AL:bob@example.com,someone@example.es BL: RL:bob@example.com");
    let someone = list.contacts.iter().find(|c| c.handle == "someone@example.es").expect("the allow-list contact");
    assert_eq!(someone.friendly_name, "someone@example.es", "the handle stands for the missing name");
    client.set_status("NLN", Some(0)).await.expect("the status set");
    let events = client.watch(Duration::from_millis(300)).await.expect("watching");
    assert!(
        events.iter().any(|p| p.command == "ILN" && p.handle == "bob@example.com" && p.status == "AWY"),
        "{events:?}"
    );
    assert!(client.warnings().is_empty(), "{:?}", client.warnings());
}
