//! `msnp validate FILE...`: checks transcripts and reports like a compiler.

use std::fs::File;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use msnp::frame::Limits;
use msnp::spec::Spec;
use msnp::validate::{Diagnostic, Options, Summary, render_human, summary_line, validate};

use crate::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Format};

/// Arguments of `msnp validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Transcript files in the wiki's notation (`C:`/`S:` lines); `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Check every connection as this version (such as MSNP8) instead of the one its VER negotiates.
    #[arg(long, value_name = "MSNPn")]
    version: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// The longest line accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_line)]
    max_line: usize,
    /// The largest payload accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_payload)]
    max_payload: usize,
}

/// Runs `msnp validate` against `spec`.
pub fn run(
    spec: &'static Spec,
    args: &Args,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let version = match &args.version {
        None => None,
        Some(name) => match spec.version(name) {
            Some(v) => Some(v),
            None => {
                let _ = writeln!(
                    stderr,
                    "msnp validate: unknown version `{name}`; the spec knows {}",
                    spec.version_names()
                );
                return EXIT_USAGE;
            }
        },
    };
    let options = Options { spec, version, limits: Limits { max_line: args.max_line, max_payload: args.max_payload } };
    let mut status = EXIT_OK;
    let mut json_first = true;
    if args.format == Format::Json {
        let _ = write!(stdout, "{{\"files\":[");
    }
    for path in &args.files {
        let name = path.display().to_string();
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        let result = {
            let mut sink = |d: Diagnostic| match args.format {
                Format::Human => {
                    let _ = stdout.write_all(render_human(&d).as_bytes());
                }
                Format::Json => diagnostics.push(d),
            };
            if name == "-" {
                validate("-", &mut *stdin, &options, &mut sink)
            } else {
                match File::open(path) {
                    Ok(file) => validate(&name, file, &options, &mut sink),
                    Err(e) => Err(e),
                }
            }
        };
        let summary = match result {
            Ok(summary) => summary,
            Err(e) => {
                let _ = writeln!(stderr, "msnp validate: {name}: {e}");
                status = EXIT_USAGE;
                continue;
            }
        };
        if summary.errors > 0 && status == EXIT_OK {
            status = EXIT_INVALID;
        }
        match args.format {
            Format::Human => {
                let _ = writeln!(stdout, "{}", summary_line(&summary));
            }
            Format::Json => {
                let _ = write!(stdout, "{}{}", if json_first { "" } else { "," }, file_json(&summary, &diagnostics));
                json_first = false;
            }
        }
    }
    if args.format == Format::Json {
        let _ = writeln!(stdout, "]}}");
    }
    status
}

fn file_json(summary: &Summary, diagnostics: &[Diagnostic]) -> String {
    let value = serde_json::json!({ "summary": summary, "diagnostics": diagnostics });
    value.to_string()
}
