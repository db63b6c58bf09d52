//! Reading transcripts in the wiki's notation, line by line and with bounded memory.
//!
//! The notation: `C: ` and `S: ` start a command line sent by the client or the server; `.. ` continues the
//! previous command line (the wiki breaks long lines for display); the lines after a payload command are its
//! payload, counted with CRLF line ends; anything else is prose (Markdown headings, code fences, sentences such
//! as "Client disconnects from server."), where some sentences mark connection boundaries.
//!
//! HTTP sections sit in the same file, between MSNP lines or on their own: a prose line "Client sends an HTTP
//! request to URL." starts one; the `C: ` lines after it hold the request as sent (the request line, the headers,
//! an empty `C:` line, the body's lines) and the `S: ` lines the response (the status line, the headers, an empty
//! line, the body). The section ends at the next boundary: another HTTP request, a connection opened or closed,
//! "Client resumes the connection to HOST:PORT." (back to the MSNP connection the exchange interrupted), a `C: `
//! line after the response began, or the end of the file. Redacted values are `$name` placeholders
//! (`pwd=$password`, `<wsse:Password>$password</wsse:Password>`, `from-PP='$ticket'`).
//!
//! ```text
//! Client sends an HTTP request to https://login.example.com/login2.srf.
//!
//! C: GET /login2.srf HTTP/1.1
//! C: Authorization: Passport1.4 OrgVerb=GET,...,sign-in=alice%40example.com,pwd=$password,lc=1033,...
//! C:
//! S: HTTP/1.1 200 OK
//! S: Authentication-Info: Passport1.4 da-status=success,from-PP='$ticket'
//! S:
//!
//! Client resumes the connection to 10.0.0.5:1863.
//! ```
//!
//! This module only splits and classifies lines; deciding where a payload ends needs the spec and is done by
//! the validator.

use std::io::{self, Read};

use crate::spec::Dir;

/// One physical line, without its line end.
#[derive(Debug)]
pub struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// The bytes (for a line over the limit, only its first `max_line` bytes).
    pub bytes: &'a [u8],
    /// The full length, when the line was longer than the limit and was cut.
    pub cut_from: Option<usize>,
    /// The reader's buffer as text, when it is valid UTF-8, and where the line starts in it.
    buffer: Option<&'a str>,
    start: usize,
    /// What the buffer holds after the line, and whether that is the end of the input.
    after: &'a [u8],
    eof: bool,
}

impl<'a> Line<'a> {
    /// Whether the reader already knows the line to be valid UTF-8: it checks what it reads a buffer at a time,
    /// so that most lines need no check of their own. `false` means "not known", not "invalid".
    #[inline]
    pub fn known_utf8(&self) -> bool {
        self.buffer.is_some()
    }

    /// The line as text, when the reader already knows it to be valid UTF-8.
    #[inline]
    pub fn text(&self) -> Option<&'a str> {
        self.buffer?.get(self.start..self.start + self.bytes.len())
    }

    /// Whether the next line starts with `.. ` (continues this one), when the reader can tell without
    /// reading further.
    pub fn continued(&self) -> Option<bool> {
        match self.after {
            [b'.', b'.', b' ', ..] => Some(true),
            next if next.len() >= 3 || self.eof => Some(false),
            [b'.', b'.'] | [b'.'] | [] => None,
            _ => Some(false),
        }
    }
}

/// Reads lines with a length limit: a longer line is reported cut, and its rest is skipped without being
/// buffered, so memory stays bounded whatever the input. Lines are returned from the reader's own buffer
/// without copying. After each read the whole buffer is checked for UTF-8 at once; while it is valid it is held
/// as a `String`, and lines come with their text.
pub struct LineReader<R> {
    inner: R,
    /// Input read but not yet returned is `buf[start..end]`.
    buf: Buffer,
    /// The buffer's size.
    size: usize,
    start: usize,
    end: usize,
    /// Bytes from `start` known to hold no line feed.
    scanned: usize,
    eof: bool,
    /// The kept part of a line too long for the buffer.
    long: Vec<u8>,
    number: usize,
    max_line: usize,
}

