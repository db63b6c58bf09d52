//! The validator's state machine: lines in, diagnostics out. Holds the command line being assembled, the
//! payload being counted and the current connection (its version, service and outstanding requests).

mod answer;

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Read};

use super::{Command, Connection, Diagnostic, Options, Severity, Sink, Summary};
use crate::spec::{CommandDef, Dir, FormDef, PayloadKind, Services, Trid, VersionDef, command_key};
use crate::typed::matcher::{Closest, check_shape, select, select_checking};
use crate::typed::{ErrorReply, describe_mismatch};
use crate::validate::transcript::{Boundary, CONTINUATION, Kind, Line, LineReader, boundary, classify};
use crate::wire::frame::payload_length;
use crate::wire::raw::{RawCommand, Tokens};

/// How many requests per connection are remembered for matching replies; older ones are forgotten, so memory
/// stays bounded on endless sessions. A reply to a forgotten request is reported as unanswered.
const REMEMBERED_REQUESTS: usize = 65_536;

/// A part of a command line: the first line or a continuation.
#[derive(Clone, Copy, Debug)]
struct Part {
    line: usize,
    /// Byte range in the text being validated.
    start: usize,
    end: usize,
    /// The line's prefix as written (`S: `, `.. `, `Server: `, ...).
    prefix: &'static str,
}

/// A command line being assembled from its line and continuations.
#[derive(Default)]
struct Pending {
    active: bool,
    dir: Option<Dir>,
    /// The parts' texts, concatenated without separators.
    text: String,
    parts: Vec<Part>,
    /// The joined line grew past the line limit: it was reported, and its further continuations are dropped.
    overflowed: bool,
}

impl Pending {
    /// Joins the parts with `separator` into `text`, recording where each part landed.
    fn join(&self, separator: &str, text: &mut String, parts: &mut Vec<Part>) {
        text.clear();
        parts.clear();
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                text.push_str(separator);
            }
            let start = text.len();
            text.push_str(&self.text[part.start..part.end]);
            parts.push(Part { line: part.line, start, end: text.len(), prefix: part.prefix });
        }
    }
}

/// A located span of a command line, ready for a diagnostic.
#[derive(Clone, Debug)]
struct Spot {
    line: usize,
    column: usize,
    width: usize,
    source: String,
}

