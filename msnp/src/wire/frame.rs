//! Framing, without I/O: a byte stream becomes frames, each a command line ending in CRLF and, for a payload
//! command, exactly the number of bytes its last argument announces.
//!
//! The decoder is the `Head`/`Data(n)` machine of a length-delimited codec. Incomplete input is not an error:
//! [`Framer::decode`] answers `Ok(None)` until a whole frame is buffered. Both limits are enforced before the
//! caller has to buffer anything more: a line longer than `max_line` fails as soon as that many bytes arrive
//! without a line end, and a payload larger than `max_payload` fails as soon as its length is read.
//!
//! Which commands carry a payload depends on the version and direction, so the decoder asks a
//! [`PayloadRule`]; [`VersionRule`] answers from the spec.

use std::ops::Range;

use crate::spec::value::parse_uint;
use crate::spec::{Dir, VersionDef};
use crate::wire::raw::{RawCommand, Tokens};

/// Size limits, checked before anything is allocated for the data they limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest command line in bytes, without its line end.
    pub max_line: usize,
    /// The largest payload in bytes.
    pub max_payload: usize,
}

impl Default for Limits {
    /// 64 KiB lines and 1 MiB payloads: far above what any documented MSNP command needs.
    fn default() -> Self {
        Limits { max_line: 64 * 1024, max_payload: 1024 * 1024 }
    }
}

/// A framing failure. After one, the stream cannot be framed any further.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// No line end within the line limit.
    #[error("a command line is longer than {limit} bytes")]
    LineTooLong {
        /// The limit.
        limit: usize,
    },
    /// A command announces a payload larger than the payload limit.
    #[error("a payload of {announced} bytes is announced; the limit is {limit} bytes")]
    PayloadTooLarge {
        /// The announced length.
        announced: u64,
        /// The limit.
        limit: usize,
    },
}

/// Says whether a command line is followed by a payload, and how long it is.
pub trait PayloadRule {
    /// The announced payload length of `line` (without its line end), or `None` when no payload follows.
    fn payload_len(&self, line: &[u8]) -> Option<u64>;
}

/// No command carries a payload: the rule before a version is negotiated (VER has none).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoPayloads;

impl PayloadRule for NoPayloads {
    fn payload_len(&self, _line: &[u8]) -> Option<u64> {
        None
    }
}

/// The spec's rule for one version and direction: a payload follows when the command has a form with a payload
/// in that direction and the line's last argument is a length.
#[derive(Clone, Copy, Debug)]
pub struct VersionRule {
    /// The negotiated version.
    pub version: &'static VersionDef,
    /// Who sends the frames being decoded.
    pub dir: Dir,
}

impl PayloadRule for VersionRule {
    fn payload_len(&self, line: &[u8]) -> Option<u64> {
        let line = std::str::from_utf8(line).ok()?;
        payload_length(self.version, self.dir, &RawCommand::parse(line, b"", Tokens::Wire))
    }
}

/// The payload length `raw` announces in `version` when sent by `dir`, or `None` when no payload follows.
///
/// The length is always the last argument (the generator enforces it), so this needs only the command's
/// name and last token, not a full match: framing comes before parsing.
pub fn payload_length(version: &VersionDef, dir: Dir, raw: &RawCommand<'_>) -> Option<u64> {
    if raw.is_error_code() {
        // `NNN TrID length`, where the version allows error replies to carry a payload.
        return match raw.arg_slice() {
            [_, length] if version.error_payload && dir == Dir::Server => parse_uint(length, u64::MAX).ok(),
            _ => None,
        };
    }
    let command = version.command(raw.name())?;
    if !command.has_payload(dir) {
        return None;
    }
    let last = raw.arg(raw.arg_count().checked_sub(1)?)?;
    parse_uint(last, u64::MAX).ok()
}

/// A decoded frame: where its parts sit in the buffer given to [`Framer::decode`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The command line, without its line end.
    pub line: Range<usize>,
    /// The payload (empty when none).
    pub payload: Range<usize>,
    /// How many bytes the frame took; the caller drops them before the next call.
    pub consumed: usize,
}

#[derive(Clone, Copy, Debug)]
enum State {
    /// Looking for the end of the command line; bytes before `scanned` hold no line feed.
    Head { scanned: usize },
    /// The line is `line`, and `len` payload bytes follow `header` bytes of line and line end.
    Data { line: usize, header: usize, len: usize },
}

/// The frame decoder.
#[derive(Clone, Debug)]
pub struct Framer<R> {
    limits: Limits,
    rule: R,
    state: State,
}

impl<R: PayloadRule> Framer<R> {
    /// A decoder with `limits`, asking `rule` which commands carry payloads.
    pub fn new(limits: Limits, rule: R) -> Self {
        Framer { limits, rule, state: State::Head { scanned: 0 } }
    }

    /// Changes the payload rule (after VER, when the version is known). Takes effect from the next frame.
    pub fn set_rule(&mut self, rule: R) {
        self.rule = rule;
    }

    /// The payload rule.
    pub fn rule(&self) -> &R {
        &self.rule
    }

