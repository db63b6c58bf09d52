//! The validator's state machine: lines in, diagnostics out. The session ties its parts together, each in a
//! module of its own: [`lines`] assembles command lines from lines and continuations, [`check`] checks each
//! command, [`negotiation`] follows VER, [`requests`] keeps the TrIDs awaiting answers, [`answer`] the counters of
//! an answer, [`payload`] counts payloads, [`explain`] reports lines the spec does not allow, and [`http`] hands
//! the lines of HTTP sections to their exchange. The session
//! itself holds the current connection and reports what they find.

mod answer;
mod check;
mod explain;
mod http;
mod lines;
mod negotiation;
mod payload;
mod requests;

use std::io::{self, Read};

use super::{Connection, Diagnostic, Options, Severity, Sink, Summary};
use crate::spec::{Dir, FormDef, Services, VersionDef};
use crate::validate::transcript::{Line, LineReader};
use lines::{Part, Pending};
use negotiation::Negotiation;
use payload::Payload;
use requests::Requests;

/// A located span of a command line, ready for a diagnostic.
#[derive(Clone, Debug)]
struct Spot {
    line: usize,
    column: usize,
    width: usize,
    source: String,
}

/// The connection being validated.
struct Conn {
    /// The line it starts on.
    start: usize,
    version: Option<&'static VersionDef>,
    services: Services,
    negotiation: Negotiation,
    closed: bool,
    /// Set when the connection cannot be validated further (no version); one diagnostic was given.
    stuck: bool,
    /// Outstanding requests by TrID.
    requests: Requests,
    /// Commands the client has sent (as [`command_key`](crate::spec::command_key)s), for the server lines that may
    /// only follow them.
    sent: Vec<u32>,
    used: bool,
    /// The counters of the answer being received (see [`answer`]).
    answer: answer::Answer,
    /// Requests the client sent before the server answered VER: the version they were checked as, and where the
    /// first of them is, for an error if the server then chooses another version.
    pipelined: Option<(&'static VersionDef, Spot, String)>,
}

impl Conn {
    fn new(start: usize) -> Self {
        Conn {
            start,
            version: None,
            services: Services::ALL,
            negotiation: Negotiation::Fresh,
            closed: false,
            stuck: false,
            requests: Requests::default(),
            sent: Vec::new(),
            used: false,
            answer: answer::Answer::default(),
            pipelined: None,
        }
    }

    /// Starts over for the next connection, keeping the allocations.
    fn reset(&mut self, start: usize) {
        self.start = start;
        self.version = None;
        self.services = Services::ALL;
        self.negotiation = Negotiation::Fresh;
        self.closed = false;
        self.stuck = false;
        self.requests.clear();
        self.sent.clear();
        self.used = false;
        self.pipelined = None;
    }
}

/// The validator for one file.
pub struct Validator<'o> {
    file: String,
    options: &'o Options,
    sink: &'o mut dyn Sink,
    summary: Summary,
    pending: Pending,
    joined: String,
    joined_parts: Vec<Part>,
    /// A continued line joined without separators, the other way the wiki breaks lines.
    tight: String,
    tight_parts: Vec<Part>,
    payload: Payload,
    conn: Conn,
    /// The form the current command line matched, if any.
    matched: Option<&'static FormDef>,
    last_version: Option<&'static VersionDef>,
    invalid_utf8: usize,
    first_invalid_utf8: Option<Spot>,
    /// The HTTP section being read, if one is open.
    http: Option<Box<crate::validate::http::Exchange>>,
    /// What it found, reused between lines.
    http_found: Vec<crate::validate::http::Finding>,
}

impl<'o> Validator<'o> {
    /// A validator for `file`, reporting to `sink`.
    pub fn new(file: &str, options: &'o Options, sink: &'o mut dyn Sink) -> Self {
        Validator {
            file: file.to_string(),
            options,
            sink,
            summary: Summary { file: file.to_string(), ..Summary::default() },
            pending: Pending::default(),
            joined: String::new(),
            joined_parts: Vec::new(),
            tight: String::new(),
            tight_parts: Vec::new(),
            payload: Payload::default(),
            conn: Conn::new(1),
            matched: None,
            last_version: None,
            invalid_utf8: 0,
            first_invalid_utf8: None,
            http: None,
            http_found: Vec::new(),
        }
    }

    /// Validates the transcript read from `input`.
    pub fn run<R: Read>(mut self, input: R) -> io::Result<Summary> {
        let mut reader = LineReader::new(input, self.options.limits.max_line);
        while let Some(line) = reader.next_line()? {
            self.summary.lines = line.number;
            if let Some(full) = line.cut_from {
                self.cut_line(&line, full);
                continue;
            }
            self.line(&line);
        }
        self.end_of_file();
        Ok(self.summary)
    }