/// The payload being counted. One is kept for the whole file and reused, so counting allocates nothing after
/// the first few payloads.
#[derive(Default)]
struct Payload {
    /// Whether a payload is being counted.
    active: bool,
    announced: u64,
    /// Where the length token sits in `text`, and how `text` maps to source lines, for diagnostics.
    length_span: std::ops::Range<usize>,
    parts: Vec<Part>,
    /// Byte length of each line taken so far.
    lines: Vec<usize>,
    /// Total with CRLF after every line.
    crlf_total: u64,
    /// The first line and whether the announced length was already passed.
    first_line: usize,
    overshot: bool,
    /// Whether the length was refused (over the limit): lines are skipped, not counted against it.
    refused: bool,
    /// The command as it will be passed to the sink once the payload is complete.
    dir: Option<Dir>,
    line: usize,
    version: Option<&'static VersionDef>,
    text: String,
    /// The payload bytes (lines joined with CRLF), kept up to the payload limit when `keep` is set.
    data: Vec<u8>,
    keep: bool,
    /// For an XML payload: its document element and required elements, as the matched form has them.
    xml: Option<(Option<&'static str>, &'static [&'static str])>,
    /// Total of the lines without the spaces and tabs around them and without line ends: the length of an XML
    /// payload shown pretty-printed, as it was sent.
    compact_total: u64,
}

impl Payload {
    /// The command name, at the start of the command line.
    fn command(&self) -> &str {
        self.text.split(' ').next().unwrap_or_default()
    }
}

enum Negotiation {
    /// No VER yet.
    Fresh,
    /// VER sent; the spec's versions among the dialects offered, as bits by rank (0 when none is known).
    Offered(u64),
    /// VER answered.
    Done,
}

struct Conn {
    start: usize,
    version: Option<&'static VersionDef>,
    services: Services,
    negotiation: Negotiation,
    closed: bool,
    /// Set when the connection cannot be validated further (no version); one diagnostic was given.
    stuck: bool,
    /// Outstanding requests by TrID: the command, and whether a `once` reply answered it.
    requests: HashMap<u32, (&'static str, bool), BuildHasherDefault<TridHasher>>,
    order: VecDeque<u32>,
    /// Commands the client has sent (as [`command_key`]s), for the server lines that may only follow them.
    sent: Vec<u32>,
    used: bool,
    /// The counters of the answer being received (see [`answer`]).
    answer: answer::Answer,
    /// Requests the client sent before the server answered VER: the version they were checked as, and where the
    /// first of them is, for an error if the server then chooses another version.
    pipelined: Option<(&'static VersionDef, Spot, String)>,
}

/// Hashes TrIDs by multiplication: they are small client-chosen numbers, not attacker-controlled keys a
/// slower keyed hash would be needed for (and the map is bounded anyway).
#[derive(Default)]
struct TridHasher(u64);

impl Hasher for TridHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
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
            requests: HashMap::default(),
            order: VecDeque::new(),
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
        self.order.clear();
        self.sent.clear();
        self.used = false;
        self.pipelined = None;
    }

    fn remember(&mut self, trid: u32, command: &'static str) -> Option<&'static str> {
        let previous = self.requests.insert(trid, (command, false)).map(|(c, _)| c);
        if previous.is_none() {
            self.order.push_back(trid);
            if self.order.len() > REMEMBERED_REQUESTS
                && let Some(old) = self.order.pop_front()
            {
                self.requests.remove(&old);
            }
        }
        previous
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
}

impl<'o> Validator<'o> {
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
        }
    }

    pub fn run<R: Read>(mut self, input: R) -> io::Result<Summary> {
        let mut reader = LineReader::new(input, self.options.limits.max_line);
        while let Some(line) = reader.next_line()? {
            self.summary.lines = line.number;
            if let Some(full) = line.cut_from {
                let source = String::from_utf8_lossy(&line.bytes[..line.bytes.len().min(80)]).into_owned();
                self.flush_pending();
                self.end_payload(line.number);
                let message = format!("line is {full} bytes long; the limit is {} bytes", self.options.limits.max_line);
                self.report(
                    Severity::Error,
                    "line-too-long",
                    Spot { line: line.number, column: 1, width: 1, source },
                    message,
                    None,
                    None,
                );
                continue;
            }
            self.line(&line);
        }
        self.flush_pending();
        self.end_payload(self.summary.lines + 1);
        self.finish_connection();
        if self.summary.commands == 0 {
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
        Ok(self.summary)
    }

    // --- lines ---------------------------------------------------------------------------------------

    /// Handles one line.
    fn line(&mut self, line: &Line<'_>) {
        let (number, bytes) = (line.number, line.bytes);
        let kind = classify(bytes);
        if let Kind::Continuation(rest) = kind
            && self.pending.active
        {
            self.continue_pending(number, text_of(rest, line, CONTINUATION), rest);
            return;
        }
        self.flush_pending();
        if self.payload.active {
            if matches!(kind, Kind::Command(..) | Kind::Fence) || self.ends_overshot_payload(bytes) {
                self.end_payload(number);
            } else {
                self.payload_line(bytes);
                return;
            }
        }
        match kind {
            // A command line that no continuation follows is checked where it lies, without a copy.
            Kind::Command(dir, rest, prefix) if line.continued() == Some(false) => {
                self.command_in_place(number, dir, text_of(rest, line, prefix), rest, prefix)
            }
            Kind::Command(dir, rest, prefix) => {
                self.start_pending(number, dir, text_of(rest, line, prefix), rest, prefix)
            }
            Kind::Continuation(_) | Kind::Fence | Kind::Other => self.prose(number, bytes, line.known_utf8()),
        }
    }

    fn command_in_place(&mut self, number: usize, dir: Dir, text: Option<&str>, rest: &[u8], prefix: &'static str) {
        let Some(text) = text else {
            self.not_utf8(number, rest);
            return;
        };
        self.summary.commands += 1;
        self.pending.dir = Some(dir);
        self.joined_parts.clear();
        self.joined_parts.push(Part { line: number, start: 0, end: text.len(), prefix });
        self.command(dir, text, None);
    }

    fn start_pending(&mut self, number: usize, dir: Dir, text: Option<&str>, rest: &[u8], prefix: &'static str) {
        let Some(text) = text else {
            self.not_utf8(number, rest);
            return;
        };
        let pending = &mut self.pending;
        pending.active = true;
        pending.overflowed = false;
        pending.dir = Some(dir);
        pending.text.clear();
        pending.text.push_str(text);
        pending.parts.clear();
        pending.parts.push(Part { line: number, start: 0, end: text.len(), prefix });
    }

    fn continue_pending(&mut self, number: usize, text: Option<&str>, rest: &[u8]) {
        let Some(text) = text else {
            self.not_utf8(number, rest);
            return;
        };
        let pending = &mut self.pending;
        if pending.overflowed {
            return;
        }
        // The limit holds for the joined line too (with a space between parts): continuations cannot make a
        // line of unbounded size out of short ones.
        let limit = self.options.limits.max_line;
        if pending.text.len() + pending.parts.len() + text.len() > limit {
            pending.overflowed = true;
            let first = pending.parts.first().map_or(number, |p| p.line);
            let source = pending.parts.first().map_or_else(String::new, |p| {
                format!("{}{}", p.prefix, pending.text[p.start..p.end].chars().take(80).collect::<String>())
            });
            let message = format!(
                "the command line that starts here, joined with its continuations up to line {number}, is longer than \
                 the limit of {limit} bytes; it is not checked"
            );
            let spot = Spot { line: first, column: 1, width: 1, source };
            self.report(Severity::Error, "line-too-long", spot, message, None, None);
            return;
        }
        let start = pending.text.len();
        pending.text.push_str(text);
        pending.parts.push(Part { line: number, start, end: pending.text.len(), prefix: CONTINUATION });
    }

    fn not_utf8(&mut self, number: usize, bytes: &[u8]) {
        let spot = Spot { line: number, column: 1, width: 1, source: String::from_utf8_lossy(bytes).into_owned() };
        self.report(Severity::Error, "invalid-utf8", spot, "the command line is not valid UTF-8".into(), None, None);
    }

    /// A line that is not a command; `utf8` when the reader already knows it is valid UTF-8.
    fn prose(&mut self, number: usize, bytes: &[u8], utf8: bool) {
        if !utf8 && std::str::from_utf8(bytes).is_err() {
            self.invalid_utf8 += 1;
            if self.invalid_utf8 == 1 {
                let spot =
                    Spot { line: number, column: 1, width: 1, source: String::from_utf8_lossy(bytes).into_owned() };
                self.first_invalid_utf8 = Some(spot.clone());
                self.report(Severity::Error, "invalid-utf8", spot, "the line is not valid UTF-8".into(), None, None);
            }
            return;
        }
        match boundary(bytes) {
            Some(Boundary::Close) => self.conn.closed = true,
            Some(Boundary::Open) => self.new_connection(number + 1),
            None => {}
        }
    }

    // --- payloads -------------------------------------------------------------------------------------

    /// Starts counting the payload `raw` announces; returns whether one follows.
    fn start_payload(&mut self, announced: u64, raw: &RawCommand<'_>, dir: Dir) -> bool {
        let length_span = raw.arg_span(raw.arg_count().saturating_sub(1)).unwrap_or(0..0);
        let refused = announced > self.options.limits.max_payload as u64;
        if refused {
            let message = format!(
                "`{}` announces a payload of {announced} bytes; the limit is {} bytes",
                raw.name(),
                self.options.limits.max_payload
            );
            let spot = self.spot_of(raw.line(), length_span.clone());
            self.report(Severity::Error, "payload-too-large", spot, message, None, None);
        }
        if announced == 0 {
            return false;
        }
        let p = &mut self.payload;
        p.active = true;
        p.announced = announced;
        p.length_span = length_span;
        p.parts.clear();
        p.parts.extend_from_slice(&self.joined_parts);
        p.lines.clear();
        p.crlf_total = 0;
        p.first_line = self.joined_parts.last().map_or(0, |p| p.line) + 1;
        p.overshot = false;
        p.refused = refused;
        p.dir = Some(dir);
        p.line = self.joined_parts.first().map_or(0, |p| p.line);
        p.version = self.conn.version;
        p.text.clear();
        p.text.push_str(raw.line());
        p.data.clear();
        p.xml = self
            .matched
            .and_then(|form| form.shape.payload)
            .filter(|def| def.kind == PayloadKind::Xml)
            .map(|def| (def.root, def.elements));
        p.keep = self.sink.wants_commands() || p.xml.is_some();
        p.compact_total = 0;
        true
    }

    fn payload_line(&mut self, bytes: &[u8]) {
        let p = &mut self.payload;
        if p.refused {
            return;
        }
        p.lines.push(bytes.len());
        p.crlf_total += bytes.len() as u64 + 2;
        if p.xml.is_some() {
            p.compact_total += bytes.trim_ascii().len() as u64;
        }
        if p.keep && p.data.len() < self.options.limits.max_payload {
            p.data.extend_from_slice(bytes);
            p.data.extend_from_slice(b"\r\n");
        }
        if p.crlf_total == p.announced || p.crlf_total - 2 == p.announced {
            p.data.truncate(p.announced as usize);
            p.active = false;
            self.check_xml(None);
            let p = &self.payload;
            if let (Some(dir), true) = (p.dir, self.sink.wants_commands()) {
                self.sink.command(Command { line: p.line, dir, version: p.version, text: &p.text, payload: &p.data });
            }
        } else if p.crlf_total - 2 > p.announced {
            p.overshot = true;
        }
    }

    /// Once past its announced length, a payload also ends at prose that marks a connection boundary.
    fn ends_overshot_payload(&self, bytes: &[u8]) -> bool {
        self.payload.active && self.payload.overshot && boundary(bytes).is_some()
    }

    /// Ends the current payload before line `number`: it did not reach exactly its announced length.
    fn end_payload(&mut self, number: usize) {
        if !self.payload.active {
            return;
        }
        self.payload.active = false;
        let p = &self.payload;
        if p.refused {
            return;
        }
        let spot = spot_in(&p.text, &p.parts, p.dir, p.length_span.clone());
        // An XML payload may be shown pretty-printed while its length counts it as sent, without the layout.
        if p.xml.is_some() && p.compact_total == p.announced {
            let message = format!(
                "`{}` announces {} bytes: its XML as sent, without the indentation and line breaks it is shown with",
                p.command(),
                p.announced
            );
            let compacted = crate::validate::xml::compact(p.data.split(|&b| b == b'\n'));
            self.report(Severity::Warning, "payload-pretty-printed", spot, message, None, None);
            self.check_xml(Some(&compacted));
            return;
        }
        // Lengths the shown lines could have: the first k lines with CRLF after each, or without the last CRLF.
        // The closest wins; on a tie, the one that takes more of the shown lines, then the one with the last CRLF.
        let mut best: Option<(u64, usize)> = None;
        let mut total = 0u64;
        for (k, len) in p.lines.iter().enumerate() {
            total += *len as u64 + 2;
            for candidate in [total - 2, total] {
                let distance = candidate.abs_diff(p.announced);
                if best.is_none_or(|(b, _)| distance <= b.abs_diff(p.announced)) {
                    best = Some((candidate, k + 1));
                }
            }
        }
        // The wiki counts some pretty-printed payloads with LF line ends; accept that with a warning.
        let mut lf_total = 0u64;
        for (k, len) in p.lines.iter().enumerate() {
            lf_total += *len as u64 + u64::from(k > 0);
            if k > 0 && lf_total == p.announced {
                let message = format!(
                    "`{}` announces {} bytes, which counts the {} payload lines with LF line ends; on the wire lines end with CRLF ({} bytes)",
                    p.command(),
                    p.announced,
                    k + 1,
                    p.lines[..=k].iter().map(|l| *l as u64 + 2).sum::<u64>() - 2
                );
                self.report(Severity::Warning, "payload-lf", spot, message, None, None);
                return;
            }
        }
        let at_end = number > self.summary.lines;
        let shown = p.crlf_total.saturating_sub(2);
        let (message, code) = match best {
            _ if at_end && shown < p.announced => (
                format!(
                    "`{}` announces {} bytes of payload, but the transcript ends first (after {shown} bytes)",
                    p.command(),
                    p.announced
                ),
                "payload-truncated",
            ),
            None => (
                format!("`{}` announces {} bytes of payload, but no payload lines follow", p.command(), p.announced),
                "payload-length",
            ),
            Some((measured, lines)) => (
                format!(
                    "`{}` announces {} bytes, but its payload is {measured} bytes (lines {}-{}, counted with CRLF line ends)",
                    p.command(),
                    p.announced,
                    p.first_line,
                    p.first_line + lines - 1
                ),
                "payload-length",
            ),
        };
        self.report(Severity::Error, code, spot, message, None, None);
    }

    /// Checks a complete XML payload (`compacted`, or the payload as shown) against its form: well-formed, with the
    /// elements the spec names.
    fn check_xml(&mut self, compacted: Option<&[u8]>) {
        let p = &self.payload;
        let Some((root, elements)) = p.xml else { return };
        let data = compacted.unwrap_or(&p.data);
        if let Err(problem) = crate::validate::xml::check(data, root, elements) {
            let first = p.data.split(|&b| b == b'\r' || b == b'\n').next().unwrap_or_default();
            let source = String::from_utf8_lossy(first).into_owned();
            let spot = Spot { line: p.first_line, column: 1, width: source.chars().count().max(1), source };
            let message = format!("the payload of `{}` {problem}", p.command());
            self.report(Severity::Error, "payload-xml", spot, message, None, None);
        }
    }

    // --- connections ----------------------------------------------------------------------------------

    fn new_connection(&mut self, start: usize) {
        self.finish_connection();
        self.conn.reset(start);
    }

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

    // --- commands -------------------------------------------------------------------------------------

    /// Checks the command line being assembled, if there is one.
    #[inline(always)]
    fn flush_pending(&mut self) {
        if self.pending.active {
            self.flush_pending_now();
        }
    }

    fn flush_pending_now(&mut self) {
        self.pending.active = false;
        let Some(dir) = self.pending.dir else { return };
        if std::mem::take(&mut self.pending.overflowed) {
            // Reported when it overflowed; a line cut short would only give false diagnostics.
            self.summary.commands += 1;
            return;
        }
        self.summary.commands += 1;
        if let [part] = self.pending.parts[..] {
            // A line without continuations is checked where it is, without joining.
            self.joined_parts.clear();
            self.joined_parts.push(part);
            let text = std::mem::take(&mut self.pending.text);
            self.command(dir, &text, None);
            self.pending.text = text;
            return;
        }
        // The wiki breaks lines both between arguments (the space is dropped) and inside long ones (a placeholder,
        // an MSNObject), so the line is checked joined with spaces, then without, and the join the spec accepts
        // is kept.
        let (mut spaced, mut spaced_parts) = (std::mem::take(&mut self.joined), std::mem::take(&mut self.joined_parts));
        let (mut tight, mut tight_parts) = (std::mem::take(&mut self.tight), std::mem::take(&mut self.tight_parts));
        self.pending.join(" ", &mut spaced, &mut spaced_parts);
        self.pending.join("", &mut tight, &mut tight_parts);
        self.joined_parts = spaced_parts;
        self.tight_parts = tight_parts;
        self.command(dir, &spaced, Some(&tight));
        self.joined = spaced;
        self.tight = tight;
    }

    /// The version whose payload rule frames the line, when the connection has none yet.
    fn framing_version(&self) -> Option<&'static VersionDef> {
        self.conn.version.or(self.options.version).or(self.last_version).or(self.options.spec.versions.last())
    }

    /// Checks a command line; `tight` is the other way to join a continued line, used if `text` does not match.
    fn command<'t>(&mut self, dir: Dir, text: &'t str, tight: Option<&'t str>) {
        self.matched = None;
        let mut slot = None;
        let raw: &RawCommand<'t> = RawCommand::parse_into(&mut slot, text, b"", Tokens::Transcript);
        if self.conn.closed && dir == Dir::Client && raw.name() == "VER" {
            // A client only sends VER on a fresh connection, so after a disconnect this starts the next one.
            self.new_connection(self.joined_parts.first().map_or(1, |p| p.line));
        }
        self.conn.used = true;
        let mut chosen = None;
        let checked = self.check_command(dir, raw, tight, &mut chosen);
        let raw = chosen.as_ref().unwrap_or(raw);
        // Framing uses the command the check found, or (when the line could not be checked) the best guess of
        // the version, so that payload lines are never taken for prose.
        let framed = match checked {
            Some(command) => payload_of(command, dir, raw),
            None => self.framing_version().and_then(|v| payload_length(v, dir, raw)),
        };
        if let Some(announced) = framed
            && self.start_payload(announced, raw, dir)
        {
            return;
        }
        if self.sink.wants_commands() {
            let line = self.joined_parts.first().map_or(0, |p| p.line);
            self.sink.command(Command { line, dir, version: self.conn.version, text: raw.line(), payload: b"" });
        }
    }

    /// Checks one command line; returns its command when the line's version has it. When the tight join of a
    /// continued line matched instead, it is left in `chosen`.
    fn check_command<'t>(
        &mut self,
        dir: Dir,
        raw: &RawCommand<'t>,
        tight: Option<&'t str>,
        chosen: &mut Option<RawCommand<'t>>,
    ) -> Option<&'static CommandDef> {
        let name = raw.name();
        if name.is_empty() {
            let spot = self.spot_of(raw.line(), 0..0);
            self.report(Severity::Error, "not-a-command", spot, "empty command line".into(), None, None);
            return None;
        }
        if !is_command_name(name) {
            let spot = self.spot_of(raw.line(), raw.name_span());
            let message =
                format!("`{name}` is not a command: a command is three uppercase letters, an error code three digits");
            self.report(Severity::Error, "not-a-command", spot, message, None, None);
            return None;
        }
        if raw.is_error_code() {
            self.error_reply(dir, raw);
            return None;
        }
        let version = self.version_for(dir, raw)?;
        let Some(command) = version.command(name) else {
            self.unknown_command(version, dir, raw);
            return None;
        };
        match select_checking(command, dir, self.conn.services, raw) {
            Ok((form, trid)) => {
                let (form, trid) = self.fitting_form(command, dir, raw, form, trid);
                self.accept(dir, raw, form, trid)
            }
            Err(closest) => {
                if let Some(tight) = tight {
                    let alternative: &RawCommand<'t> = RawCommand::parse_into(chosen, tight, b"", Tokens::Transcript);
                    if alternative.name() == raw.name()
                        && let Ok((form, trid)) = select_checking(command, dir, self.conn.services, alternative)
                    {
                        std::mem::swap(&mut self.joined_parts, &mut self.tight_parts);
                        self.accept(dir, alternative, form, trid);
                        return Some(command);
                    }
                    *chosen = None;
                }
                self.mismatch(version, command.name, dir, raw, closest);
                if dir == Dir::Server {
                    self.count_unmatched(raw, command.name);
                }
                // A request that is wrong in its arguments is still a request: remember its TrID, so that the
                // server's answer is checked as an answer instead of being reported a second time.
                if dir == Dir::Client
                    && command.forms_from(Dir::Client).any(|f| f.shape.trid == Trid::Yes)
                    && let Some(trid) = raw.arg(0).and_then(|t| crate::spec::value::parse_uint(t, u32::MAX.into()).ok())
                {
                    self.conn.remember(trid as u32, command.name);
                }
            }
        }
        Some(command)
    }

    /// The version to check a line against, or `None` (after reporting why) when there is none.
    fn version_for(&mut self, dir: Dir, raw: &RawCommand<'_>) -> Option<&'static VersionDef> {
        if self.conn.stuck {
            return None;
        }
        if let Some(version) = self.conn.version {
            return Some(version);
        }
        let fallback = self.options.version.or(self.last_version);
        match (&self.conn.negotiation, raw.name(), dir) {
            // VER is the same in every dialect; any version parses it.
            (_, "VER", _) => return fallback.or(self.options.spec.versions.last()),
            // A client may send its next requests before the VER reply (real clients did, and servers answered
            // them): nothing forbids it, but they are in a version not yet agreed. They are checked as the highest
            // version offered; if the server chooses another, that is an error at the first of them.
            (Negotiation::Offered(offered), _, Dir::Client) if *offered != 0 => {
                let rank = 63 - offered.leading_zeros() as usize;
                let assumed = self.options.version.or_else(|| self.options.spec.versions.get(rank))?;
                let spot = self.spot_of(raw.line(), raw.name_span());
                let message = format!(
                    "`{}` sent before the server answered VER: checked as {}, the highest version offered",
                    raw.name(),
                    assumed.name
                );
                if self.conn.pipelined.is_none() {
                    self.conn.pipelined = Some((assumed, spot.clone(), raw.name().to_string()));
                }
                self.report(Severity::Warning, "pipelined-request", spot, message, None, None);
                return Some(assumed);
            }
            (Negotiation::Offered(_), _, _) => {
                let spot = self.spot_of(raw.line(), raw.name_span());
                let message = format!("`{}` before the server answered VER", raw.name());
                self.report(Severity::Error, "ver-first", spot, message, Some("VER TrID dialects...".into()), None);
                self.conn.stuck = true;
                return None;
            }
            _ => {}
        }
        // Without VER this may be a switchboard connection, which starts with USR or ANS.
        if let Some(version) = fallback
            && let Some(command) = version.command(raw.name())
            && select(command, dir, Services::SB, raw).is_ok()
            && !self.conn.services.intersect(Services::SB).is_empty()
        {
            self.conn.services = Services::SB;
            self.conn.version = Some(version);
            return Some(version);
        }
        if let Some(version) = self.options.version {
            // The user named the version: the transcript is a fragment that starts mid-session. Say so once, as a
            // warning, and check the lines as that version.
            let spot = self.spot_of(raw.line(), raw.name_span());
            let message =
                format!("no VER before this line: a fragment; its lines are checked as {} (--version)", version.name);
            self.report(Severity::Warning, "ver-first", spot, message, Some("VER TrID dialects...".into()), None);
            self.conn.version = Some(version);
            self.conn.negotiation = Negotiation::Done;
            return Some(version);
        }
        let spot = self.spot_of(raw.line(), raw.name_span());
        let message =
            "VER comes first on a connection; without it the version is unknown and the connection is not checked"
                .to_string();
        let hint =
            "a switchboard connection starts with USR or ANS; --version names the version of a fragment".to_string();
        self.report(Severity::Error, "ver-first", spot, message, Some("VER TrID dialects...".into()), Some(hint));
        self.conn.stuck = true;
        None
    }

    fn accept(&mut self, dir: Dir, raw: &RawCommand<'_>, form: &'static FormDef, trid: Option<u32>) {
        self.matched = Some(form);
        if let Some(warning) = form.warn {
            let spot = self.spot_of(raw.line(), 0..raw.line().len());
            self.report(Severity::Warning, "tolerated-form", spot, format!("{}: {warning}", form.command), None, None);
        }
        if let Some(seen) = form.evidence.seen.filter(|_| form.evidence.seen_only()) {
            // Real servers or clients send it, but no documentation gives it: a server author should know.
            let spot = self.spot_of(raw.line(), 0..raw.line().len());
            let message =
                format!("{}: this form is not in the documentation; it was seen in real traffic", form.command);
            let hint = format!("seen: {seen}");
            self.report(Severity::Warning, "undocumented-form", spot, message, Some(form.shape.synopsis()), Some(hint));
        }
        self.conn.services = self.conn.services.intersect(form.services);
        if form.command == "VER" {
            self.negotiate(dir, raw);
        }
        match (dir, form.shape.trid, trid) {
            (Dir::Client, _, _) => {
                let key = command_key(form.command).unwrap_or(0);
                if !self.conn.sent.contains(&key) {
                    self.conn.sent.push(key);
                }
                self.request_sent(form.command);
                if let (Trid::Yes, Some(t)) = (form.shape.trid, trid)
                    && let Some(previous) = self.conn.remember(t, form.command)
                {
                    let spot = self.spot_of(raw.line(), raw.arg_span(0).unwrap_or(0..0));
                    let message =
                        format!("TrID {t} was already used by `{previous}`; replies to the two cannot be told apart");
                    self.report(Severity::Warning, "trid-reused", spot, message, None, None);
                }
            }
            (Dir::Server, Trid::Yes, Some(t)) => {
                self.check_answer(raw, form, t);
                self.count_line(raw, form, trid);
            }
            (Dir::Server, _, _) => {
                self.count_line(raw, form, trid);
                let sent = &self.conn.sent;
                if !form.answers.is_empty()
                    && !form.answers.iter().any(|a| command_key(a).is_some_and(|k| sent.contains(&k)))
                {
                    let spot = self.spot_of(raw.line(), raw.name_span());
                    let message = format!(
                        "`{}` lines without TrID only follow a {} request",
                        form.command,
                        form.answers.join(" or ")
                    );
                    self.report(Severity::Error, "unanswered-reply", spot, message, Some(form.shape.synopsis()), None);
                }
            }
        }
    }

    /// The form a server line is taken as: the first that matches, unless its reply check fails (its TrID answers
    /// no request it may answer) and a later form matches too whose check passes (an ILN pushed with TrID 0
    /// rather than answering CHG). Forms are tried in the spec's order either way; the line decides.
    fn fitting_form(
        &self,
        command: &'static CommandDef,
        dir: Dir,
        raw: &RawCommand<'_>,
        form: &'static FormDef,
        trid: Option<u32>,
    ) -> (&'static FormDef, Option<u32>) {
        if dir != Dir::Server || self.reply_fits(form, trid) {
            return (form, trid);
        }
        command
            .forms_from(dir)
            .filter(|f| !std::ptr::eq(*f, form) && !f.services.intersect(self.conn.services).is_empty())
            .find_map(|f| check_shape(f.shape, raw).ok().filter(|t| self.reply_fits(f, *t)).map(|t| (f, t)))
            .unwrap_or((form, trid))
    }

    /// Whether a server line of `form` with `trid` passes the reply checks: a TrID that answers a request the
    /// form may answer; or, without TrID, a request it may follow was sent (or it follows none).
    fn reply_fits(&self, form: &'static FormDef, trid: Option<u32>) -> bool {
        match (form.shape.trid, trid) {
            (Trid::Yes, Some(t)) => {
                self.conn.requests.get(&t).is_some_and(|(request, _)| form.answers.contains(request))
            }
            (Trid::Yes, None) => true,
            _ => {
                let sent = &self.conn.sent;
                form.answers.is_empty()
                    || form.answers.iter().any(|a| command_key(a).is_some_and(|k| sent.contains(&k)))
            }
        }
    }

    fn check_answer(&mut self, raw: &RawCommand<'_>, form: &'static FormDef, trid: u32) {
        let span = raw.arg_span(0).unwrap_or(0..0);
        let (message, code, severity) = match self.conn.requests.get_mut(&trid) {
            None => (
                format!(
                    "`{} {trid}` answers no earlier request on this connection (no client command used TrID {trid})",
                    form.command
                ),
                "unanswered-reply",
                Severity::Error,
            ),
            Some((request, _)) if !form.answers.contains(request) => {
                let request = *request;
                let message = format!(
                    "TrID {trid} belongs to a `{request}` request, but this `{}` form answers {}",
                    form.command,
                    form.answers.join(" or ")
                );
                let hint = self.conn.version.and_then(|v| self.version_hint(v, Dir::Server, raw, Some(request)));
                let spot = self.spot_of(raw.line(), span);
                self.report(Severity::Error, "unanswered-reply", spot, message, Some(form.shape.synopsis()), hint);
                return;
            }
            Some((request, answered)) if form.once => {
                if !std::mem::replace(answered, true) {
                    return;
                }
                (
                    format!("`{request} {trid}` was already answered; a request gets one such reply"),
                    "duplicate-reply",
                    Severity::Warning,
                )
            }
            Some(_) => return,
        };
        let spot = self.spot_of(raw.line(), span);
        self.report(severity, code, spot, message, Some(form.shape.synopsis()), None);
    }

    /// Handles VER: once per connection, and the reply decides the version.
    fn negotiate(&mut self, dir: Dir, raw: &RawCommand<'_>) {
        match dir {
            Dir::Client => {
                if !matches!(self.conn.negotiation, Negotiation::Fresh) {
                    let spot = self.spot_of(raw.line(), raw.name_span());
                    self.report(
                        Severity::Error,
                        "ver-twice",
                        spot,
                        "VER is sent once per connection".into(),
                        None,
                        None,
                    );
                }
                // Every argument after the TrID is a dialect.
                let spec = self.options.spec;
                let offered =
                    raw.args().skip(1).filter_map(|d| spec.version(d)).fold(0u64, |bits, v| bits | 1 << v.rank);
                self.conn.negotiation = Negotiation::Offered(offered);
            }
            Dir::Server => {
                let offered = match std::mem::replace(&mut self.conn.negotiation, Negotiation::Done) {
                    Negotiation::Offered(offered) => offered,
                    Negotiation::Done => {
                        let spot = self.spot_of(raw.line(), raw.name_span());
                        self.report(
                            Severity::Error,
                            "ver-twice",
                            spot,
                            "VER was already answered on this connection".into(),
                            None,
                            None,
                        );
                        return;
                    }
                    Negotiation::Fresh => 0,
                };
                self.choose_version(raw, offered);
            }
        }
    }

    fn choose_version(&mut self, raw: &RawCommand<'_>, offered: u64) {
        let spec = self.options.spec;
        let span = raw.arg_span(1).unwrap_or(0..0);
        let first = raw.arg(1).unwrap_or_default();
        let pipelined = self.conn.pipelined.take();
        if first == "0" {
            if let Some((assumed, spot, name)) = pipelined {
                self.pipelined_refused(assumed, spot, &name, "accepted none of the versions offered");
            }
            self.conn.version = None;
            self.conn.stuck = true;
            return;
        }
        // The server may list every dialect it supports of those offered; the highest one is used.
        let chosen = raw.args().skip(1).filter_map(|d| spec.version(d)).max_by_key(|v| v.rank);
        let Some(version) = chosen else {
            let spot = self.spot_of(raw.line(), span);
            let message = format!("`{first}` is not a version this spec knows ({})", spec.version_names());
            self.report(Severity::Error, "unknown-version", spot, message, None, None);
            self.conn.stuck = true;
            return;
        };
        if let Some((assumed, spot, name)) = pipelined
            && self.options.version.is_none()
            && assumed.rank != version.rank
        {
            self.pipelined_refused(assumed, spot, &name, &format!("chose {}", version.name));
        }
        if offered != 0 && offered & (1 << version.rank) == 0 {
            let spot = self.spot_of(raw.line(), span.clone());
            let message = format!("the server chose {}, which the client did not offer", version.name);
            self.report(Severity::Error, "ver-not-offered", spot, message, None, None);
        }
        match self.options.version {
            Some(forced) if forced.name != version.name => {
                let spot = self.spot_of(raw.line(), span);
                let message = format!(
                    "the server chose {}; the connection is checked as {} (--version)",
                    version.name, forced.name
                );
                self.report(Severity::Warning, "version-override", spot, message, None, None);
                self.conn.version = Some(forced);
            }
            Some(forced) => self.conn.version = Some(forced),
            None => self.conn.version = Some(version),
        }
        self.last_version = self.conn.version;
    }

    /// A request sent before the VER reply, in a version the server then did not choose.
    fn pipelined_refused(&mut self, assumed: &'static VersionDef, spot: Spot, name: &str, what: &str) {
        let message =
            format!("`{name}` was sent before the server answered VER, in {}; the server then {what}", assumed.name);
        self.report(Severity::Error, "ver-first", spot, message, Some("VER TrID dialects...".into()), None);
    }

    fn error_reply(&mut self, dir: Dir, raw: &RawCommand<'_>) {
        if dir == Dir::Client {
            let spot = self.spot_of(raw.line(), raw.name_span());
            self.report(
                Severity::Error,
                "wrong-direction",
                spot,
                "error codes are sent by the server only".into(),
                None,
                None,
            );
            return;
        }
        let (code, tr_id, length) = match ErrorReply::parse_line(raw) {
            Ok(line) => line,
            Err(e) => {
                let spot = self.spot_of(raw.line(), raw.arg_span(0).unwrap_or_else(|| raw.name_span()));
                self.report(Severity::Error, "error-reply", spot, e.to_string(), Some("NNN TrID".into()), None);
                return;
            }
        };
        let reply = ErrorReply { code, tr_id, payload: None };
        if let (Some(_), Some(version)) = (length, self.conn.version.or(self.options.version).or(self.last_version))
            && !version.error_payload
        {
            let spot = self.spot_of(raw.line(), raw.arg_span(1).unwrap_or(0..0));
            let message = format!("error replies carry no payload in {}", version.name);
            self.report(Severity::Error, "error-reply", spot, message, Some("NNN TrID".into()), None);
        }
        let version = self.conn.version.or(self.options.version).or(self.last_version);
        let meaning = self.options.spec.error(reply.code);
        if let Some(version) = version
            && !version.knows_error(reply.code)
        {
            let spot = self.spot_of(raw.line(), raw.name_span());
            let message = format!("error {} is not listed for {}", reply.code, version.name);
            let hint = meaning.map(|m| format!("elsewhere it means: {}", m.doc));
            self.report(Severity::Warning, "unknown-error-code", spot, message, None, hint);
        }
        if reply.tr_id != 0 && !self.conn.requests.contains_key(&reply.tr_id) {
            let spot = self.spot_of(raw.line(), raw.arg_span(0).unwrap_or(0..0));
            let message = format!(
                "error {} answers no earlier request (no client command used TrID {})",
                reply.code, reply.tr_id
            );
            self.report(Severity::Error, "unanswered-reply", spot, message, None, None);
        }
    }

    fn unknown_command(&mut self, version: &'static VersionDef, dir: Dir, raw: &RawCommand<'_>) {
        let spec = self.options.spec;
        let name = raw.name();
        let removed = spec.versions[..=version.rank]
            .iter()
            .rev()
            .find_map(|v| v.removed.iter().find(|r| r.name == name).map(|r| (v.name, r.doc)));
        let later = spec.versions[version.rank..].iter().find(|v| v.command(name).is_some());
        let earlier = spec.versions[..version.rank].iter().rev().find(|v| v.command(name).is_some());
        let mut hint = match (removed, later, earlier) {
            (Some((at, doc)), _, _) => Some(format!("{name} was removed in {at}: {doc}")),
            (None, Some(v), _) => Some(format!("{name} first appears in {}", v.name)),
            (None, None, Some(v)) => Some(format!("{name} exists in {}", v.name)),
            (None, None, None) => None,
        };
        if let Some(form_hint) = self.other_version_hint(version, dir, raw) {
            hint = Some(form_hint);
        }
        let spot = self.spot_of(raw.line(), raw.name_span());
        let message = format!("`{name}` is not a command of {}", version.name);
        self.report(Severity::Error, "unknown-command", spot, message, None, hint);
    }

    fn mismatch(
        &mut self,
        version: &'static VersionDef,
        name: &'static str,
        dir: Dir,
        raw: &RawCommand<'_>,
        closest: Option<Closest>,
    ) {
        let hint = self.other_version_hint(version, dir, raw);
        let Some(closest) = closest else {
            // No form in this direction for this connection's services.
            let command = version.command(name);
            let any_dir = command.is_some_and(|c| c.forms_from(dir).next().is_some());
            let spot = self.spot_of(raw.line(), raw.name_span());
            let (code, message) = if any_dir {
                let services = command
                    .map(|c| c.forms_from(dir).fold(Services(0), |s, f| s.union(f.services)))
                    .unwrap_or(Services(0));
                (
                    "wrong-service",
                    format!(
                        "`{name}` from the {} is used on {}, but this connection is {}",
                        dir.word(),
                        services.describe(),
                        self.conn.services.describe()
                    ),
                )
            } else {
                ("wrong-direction", format!("`{name}` is never sent by the {} in {}", dir.word(), version.name))
            };
            let expected = command
                .and_then(|c| c.forms_from(dir.other()).next())
                .map(|f| format!("{} (from the {})", f.shape.synopsis(), dir.other().word()));
            self.report(Severity::Error, code, spot, message, expected, hint);
            return;
        };
        let span = match closest.mismatch.token {
            Some(i) => raw.arg_span(i).unwrap_or(0..0),
            None => raw.line().len()..raw.line().len(),
        };
        let code = match closest.mismatch.kind {
            crate::typed::matcher::MismatchKind::TridMissing
            | crate::typed::matcher::MismatchKind::TridInvalid(_)
            | crate::typed::matcher::MismatchKind::TridNotZero => "trid",
            crate::typed::matcher::MismatchKind::ArgMissing | crate::typed::matcher::MismatchKind::ExtraArg => {
                "arg-count"
            }
            crate::typed::matcher::MismatchKind::LiteralExpected(_) => "literal",
            _ => "arg-type",
        };
        let message = format!("{name}: {}", describe_mismatch(closest.form.shape, raw, &closest.mismatch));
        let spot = self.spot_of(raw.line(), span);
        self.report(Severity::Error, code, spot, message, Some(closest.form.shape.synopsis()), hint);
    }

    /// When a line fails in `version` but matches another version's form, says which: "this is the MSNP7 form
    /// of LST (valid in MSNP2-MSNP7)".
    fn other_version_hint(&self, version: &'static VersionDef, dir: Dir, raw: &RawCommand<'_>) -> Option<String> {
        self.version_hint(version, dir, raw, None)
    }

    /// Like [`Self::other_version_hint`]; with `answering`, the other version's form must also answer that
    /// request (a reply whose syntax fits this version but whose TrID belongs to a request it does not answer).
    fn version_hint(
        &self,
        version: &'static VersionDef,
        dir: Dir,
        raw: &RawCommand<'_>,
        answering: Option<&str>,
    ) -> Option<String> {
        let versions = self.options.spec.versions;
        let fits = |v: &'static VersionDef| {
            v.command(raw.name()).is_some_and(|c| match select(c, dir, Services::ALL, raw) {
                Ok((form, _)) => answering.is_none_or(|request| form.answers.contains(&request)),
                Err(_) => false,
            })
        };
        let nearest = versions
            .iter()
            .filter(|v| v.rank != version.rank && fits(v))
            .min_by_key(|v| (v.rank.abs_diff(version.rank), std::cmp::Reverse(v.rank)))?;
        let mut first = nearest.rank;
        while first > 0 && first - 1 != version.rank && fits(&versions[first - 1]) {
            first -= 1;
        }
        let mut last = nearest.rank;
        while last + 1 < versions.len() && last + 1 != version.rank && fits(&versions[last + 1]) {
            last += 1;
        }
        let range = if first == last {
            format!("valid in {}", versions[first].name)
        } else {
            format!("valid in {}-{}", versions[first].name, versions[last].name)
        };
        Some(format!("this is the {} form of {} ({range})", nearest.name, raw.name()))
    }

    // --- reporting ------------------------------------------------------------------------------------

    /// Locates a byte range of the command line being checked in the source lines.
    fn spot_of(&self, text: &str, span: std::ops::Range<usize>) -> Spot {
        spot_in(text, &self.joined_parts, self.pending.dir, span)
    }

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

/// The text of `rest`, the part of `line` after `prefix`, from the line's text when the reader knew it, or else
/// checked here; `None` when it is not valid UTF-8.
fn text_of<'a>(rest: &'a [u8], line: &Line<'a>, prefix: &str) -> Option<&'a str> {
    match line.text() {
        Some(text) => text.get(prefix.len()..prefix.len() + rest.len()),
        None => std::str::from_utf8(rest).ok(),
    }
}

/// Whether `name` looks like a command: three uppercase letters, or three digits for an error code.
fn is_command_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() == 3 && (bytes.iter().all(u8::is_ascii_uppercase) || bytes.iter().all(u8::is_ascii_digit))
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

/// The payload length `raw` announces for `command`, or `None` when no payload follows.
fn payload_of(command: &CommandDef, dir: Dir, raw: &RawCommand<'_>) -> Option<u64> {
    if !command.has_payload(dir) {
        return None;
    }
    crate::spec::value::parse_uint(raw.arg(raw.arg_count().checked_sub(1)?)?, u64::MAX).ok()
}
