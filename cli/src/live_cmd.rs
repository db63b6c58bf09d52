//! `msnp login`, `msnp chg` and `msnp demo`: a live session against a server, from the library's client.
//!
//! ```text
//! args --> Connect (endpoints, account, timeout) + password (MSNP_PASSWORD | --password-stdin | prompt)
//!      --> ClientConfig --> Client::login --> synchronise (SYN, or the address-book services, BLP and ADL)
//!      --> [set_status, watch] --> sign_out
//!      --> Dump (table or JSON) on stdout; tolerated lines as warnings and failures on stderr;
//!          the transcript, secrets redacted, to --transcript FILE
//! ```
//!
//! Exit status: [`EXIT_OK`], [`EXIT_USAGE`] for usage and I/O errors, [`EXIT_NETWORK`] when a server cannot be
//! reached or stops answering, [`EXIT_AUTH`] when the account or password is refused, [`EXIT_PROTOCOL`] when a
//! server refuses the version, answers with an error or sends what the session cannot go on with.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, PossibleValuesParser};
use msnp::client::{Client, ClientConfig, Failure, LoginError, Presence};
use msnp::contacts::ContactList;
use msnp::generated::types::Status;
use msnp::spec::VersionDef;

use msnp::text::visible;

use crate::{EXIT_OK, EXIT_USAGE};

/// Exit status when a server cannot be reached, closes the connection or stops answering.
pub const EXIT_NETWORK: u8 = 3;
/// Exit status when the account or the password is refused.
pub const EXIT_AUTH: u8 = 4;
/// Exit status when a server refuses the version, answers with an error, or sends what the session cannot use.
pub const EXIT_PROTOCOL: u8 = 5;

/// The oldest and newest versions the client speaks.
pub const VERSIONS: std::ops::RangeInclusive<u32> = 2..=18;

/// How the dump is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DumpFormat {
    /// Aligned text for people.
    #[default]
    Table,
    /// One JSON document: {"version", "account", "groups", "contacts"} for `login` and `demo`;
    /// {"version", "account", "status", "echo", "presence"} for `chg`.
    Json,
}

/// Where to connect and as whom; shared by `login` and `chg`.
#[derive(Debug, clap::Args)]
pub struct Connect {
    /// The protocol version to speak: 2 to 18 (or MSNP2 to MSNP18).
    #[arg(long, value_name = "N", value_parser = parse_version)]
    version: u32,
    /// The dispatch or notification server, HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    server: String,
    /// The account to sign in as.
    #[arg(long, value_name = "EMAIL")]
    account: String,
    /// The Passport 1.4 nexus (MSNP8 to MSNP14), http:// or https://.
    #[arg(long, value_name = "URL", default_value = msnp::client::DEFAULT_NEXUS)]
    nexus: String,
    /// MSNP8 to MSNP14: the Passport 1.4 login server, to skip the nexus. MSNP15 to MSNP18: the RST endpoint
    /// single sign-on gets its tickets from (default https://login.live.com/RST.srf).
    #[arg(long, value_name = "URL")]
    login_url: Option<String>,
    /// The base URL of the address-book services (MSNP13 on): FindMembership and ABFindAll go to
    /// /abservice/SharingService.asmx and /abservice/abservice.asmx under it, http:// or https://.
    #[arg(long, value_name = "BASE", default_value = msnp::abservice::DEFAULT_BASE_URL)]
    soap_url: String,
    /// A CA certificate (PEM) to trust for Passport, the RST endpoint and the address-book services over HTTPS,
    /// besides the system's roots.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Read the password from the first line of standard input (otherwise MSNP_PASSWORD, or a prompt on a
    /// terminal).
    #[arg(long)]
    password_stdin: bool,
    /// Record the session in the wiki's notation, secrets redacted, to this file.
    #[arg(long, value_name = "FILE")]
    transcript: Option<PathBuf>,
    /// The limit on each step (connect, each reply, each HTTP request), in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 15.0)]
    timeout: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: DumpFormat,
}

