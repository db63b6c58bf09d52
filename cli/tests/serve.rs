//! `msnp serve` and `msnp login` as separate processes, the way a user runs them: the server from an accounts
//! file on an ephemeral loopback port, the client with its password in `MSNP_PASSWORD`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_msnp");

const ACCOUNTS: &str = r#"
[[account]]
handle = "x@example.com"
password = "x-secret"
friendly_name = "Ex"
groups = [{ id = "0", name = "Pals" }]
contacts = [{ handle = "y@example.com", friendly_name = "Why", lists = ["FL", "AL"], groups = ["0"] }]

[[account]]
handle = "y@example.com"
password = "y-secret"
contacts = [{ handle = "x@example.com", friendly_name = "Ex", lists = ["AL", "RL"] }]
"#;

/// Kills the server when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The running server and what its first lines name: the dispatch address, the nexus URL, the address-book
/// services' base URL, the accounts line.
struct Started {
    server: Running,
    dispatch: String,
    nexus: String,
    soap: String,
    accounts: String,
}

/// Starts `msnp serve` with `command` (the binary, or a shell that runs it) and reads the addresses it prints.
fn start(mut command: Command) -> Started {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("msnp serve starts");
    let stdout = child.stdout.take().unwrap();
    let server = Running(child);
    // The first lines name the addresses: dispatch, notification, nexus, RST endpoint, address-book services,
    // accounts.
    let mut lines = BufReader::new(stdout).lines();
    let mut field = |name: &str| {
        let line = lines.next().expect("a line from msnp serve").unwrap();
        line.strip_prefix(&format!("{name} ")).unwrap_or_else(|| panic!("`{line}` is not the {name} line")).to_string()
    };
    let (dispatch, _notification, nexus) = (field("dispatch"), field("notification"), field("nexus"));
    assert!(field("rst").ends_with("/RST.srf"));
    let soap = field("address-book");
    Started { server, dispatch, nexus, soap, accounts: field("accounts") }
}

#[test]
fn serve_answers_a_login_from_another_process() {
    let accounts = std::env::temp_dir().join(format!("msnp-serve-test-{}.toml", std::process::id()));
    std::fs::write(&accounts, ACCOUNTS).unwrap();
    let mut command = Command::new(BINARY);
    command.args([
        "serve",
        "--accounts",
        &accounts.display().to_string(),
        "--listen",
        "127.0.0.1:0",
        "--duration",
        "60",
    ]);
    let Started { server, dispatch, nexus, soap, accounts: listed } = start(command);
    assert!(listed.starts_with("2 from "));
    for version in ["7", "10", "13"] {
        let output = Command::new(BINARY)
            .args(["login", "--version", version, "--server", &dispatch, "--account", "x@example.com"])
            .args(["--nexus", &nexus, "--soap-url", &soap, "--format", "json"])
            .env("MSNP_PASSWORD", "x-secret")
            .stdin(Stdio::null())
            .output()
            .expect("msnp login runs");
        let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "MSNP{version}: {err}");
        assert!(out.contains("\"handle\": \"y@example.com\""), "MSNP{version}: {out}");
        assert!(out.contains("\"friendly_name\": \"Ex\""), "MSNP{version}: {out}");
        assert!(out.contains("\"name\": \"Pals\""), "MSNP{version}: {out}");
    }
    // Without a password and without a terminal: a usage error, and no connection attempt.
    let output = Command::new(BINARY)
        .args(["login", "--version", "8", "--server", &dispatch, "--account", "x@example.com"])
        .env_remove("MSNP_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("set MSNP_PASSWORD"));
    drop(server);
    std::fs::remove_file(&accounts).unwrap();
}

#[test]
fn three_hundred_idle_connections_do_not_stop_a_login() {
    let accounts = std::env::temp_dir().join(format!("msnp-serve-idle-{}.toml", std::process::id()));
    std::fs::write(&accounts, ACCOUNTS).unwrap();
    // The descriptor limit of a small host.
    let mut command = Command::new("sh");
    command.args([
        "-c",
        &format!(
            "ulimit -n 256 && exec {BINARY} serve --accounts {} --listen 127.0.0.1:0 --duration 60",
            accounts.display()
        ),
    ]);
    let Started { server, dispatch, nexus, .. } = start(command);
    let nexus_address = nexus.trim_start_matches("http://").split('/').next().unwrap().to_string();
    // 300 connections that never send a byte, from another loopback address: to the dispatch server and to the
    // Passport endpoints, as an attacker with one address would hold them.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let idle = runtime.block_on(async {
        let mut idle = Vec::new();
        for i in 0..300 {
            let target = if i % 2 == 0 { &dispatch } else { &nexus_address };
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
            if let Ok(stream) = socket.connect(target.parse().unwrap()).await {
                idle.push(stream);
            }
        }
        idle
    });
    assert!(idle.len() >= 256, "only {} idle connections opened", idle.len());
    for version in ["7", "8"] {
        let output = Command::new(BINARY)
            .args(["login", "--version", version, "--server", &dispatch, "--account", "x@example.com"])
            .args(["--nexus", &nexus, "--timeout", "5"])
            .env("MSNP_PASSWORD", "x-secret")
            .stdin(Stdio::null())
            .output()
            .expect("msnp login runs");
        assert!(output.status.success(), "MSNP{version}: {}", String::from_utf8_lossy(&output.stderr));
    }
    drop(idle);
    drop(server);
    std::fs::remove_file(&accounts).unwrap();
}
