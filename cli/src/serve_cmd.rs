//! `msnp serve`: the embedded reference server, from an accounts file, until interrupted.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use msnp::server::{Accounts, Quirk, Server, ServerConfig};

use crate::{EXIT_OK, EXIT_USAGE};

/// Arguments of `msnp serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The accounts, passwords, groups and contacts (TOML; the format is in the README).
    #[arg(long, value_name = "FILE")]
    accounts: PathBuf,
    /// Where the dispatch server listens; the notification server and the Passport endpoints take free ports on
    /// the same address.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:1863")]
    listen: SocketAddr,
    /// Stop after this many seconds instead of running until interrupted.
    #[arg(long, value_name = "SECS")]
    duration: Option<f64>,
    /// Challenge clients with CHL after they sign in (MSNP6 and later).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    challenge: bool,
    /// Misbehave as real servers do, in the versions that can show it; repeat for several.
    #[arg(long = "quirk", value_name = "NAME", value_parser = quirk_parser())]
    quirks: Vec<Quirk>,
    /// Seconds a connection has to sign in (or, on the dispatch server, to be referred on) before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = ServerConfig::default().login_timeout.as_secs_f64(), value_parser = seconds)]
    login_timeout: f64,
    /// Seconds a signed-in connection may stay silent before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = ServerConfig::default().idle_timeout.as_secs_f64(), value_parser = seconds)]
    idle_timeout: f64,
    /// Seconds a command line or an announced payload may take to arrive once it has started.
    #[arg(long, value_name = "SECS", default_value_t = ServerConfig::default().frame_timeout.as_secs_f64(), value_parser = seconds)]
    frame_timeout: f64,
    /// Seconds the Passport endpoints wait for a request's header, and for the whole of one connection.
    #[arg(long, value_name = "SECS", default_value_t = ServerConfig::default().http_timeout.as_secs_f64(), value_parser = seconds)]
    http_timeout: f64,
    /// Connections held open at once on all listeners; more are closed as soon as they are accepted.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().max_connections)]
    max_connections: usize,
    /// Connections held open at once from one address.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().max_per_address)]
    max_per_address: usize,
}

/// A number of seconds above 0 and at most a day.
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 => Ok(secs),
        _ => Err(format!("`{text}` is not a number of seconds above 0 and at most 86400")),
    }
}

/// The parser of `--quirk NAME`: the names and one-line descriptions come from the library's [`Quirk`], so the
/// help lists every quirk the server has.
pub(crate) fn quirk_parser() -> impl TypedValueParser<Value = Quirk> {
    PossibleValuesParser::new(Quirk::ALL.map(|q| PossibleValue::new(q.name()).help(q.doc())))
        .try_map(|name| name.parse::<Quirk>())
}

/// Runs `msnp serve`.
pub fn run(args: &Args, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let accounts = match Accounts::load(&args.accounts) {
        Ok(accounts) => accounts,
        Err(e) => {
            let _ = writeln!(stderr, "msnp serve: {e}");
            return EXIT_USAGE;
        }
    };
    let duration = match args.duration {
        None => None,
        Some(secs) if secs.is_finite() && secs > 0.0 && secs <= 1e9 => Some(Duration::from_secs_f64(secs)),
        Some(secs) => {
            let _ = writeln!(stderr, "msnp serve: --duration {secs}: a positive number of seconds");
            return EXIT_USAGE;
        }
    };
    let count = accounts.accounts.len();
    let quirks = args.quirks.iter().copied().collect();
    let config = ServerConfig {
        accounts,
        challenge: args.challenge,
        quirks,
        login_timeout: Duration::from_secs_f64(args.login_timeout),
        idle_timeout: Duration::from_secs_f64(args.idle_timeout),
        frame_timeout: Duration::from_secs_f64(args.frame_timeout),
        http_timeout: Duration::from_secs_f64(args.http_timeout),
        max_connections: args.max_connections,
        max_per_address: args.max_per_address,
        ..ServerConfig::default()
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = writeln!(stderr, "msnp serve: cannot start the async runtime: {e}");
            return EXIT_USAGE;
        }
    };
    runtime.block_on(async {
        let server = match Server::start(config, args.listen.ip(), args.listen.port()).await {
            Ok(server) => server,
            Err(e) => {
                let _ = writeln!(stderr, "msnp serve: cannot listen on {}: {e}", args.listen);
                return EXIT_USAGE;
            }
        };
        let _ = writeln!(
            stdout,
            "dispatch {}\nnotification {}\nnexus {}\nrst {}\naddress-book {}\naccounts {count} from {}",
            server.dispatch,
            server.notification,
            server.nexus_url(),
            server.rst_url(),
            server.soap_url(),
            args.accounts.display()
        );
        if !args.quirks.is_empty() {
            let names: Vec<&str> = args.quirks.iter().map(|q| q.name()).collect();
            let _ = writeln!(stdout, "quirks {}", names.join(" "));
        }
        let _ = stdout.flush();
        let status = match duration {
            Some(duration) => {
                tokio::time::sleep(duration).await;
                EXIT_OK
            }
            None => match tokio::signal::ctrl_c().await {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    // Without a way to be interrupted, the server would run unattended: stop instead.
                    let _ = writeln!(stderr, "msnp serve: cannot wait for Ctrl-C ({e}); use --duration SECS");
                    EXIT_USAGE
                }
            },
        };
        drop(server);
        status
    })
}