/// Arguments of `msnp chg`.
#[derive(Debug, clap::Args)]
pub struct ChgArgs {
    /// The status to set.
    #[arg(value_name = "STATUS", value_parser = status_parser())]
    status: String,
    /// The client capabilities sent with the status (MSNP8 and later).
    #[arg(long, value_name = "N", default_value_t = 0)]
    caps: u32,
    /// How long to print the presence that arrives after the status is set, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 0.0)]
    watch: f64,
    #[command(flatten)]
    connect: Connect,
}

/// Arguments of `msnp demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// The protocol version: 2 to 18 (or MSNP2 to MSNP18).
    #[arg(long, value_name = "N", value_parser = parse_version, default_value = "8")]
    version: u32,
    /// The demo account to sign in as: alice@example.com, bob@example.com or carol@example.com.
    #[arg(long, value_name = "EMAIL", default_value = "alice@example.com")]
    account: String,
    /// Record the session in the wiki's notation, secrets redacted, to this file.
    #[arg(long, value_name = "FILE")]
    transcript: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: DumpFormat,
    /// Let the embedded server misbehave as real servers do (as `msnp serve --quirk`); repeat for several.
    #[arg(long = "quirk", value_name = "NAME", value_parser = crate::serve_cmd::quirk_parser())]
    quirks: Vec<msnp::server::Quirk>,
}

/// The parser of `chg STATUS`: the spec's status words ([`Status`]) but FLN, which only a server sends, each with
/// its description from the spec, so the help lists them.
fn status_parser() -> PossibleValuesParser {
    let status_type = msnp::SPEC.types.iter().find(|t| t.name == "status");
    PossibleValuesParser::new(Status::ALL.iter().filter(|s| **s != Status::Fln).map(|s| {
        let word = s.as_str();
        PossibleValue::new(word).help(status_type.and_then(|t| t.value_doc(word)))
    }))
}

/// `8` or `MSNP8`, within [`VERSIONS`].
fn parse_version(text: &str) -> Result<u32, String> {
    let digits = text.strip_prefix("MSNP").or_else(|| text.strip_prefix("msnp")).unwrap_or(text);
    let n: u32 = digits.parse().map_err(|_| format!("`{text}` is not a version number such as 8 or MSNP8"))?;
    if !VERSIONS.contains(&n) {
        return Err(format!("the client speaks MSNP{} to MSNP{}, not MSNP{n}", VERSIONS.start(), VERSIONS.end()));
    }
    Ok(n)
}

fn version_def(n: u32) -> &'static VersionDef {
    // Every number parse_version lets through is a compiled-in version (tested).
    msnp::SPEC.version(&format!("MSNP{n}")).unwrap_or(&msnp::SPEC.versions[0])
}

/// The dump: what a login and synchronisation found. The JSON shape is documented in the README.
#[derive(Debug, serde::Serialize)]
struct Dump<'a> {
    version: &'static str,
    #[serde(flatten)]
    list: &'a ContactList,
}

/// What `chg` prints in JSON: {"version", "account", "status", "echo", "presence"}.
#[derive(Debug, serde::Serialize)]
struct ChgReport<'a> {
    version: &'static str,
    account: &'a str,
    #[serde(flatten)]
    changed: &'a Changed,
}

/// What `chg` saw: the status set, the server's echo, the presence that arrived.
#[derive(Debug, serde::Serialize)]
struct Changed {
    status: String,
    echo: String,
    presence: Vec<Presence>,
}

/// The exit status for a failure.
pub fn exit_status(error: &LoginError) -> u8 {
    match &error.failure {
        _ if error.is_bad_credentials() => EXIT_AUTH,
        Failure::Network(_) | Failure::Incomplete(_) => EXIT_NETWORK,
        Failure::Passport(msnp::client::PassportError::Unreachable(_)) => EXIT_NETWORK,
        Failure::Service(msnp::client::ServiceError::Unreachable(_)) => EXIT_NETWORK,
        _ => EXIT_PROTOCOL,
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()
}

/// The password: `MSNP_PASSWORD`, the first line of standard input, or a prompt on a terminal; never an argument.
fn password(from_stdin: bool, stdin: &mut dyn BufRead) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        stdin.read_line(&mut line).map_err(|e| format!("reading the password from standard input: {e}"))?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        if password.is_empty() {
            return Err("--password-stdin: standard input holds no password".into());
        }
        return Ok(password);
    }
    if let Ok(password) = std::env::var("MSNP_PASSWORD") {
        return Ok(password);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("password: ").map_err(|e| format!("reading the password: {e}"));
    }
    Err("no password: set MSNP_PASSWORD, pass --password-stdin, or run on a terminal to be asked".into())
}

