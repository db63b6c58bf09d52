//! Load on the embedded server: 500 concurrent logins (half MSNP7 with MD5, half MSNP8 with Passport 1.4 over
//! HTTP), each synchronising a small list and signing out, while 200 connections from another loopback address
//! send garbage to the dispatch server, the notification server and the Passport endpoints. Every legitimate
//! login must succeed. Reports logins per second (median and best of the rounds) and the peak resident memory of
//! the `msnp serve` process.
//!
//! Run with `cargo bench -p msnp-cli --bench load` (`MSNP_LOAD_ROUNDS` sets the number of rounds, 5 by default).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use msnp::client::{Client, ClientConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LOGINS: usize = 500;
const GARBAGE: usize = 200;

/// The server process, killed when the benchmark ends however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// 500 accounts, each with two contacts.
fn accounts() -> String {
    let mut text = String::new();
    for i in 0..LOGINS {
        let (a, b) = ((i + 1) % LOGINS, (i + 2) % LOGINS);
        text.push_str(&format!(
            "[[account]]\nhandle = \"user{i}@example.com\"\npassword = \"pass{i}\"\nfriendly_name = \"User {i}\"\n\
             contacts = [{{ handle = \"user{a}@example.com\", friendly_name = \"User {a}\", lists = [\"FL\", \"AL\"] }}, \
             {{ handle = \"user{b}@example.com\", friendly_name = \"User {b}\", lists = [\"RL\"] }}]\n\n"
        ));
    }
    text
}

/// A connection from 127.0.0.2 that sends pseudo-random bytes (bounded) and then holds on until dropped.
async fn garbage(target: std::net::SocketAddr, seed: u64) -> Option<tokio::net::TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4().ok()?;
    socket.bind("127.0.0.2:0".parse().ok()?).ok()?;
    let mut stream = socket.connect(target).await.ok()?;
    let mut state = seed | 1;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Mostly printable with line ends, so that the server parses lines and does not only frame them.
            match state % 16 {
                0 => b'\n',
                1 => b' ',
                _ => b'A' + (state % 26) as u8,
            }
        })
        .collect();
    let _ = stream.write_all(&bytes).await;
    let mut sink = [0; 1024];
    let _ = tokio::time::timeout(Duration::from_millis(10), stream.read(&mut sink)).await;
    Some(stream)
}

/// One legitimate session: log in, synchronise, sign out.
async fn session(i: usize, dispatch: String, nexus: String) -> Result<(), String> {
    let version = msnp::SPEC.version(if i.is_multiple_of(2) { "MSNP7" } else { "MSNP8" }).ok_or("a version")?;
    let mut config = ClientConfig::new(version, &dispatch, &format!("user{i}@example.com"), &format!("pass{i}"));
    config.nexus = nexus;
    config.timeout = Duration::from_secs(30);
    let mut client = Client::login(&config).await.map_err(|e| format!("user{i}: {e}"))?;
    let list = client.synchronise().await.map_err(|e| format!("user{i}: {e}"))?;
    if list.contacts.len() != 2 {
        return Err(format!("user{i}: {} contacts", list.contacts.len()));
    }
    client.sign_out().await.map_err(|e| format!("user{i}: {e}"))?;
    Ok(())
}

/// The peak resident memory of process `pid`, in KiB (VmHWM).
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::var("MSNP_LOAD_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(5);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("load-accounts.toml");
    std::fs::write(&file, accounts())?;
    // Room for every connection of the round (three per MSNP8 login, two per MSNP7 one, and the garbage).
    let command = format!(
        "ulimit -n 8192 2>/dev/null; exec {} serve --accounts {} --listen 127.0.0.1:0 --duration 600 \
         --max-connections 4096 --max-per-address 2048 --challenge false",
        env!("CARGO_BIN_EXE_msnp"),
        file.display()
    );
    let mut child = Command::new("sh").args(["-c", &command]).stdout(Stdio::piped()).spawn()?;
    let stdout = child.stdout.take().ok_or("the server's output")?;
    let server = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let mut field = |name: &str| -> Result<String, Box<dyn std::error::Error>> {
        let line = lines.next().ok_or("msnp serve stopped")??;
        Ok(line.strip_prefix(&format!("{name} ")).ok_or(format!("`{line}` is not the {name} line"))?.to_string())
    };
    let (dispatch, notification, nexus) = (field("dispatch")?, field("notification")?, field("nexus")?);
    let passport = nexus.trim_start_matches("http://").split('/').next().ok_or("the nexus address")?.to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let mut rates = Vec::new();
    for round in 0..rounds {
        let (elapsed, failures) = runtime.block_on(async {
            let targets = [&dispatch, &notification, &passport].map(|a| a.parse().expect("an address"));
            let noise: Vec<_> =
                (0..GARBAGE).map(|g| tokio::spawn(garbage(targets[g % 3], (round * GARBAGE + g) as u64))).collect();
            let started = Instant::now();
            let logins: Vec<_> =
                (0..LOGINS).map(|i| tokio::spawn(session(i, dispatch.clone(), nexus.clone()))).collect();
            let mut failures = Vec::new();
            for login in logins {
                match login.await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => failures.push(e),
                    Err(e) => failures.push(e.to_string()),
                }
            }
            let elapsed = started.elapsed();
            for held in noise {
                drop(held.await);
            }
            (elapsed, failures)
        });
        if !failures.is_empty() {
            return Err(
                format!("round {round}: {} of {LOGINS} logins failed, first: {}", failures.len(), failures[0]).into()
            );
        }
        let rate = LOGINS as f64 / elapsed.as_secs_f64();
        println!("round {round}: {LOGINS} logins in {:.0} ms ({rate:.0} per second)", elapsed.as_secs_f64() * 1000.0);
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    let peak = peak_kib(server.0.id()).map_or("unknown".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!("| logins | garbage connections | rounds | median logins/s | best logins/s | server peak RSS |");
    println!("| --- | --- | --- | --- | --- | --- |");
    println!(
        "| {LOGINS} concurrent (MSNP7 and MSNP8) | {GARBAGE} | {rounds} | {:.0} | {:.0} | {peak} |",
        rates[rates.len() / 2],
        rates[rates.len() - 1]
    );
    Ok(())
}
