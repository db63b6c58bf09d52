//! The transcript validator: checks a transcript line by line against the spec of each connection's version,
//! and reports every deviation like a compiler, with where, what the spec expects and what was found.
//!
//! Data flow, one pass and bounded memory:
//!
//! ```text
//! bytes --LineReader--> lines --classify--> command / continuation / other
//!   command (+ continuations) --> RawCommand --matcher--> form --session rules--> diagnostics
//!   other --> payload of the previous command (counted with CRLF) or prose (connection boundaries)
//! ```
//!
//! Per line it checks that the command exists in the version, for the connection's service and the sender's
//! direction; the argument count and types; the TrID as the form says; and, through the session, that a reply's
//! TrID answers an earlier request, that VER comes first and once, and that payload lengths are exact. HTTP
//! sections (the web services a client calls beside its connections) are checked by [`http`] against the spec's
//! web services.

pub mod http;
mod render;
mod session;
pub mod transcript;
pub mod xml;

use std::io::{self, Read};

use serde::Serialize;

pub use render::{render_human, summary_line};

use crate::spec::{Dir, Spec, VersionDef};
use crate::wire::frame::Limits;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The transcript breaks the spec.
    Error,
    /// The spec allows it, but a peer would find it odd (a known slip, an unusual shape).
    Warning,
}

/// One finding, located in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, as named on the command line (`-` for standard input).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters) where the offending text starts.
    pub column: usize,
    /// How many characters to underline (at least 1).
    pub width: usize,
    /// Error or warning.
    pub severity: Severity,
    /// A stable identifier of the kind of finding, such as `arg-type` or `unanswered-reply`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The form the spec expects, in the wiki's notation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// A hint, such as the version whose form the line matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The source line, for showing the offending text.
    pub source: String,
}

/// What to validate against.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The spec.
    pub spec: &'static Spec,
    /// Validate every connection against this version instead of the one VER negotiates.
    pub version: Option<&'static VersionDef>,
    /// Line and payload limits.
    pub limits: Limits,
}

/// One connection found in a transcript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Connection {
    /// The line where it starts.
    pub line: usize,
    /// The version it was validated against, when one was known.
    pub version: Option<&'static str>,
    /// The servers it can be, such as `["NS"]`.
    pub services: Vec<&'static str>,
}

/// The outcome of validating one file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The file.
    pub file: String,
    /// How many errors were reported.
    pub errors: usize,
    /// How many warnings were reported.
    pub warnings: usize,
    /// Lines read.
    pub lines: usize,
    /// Command lines checked.
    pub commands: usize,
    /// How many connections the transcript holds.
    pub connection_count: usize,
    /// How many HTTP exchanges (sections) the transcript holds.
    #[serde(skip_serializing_if = "is_zero")]
    pub http_exchanges: usize,
    /// The versions the connections were checked against, in order of first appearance.
    pub versions: Vec<&'static str>,
    /// The first connections, in order (at most [`LISTED_CONNECTIONS`], so that memory stays bounded).
    pub connections: Vec<Connection>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// How many connections a [`Summary`] lists.
pub const LISTED_CONNECTIONS: usize = 256;

/// A command line the validator read, with its payload: what a transcript says was sent.
#[derive(Clone, Copy, Debug)]
pub struct Command<'a> {
    /// The line it starts on.
    pub line: usize,
    /// Who sent it.
    pub dir: Dir,
    /// The connection's version, when known.
    pub version: Option<&'static VersionDef>,
    /// The command line as sent (continuations joined), without its line end.
    pub text: &'a str,
    /// The payload (empty when none).
    pub payload: &'a [u8],
}

/// Receives what the validator finds.
pub trait Sink {
    /// A diagnostic, as soon as it is found.
    fn diagnostic(&mut self, diagnostic: Diagnostic);

    /// A command line and its payload, once the payload is complete. Lines whose payload length is wrong are
    /// not passed on. Called only when [`Sink::wants_commands`] says so.
    fn command(&mut self, command: Command<'_>) {
        let _ = command;
    }

    /// Whether [`Sink::command`] should be called; when not, payloads are counted without being kept.
    fn wants_commands(&self) -> bool {
        false
    }
}

impl<F: FnMut(Diagnostic)> Sink for F {
    fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self(diagnostic)
    }
}

/// Validates the transcript read from `input`, passing each diagnostic to `sink` as it is found.
///
/// Only I/O failures are returned as errors; everything wrong with the transcript itself is a diagnostic.
pub fn validate<R: Read>(file: &str, input: R, options: &Options, sink: &mut dyn Sink) -> io::Result<Summary> {
    session::Validator::new(file, options, sink).run(input)
}

/// Validates an in-memory transcript and collects the diagnostics.
pub fn validate_bytes(file: &str, input: &[u8], options: &Options) -> (Summary, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let summary = validate(file, input, options, &mut |d| diagnostics.push(d)).unwrap_or_default();
    (summary, diagnostics)
}
