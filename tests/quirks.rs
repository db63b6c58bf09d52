//! The embedded server's quirks over a socket: a raw TCP client sends fixed MSNP7 lines and checks the exact
//! bytes each quirk changes, so that the whole path from `ServerConfig::quirks` to the wire is covered (the
//! bytes of every version era are pinned by the server's unit tests).

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use msnp::auth::md5_login_digest;
use msnp::server::{Quirk, Server, ServerConfig};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A client that writes lines and reads them back, each within a few seconds.
struct Raw {
    stream: BufReader<TcpStream>,
}

impl Raw {
    async fn send(&mut self, line: &str) {
        self.stream.get_mut().write_all(format!("{line}\r\n").as_bytes()).await.unwrap();
    }

    async fn line(&mut self) -> String {
        let mut line = String::new();
        tokio::time::timeout(Duration::from_secs(5), self.stream.read_line(&mut line))
            .await
            .expect("a line within 5 s")
            .unwrap();
        line
    }

    /// Lines until (and with) `last`.
    async fn until(&mut self, last: &str) -> String {
        let mut text = String::new();
        while !text.ends_with(last) {
            let line = self.line().await;
            assert!(!line.is_empty(), "closed after {text:?}");
            text.push_str(&line);
        }
        text
    }

    /// Skips a payload of `length` bytes.
    async fn skip(&mut self, length: usize) {
        let mut payload = vec![0; length];
        self.stream.read_exact(&mut payload).await.unwrap();
    }
}

/// Signs in to the notification server with MSNP7 and MD5; returns the client and the USR OK line.
async fn sign_in(server: &Server, handle: &str, password: &str) -> (Raw, String) {
    let mut raw = Raw { stream: BufReader::new(TcpStream::connect(server.notification).await.unwrap()) };
    raw.send("VER 1 MSNP7 CVR0").await;
    assert_eq!(raw.line().await, "VER 1 MSNP7\r\n");
    raw.send("INF 2").await;
    assert_eq!(raw.line().await, "INF 2 MD5\r\n");
    raw.send(&format!("USR 3 MD5 I {handle}")).await;
    let challenge = raw.line().await;
    let salt = challenge.trim_end().strip_prefix("USR 3 MD5 S ").expect("the MD5 challenge");
    raw.send(&format!("USR 4 MD5 S {}", md5_login_digest(salt, password))).await;
    let ok = raw.line().await;
    (raw, ok)
}

async fn start(quirks: &[Quirk]) -> Server {
    // Without CHL, nothing but the profile message comes between USR OK and what SYN asks for.
    let config = ServerConfig { quirks: quirks.iter().copied().collect(), challenge: false, ..ServerConfig::default() };
    Server::start(config, LOOPBACK, 0).await.expect("the server starts")
}

#[tokio::test]
async fn usr_ok_without_its_flag_no_profile_and_a_phantom_group() {
    let server = start(&[Quirk::MissingTrailingArg, Quirk::NoProfile, Quirk::PhantomGroup]).await;
    let (mut raw, ok) = sign_in(&server, "carol@example.com", "carol-password").await;
    // MSNP7's USR OK ends with the verified flag; the quirk leaves it out and keeps the handle and the name.
    assert_eq!(ok, "USR 4 OK carol@example.com Carol%20C.\r\n");
    raw.send("SYN 5 0").await;
    // No profile message came before the SYN reply. Carol has no groups, so Alice, in none, is in group 0.
    assert_eq!(
        raw.until("LST 5 RL 1 2 2 dave@example.com Dave\r\n").await,
        "SYN 5 1\r\n\
GTC 5 1 A\r\n\
BLP 5 1 AL\r\n\
LST 5 FL 1 1 1 alice@example.com Alice 0\r\n\
LST 5 AL 1 1 1 alice@example.com Alice\r\n\
LST 5 BL 1 0 0\r\n\
LST 5 RL 1 1 2 alice@example.com Alice\r\n\
LST 5 RL 1 2 2 dave@example.com Dave\r\n"
    );
}

#[tokio::test]
async fn the_syn_answer_with_every_other_quirk() {
    let quirks = [
        Quirk::TrailingSpace,
        Quirk::SwappedCounters,
        Quirk::ExtraTrailingArg,
        Quirk::ReorderedLists,
        Quirk::UnknownCommands,
    ];
    let server = start(&quirks).await;
    let (mut raw, ok) = sign_in(&server, "alice@example.com", "alice-password").await;
    assert_eq!(ok, "USR 4 OK alice@example.com Alice 1 1\r\n");
    let profile = raw.line().await;
    let length = profile.trim_end().strip_prefix("MSG Hotmail Hotmail ").expect("the profile message");
    raw.skip(length.parse().unwrap()).await;
    raw.send("SYN 5 0").await;
    let last = "ZZZ 5 hello\r\nLSG 5 1 2 2 1 Work%20Mates 0 \r\n";
    assert_eq!(
        raw.until(last).await,
        "SYN 5 1 1\r\n\
GTC 5 1 A\r\n\
BLP 5 1 AL\r\n\
PRP 5 1 MOB Y\r\n\
PRP 5 1 PHH 555%200101\r\n\
ZZZ 5 hello\r\nLST 5 RL 1 3 1 bob@example.com Bob \r\n\
ZZZ 5 hello\r\nLST 5 RL 1 3 2 carol@example.com Carol%20C. \r\n\
ZZZ 5 hello\r\nLST 5 RL 1 3 3 mallory@example.com Mallory \r\n\
ZZZ 5 hello\r\nLST 5 BL 1 1 1 mallory@example.com Mallory \r\n\
ZZZ 5 hello\r\nLST 5 AL 1 2 1 bob@example.com Bob \r\n\
ZZZ 5 hello\r\nLST 5 AL 1 2 2 carol@example.com Carol%20C. \r\n\
ZZZ 5 hello\r\nLST 5 FL 1 2 1 bob@example.com Bob 0 \r\n\
BPR 1 bob@example.com PHH 555%200102\r\n\
ZZZ 5 hello\r\nLST 5 FL 1 2 2 carol@example.com Carol%20C. 0,1 \r\n\
ZZZ 5 hello\r\nLSG 5 1 2 1 0 Friends 0 \r\n\
ZZZ 5 hello\r\nLSG 5 1 2 2 1 Work%20Mates 0 \r\n"
    );
}

#[tokio::test]
async fn the_server_reads_client_lines_with_the_same_repairs_as_the_client() {
    let server = start(&[]).await;
    let (mut raw, ok) = sign_in(&server, "alice@example.com", "alice-password").await;
    assert_eq!(ok, "USR 4 OK alice@example.com Alice 1\r\n");
    let profile = raw.line().await;
    let length = profile.trim_end().strip_prefix("MSG Hotmail Hotmail ").expect("the profile message");
    raw.skip(length.parse().unwrap()).await;
    // A doubled space and a trailing one: read as meant, not refused with 200.
    raw.send("CHG 5  NLN ").await;
    assert_eq!(raw.line().await, "CHG 5 NLN\r\n");
    // A line no repair saves is still a syntax error, answered with its TrID.
    raw.send("CHG 6 NOT-A-STATUS").await;
    assert_eq!(raw.line().await, "200 6\r\n");
}