    /// A line longer than the limit: reported, and not read (what came before it ends there).
    fn cut_line(&mut self, line: &Line<'_>, full: usize) {
        let source = String::from_utf8_lossy(&line.bytes[..line.bytes.len().min(80)]).into_owned();
        self.flush_pending();
        self.end_payload(line.number);
        let message = format!("line is {full} bytes long; the limit is {} bytes", self.options.limits.max_line);
        let spot = Spot { line: line.number, column: 1, width: 1, source };
        self.report(Severity::Error, "line-too-long", spot, message, None, None);
    }

    /// The transcript ended: what was open ends, and what only the whole file shows is reported.
    fn end_of_file(&mut self) {
        self.flush_pending();
        self.end_payload(self.summary.lines + 1);
        self.finish_http();
        self.finish_connection();
        if self.summary.commands == 0 && self.summary.http_exchanges == 0 {
            let spot = Spot { line: 1, column: 1, width: 1, source: String::new() };
            self.report(
                Severity::Error,
                "no-commands",
                spot,
                "no `C:` or `S:` lines: this is not a transcript".into(),
                None,
                None,
            );
        }
        if self.invalid_utf8 > 1
            && let Some(spot) = self.first_invalid_utf8.clone()
        {
            let message = format!("{} lines in all are not valid UTF-8", self.invalid_utf8);
            self.report(Severity::Error, "invalid-utf8", spot, message, None, None);
        }
    }

    // --- connections ----------------------------------------------------------------------------------

    /// Ends the current connection and starts the next one at line `start`.
    fn new_connection(&mut self, start: usize) {
        self.finish_connection();
        self.conn.reset(start);
    }

    /// Ends the current connection: its answer's counters are checked and it is added to the summary.
    fn finish_connection(&mut self) {
        self.end_answer();
        if !self.conn.used {
            return;
        }
        let summary = &mut self.summary;
        summary.connection_count += 1;
        if let Some(version) = self.conn.version
            && !summary.versions.contains(&version.name)
        {
            summary.versions.push(version.name);
        }
        if summary.connections.len() < super::LISTED_CONNECTIONS {
            summary.connections.push(Connection {
                line: self.conn.start,
                version: self.conn.version.map(|v| v.name),
                services: self.conn.services.names(),
            });
        }
    }

    // --- reporting ------------------------------------------------------------------------------------

    /// Locates a byte range of the command line being checked in the source lines.
    fn spot_of(&self, text: &str, span: std::ops::Range<usize>) -> Spot {
        spot_in(text, &self.joined_parts, self.pending.dir, span)
    }

    /// Reports a diagnostic at `spot`, counting it in the summary.
    fn report(
        &mut self,
        severity: Severity,
        code: &'static str,
        spot: Spot,
        message: String,
        expected: Option<String>,
        hint: Option<String>,
    ) {
        match severity {
            Severity::Error => self.summary.errors += 1,
            Severity::Warning => self.summary.warnings += 1,
        }
        self.sink.diagnostic(Diagnostic {
            file: self.file.clone(),
            line: spot.line,
            column: spot.column,
            width: spot.width,
            severity,
            code,
            message,
            expected,
            hint,
            source: spot.source,
        });
    }
}

/// Locates byte range `span` of a command line `text`, made of `parts`, in the source lines.
fn spot_in(text: &str, parts: &[Part], dir: Option<Dir>, span: std::ops::Range<usize>) -> Spot {
    let default = match dir {
        Some(Dir::Server) => "S: ",
        _ => "C: ",
    };
    let part = parts.iter().rev().find(|p| p.start <= span.start).or(parts.first()).copied().unwrap_or(Part {
        line: 0,
        start: 0,
        end: 0,
        prefix: default,
    });
    let start = span.start.clamp(part.start, part.end);
    let end = span.end.clamp(start, part.end);
    let source = format!("{}{}", part.prefix, text.get(part.start..part.end).unwrap_or(""));
    let column = part.prefix.chars().count() + text.get(part.start..start).map_or(0, |s| s.chars().count()) + 1;
    let width = text.get(start..end).map_or(1, |s| s.chars().count().max(1));
    Spot { line: part.line, column, width, source }
}

/// What the unit tests of the session's parts share: transcripts validated, diagnostics as line and code.
#[cfg(test)]
mod testing {
    use crate::validate::{Diagnostic, Options, Summary, validate_bytes};
    use crate::wire::frame::Limits;

    /// The compiled-in spec, the version from VER, the default limits.
    pub(super) fn options() -> Options {
        Options { spec: &crate::SPEC, version: None, limits: Limits::default() }
    }