/// How much is read at once.
const READ_SIZE: usize = 64 * 1024;

/// The read buffer: text when all of it is valid UTF-8, bytes otherwise. Switching between the two moves the
/// allocation, without copying.
enum Buffer {
    Text(String),
    Bytes(Vec<u8>),
}

impl Buffer {
    fn bytes(&self) -> &[u8] {
        match self {
            Buffer::Text(text) => text.as_bytes(),
            Buffer::Bytes(bytes) => bytes,
        }
    }

    fn take(&mut self) -> Vec<u8> {
        match std::mem::replace(self, Buffer::Bytes(Vec::new())) {
            Buffer::Text(text) => text.into_bytes(),
            Buffer::Bytes(bytes) => bytes,
        }
    }
}

impl<R: Read> LineReader<R> {
    /// A reader of lines of at most `max_line` bytes.
    pub fn new(inner: R, max_line: usize) -> Self {
        // The buffer holds a whole line at the limit, with its line end.
        let size = READ_SIZE.max(max_line.saturating_add(2));
        LineReader {
            inner,
            buf: Buffer::Bytes(Vec::with_capacity(size)),
            size,
            start: 0,
            end: 0,
            scanned: 0,
            eof: false,
            long: Vec::new(),
            number: 0,
            max_line,
        }
    }

    /// The next line, or `None` at the end of input. LF and CRLF line ends are both accepted.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        loop {
            let from = self.start + self.scanned;
            if let Some(offset) = find_line_end(&self.buf.bytes()[from..self.end]) {
                let (line_start, newline) = (self.start, from + offset);
                self.start = newline + 1;
                self.scanned = 0;
                return Ok(Some(self.line(line_start, newline)));
            }
            self.scanned = self.end - self.start;
            if self.eof {
                if self.start == self.end {
                    return Ok(None);
                }
                let line_start = self.start;
                self.start = self.end;
                self.scanned = 0;
                return Ok(Some(self.line(line_start, self.end)));
            }
            self.refill()?;
            if self.end == self.size
                && crate::wire::bytes::find(&self.buf.bytes()[self.scanned..self.end], b'\n').is_none()
            {
                // A full buffer without a line end: the line is over the limit.
                return self.read_long().map(Some);
            }
        }
    }

    fn line(&mut self, from: usize, to: usize) -> Line<'_> {
        self.number += 1;
        let buffer = match &self.buf {
            Buffer::Text(text) => Some(text.as_str()),
            Buffer::Bytes(_) => None,
        };
        let buf = self.buf.bytes();
        let to = if to > from && buf[to - 1] == b'\r' { to - 1 } else { to };
        let length = to - from;
        Line {
            number: self.number,
            bytes: &buf[from..from + length.min(self.max_line)],
            cut_from: (length > self.max_line).then_some(length),
            buffer,
            start: from,
            after: &buf[self.start..self.end],
            eof: self.eof,
        }
    }

    /// Moves the unread bytes to the front, reads more after them and checks the buffer for UTF-8.
    fn refill(&mut self) -> io::Result<()> {
        let mut buf = self.buf.take();
        buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        buf.resize(self.size, 0);
        let read = loop {
            match self.inner.read(&mut buf[self.end..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf = Buffer::Bytes(buf);
                    return Err(e);
                }
            }
        };
        self.end += read;
        self.eof = read == 0;
        buf.truncate(self.end);
        self.buf = match String::from_utf8(buf) {
            Ok(text) => Buffer::Text(text),
            Err(e) => Buffer::Bytes(e.into_bytes()),
        };
        Ok(())
    }

    /// Reads a line longer than the buffer: keeps its first `max_line` bytes, skips the rest.
    fn read_long(&mut self) -> io::Result<Line<'_>> {
        self.long.clear();
        self.long.extend_from_slice(&self.buf.bytes()[..self.max_line.min(self.end)]);
        let mut total = self.end;
        self.start = self.end;
        loop {
            self.scanned = 0;
            self.refill()?;
            if let Some(newline) = memchr::memchr(b'\n', &self.buf.bytes()[..self.end]) {
                total += newline;
                self.start = newline + 1;
                break;
            }
            total += self.end;
            self.start = self.end;
            if self.eof {
                break;
            }
        }
        if self.long.len() < total && total <= self.max_line {
            self.long.clear();
        }
        self.number += 1;
        Ok(Line {
            number: self.number,
            bytes: &self.long,
            cut_from: (total > self.max_line).then_some(total),
            buffer: None,
            start: 0,
            after: &[],
            eof: false,
        })
    }
}