    /// Decodes one frame from the start of `buf`. `Ok(None)` means more bytes are needed; call again with the
    /// same bytes plus more. After `Ok(Some(frame))`, drop `frame.consumed` bytes from the front of `buf`.
    pub fn decode(&mut self, buf: &[u8]) -> Result<Option<Frame>, FrameError> {
        if let State::Head { scanned } = self.state {
            let Some(offset) = memchr::memchr(b'\n', &buf[scanned.min(buf.len())..]) else {
                // A CR may still end the line, so the limit counts the line and its line end.
                if buf.len() > self.limits.max_line + 1 {
                    return Err(FrameError::LineTooLong { limit: self.limits.max_line });
                }
                self.state = State::Head { scanned: buf.len() };
                return Ok(None);
            };
            let newline = scanned.min(buf.len()) + offset;
            let line = if newline > 0 && buf[newline - 1] == b'\r' { newline - 1 } else { newline };
            if line > self.limits.max_line {
                return Err(FrameError::LineTooLong { limit: self.limits.max_line });
            }
            let len = match self.rule.payload_len(&buf[..line]) {
                Some(n) if n > self.limits.max_payload as u64 => {
                    return Err(FrameError::PayloadTooLarge { announced: n, limit: self.limits.max_payload });
                }
                Some(n) => n as usize,
                None => 0,
            };
            self.state = State::Data { line, header: newline + 1, len };
        }
        let State::Data { line, header, len } = self.state else {
            return Ok(None);
        };
        if buf.len() < header + len {
            return Ok(None);
        }
        self.state = State::Head { scanned: 0 };
        Ok(Some(Frame { line: 0..line, payload: header..header + len, consumed: header + len }))
    }

    /// How many more bytes the current frame needs at least, when known (to size reads).
    pub fn needed(&self, buffered: usize) -> Option<usize> {
        match self.state {
            State::Data { header, len, .. } => Some((header + len).saturating_sub(buffered)),
            State::Head { .. } => None,
        }
    }
}

/// A frame copied out of the buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedFrame {
    /// The command line, without its line end.
    pub line: Vec<u8>,
    /// The payload.
    pub payload: Vec<u8>,
}

/// Decodes every complete frame of `input`, returning them and how many bytes they took.
pub fn decode_all<R: PayloadRule>(
    framer: &mut Framer<R>,
    input: &[u8],
) -> Result<(Vec<OwnedFrame>, usize), FrameError> {
    let mut frames = Vec::new();
    let mut start = 0;
    while let Some(frame) = framer.decode(&input[start..])? {
        let base = &input[start..];
        frames.push(OwnedFrame {
            line: base[frame.line.clone()].to_vec(),
            payload: base[frame.payload.clone()].to_vec(),
        });
        start += frame.consumed;
    }
    Ok((frames, start))
}

#[cfg(test)]
mod tests {
    use super::{FrameError, Framer, Limits, PayloadRule, decode_all};

    /// A rule for tests: `MSG ... n` carries n bytes.
    struct MsgRule;

    impl PayloadRule for MsgRule {
        fn payload_len(&self, line: &[u8]) -> Option<u64> {
            let line = std::str::from_utf8(line).ok()?;
            if !line.starts_with("MSG ") {
                return None;
            }
            line.rsplit(' ').next()?.parse().ok()
        }
    }

    fn framer() -> Framer<MsgRule> {
        Framer::new(Limits { max_line: 32, max_payload: 16 }, MsgRule)
    }

    #[test]
    fn frames_lines_and_payloads() {
        let input = b"VER 1 MSNP8\r\nMSG a b 5\r\nhelloCHG 2 NLN\nOUT";
        let (frames, used) = decode_all(&mut framer(), input).unwrap();
        let frames: Vec<(&[u8], &[u8])> = frames.iter().map(|f| (f.line.as_slice(), f.payload.as_slice())).collect();
        assert_eq!(frames, [(&b"VER 1 MSNP8"[..], &b""[..]), (b"MSG a b 5", b"hello"), (b"CHG 2 NLN", b"")]);
        assert_eq!(&input[used..], b"OUT");
    }

    #[test]
    fn incomplete_input_needs_more() {
        let mut f = framer();
        assert_eq!(f.decode(b"MSG a b 5\r\nhel"), Ok(None));
        assert_eq!(f.needed(14), Some(2));
        assert!(f.decode(b"MSG a b 5\r\nhello").unwrap().is_some());
    }

    #[test]
    fn error_replies_carry_a_payload_only_where_the_version_says() {
        use super::payload_length;
        use crate::spec::{Dir, VersionDef};
        use crate::wire::raw::{RawCommand, Tokens};
        let version = |error_payload| VersionDef { error_payload, ..VersionDef::new("TEST", "", 0, &[]) };
        let raw = RawCommand::parse("801 45 5", b"", Tokens::Wire);
        assert_eq!(payload_length(&version(true), Dir::Server, &raw), Some(5));
        assert_eq!(payload_length(&version(false), Dir::Server, &raw), None);
        assert_eq!(payload_length(&version(true), Dir::Client, &raw), None);
        assert_eq!(payload_length(&version(true), Dir::Server, &RawCommand::parse("911 7", b"", Tokens::Wire)), None);
    }

    #[test]
    fn limits_apply_before_buffering() {
        let long = vec![b'A'; 40];
        assert_eq!(framer().decode(&long), Err(FrameError::LineTooLong { limit: 32 }));
        assert_eq!(
            framer().decode(b"MSG a b 4294967295\r\n"),
            Err(FrameError::PayloadTooLarge { announced: 4294967295, limit: 16 })
        );
        let mut exact = vec![b'A'; 32];
        exact.extend_from_slice(b"\r\n");
        assert!(framer().decode(&exact).unwrap().is_some());
    }
}