/// The client's configuration from the options, checked before the password is asked for; the password is
/// filled in by [`live`].
fn config(connect: &Connect) -> Result<ClientConfig, String> {
    let mut config = ClientConfig::new(version_def(connect.version), &connect.server, &connect.account, "");
    config.nexus = connect.nexus.clone();
    config.login_url = connect.login_url.clone();
    config.soap_url = connect.soap_url.clone();
    if let Some(path) = &connect.ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
        msnp::client::check_ca(&pem).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
        config.extra_ca = Some(pem);
    }
    if !(connect.timeout.is_finite() && connect.timeout > 0.0 && connect.timeout <= 3600.0) {
        return Err(format!("--timeout {}: a number of seconds above 0 and at most 3600", connect.timeout));
    }
    config.timeout = Duration::from_secs_f64(connect.timeout);
    config.record = connect.transcript.is_some();
    Ok(config)
}

/// Runs `msnp login`.
pub fn login(connect: &Connect, stdin: &mut dyn BufRead, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    live("login", connect, None, stdin, stdout, stderr)
}

/// Runs `msnp chg`.
pub fn chg(args: &ChgArgs, stdin: &mut dyn BufRead, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    if !(args.watch.is_finite() && (0.0..=86_400.0).contains(&args.watch)) {
        return usage(stderr, "chg", &format!("--watch {}: a number of seconds from 0 to 86400", args.watch));
    }
    let change = Change { status: &args.status, caps: args.caps, watch: Duration::from_secs_f64(args.watch) };
    live("chg", &args.connect, Some(change), stdin, stdout, stderr)
}

/// A session against a server given on the command line: options checked, then the password, then the session.
fn live(
    command: &str,
    connect: &Connect,
    change: Option<Change<'_>>,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let mut config = match config(connect) {
        Ok(config) => config,
        Err(e) => return usage(stderr, command, &e),
    };
    config.password = match password(connect.password_stdin, stdin) {
        Ok(password) => password,
        Err(e) => return usage(stderr, command, &e),
    };
    let Ok(runtime) = runtime() else { return usage(stderr, command, "cannot start the async runtime") };
    let result = runtime.block_on(session(&config, change));
    finish(result, connect.transcript.as_ref(), connect.format, command, stdout, stderr)
}

/// Runs `msnp demo`: the embedded server with the demo accounts on loopback, then a login and a dump.
pub fn demo(args: &DemoArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let accounts = msnp::server::Accounts::demo();
    let Some(password) = accounts.get(&args.account).map(|a| a.password.clone()) else {
        let known: Vec<_> = accounts.accounts.iter().map(|a| a.list.account.handle.as_str()).collect();
        return usage(stderr, "demo", &format!("`{}` is not a demo account ({})", args.account, known.join(", ")));
    };
    let version = version_def(args.version);
    for quirk in args.quirks.iter().filter(|q| !q.applies_to(version)) {
        let _ = writeln!(stderr, "msnp demo: quirk {quirk} does not show in {}", version.name);
    }
    let server_config =
        msnp::server::ServerConfig { quirks: args.quirks.iter().copied().collect(), ..Default::default() };
    let Ok(runtime) = runtime() else { return usage(stderr, "demo", "cannot start the async runtime") };
    let result = runtime.block_on(async {
        let loopback = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
        let server = msnp::server::Server::start(server_config, loopback, 0)
            .await
            .map_err(|e| format!("starting the embedded server: {e}"))?;
        let _ = writeln!(
            stderr,
            "embedded server: dispatch {}, notification {}, Passport nexus {}, RST endpoint {}, address-book services {}",
            server.dispatch,
            server.notification,
            server.nexus_url(),
            server.rst_url(),
            server.soap_url()
        );
        let mut config = ClientConfig::new(version, &server.dispatch.to_string(), &args.account, &password);
        config.nexus = server.nexus_url();
        // Single sign-on (MSNP15 on) asks the embedded server's RST endpoint instead of the real one.
        config.login_url = (version.auth == Some("SSO")).then(|| server.rst_url());
        config.soap_url = server.soap_url();
        config.timeout = Duration::from_secs(10);
        config.record = args.transcript.is_some();
        Ok::<_, String>(session(&config, None).await)
    });
    match result {
        Ok(result) => finish(result, args.transcript.as_ref(), args.format, "demo", stdout, stderr),
        Err(e) => usage(stderr, "demo", &e),
    }
}

