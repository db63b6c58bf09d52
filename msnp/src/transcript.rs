//! Reading transcripts in the wiki's notation, line by line and with bounded memory.
//!
//! The notation: `C: ` and `S: ` start a command line sent by the client or the server; `.. ` continues the
//! previous command line (the wiki breaks long lines for display); the lines after a payload command are its
//! payload, counted with CRLF line ends; anything else is prose (Markdown headings, code fences, sentences such
//! as "Client disconnects from server."), where some sentences mark connection boundaries.
//!
//! This module only splits and classifies lines; deciding where a payload ends needs the spec and is done by
//! the validator.

use std::io::{self, BufRead};

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
}

/// Reads lines with a length limit: a longer line is reported cut, and its rest is skipped without being
/// buffered, so memory stays bounded whatever the input.
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    number: usize,
    max_line: usize,
}

impl<R: BufRead> LineReader<R> {
    /// A reader of lines of at most `max_line` bytes.
    pub fn new(inner: R, max_line: usize) -> Self {
        LineReader { inner, buf: Vec::new(), number: 0, max_line }
    }

    /// The next line, or `None` at the end of input. LF and CRLF line ends are both accepted.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.buf.clear();
        let mut total = 0usize;
        let mut saw_any = false;
        loop {
            let available = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            saw_any = true;
            let (chunk, done) = match memchr::memchr(b'\n', available) {
                Some(i) => (&available[..i], Some(i + 1)),
                None => (available, None),
            };
            let room = (self.max_line + 1).saturating_sub(self.buf.len());
            self.buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
            total += chunk.len();
            let used = done.unwrap_or(available.len());
            self.inner.consume(used);
            if done.is_some() {
                break;
            }
        }
        if !saw_any {
            return Ok(None);
        }
        self.number += 1;
        // A CR before the LF belongs to the line end, unless the line was cut before it.
        if total <= self.max_line + 1 && self.buf.last() == Some(&b'\r') {
            self.buf.pop();
            total -= 1;
        }
        let cut_from = (total > self.max_line).then_some(total);
        self.buf.truncate(self.max_line);
        Ok(Some(Line { number: self.number, bytes: &self.buf, cut_from }))
    }
}

/// What a line is in the notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind<'a> {
    /// `C: ...` or `S: ...`: a command line; the text after the prefix.
    Command(Dir, &'a [u8]),
    /// `.. ...`: the continuation of the previous command line; the text after the prefix.
    Continuation(&'a [u8]),
    /// A Markdown code fence.
    Fence,
    /// Anything else: a payload line or prose.
    Other,
}

/// Bytes before the text of a command or continuation line.
pub const PREFIX_LEN: usize = 3;

/// Classifies a line.
pub fn classify(bytes: &[u8]) -> Kind<'_> {
    match bytes {
        [b'C', b':', b' ', rest @ ..] => Kind::Command(Dir::Client, rest),
        [b'S', b':', b' ', rest @ ..] => Kind::Command(Dir::Server, rest),
        [b'C', b':'] => Kind::Command(Dir::Client, b""),
        [b'S', b':'] => Kind::Command(Dir::Server, b""),
        [b'.', b'.', b' ', rest @ ..] => Kind::Continuation(rest),
        _ if bytes.starts_with(b"```") || bytes.starts_with(b"~~~") => Kind::Fence,
        _ => Kind::Other,
    }
}

/// A connection boundary that prose marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    /// "Client disconnects from server.", "Server disconnects client.", "Server closes connection."
    Close,
    /// "Client opens a connection to 10.0.0.5:1863."
    Open,
}

/// The boundary a prose line marks, if any.
pub fn boundary(text: &[u8]) -> Option<Boundary> {
    let text = String::from_utf8_lossy(text).to_ascii_lowercase();
    if text.contains("opens a connection") || text.contains("connects to") {
        Some(Boundary::Open)
    } else if text.contains("disconnects")
        || text.contains("closes the connection")
        || text.contains("closes connection")
    {
        Some(Boundary::Close)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{Boundary, Kind, LineReader, boundary, classify};
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

    #[test]
    fn classifies() {
        assert_eq!(classify(b"C: VER 1 MSNP8"), Kind::Command(Dir::Client, b"VER 1 MSNP8"));
        assert_eq!(classify(b"S: OUT"), Kind::Command(Dir::Server, b"OUT"));
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
    }
}
