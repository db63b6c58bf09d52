//! Payload counting: the lines after a command that announces a payload are counted with CRLF line ends until they
//! reach the announced length. A payload that ends elsewhere is reported with the length its lines come closest to,
//! or as the two ways the wiki shows payloads (with LF line ends, or XML pretty-printed).

use super::lines::Part;
use super::{Severity, Spot, Validator, spot_in};
use crate::spec::{Dir, PayloadKind, VersionDef};
use crate::validate::Command;
use crate::validate::transcript::boundary;
use crate::wire::raw::RawCommand;

/// The payload being counted. One is kept for the whole file and reused, so counting allocates nothing after
/// the first few payloads.
#[derive(Default)]
pub(super) struct Payload {
    /// Whether a payload is being counted.
    pub(super) active: bool,
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

    /// Counts one payload line (keeping its bytes, up to `max_payload`, when asked to); returns whether the payload
    /// is now complete: its lines reach the announced length, with or without the last CRLF.
    fn take(&mut self, bytes: &[u8], max_payload: usize) -> bool {
        self.lines.push(bytes.len());
        self.crlf_total += bytes.len() as u64 + 2;
        if self.xml.is_some() {
            self.compact_total += bytes.trim_ascii().len() as u64;
        }
        if self.keep && self.data.len() < max_payload {
            self.data.extend_from_slice(bytes);
            self.data.extend_from_slice(b"\r\n");
        }
        if self.crlf_total == self.announced || self.crlf_total - 2 == self.announced {
            self.data.truncate(self.announced as usize);
            self.active = false;
            return true;
        }
        if self.crlf_total - 2 > self.announced {
            self.overshot = true;
        }
        false
    }

    /// The length among those the lines could have that comes closest to the announced one, with how many lines it
    /// takes: the first k lines with CRLF after each, or without the last CRLF. On a tie, the one that takes more
    /// of the lines wins, then the one with the last CRLF.
    fn closest_length(&self) -> Option<(u64, usize)> {
        let mut best: Option<(u64, usize)> = None;
        let mut total = 0u64;
        for (k, len) in self.lines.iter().enumerate() {
            total += *len as u64 + 2;
            for candidate in [total - 2, total] {
                let distance = candidate.abs_diff(self.announced);
                if best.is_none_or(|(b, _)| distance <= b.abs_diff(self.announced)) {
                    best = Some((candidate, k + 1));
                }
            }
        }
        best
    }

    /// How many lines (at least two) the announced length counts when it counts them with LF line ends, as the
    /// wiki does for some pretty-printed payloads.
    fn lf_lines(&self) -> Option<usize> {
        let mut lf_total = 0u64;
        for (k, len) in self.lines.iter().enumerate() {
            lf_total += *len as u64 + u64::from(k > 0);
            if k > 0 && lf_total == self.announced {
                return Some(k + 1);
            }
        }
        None
    }

    /// The diagnostic code and message for a payload that ended short of or past its announced length; `at_end`
    /// when the transcript ended it.
    fn length_error(&self, at_end: bool) -> (&'static str, String) {
        let (command, announced) = (self.command(), self.announced);
        let shown = self.crlf_total.saturating_sub(2);
        match self.closest_length() {
            _ if at_end && shown < announced => (
                "payload-truncated",
                format!(
                    "`{command}` announces {announced} bytes of payload, but the transcript ends first (after {shown} \
                     bytes)"
                ),
            ),
            None => (
                "payload-length",
                format!("`{command}` announces {announced} bytes of payload, but no payload lines follow"),
            ),
            Some((measured, lines)) => (
                "payload-length",
                format!(
                    "`{command}` announces {announced} bytes, but its payload is {measured} bytes (lines {}-{}, counted \
                     with CRLF line ends)",
                    self.first_line,
                    self.first_line + lines - 1
                ),
            ),
        }
    }
}