fn usage(stderr: &mut dyn Write, command: &str, why: &str) -> u8 {
    let _ = writeln!(stderr, "msnp {command}: {why}");
    EXIT_USAGE
}

/// The status to set, and how long to watch.
struct Change<'a> {
    status: &'a str,
    caps: u32,
    watch: Duration,
}

/// What a session brings back.
struct Outcome {
    version: &'static str,
    list: ContactList,
    /// The server's echo of CHG and the presence seen, for `chg`.
    changed: Option<Changed>,
    warnings: Vec<String>,
    /// Lines of the SYN answer no repair could read: the dump lacks what they held.
    lost: Vec<String>,
    transcript: Option<String>,
}

/// Logs in, synchronises, optionally sets a status and watches, and signs out.
async fn session(config: &ClientConfig, change: Option<Change<'_>>) -> Result<Outcome, LoginError> {
    let mut client = Client::login(config).await?;
    match signed_in(&mut client, change).await {
        Ok((list, changed)) => {
            let version = client.version().name;
            let warnings = client.warnings().to_vec();
            let lost = client.lost_lines().to_vec();
            let transcript = client.sign_out().await?.map(|t| t.text().to_string());
            Ok(Outcome { version, list, changed, warnings, lost, transcript })
        }
        Err(e) => Err(e.with_session(client.transcript().cloned(), client.warnings().to_vec())),
    }
}

/// What a signed-in session does before OUT: SYN (or, from MSNP13, the address-book services, BLP and ADL), then
/// the status and the watch.
async fn signed_in(
    client: &mut Client,
    change: Option<Change<'_>>,
) -> Result<(ContactList, Option<Changed>), LoginError> {
    let list = client.synchronise().await?;
    let changed = match change {
        None => None,
        Some(change) => {
            // The capabilities go out only in versions whose CHG carries them (MSNP8 and later).
            let echo = client.set_status(change.status, Some(change.caps)).await?;
            let presence = client.watch(change.watch).await?;
            Some(Changed { status: change.status.to_string(), echo, presence })
        }
    };
    Ok((list, changed))
}

/// Prints the outcome or the failure, writes the transcript, and gives the exit status.
fn finish(
    result: Result<Outcome, LoginError>,
    transcript: Option<&PathBuf>,
    format: DumpFormat,
    command: &str,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let write = |text: &str| match transcript {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("--transcript {}: {e}", path.display())),
        None => Ok(()),
    };
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => {
            for warning in &e.warnings {
                let _ = writeln!(stderr, "warning: {}", visible(warning));
            }
            let _ = writeln!(stderr, "msnp {command}: failed at {}", visible(&e.to_string()));
            // The session up to the failure is what a server operator needs most.
            if let (Some(path), Some(recorded)) = (transcript, &e.transcript) {
                let _ = match write(recorded.text()) {
                    Ok(()) => {
                        writeln!(stderr, "msnp {command}: the session up to the failure is in {}", path.display())
                    }
                    Err(why) => writeln!(stderr, "msnp {command}: {why}"),
                };
            }
            return exit_status(&e);
        }
    };
    for warning in &outcome.warnings {
        let _ = writeln!(stderr, "warning: {}", visible(warning));
    }
    if let Some(text) = &outcome.transcript
        && let Err(why) = write(text)
    {
        return usage(stderr, command, &why);
    }
    let account = &outcome.list.account.handle;
    let text = match (&outcome.changed, format) {
        (None, DumpFormat::Json) => json(&Dump { version: outcome.version, list: &outcome.list }),
        (None, DumpFormat::Table) => table(outcome.version, &outcome.list),
        (Some(changed), DumpFormat::Json) => json(&ChgReport { version: outcome.version, account, changed }),
        (Some(changed), DumpFormat::Table) => presence_table(outcome.version, account, changed),
    };
    let _ = stdout.write_all(text.as_bytes());
    if !outcome.lost.is_empty() {
        // Exit status 0 means the dump is complete; this one lacks what the unreadable lines held.
        let _ = writeln!(
            stderr,
            "msnp {command}: the dump is incomplete: {} line(s) of the SYN answer could not be read, first: `{}`",
            outcome.lost.len(),
            visible(&outcome.lost[0])
        );
        return EXIT_PROTOCOL;
    }
    EXIT_OK
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Serialising these plain structs cannot fail.
    serde_json::to_string_pretty(value).map(|s| s + "\n").unwrap_or_default()
}

