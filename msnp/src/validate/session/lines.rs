//! Line assembly: each line of a transcript is a command line, a continuation of one, a payload line or prose. A
//! command line and its continuations are joined (with spaces, and without, the two ways the wiki breaks lines)
//! into one command to check; prose marks connection boundaries.

use super::{Severity, Spot, Validator};
use crate::spec::Dir;
use crate::validate::transcript::{Boundary, CONTINUATION, Kind, Line, boundary, classify};

/// A part of a command line: the first line or a continuation.
#[derive(Clone, Copy, Debug)]
pub(super) struct Part {
    pub(super) line: usize,
    /// Byte range in the text being validated.
    pub(super) start: usize,
    pub(super) end: usize,
    /// The line's prefix as written (`S: `, `.. `, `Server: `, ...).
    pub(super) prefix: &'static str,
}

/// A command line being assembled from its line and continuations.
#[derive(Default)]
pub(super) struct Pending {
    pub(super) active: bool,
    pub(super) dir: Option<Dir>,
    /// The parts' texts, concatenated without separators.
    text: String,
    parts: Vec<Part>,
    /// The joined line grew past the line limit: it was reported, and its further continuations are dropped.
    overflowed: bool,
}

impl Pending {
    /// Starts a command line from `dir` on line `number`: `text`, after `prefix`.
    fn start(&mut self, number: usize, dir: Dir, text: &str, prefix: &'static str) {
        self.active = true;
        self.overflowed = false;
        self.dir = Some(dir);
        self.text.clear();
        self.text.push_str(text);
        self.parts.clear();
        self.parts.push(Part { line: number, start: 0, end: text.len(), prefix });
    }

    /// Adds continuation line `number`. The limit holds for the joined line too (with a space between parts):
    /// continuations cannot make a line of unbounded size out of short ones. When this one makes the line too long,
    /// returns where the line starts, for the one diagnostic; the line's further continuations are dropped.
    fn push(&mut self, number: usize, text: &str, limit: usize) -> Option<Spot> {
        if self.overflowed {
            return None;
        }
        if self.text.len() + self.parts.len() + text.len() > limit {
            self.overflowed = true;
            let first = self.parts.first().map_or(number, |p| p.line);
            let source = self.parts.first().map_or_else(String::new, |p| {
                format!("{}{}", p.prefix, self.text[p.start..p.end].chars().take(80).collect::<String>())
            });
            return Some(Spot { line: first, column: 1, width: 1, source });
        }
        let start = self.text.len();
        self.text.push_str(text);
        self.parts.push(Part { line: number, start, end: self.text.len(), prefix: CONTINUATION });
        None
    }

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

impl Validator<'_> {
    /// Handles one line.
    pub(super) fn line(&mut self, line: &Line<'_>) {
        if self.http.is_some() && self.http_line(line) {
            return;
        }
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
        match text {
            Some(text) => self.pending.start(number, dir, text, prefix),
            None => self.not_utf8(number, rest),
        }
    }

    fn continue_pending(&mut self, number: usize, text: Option<&str>, rest: &[u8]) {
        let Some(text) = text else {
            self.not_utf8(number, rest);
            return;
        };
        let limit = self.options.limits.max_line;
        if let Some(spot) = self.pending.push(number, text, limit) {
            let message = format!(
                "the command line that starts here, joined with its continuations up to line {number}, is longer than \
                 the limit of {limit} bytes; it is not checked"
            );
            self.report(Severity::Error, "line-too-long", spot, message, None, None);
        }
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
            Some(Boundary::HttpRequest) => self.start_http(number, bytes),
            Some(Boundary::Resume) | None => {}
        }
    }

    // --- commands -------------------------------------------------------------------------------------

    /// Checks the command line being assembled, if there is one.
    #[inline(always)]
    pub(super) fn flush_pending(&mut self) {
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
}

