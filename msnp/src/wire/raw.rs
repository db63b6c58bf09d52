//! Raw commands: a command line split into its name and arguments, borrowed from the line, with the payload
//! that followed it. Nothing here knows the spec, so unknown commands stay raw and round-trip byte for byte.

use std::fmt;
use std::ops::Range;

use smallvec::SmallVec;

/// Where a token sits in its line (byte offsets).
pub type Span = Range<usize>;

/// The arguments, as slices of the line: most lines have at most 10 and need no allocation.
type Args<'a> = SmallVec<[&'a str; 10]>;

/// A command line and its payload, split but not interpreted.
#[derive(Clone, PartialEq, Eq)]
pub struct RawCommand<'a> {
    line: &'a str,
    name: &'a str,
    args: Args<'a>,
    payload: &'a [u8],
    placeholders: bool,
}

/// How to split a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tokens {
    /// Wire form: single spaces separate arguments, and every byte counts.
    Wire,
    /// Transcript form: as on the wire, but a placeholder is one argument even when it holds spaces, and it
    /// matches any argument: `$...` with spaces inside parentheses (`$md5(prefix + password)`), or `<...>` with
    /// spaces inside the angle brackets (`<base64 encoded nonce>`).
    Transcript,
}

impl<'a> RawCommand<'a> {
    /// Splits `line` (without its line ending). Empty arguments (from a doubled or trailing space) are kept, so
    /// that writing the command back gives the same bytes and a validator can point at them.
    pub fn parse(line: &'a str, payload: &'a [u8], tokens: Tokens) -> Self {
        let mut raw = RawCommand::unsplit(line, payload, tokens);
        raw.split(tokens);
        raw
    }

    /// Like [`RawCommand::parse`], building the command in `slot` rather than returning it: a hot loop keeps the
    /// command where it is built instead of copying it out (it is a few hundred bytes with its arguments).
    #[inline]
    pub fn parse_into<'s>(
        slot: &'s mut Option<RawCommand<'a>>,
        line: &'a str,
        payload: &'a [u8],
        tokens: Tokens,
    ) -> &'s mut RawCommand<'a> {
        let raw = slot.insert(RawCommand::unsplit(line, payload, tokens));
        raw.split(tokens);
        raw
    }

    #[inline(always)]
    fn unsplit(line: &'a str, payload: &'a [u8], tokens: Tokens) -> Self {
        RawCommand { line, name: "", args: Args::new(), payload, placeholders: tokens == Tokens::Transcript }
    }

    #[inline(always)]
    fn split(&mut self, tokens: Tokens) {
        let line = self.line;
        let mut named = false;
        if !split_fast(line, tokens, |start, end| self.push(&mut named, start, end)) {
            self.args.clear();
            named = false;
            split_placeholders(line, |start, end| self.push(&mut named, start, end));
        }
    }

    /// Records the token at `start..end`: the name first, then the arguments.
    #[inline(always)]
    fn push(&mut self, named: &mut bool, start: usize, end: usize) {
        let token = self.line.get(start..end).unwrap_or_default();
        if std::mem::replace(named, true) {
            self.args.push(token);
        } else {
            self.name = token;
        }
    }

    /// The whole command line, without its line ending.
    pub fn line(&self) -> &'a str {
        self.line
    }

    /// The command name (the first word), such as `USR` or `911`.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The arguments after the name, TrID included.
    pub fn args(&self) -> impl ExactSizeIterator<Item = &'a str> + '_ {
        self.args.iter().copied()
    }

    /// How many arguments follow the name.
    pub fn arg_count(&self) -> usize {
        self.args.len()
    }

    /// The arguments after the name, as a slice.
    #[inline]
    pub fn arg_slice(&self) -> &[&'a str] {
        &self.args
    }

    /// The command with its empty arguments (from doubled or trailing spaces) left out, for a tolerant reader;
    /// `None` when it has none. The line stays as it was, so spans still point into it.
    pub fn without_empty_args(&self) -> Option<RawCommand<'a>> {
        if !self.args.iter().any(|a| a.is_empty()) {
            return None;
        }
        let mut cleaned = self.clone();
        cleaned.args.retain(|a| !a.is_empty());
        Some(cleaned)
    }

    /// Whether placeholder tokens (`$...`, `<...>`) match anything (transcript form).
    #[inline]
    pub fn has_placeholders(&self) -> bool {
        self.placeholders
    }

    /// Argument `index` (0 is the first after the name).
    #[inline]
    pub fn arg(&self, index: usize) -> Option<&'a str> {
        self.args.get(index).copied()
    }

    /// Where argument `index` sits in the line.
    pub fn arg_span(&self, index: usize) -> Option<Span> {
        self.args.get(index).map(|token| self.span_of(token))
    }

    /// Where the name sits in the line.
    pub fn name_span(&self) -> Span {
        self.span_of(self.name)
    }

    /// The byte range of `token`, a slice of the line.
    fn span_of(&self, token: &str) -> Span {
        let start = (token.as_ptr() as usize).saturating_sub(self.line.as_ptr() as usize).min(self.line.len());
        start..start + token.len()
    }

    /// The payload bytes that followed the line (empty when none).
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// Whether `token` is a transcript placeholder that matches any argument.
    pub fn is_placeholder(&self, token: &str) -> bool {
        self.placeholders && is_placeholder(token)
    }

    /// Whether the name is an error code (three digits).
    pub fn is_error_code(&self) -> bool {
        let name = self.name().as_bytes();
        name.len() == 3 && name.iter().all(u8::is_ascii_digit)
    }

    /// Writes the command back in wire form: the line, CRLF, the payload.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.line.as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(self.payload);
    }
}