/// The dump as aligned text.
fn table(version: &str, list: &ContactList) -> String {
    let account = &list.account;
    let mut out = format!("{version}  {}  {}\n", visible(&account.handle), visible(&account.friendly_name));
    let settings: Vec<String> = [("GTC", &account.gtc), ("BLP", &account.blp)]
        .iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v}")))
        .chain(account.properties.iter().map(|(k, v)| format!("{k} {v}")))
        .collect();
    if !settings.is_empty() {
        out += &format!("settings: {}\n", visible(&settings.join(", ")));
    }
    out += &format!("\ngroups ({})\n", list.groups.len());
    let rows: Vec<[String; 2]> = list.groups.iter().map(|g| [g.id.clone(), g.name.clone()]).collect();
    out += &columns(&["id", "name"], &rows);
    out += &format!("\ncontacts ({})\n", list.contacts.len());
    let rows: Vec<[String; 5]> = list
        .contacts
        .iter()
        .map(|c| {
            let lists: Vec<&str> = c.lists.iter().map(|l| l.name()).collect();
            let properties: Vec<String> = c.properties.iter().map(|(k, v)| format!("{k} {v}")).collect();
            [c.handle.clone(), c.friendly_name.clone(), lists.join(","), c.groups.join(","), properties.join(", ")]
        })
        .collect();
    out += &columns(&["handle", "friendly name", "lists", "groups", "properties"], &rows);
    out
}

/// What `chg` prints as text.
fn presence_table(version: &str, account: &str, changed: &Changed) -> String {
    let mut out =
        format!("{version}  {}  status {} confirmed: {}\n", visible(account), changed.status, visible(&changed.echo));
    out += &format!("\npresence ({})\n", changed.presence.len());
    let rows: Vec<[String; 4]> = changed
        .presence
        .iter()
        .map(|p| {
            [p.command.to_string(), p.handle.clone(), p.status.clone(), p.friendly_name.clone().unwrap_or_default()]
        })
        .collect();
    out += &columns(&["event", "handle", "status", "friendly name"], &rows);
    out
}

/// Rows under a header, indented, in aligned columns; control characters in cells are shown, not sent.
fn columns<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let rows = rows.iter().map(|row| row.iter().map(|cell| visible(cell).into_owned()));
    crate::columns::columns(2, header, rows)
}

#[cfg(test)]
mod tests {
    use super::{VERSIONS, parse_version, version_def};

    #[test]
    fn every_version_the_client_speaks_is_compiled_in() {
        for n in VERSIONS {
            assert_eq!(version_def(n).name, format!("MSNP{n}"));
        }
        assert_eq!(parse_version("MSNP8"), Ok(8));
        assert_eq!(parse_version("MSNP18"), Ok(18));
        assert!(parse_version("21").unwrap_err().contains("MSNP2 to MSNP18"));
        assert!(parse_version("eight").unwrap_err().contains("not a version number"));
    }

    #[test]
    fn chg_takes_the_statuses_a_client_sets() {
        use clap::builder::TypedValueParser;
        let values: Vec<_> = super::status_parser().possible_values().into_iter().flatten().collect();
        let words: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
        assert_eq!(words, ["NLN", "BSY", "IDL", "BRB", "AWY", "PHN", "LUN", "HDN"]);
        assert!(values.iter().all(|v| v.get_help().is_some()));
    }
}
