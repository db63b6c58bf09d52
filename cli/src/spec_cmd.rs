//! `msnp spec ...`: what the spec says, printed from its tables (the compiled-in ones, or those of `--spec DIR`).

use std::io::Write;
use std::path::{Path, PathBuf};

use msnp::spec::{ArgKind, Dir, Spec, VersionDef};

use crate::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};

/// Subcommands of `msnp spec`.
#[derive(Debug, clap::Subcommand)]
pub enum SpecCommand {
    /// Print the resolved command set of a version: every command and form with its arguments.
    Show {
        /// The version, such as MSNP8.
        #[arg(value_name = "MSNPn")]
        version: String,
    },
    /// Check a spec directory as the build does, and report every problem as FILE:LINE:COL: message.
    ///
    /// Exit status: 0 when the spec is sound, 1 when it has problems, 2 when the directory cannot be read.
    Check {
        /// The spec directory (default: `--spec DIR`, or `spec` in the current directory).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Runs `msnp spec` against `spec`.
pub fn run(spec: &'static Spec, command: &SpecCommand, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    match command {
        SpecCommand::Check { dir } => check(dir.as_ref(), stdout, stderr),
        SpecCommand::Show { version } => match spec.version(version) {
            Some(v) => {
                let _ = stdout.write_all(show(v).as_bytes());
                EXIT_OK
            }
            None => {
                let _ = writeln!(
                    stderr,
                    "msnp spec show: unknown version `{version}`; the spec knows {}",
                    spec.version_names()
                );
                EXIT_USAGE
            }
        },
    }
}

/// `msnp spec check [DIR]`: the generator's diagnostics for a spec directory.
pub fn check(dir: Option<&PathBuf>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let dir = dir.map_or(Path::new("spec"), PathBuf::as_path);
    if !dir.is_dir() {
        let _ = writeln!(stderr, "msnp spec check: {} is not a directory", dir.display());
        return EXIT_USAGE;
    }
    match crate::load_spec(dir) {
        Ok(spec) => {
            let commands: usize = spec.versions.iter().map(|v| v.commands.len()).sum();
            let _ = writeln!(
                stdout,
                "{}: {} versions ({}), {} types, {} error codes, {commands} commands over all versions: no problems",
                dir.display(),
                spec.versions.len(),
                spec.version_names(),
                spec.types.len(),
                spec.errors.len()
            );
            EXIT_OK
        }
        Err(problems) => {
            for problem in &problems {
                let _ = writeln!(stdout, "{problem}");
            }
            let count = match problems.len() {
                1 => "1 problem".to_string(),
                n => format!("{n} problems"),
            };
            let _ = writeln!(stderr, "msnp spec check: {count} in {}", dir.display());
            EXIT_INVALID
        }
    }
}

/// The resolved command set of `version` as text.
pub fn show(version: &VersionDef) -> String {
    let mut out = String::new();
    out.push_str(&format!("{}: {}\n", version.name, version.doc));
    if let Some(parent) = version.extends {
        out.push_str(&format!("extends: {parent}\n"));
    }
    for (label, value) in [("client", version.client), ("auth", version.auth), ("contact list", version.contact_list)] {
        if let Some(value) = value {
            out.push_str(&format!("{label}: {value}\n"));
        }
    }
    if let Some(unverified) = version.unverified {
        out.push_str(&format!("unverified: {unverified}\n"));
    }
    out.push_str(&format!("commands: {}\n", version.commands.len()));
    if version.error_payload {
        out.push_str("error replies may carry a payload (NNN TrID length)\n");
    }
    for removed in version.removed {
        out.push_str(&format!("removed: {} ({})\n", removed.name, removed.doc));
    }
    for command in version.commands {
        out.push_str(&format!(
            "\n{} [{}] since {}: {}\n",
            command.name,
            command.services.names().join(" "),
            command.since,
            command.doc
        ));
        if let Some(unverified) = command.unverified {
            out.push_str(&format!("  unverified: {unverified}\n"));
        }
        for form in command.forms {
            let arrow = match form.from {
                Dir::Client => "C>",
                Dir::Server => "S>",
            };
            out.push_str(&format!("  {arrow} {:<16} {}\n", form.name, form.shape.synopsis()));
            let mut notes = Vec::new();
            if !form.doc.is_empty() {
                notes.push(form.doc.to_string());
            }
            if form.services != command.services {
                notes.push(format!("services: {}", form.services.names().join(" ")));
            }
            if !form.answers.is_empty() {
                notes.push(format!("answers: {}", form.answers.join(" ")));
            }
            if let Some(warn) = form.warn {
                notes.push(format!("accepted with a warning: {warn}"));
            }
            if let Some(unverified) = form.unverified {
                notes.push(format!("unverified: {unverified}"));
            }
            if form.since != command.since {
                notes.push(format!("form as of {}", form.since));
            }
            for note in notes {
                out.push_str(&format!("       {note}\n"));
            }
            for (arg, doc) in form.shape.args.iter().zip(form.arg_docs) {
                let ty = match &arg.kind {
                    ArgKind::Value { ty, .. } => ty.name.to_string(),
                    ArgKind::Literal(_) => "literal".to_string(),
                };
                let line = format!("       - {:<18} {:<16} {doc}", arg.synopsis(), ty);
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
    }
    if !version.errors.is_empty() {
        let codes: Vec<String> = version.errors.iter().map(u16::to_string).collect();
        out.push_str(&format!("\nerror codes: {}\n", codes.join(" ")));
    }
    out
}