/// The text of `rest`, the part of `line` after `prefix`, from the line's text when the reader knew it, or else
/// checked here; `None` when it is not valid UTF-8.
fn text_of<'a>(rest: &'a [u8], line: &Line<'a>, prefix: &str) -> Option<&'a str> {
    match line.text() {
        Some(text) => text.get(prefix.len()..prefix.len() + rest.len()),
        None => std::str::from_utf8(rest).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{MSNP8, codes, options, validate};
    use super::{Part, Pending};
    use crate::spec::Dir;

    fn pending(parts: &[&str]) -> Pending {
        let mut pending = Pending::default();
        pending.start(3, Dir::Client, parts[0], "C: ");
        for (i, part) in parts.iter().enumerate().skip(1) {
            assert!(pending.push(3 + i, part, 1000).is_none());
        }
        pending
    }

    fn spans(parts: &[Part]) -> Vec<(usize, usize, usize, &'static str)> {
        parts.iter().map(|p| (p.line, p.start, p.end, p.prefix)).collect()
    }

    #[test]
    fn a_line_and_its_continuations_join_with_spaces_and_without() {
        let pending = pending(&["CHG 2 NLN", "0", "x"]);
        assert!(pending.active);
        let (mut text, mut parts) = (String::new(), Vec::new());
        pending.join(" ", &mut text, &mut parts);
        assert_eq!(text, "CHG 2 NLN 0 x");
        assert_eq!(spans(&parts), [(3, 0, 9, "C: "), (4, 10, 11, ".. "), (5, 12, 13, ".. ")]);
        pending.join("", &mut text, &mut parts);
        assert_eq!(text, "CHG 2 NLN0x");
        assert_eq!(spans(&parts), [(3, 0, 9, "C: "), (4, 9, 10, ".. "), (5, 10, 11, ".. ")]);
    }

    #[test]
    fn a_joined_line_past_the_limit_is_reported_once_where_it_starts() {
        let mut pending = Pending::default();
        pending.start(7, Dir::Server, "ILN 3 NLN", "S: ");
        assert!(pending.push(8, "abc", 14).is_none(), "9 + 1 + 3 bytes fit in 14");
        let spot = pending.push(9, "d", 14).expect("9 + 2 + 3 + 1 bytes do not");
        assert_eq!((spot.line, spot.column, spot.source.as_str()), (7, 1, "S: ILN 3 NLN"));
        assert!(pending.push(10, "e", 14).is_none(), "reported once");
        assert_eq!(pending.parts.len(), 2, "the continuations after it are dropped");
    }

    #[test]
    fn continuations_are_checked_as_one_command() {
        // Joined with a space, then without: the join the spec accepts is kept.
        assert!(codes(&format!("{MSNP8}C: CHG 2 NLN\n.. 0\nS: CHG 2 NLN 0\n")).is_empty());
        assert!(codes(&format!("{MSNP8}C: CHG 2 NLN 0\nS: ILN 2 NLN a@b.c na\n.. me 0\n")).is_empty());
        // Neither join fits: reported as joined with spaces, at the continuation.
        assert_eq!(codes(&format!("{MSNP8}C: CHG 2 NLN\n.. 0 extra\n")), [(4, "arg-count")]);
    }

    #[test]
    fn a_continued_line_over_the_limit_is_not_checked() {
        let options = crate::validate::Options {
            limits: crate::wire::frame::Limits { max_line: 20, ..Default::default() },
            ..options()
        };
        let text = format!("{MSNP8}C: CHG 2 NLN\n.. 0\n.. xxxxxxxxxx\n.. more\n");
        let (summary, diagnostics) = validate(&text, &options);
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(found, [(3, "line-too-long")]);
        assert!(diagnostics[0].message.contains("up to line 5"), "{}", diagnostics[0].message);
        assert_eq!(summary.commands, 3);
    }

    #[test]
    fn a_command_line_that_is_not_utf8_is_reported_where_it_is() {
        let mut bytes = MSNP8.as_bytes().to_vec();
        bytes.extend_from_slice(b"C: CHG 2 N\xffN 0\nS: OUT\n");
        let (_, diagnostics) = crate::validate::validate_bytes("test.txt", &bytes, &options());
        let found: Vec<_> = diagnostics.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(found, [(3, "invalid-utf8")]);
        assert_eq!(diagnostics[0].message, "the command line is not valid UTF-8");
    }

    #[test]
    fn prose_marks_where_connections_close_and_open() {
        let text = format!("{MSNP8}Server disconnects.\nClient connects to another server.\n{MSNP8}");
        let (summary, diagnostics) = validate(&text, &options());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let starts: Vec<_> = summary.connections.iter().map(|c| c.line).collect();
        assert_eq!(starts, [1, 5]);
        // Without a boundary, a second VER on the same connection is an error (and its TrID is used twice).
        assert_eq!(codes(&format!("{MSNP8}{MSNP8}")), [(3, "ver-twice"), (3, "trid-reused")]);
    }
}