    /// Like [`options`], checking every connection as `version`.
    pub(super) fn forced(version: &str) -> Options {
        Options { version: crate::SPEC.version(version), ..options() }
    }

    /// The summary and the diagnostics of `text`.
    pub(super) fn validate(text: &str, options: &Options) -> (Summary, Vec<Diagnostic>) {
        validate_bytes("test.txt", text.as_bytes(), options)
    }

    /// Every diagnostic of `text`, as its line and code.
    pub(super) fn codes_with(text: &str, options: &Options) -> Vec<(usize, &'static str)> {
        validate(text, options).1.iter().map(|d| (d.line, d.code)).collect()
    }

    /// Every diagnostic of `text` with the default options, as its line and code.
    pub(super) fn codes(text: &str) -> Vec<(usize, &'static str)> {
        codes_with(text, &options())
    }

    /// A session's start: the client offers MSNP8 and the server chooses it.
    pub(super) const MSNP8: &str = "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\n";
}

#[cfg(test)]
mod tests {
    use super::testing::{MSNP8, codes, codes_with, options, validate};
    use crate::validate::Severity;
    use crate::wire::frame::Limits;

    #[test]
    fn a_clean_session_gives_no_diagnostics_and_is_summarised() {
        let text = format!("{MSNP8}C: CHG 2 NLN 0\nS: CHG 2 NLN 0\n");
        let (summary, diagnostics) = validate(&text, &options());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!((summary.lines, summary.commands, summary.connection_count), (4, 4, 1));
        assert_eq!(summary.versions, ["MSNP8"]);
        assert_eq!(summary.connections[0].line, 1);
        assert_eq!(summary.connections[0].version, Some("MSNP8"));
    }

    #[test]
    fn a_file_without_commands_is_no_transcript() {
        let (summary, diagnostics) = validate("hello\nworld\n", &options());
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.column, d.severity, d.code)).collect();
        assert_eq!(found, [(1, 1, Severity::Error, "no-commands")]);
        assert_eq!((summary.errors, summary.connection_count), (1, 0));
    }

    #[test]
    fn a_line_past_the_limit_is_reported_and_not_read() {
        let options = crate::validate::Options { limits: Limits { max_line: 40, ..Limits::default() }, ..options() };
        let text = format!("{MSNP8}C: CHG 2 NLN 0 {}\nS: CHG 2 NLN 0\n", "x".repeat(40));
        let (_, diagnostics) = validate(&text, &options);
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.code)).collect();
        // The long line is not checked, so the server's CHG answers nothing.
        assert_eq!(found, [(3, "line-too-long"), (4, "unanswered-reply")]);
        assert_eq!(diagnostics[0].message, "line is 55 bytes long; the limit is 40 bytes");
    }

    #[test]
    fn prose_that_is_not_utf8_is_reported_once_and_counted_at_the_end() {
        let text = format!("{MSNP8}\u{1}\n");
        assert!(codes(&text).is_empty(), "control characters are valid UTF-8");
        let mut bytes = MSNP8.as_bytes().to_vec();
        bytes.extend_from_slice(b"caf\xe9\nna\xefve\nfine\n");
        let (summary, diagnostics) = crate::validate::validate_bytes("test.txt", &bytes, &options());
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(found, [(3, "invalid-utf8"), (3, "invalid-utf8")]);
        assert_eq!(diagnostics[1].message, "2 lines in all are not valid UTF-8");
        assert_eq!(summary.errors, 2);
    }

    #[test]
    fn each_connection_is_listed_with_its_version() {
        let text = format!("{MSNP8}C: OUT\nClient disconnects.\nC: VER 1 MSNP7 CVR0\nS: VER 1 MSNP7\n");
        let (summary, diagnostics) = validate(&text, &options());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(summary.connection_count, 2);
        let starts: Vec<_> = summary.connections.iter().map(|c| (c.line, c.version)).collect();
        assert_eq!(starts, [(1, Some("MSNP8")), (5, Some("MSNP7"))]);
        assert_eq!(summary.versions, ["MSNP8", "MSNP7"]);
    }

    #[test]
    fn a_diagnostic_names_the_file_and_locates_the_offending_text() {
        let (_, diagnostics) = validate(&format!("{MSNP8}C: CHG x2 NLN 0\n"), &options());
        let d = &diagnostics[0];
        assert_eq!((d.file.as_str(), d.line, d.column, d.width, d.code), ("test.txt", 3, 8, 2, "trid"));
        assert_eq!(d.source, "C: CHG x2 NLN 0");
        assert_eq!(codes_with("C: CHG x2 NLN 0\n", &super::testing::forced("MSNP8")).len(), 2);
    }
}