impl Validator<'_> {
    /// Starts counting the payload `raw` announces; returns whether one follows.
    pub(super) fn start_payload(&mut self, announced: u64, raw: &RawCommand<'_>, dir: Dir) -> bool {
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

    /// Counts a line of the payload being read; once the payload is complete, checks it and passes it on.
    pub(super) fn payload_line(&mut self, bytes: &[u8]) {
        if self.payload.refused || !self.payload.take(bytes, self.options.limits.max_payload) {
            return;
        }
        self.check_xml(None);
        let p = &self.payload;
        if let (Some(dir), true) = (p.dir, self.sink.wants_commands()) {
            self.sink.command(Command { line: p.line, dir, version: p.version, text: &p.text, payload: &p.data });
        }
    }

    /// Once past its announced length, a payload also ends at prose that marks a connection boundary.
    pub(super) fn ends_overshot_payload(&self, bytes: &[u8]) -> bool {
        self.payload.active && self.payload.overshot && boundary(bytes).is_some()
    }

    /// Ends the current payload before line `number`: it did not reach exactly its announced length.
    pub(super) fn end_payload(&mut self, number: usize) {
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
        if let Some(lines) = p.lf_lines() {
            let message = format!(
                "`{}` announces {} bytes, which counts the {lines} payload lines with LF line ends; on the wire lines \
                 end with CRLF ({} bytes)",
                p.command(),
                p.announced,
                p.lines[..lines].iter().map(|l| *l as u64 + 2).sum::<u64>() - 2
            );
            self.report(Severity::Warning, "payload-lf", spot, message, None, None);
            return;
        }
        let (code, message) = p.length_error(number > self.summary.lines);
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
}

#[cfg(test)]
mod tests {
    use super::super::testing::{MSNP8, codes, options, validate};
    use super::Payload;

    /// A payload announced as `announced` bytes, with lines of these lengths taken.
    fn payload(announced: u64, lines: &[usize]) -> Payload {
        let mut payload = Payload { active: true, announced, first_line: 4, ..Payload::default() };
        payload.text.push_str("MSG Hotmail Hotmail 99");
        payload.lines.extend_from_slice(lines);
        payload
    }

    #[test]
    fn a_payload_ends_at_its_length_with_or_without_the_last_crlf() {
        for announced in [7, 9] {
            let mut p = Payload { active: true, announced, keep: true, ..Payload::default() };
            assert!(!p.take(b"abc", 1024));
            assert!(p.take(b"de", 1024), "3 + 2 + 2 and a last CRLF: {announced}");
            assert!(!p.active);
            assert_eq!(p.data, &b"abc\r\nde\r\n"[..announced as usize]);
        }
        let mut p = Payload { active: true, announced: 4, ..Payload::default() };
        assert!(!p.take(b"abcdef", 1024));
        assert!(p.overshot && p.active && p.data.is_empty(), "past its length, and nothing kept unasked");
    }

    #[test]
    fn the_closest_length_the_lines_could_have_is_measured() {
        // 10 + CRLF + 5 = 17 without the last CRLF, 19 with it.
        assert_eq!(payload(18, &[10, 5]).closest_length(), Some((19, 2)));
        assert_eq!(payload(16, &[10, 5]).closest_length(), Some((17, 2)));
        // 10 and 12 are as close to 11: the one with the last CRLF wins.
        assert_eq!(payload(11, &[10, 5]).closest_length(), Some((12, 1)));
        assert_eq!(payload(9, &[10, 5]).closest_length(), Some((10, 1)));
        assert_eq!(payload(11, &[]).closest_length(), None);
    }

    #[test]
    fn a_length_counted_with_lf_line_ends_is_recognised() {
        assert_eq!(payload(16, &[10, 5]).lf_lines(), Some(2));
        assert_eq!(payload(19, &[10, 5, 2]).lf_lines(), Some(3));
        assert_eq!(payload(10, &[10, 5]).lf_lines(), None, "one line has no line end to count");
        assert_eq!(payload(17, &[10, 5]).lf_lines(), None);
    }

    #[test]
    fn a_wrong_length_names_what_the_lines_measure() {
        let (code, message) = payload(18, &[10, 5]).length_error(false);
        assert_eq!(code, "payload-length");
        assert_eq!(
            message,
            "`MSG` announces 18 bytes, but its payload is 19 bytes (lines 4-5, counted with CRLF line ends)"
        );
        let mut short = payload(40, &[10]);
        short.crlf_total = 12;
        assert_eq!(short.length_error(true).0, "payload-truncated");
        assert_eq!(short.length_error(false).0, "payload-length");
    }

    #[test]
    fn payload_lengths_are_checked_in_a_transcript() {
        let msg = |length: usize, body: &str| format!("{MSNP8}S: MSG Hotmail Hotmail {length}\n{body}\nC: OUT\n");
        assert!(codes(&msg(12, "Hello\nWorld")).is_empty());
        assert!(codes(&msg(14, "Hello\nWorld")).is_empty());
        assert_eq!(codes(&msg(13, "Hello\nWorld")), [(3, "payload-length")]);
        assert_eq!(codes(&msg(11, "Hello\nWorld")), [(3, "payload-lf")]);
        assert_eq!(codes(&format!("{MSNP8}S: MSG Hotmail Hotmail 40\nHello\n")), [(3, "payload-truncated")]);
    }

    #[test]
    fn a_payload_over_the_limit_is_refused_and_its_lines_skipped() {
        let options = crate::validate::Options {
            limits: crate::wire::frame::Limits { max_payload: 8, ..Default::default() },
            ..options()
        };
        let text = format!("{MSNP8}S: MSG Hotmail Hotmail 12\nHello\nWorld\nC: OUT\n");
        let (_, diagnostics) = validate(&text, &options);
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.column, d.code)).collect();
        assert_eq!(found, [(3, 24, "payload-too-large")]);
        assert_eq!(diagnostics[0].message, "`MSG` announces a payload of 12 bytes; the limit is 8 bytes");
    }

    #[test]
    fn an_overlong_payload_ends_at_a_connection_boundary() {
        let text = format!("{MSNP8}S: MSG Hotmail Hotmail 3\nHello\nServer disconnects.\n{MSNP8}");
        let (summary, diagnostics) = validate(&text, &options());
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(found, [(3, "payload-length")]);
        assert_eq!(summary.connection_count, 2);
    }
}