/// The first line feed in `bytes`. Transcript lines are short, and for them a word-at-a-time scan of the
/// first few words is cheaper than setting up `memchr`, which takes over for longer lines.
#[inline]
fn find_line_end(bytes: &[u8]) -> Option<usize> {
    const SHORT: usize = 64;
    match bytes.get(..SHORT) {
        Some(head) => {
            crate::wire::bytes::find(head, b'\n').or_else(|| memchr::memchr(b'\n', &bytes[SHORT..]).map(|i| i + SHORT))
        }
        None => crate::wire::bytes::find(bytes, b'\n'),
    }
}

/// What a line is in the notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind<'a> {
    /// A command line: who sent it, the text after the prefix (without a literal `\r\n` some pages print at the
    /// end), and the prefix as written (`C: `, `Client: `, `>>> `, ...).
    Command(Dir, &'a [u8], &'static str),
    /// `.. ...`: the continuation of the previous command line; the text after the prefix.
    Continuation(&'a [u8]),
    /// A Markdown code fence.
    Fence,
    /// Anything else: a payload line or prose.
    Other,
}

/// The prefix of a continuation line.
pub const CONTINUATION: &str = ".. ";

/// What must follow a prefix other than the wiki's for the line to be a command.
#[derive(Clone, Copy)]
enum Needs {
    /// Three capitals or digits, alone or followed by a space.
    CommandShape,
    /// That, naming an error code or a command some version of the compiled-in spec has.
    KnownCommand,
}

/// Classifies a line. Who sent it is marked the wiki's way, `C: `/`S: `, the NINA wiki's, `Client: `/`Server: `, or
/// as logs and knowledge-base pages do, `>>> `/`<<< ` and `> `/`< `. After any but the wiki's, a line is a command
/// only when a command name (three capitals or an error code) follows; after `> `/`< `, which also start Markdown
/// quotes, only when it names a command the spec knows.
pub fn classify(bytes: &[u8]) -> Kind<'_> {
    // Each notation is told by its first bytes: most lines of a transcript are `C: `/`S: ` lines or payload, and
    // they take no more than this one match.
    let (prefix, dir, needs) = match bytes {
        [b'C', b':', b' ', rest @ ..] => return Kind::Command(Dir::Client, without_escaped_crlf(rest), "C: "),
        [b'S', b':', b' ', rest @ ..] => return Kind::Command(Dir::Server, without_escaped_crlf(rest), "S: "),
        [b'C', b':'] => return Kind::Command(Dir::Client, b"", "C:"),
        [b'S', b':'] => return Kind::Command(Dir::Server, b"", "S:"),
        [b'.', b'.', b' ', rest @ ..] => return Kind::Continuation(rest),
        [b'`', b'`', b'`', ..] | [b'~', b'~', b'~', ..] => return Kind::Fence,
        [b'C', b'l', b'i', b'e', b'n', b't', b':', b' ', ..] => ("Client: ", Dir::Client, Needs::CommandShape),
        [b'S', b'e', b'r', b'v', b'e', b'r', b':', b' ', ..] => ("Server: ", Dir::Server, Needs::CommandShape),
        [b'>', b'>', b'>', b' ', ..] => (">>> ", Dir::Client, Needs::CommandShape),
        [b'<', b'<', b'<', b' ', ..] => ("<<< ", Dir::Server, Needs::CommandShape),
        [b'>', b' ', ..] => ("> ", Dir::Client, Needs::KnownCommand),
        [b'<', b' ', ..] => ("< ", Dir::Server, Needs::KnownCommand),
        _ => return Kind::Other,
    };
    let rest = &bytes[prefix.len()..];
    let command = match needs {
        Needs::CommandShape => starts_with_command(rest),
        Needs::KnownCommand => starts_with_command(rest) && known_command(&rest[..3]),
    };
    if command { Kind::Command(dir, without_escaped_crlf(rest), prefix) } else { Kind::Other }
}