impl fmt::Debug for RawCommand<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawCommand").field("line", &self.line).field("payload_len", &self.payload.len()).finish()
    }
}

/// Splits `line` at single spaces, calling `token` with each token's byte range; returns `false`, having stopped
/// early, when the line holds a transcript placeholder and needs [`split_placeholders`] instead.
fn split_fast(line: &str, tokens: Tokens, mut token: impl FnMut(usize, usize)) -> bool {
    let bytes = line.as_bytes();
    if bytes.is_empty() {
        return true;
    }
    let mut start = 0;
    let whole = if tokens == Tokens::Wire {
        crate::wire::bytes::for_each(bytes, b' ', |space| {
            token(start, space);
            start = space + 1;
        });
        true
    } else {
        crate::wire::bytes::spaces_unless_placeholder(bytes, |space| {
            token(start, space);
            start = space + 1;
        })
    };
    if whole {
        token(start, bytes.len());
    }
    whole
}

/// Whether `token` has the form of a transcript placeholder: `$...` (the wiki's `$md5(prefix + password)`) or
/// `<...>` (the angle-bracket templates of other pages, such as `<TrId>`).
#[inline]
pub fn is_placeholder(token: &str) -> bool {
    matches!(token.as_bytes().first(), Some(b'$' | b'<'))
}

/// Splits a transcript line where a placeholder runs to the first space outside its parentheses (`$...`) or
/// angle brackets (`<...>`).
fn split_placeholders(line: &str, mut token: impl FnMut(usize, usize)) {
    let bytes = line.as_bytes();
    let mut start = 0;
    let mut depth = 0usize;
    // The brackets a placeholder starting here nests: `$(...)` parentheses, `<...>` angle brackets.
    let brackets = |at: usize| match bytes.get(at) {
        Some(b'$') => Some((b'(', b')')),
        Some(b'<') => Some((b'<', b'>')),
        _ => None,
    };
    let mut nesting = brackets(0);
    for (i, &b) in bytes.iter().enumerate() {
        match (b, nesting) {
            (b' ', _) if depth == 0 => {
                token(start, i);
                start = i + 1;
                nesting = brackets(start);
            }
            (_, Some((open, _))) if b == open => depth += 1,
            (_, Some((_, close))) if b == close => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    token(start, bytes.len());
}

#[cfg(test)]
mod tests {
    use super::{RawCommand, Tokens};

    fn args(line: &str, tokens: Tokens) -> Vec<String> {
        let raw = RawCommand::parse(line, b"", tokens);
        std::iter::once(raw.name()).chain(raw.args()).map(str::to_string).collect()
    }

    #[test]
    fn splits() {
        let table: &[(&str, Tokens, &[&str])] = &[
            ("VER 1 MSNP8 CVR0", Tokens::Wire, &["VER", "1", "MSNP8", "CVR0"]),
            ("OUT", Tokens::Wire, &["OUT"]),
            ("CHG  1", Tokens::Wire, &["CHG", "", "1"]),
            ("CHG 1 ", Tokens::Wire, &["CHG", "1", ""]),
            (
                "USR 7 MD5 S $md5(prefix + password)",
                Tokens::Transcript,
                &["USR", "7", "MD5", "S", "$md5(prefix + password)"],
            ),
            (
                "USR 7 MD5 S $md5(prefix + password)",
                Tokens::Wire,
                &["USR", "7", "MD5", "S", "$md5(prefix", "+", "password)"],
            ),
            ("USR 7 TWN S $(a(b c)) x", Tokens::Transcript, &["USR", "7", "TWN", "S", "$(a(b c))", "x"]),
            ("USR 7 $(unclosed x y", Tokens::Transcript, &["USR", "7", "$(unclosed x y"]),
            (
                "USR <TrId> SSO S <policy> <base64 encoded nonce>",
                Tokens::Transcript,
                &["USR", "<TrId>", "SSO", "S", "<policy>", "<base64 encoded nonce>"],
            ),
            ("VER 1 a<b c", Tokens::Transcript, &["VER", "1", "a<b", "c"]),
        ];
        for (line, tokens, expected) in table {
            assert_eq!(args(line, *tokens), *expected, "{line}");
            let mut slot = None;
            assert_eq!(*RawCommand::parse_into(&mut slot, line, b"", *tokens), RawCommand::parse(line, b"", *tokens));
        }
    }

    #[test]
    fn writes_back_the_same_bytes() {
        let raw = RawCommand::parse("MSG Hotmail Hotmail 3", b"abc", Tokens::Wire);
        let mut out = Vec::new();
        raw.write(&mut out);
        assert_eq!(out, b"MSG Hotmail Hotmail 3\r\nabc");
    }
}
