//! The `msnp` command line: argument definitions (clap) and the subcommands, over the `msnp` library.
//!
//! Everything runs through [`run`] with explicit standard streams, so tests drive the real command in process.

mod columns;
mod live_cmd;
mod serve_cmd;
mod spec_cmd;
mod spec_docs;
mod validate_cmd;

pub use live_cmd::{EXIT_AUTH, EXIT_NETWORK, EXIT_PROTOCOL};

use std::ffi::OsString;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use msnp::spec::Spec;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit status: success, or (for `validate`) a clean transcript.
pub const EXIT_OK: u8 = 0;
/// Exit status of `validate` when an error was found.
pub const EXIT_INVALID: u8 = 1;
/// Exit status for usage and I/O errors.
pub const EXIT_USAGE: u8 = 2;

/// A toolkit for the MSN Messenger protocol (MSNP), generated from a declarative spec.
#[derive(Debug, Parser)]
#[command(name = "msnp", version, about, long_about = None)]
pub struct Cli {
    /// Use the spec in this directory, read now, instead of the one built into the binary: for dialects and
    /// versions the binary was not built with. It is checked as the build checks `spec/`.
    #[arg(long, global = true, value_name = "DIR")]
    spec: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check transcripts against the spec of their protocol version.
    ///
    /// Exit status: 0 when no error was found (warnings do not count), 1 when one was, 2 on usage or I/O errors.
    Validate(validate_cmd::Args),
    /// Show what the spec says.
    #[command(subcommand)]
    Spec(spec_cmd::SpecCommand),
    /// Log in, synchronise the contact list, print it, and sign out.
    ///
    /// Exit status: 0 on success, 2 on usage or I/O errors, 3 when a server cannot be reached, closes the
    /// connection, stops answering or sends more than the limits, 4 when the account or the password is refused,
    /// 5 when a server refuses the version, answers with an error or sends what the client cannot go on with.
    Login(live_cmd::Connect),
    /// Log in, set a status, print the presence that comes back, and sign out.
    ///
    /// Exit status: as for `login`.
    Chg(live_cmd::ChgArgs),
    /// Run the embedded reference server from an accounts file.
    Serve(serve_cmd::Args),
    /// Start the embedded server with demo accounts on loopback, then log in and print the contact list.
    ///
    /// Exit status: as for `login`.
    Demo(live_cmd::DemoArgs),
}

/// Output format of reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Human,
    /// One JSON document.
    Json,
}

/// Runs the command line `args` with the given standard streams and returns the exit status.
pub fn run<I, T>(args: I, stdin: &mut dyn BufRead, stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    ExitCode::from(status(args, stdin, stdout, stderr))
}

/// Like [`run`], with the exit status as a number: [`EXIT_OK`], [`EXIT_INVALID`] (`validate` found an error),
/// [`EXIT_USAGE`], and for the live commands [`EXIT_NETWORK`], [`EXIT_AUTH`] and [`EXIT_PROTOCOL`].
pub fn status<I, T>(args: I, stdin: &mut dyn BufRead, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let text = e.render().to_string();
            let _ = if e.use_stderr() { stderr.write_all(text.as_bytes()) } else { stdout.write_all(text.as_bytes()) };
            return code;
        }
    };
    let live = matches!(cli.command, Command::Login(_) | Command::Chg(_) | Command::Serve(_) | Command::Demo(_));
    if live && cli.spec.is_some() {
        let _ = writeln!(
            stderr,
            "msnp: --spec applies to `validate` and `spec`; the client and the server speak the spec they were built with"
        );
        return EXIT_USAGE;
    }
    // `spec check` reports a directory's problems itself; every other command needs a usable spec.
    if let Command::Spec(spec_cmd::SpecCommand::Check { dir }) = &cli.command {
        return spec_cmd::check(dir.as_ref().or(cli.spec.as_ref()), stdout, stderr);
    }
    let spec = match &cli.spec {
        None => &msnp::SPEC,
        Some(dir) => match load_spec(dir) {
            Ok(spec) => spec,
            Err(problems) => {
                let _ = writeln!(stderr, "msnp: the spec in {} has problems:", dir.display());
                for problem in problems {
                    let _ = writeln!(stderr, "{problem}");
                }
                return EXIT_USAGE;
            }
        },
    };
    match cli.command {
        Command::Validate(args) => validate_cmd::run(spec, &args, stdin, stdout, stderr),
        Command::Spec(command) => spec_cmd::run(spec, &command, stdout, stderr),
        Command::Login(args) => live_cmd::login(&args, stdin, stdout, stderr),
        Command::Chg(args) => live_cmd::chg(&args, stdin, stdout, stderr),
        Command::Serve(args) => serve_cmd::run(&args, stdout, stderr),
        Command::Demo(args) => live_cmd::demo(&args, stdout, stderr),
    }
}

/// The spec in `dir`, read, checked and built now.
pub fn load_spec(dir: &std::path::Path) -> Result<&'static Spec, Vec<String>> {
    msnp::runtime::load_dir(dir)
}