/// `rest` without the text `\r\n` some pages print as the line end.
fn without_escaped_crlf(rest: &[u8]) -> &[u8] {
    match rest {
        [head @ .., b'\\', b'r', b'\\', b'n'] => head,
        _ => rest,
    }
}

/// Whether `text` starts with a command name or an error code, alone or followed by a space.
fn starts_with_command(text: &[u8]) -> bool {
    let name = text.get(..3).unwrap_or_default();
    let named = name.iter().all(u8::is_ascii_uppercase) || name.iter().all(u8::is_ascii_digit);
    name.len() == 3 && named && matches!(text.get(3), None | Some(b' ') | Some(b'\\'))
}

/// Whether `name` is an error code or a command of some version of the compiled-in spec.
fn known_command(name: &[u8]) -> bool {
    let Ok(name) = std::str::from_utf8(name) else { return false };
    name.bytes().all(|b| b.is_ascii_digit()) || crate::SPEC.versions.iter().any(|v| v.command(name).is_some())
}

/// A connection boundary that prose marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    /// "Client disconnects from server.", "Server disconnects client.", "Server closes connection."
    Close,
    /// "Client opens a connection to 10.0.0.5:1863."
    Open,
    /// "Client sends an HTTP request to https://host/path.": an HTTP section starts (see [`http_request_url`]).
    HttpRequest,
    /// "Client resumes the connection to 10.0.0.5:1863.": an HTTP section ends, and the MSNP connection it
    /// interrupted goes on.
    Resume,
}

/// The boundary a prose line marks, if any: a sentence whose subject is the client or the server and whose
/// verb opens or closes the connection ("Client disconnects from server.", "Server closes connection.",
/// "--- Server closes connection", "Client opens a connection to ..."), possibly after Markdown marks; or a
/// sentence of the client's that starts an HTTP section ("Client sends an HTTP request to URL.") or ends one
/// ("Client resumes the connection to ...").
pub fn boundary(text: &[u8]) -> Option<Boundary> {
    let start = text.iter().position(|b| !matches!(b, b' ' | b'*' | b'_' | b'-' | b'>' | b'#'))?;
    let subject = text.get(start..start + 6)?;
    // Most prose is no boundary: its first letter already tells.
    if !matches!(subject[0] | 0x20, b'c' | b's') {
        return None;
    }
    if !subject.eq_ignore_ascii_case(b"client") && !subject.eq_ignore_ascii_case(b"server") {
        return None;
    }
    let rest = &text[start + 6..];
    let verb_start = rest.iter().position(|&b| b != b' ')?;
    let verb = &rest[verb_start..];
    let verb = &verb[..verb.iter().position(|b| !b.is_ascii_alphabetic()).unwrap_or(verb.len())];
    const CLOSE: [&[u8]; 4] = [b"disconnects", b"closes", b"drops", b"hangs"];
    const OPEN: [&[u8]; 3] = [b"opens", b"connects", b"reconnects"];
    let client = subject.eq_ignore_ascii_case(b"client");
    if client && verb.eq_ignore_ascii_case(b"sends") && http_request_url(text).is_some() {
        return Some(Boundary::HttpRequest);
    }
    if client && verb.eq_ignore_ascii_case(b"resumes") {
        return Some(Boundary::Resume);
    }
    if CLOSE.iter().any(|w| verb.eq_ignore_ascii_case(w)) {
        Some(Boundary::Close)
    } else if OPEN.iter().any(|w| verb.eq_ignore_ascii_case(w)) {
        Some(Boundary::Open)
    } else {
        None
    }
}

/// The URL of a prose line that starts an HTTP section, "Client sends an HTTP request to URL." (or "an HTTPS
/// request"; the URL may be in backticks, the period is not part of it).
pub fn http_request_url(text: &[u8]) -> Option<&str> {
    const SENDS: &[u8] = b"client sends an http";
    let text = std::str::from_utf8(text).ok()?;
    let start = text.find(|c: char| !matches!(c, ' ' | '*' | '_' | '-' | '>' | '#'))?;
    let rest = &text[start..];
    let head = rest.get(..SENDS.len())?;
    if !head.as_bytes().eq_ignore_ascii_case(SENDS) {
        return None;
    }
    let rest = &rest[SENDS.len()..];
    let rest = rest.strip_prefix(['s', 'S']).unwrap_or(rest);
    let rest = rest.strip_prefix(" request to ")?.trim();
    let url = rest.trim_end_matches(['.', '*', '_']).trim_matches('`');
    let scheme = url.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let absolute = scheme.starts_with("http://") || scheme == "https://";
    (absolute && !url.contains(char::is_whitespace)).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::{Boundary, Kind, LineReader, boundary, classify, http_request_url};
    use crate::spec::Dir;

    fn lines(input: &[u8], max: usize) -> Vec<(usize, Vec<u8>, Option<usize>)> {
        let mut reader = LineReader::new(input, max);
        let mut out = Vec::new();
        while let Some(line) = reader.next_line().unwrap() {
            out.push((line.number, line.bytes.to_vec(), line.cut_from));
        }
        out
    }

    #[test]
    fn reads_lines_with_a_limit() {
        assert_eq!(
            lines(b"a\r\nbb\n\nccc", 10),
            [(1, b"a".to_vec(), None), (2, b"bb".to_vec(), None), (3, vec![], None), (4, b"ccc".to_vec(), None)]
        );
        assert_eq!(lines(b"abcdefgh\nx\n", 4), [(1, b"abcd".to_vec(), Some(8)), (2, b"x".to_vec(), None)]);
        assert_eq!(lines(b"abcd\r\n", 4), [(1, b"abcd".to_vec(), None)]);
        assert!(lines(b"", 4).is_empty());
    }

    /// A reader that returns at most `step` bytes per read.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.data.len().min(self.step).min(buf.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn read_boundaries_do_not_change_the_lines() {
        let input: &[u8] = b"C: VER 1 MSNP8\r\n\nprose line\nS: VER 1 MSNP8\nabcdefghij\nlast";
        let whole = lines(input, 8);
        for step in 1..input.len() + 2 {
            let mut reader = LineReader::new(Trickle { data: input, step }, 8);
            let mut got = Vec::new();
            while let Some(line) = reader.next_line().unwrap() {
                got.push((line.number, line.bytes.to_vec(), line.cut_from));
            }
            assert_eq!(got, whole, "reads of {step} bytes");
        }
    }

    #[test]
    fn lines_carry_their_text_when_the_buffer_is_valid_utf8() {
        let mut reader = LineReader::new(&b"C: VER 1 MSNP8\r\nna\xc3\xafve\n"[..], 64);
        let first = reader.next_line().unwrap().unwrap();
        assert_eq!(first.text(), Some("C: VER 1 MSNP8"));
        assert_eq!(reader.next_line().unwrap().unwrap().text(), Some("na\u{ef}ve"));
        // One invalid byte: the lines come as bytes only, and the validator checks them itself.
        let mut reader = LineReader::new(&b"ok\nbad \xff\n"[..], 64);
        let first = reader.next_line().unwrap().unwrap();
        assert_eq!((first.bytes, first.text()), (&b"ok"[..], None));
        assert_eq!(reader.next_line().unwrap().unwrap().bytes, b"bad \xff");
        // A character split between two reads is whole again once the rest is read.
        let input = "\u{e9}t\u{e9}\n".as_bytes();
        let mut reader = LineReader::new(Trickle { data: input, step: 1 }, 64);
        let line = reader.next_line().unwrap().unwrap();
        assert_eq!((line.bytes, line.text()), (input.strip_suffix(b"\n").unwrap(), Some("\u{e9}t\u{e9}")));
    }

    #[test]
    fn classifies() {
        assert_eq!(classify(b"C: VER 1 MSNP8"), Kind::Command(Dir::Client, b"VER 1 MSNP8", "C: "));
        assert_eq!(classify(b"S: OUT"), Kind::Command(Dir::Server, b"OUT", "S: "));
        assert_eq!(
            classify(b"Client: USR 10 SSO I a@b.c\\r\\n"),
            Kind::Command(Dir::Client, b"USR 10 SSO I a@b.c", "Client: ")
        );
        assert_eq!(classify(b"<<< 911 7"), Kind::Command(Dir::Server, b"911 7", "<<< "));
        assert_eq!(classify(b"> VER 1 MSNP21"), Kind::Command(Dir::Client, b"VER 1 MSNP21", "> "));
        assert_eq!(classify(b"> Note: a quote"), Kind::Other);
        assert_eq!(classify(b"> FYI this is a quote"), Kind::Other);
        assert_eq!(classify(b"< VER 1 MSNP8"), Kind::Command(Dir::Server, b"VER 1 MSNP8", "< "));
        assert_eq!(classify(b"Server: FYI"), Kind::Command(Dir::Server, b"FYI", "Server: "));
        assert_eq!(classify(b"Server: the server answers"), Kind::Other);
        assert_eq!(classify(b".. http://x"), Kind::Continuation(b"http://x"));
        assert_eq!(classify(b"```msnp"), Kind::Fence);
        assert_eq!(classify(b"Client disconnects from server."), Kind::Other);
        assert_eq!(classify(b"C:VER"), Kind::Other);
    }

    #[test]
    fn boundaries() {
        assert_eq!(boundary(b"Client disconnects from server.  "), Some(Boundary::Close));
        assert_eq!(boundary(b"Server disconnects client"), Some(Boundary::Close));
        assert_eq!(boundary(b"Client opens a connection to `10.0.0.5:1863`."), Some(Boundary::Open));
        assert_eq!(boundary(b"*The HTTPS interlude is described in the Passport 1.4 article.*"), None);
        assert_eq!(boundary(b"--- Server closes connection"), Some(Boundary::Close));
        assert_eq!(
            boundary(b"Client opens a connection to `10.0.0.5:1863` (from stored server)."),
            Some(Boundary::Open)
        );
        assert_eq!(boundary(b"The client disconnects."), None);
        assert_eq!(
            boundary(b"Client sends an HTTP request to https://login.example.com/RST.srf."),
            Some(Boundary::HttpRequest)
        );
        assert_eq!(boundary(b"Client sends an HTTP request somewhere."), None);
        assert_eq!(boundary(b"Client resumes the connection to 10.0.0.5:1863."), Some(Boundary::Resume));
        assert_eq!(boundary(b"Server resumes."), None);
        assert_eq!(boundary(b"Server sends a challenge."), None);
    }

    #[test]
    fn http_sections_start_with_the_url_of_the_request() {
        fn url(text: &str) -> Option<&str> {
            http_request_url(text.as_bytes())
        }
        assert_eq!(
            url("Client sends an HTTP request to http://127.0.0.1:80/login2.srf."),
            Some("http://127.0.0.1:80/login2.srf")
        );
        assert_eq!(url("*Client sends an HTTPS request to `https://x/RST.srf`.*"), Some("https://x/RST.srf"));
        assert_eq!(url("Client sends an HTTP request to the nexus."), None);
        assert_eq!(url("Client sends a challenge."), None);
    }
}
