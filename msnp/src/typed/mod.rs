//! The runtime the generated typed commands call: the [`Typed`] trait of the generated shape structs, reading
//! fields out of a [`Match`], writing lines with a [`LineWriter`], choosing a form for a version, error replies,
//! and the typed layer's error type.
//!
//! - [`matcher`]: matching a raw command to a form of the spec, with what differs when none fits;
//! - [`message`]: messages by form and argument name, for code that speaks many versions (the client, the
//!   server and the validator use this layer).

pub mod matcher;
pub mod message;

use crate::spec::value::{FromToken, ToToken, parse_uint};
use crate::spec::{ArgKind, Dir, FormDef, Services, Shape, ValueError, VersionDef};
use crate::typed::matcher::{Match, Mismatch, MismatchKind, match_shape, select};
use crate::wire::raw::RawCommand;

/// Why a line is not a typed command of a version.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The command does not exist in this version.
    #[error("`{command}` is not a command of {version}")]
    UnknownCommand {
        /// The command name as written.
        command: String,
        /// The version.
        version: &'static str,
    },
    /// The command exists, but `dir` never sends it.
    #[error("`{command}` is never sent by the {}", dir.word())]
    WrongDirection {
        /// The command.
        command: String,
        /// Who sent it.
        dir: Dir,
    },
    /// No form of the command matched.
    #[error("{command}: {detail} (expected `{expected}`)")]
    Mismatch {
        /// The command.
        command: String,
        /// The closest form's syntax.
        expected: String,
        /// What is wrong, measured against that form.
        detail: String,
        /// Index of the offending argument, `None` when the line ended early.
        position: Option<usize>,
    },
    /// A transcript placeholder stands where a typed value is needed.
    #[error("{command}: a placeholder stands for `{argument}`, which has no typed value")]
    Placeholder {
        /// The command.
        command: String,
        /// The argument (`TrID` for the transaction ID).
        argument: &'static str,
    },
    /// An argument the line must carry is absent (a trailing argument left out).
    #[error("{command}: argument `{argument}` is missing")]
    MissingArgument {
        /// The command.
        command: String,
        /// The argument.
        argument: &'static str,
    },
    /// An error reply is not `NNN TrID`.
    #[error("error reply: {detail}")]
    BadErrorReply {
        /// What is wrong.
        detail: String,
    },
}

/// A command line of one shape as a Rust value: what the generated struct of each shape
/// (`crate::generated::shapes`) implements. The struct has a field per argument that holds a value (a TrID, a
/// value, whether an optional word is present, the payload); the shape's fixed words and the payload length are
/// the shape's to know. [`crate::Message`] holds any of them, chosen by the version's tables.
pub trait Typed<'a>: Sized {
    /// The syntax the struct follows.
    const SHAPE: &'static Shape;

    /// Reads a line that matched [`Self::SHAPE`].
    fn from_match(m: &Match<'_, 'a>) -> Result<Self, ParseError>;

    /// Writes the command in wire form: the line, CRLF and the payload.
    fn write(&self, out: &mut Vec<u8>);

    /// Parses a raw command that should have this shape.
    fn parse(raw: &RawCommand<'a>) -> Result<Self, ParseError> {
        Self::from_match(&parse_shape(Self::SHAPE, raw)?)
    }
}

/// Describes what is wrong with `raw` against `shape`, as one sentence for diagnostics.
pub fn describe_mismatch(shape: &Shape, raw: &RawCommand<'_>, mismatch: &Mismatch) -> String {
    let token = mismatch.token.and_then(|i| raw.arg(i)).unwrap_or("");
    let arg = mismatch.arg.and_then(|i| shape.args.get(i));
    let arg_name = arg.map_or("", |a| a.name());
    match &mismatch.kind {
        MismatchKind::TridMissing => format!("`{}` needs a TrID after the command name", shape.command),
        MismatchKind::TridInvalid(why) => format!("the TrID `{token}` {why}"),
        MismatchKind::TridNotZero => format!("this form is a server push with TrID 0, not `{token}`"),
        MismatchKind::LiteralExpected(word) => format!("expected `{word}`, found `{token}`"),
        MismatchKind::ArgMissing => match arg.map(|a| &a.kind) {
            Some(ArgKind::Value { ty, .. }) => format!("argument `{arg_name}` ({}) is missing", ty.describe()),
            _ => format!("`{arg_name}` is missing"),
        },
        MismatchKind::BadValue(error) => {
            let ty = match arg.map(|a| &a.kind) {
                Some(ArgKind::Value { ty, .. }) => ty.describe(),
                _ => String::new(),
            };
            match error {
                ValueError::Invalid(why) => format!("`{token}` is not a valid `{arg_name}` ({ty}): it {why}"),
                ValueError::NotAValue => format!("`{token}` is not a valid `{arg_name}`: expected {ty}"),
                ValueError::TooLong(max) => format!("`{arg_name}` is longer than {max} bytes"),
            }
        }
        MismatchKind::PrefixMissing(prefix) => format!("`{token}` lacks the `{prefix}` prefix of `{arg_name}`"),
        MismatchKind::EmptyArg => "empty argument (a doubled or trailing space)".to_string(),
        MismatchKind::ExtraArg => format!("unexpected argument `{token}`: the form ends before it"),
    }
}

/// Finds the form of `raw` in `version` for messages sent by `dir`, for the typed layer (any service).
pub fn select_form<'r, 'a>(
    version: &'static VersionDef,
    dir: Dir,
    raw: &'r RawCommand<'a>,
) -> Result<(&'static FormDef, Match<'r, 'a>), ParseError> {
    select_form_on(version, dir, Services::ALL, raw)
}

/// Like [`select_form`], among the forms used on one of `services`.
pub fn select_form_on<'r, 'a>(
    version: &'static VersionDef,
    dir: Dir,
    services: Services,
    raw: &'r RawCommand<'a>,
) -> Result<(&'static FormDef, Match<'r, 'a>), ParseError> {
    let command = version
        .command(raw.name())
        .ok_or_else(|| ParseError::UnknownCommand { command: raw.name().to_string(), version: version.name })?;
    match select(command, dir, services, raw) {
        Ok(found) => Ok(found),
        Err(None) => Err(ParseError::WrongDirection { command: command.name.to_string(), dir }),
        Err(Some(closest)) => Err(ParseError::Mismatch {
            command: command.name.to_string(),
            expected: closest.form.shape.synopsis(),
            detail: describe_mismatch(closest.form.shape, raw, &closest.mismatch),
            position: closest.mismatch.token,
        }),
    }
}

/// Matches `raw` against one shape, for [`Typed::parse`].
pub fn parse_shape<'r, 'a>(shape: &Shape, raw: &'r RawCommand<'a>) -> Result<Match<'r, 'a>, ParseError> {
    match_shape(shape, raw).map_err(|mismatch| ParseError::Mismatch {
        command: shape.command.to_string(),
        expected: shape.synopsis(),
        detail: describe_mismatch(shape, raw, &mismatch),
        position: mismatch.token,
    })
}

/// Reads the TrID of a matched line.
pub fn trid(m: &Match<'_, '_>) -> Result<u32, ParseError> {
    m.trid().ok_or_else(|| ParseError::Placeholder { command: m.raw().name().to_string(), argument: "TrID" })
}

/// Reads the value of required argument `index`.
pub fn field<'a, T: FromToken<'a>>(
    m: &Match<'_, 'a>,
    index: usize,
    name: &'static str,
    prefix: Option<&str>,
) -> Result<T, ParseError> {
    optional_field(m, index, name, prefix)?.ok_or_else(|| placeholder(m, name))
}

/// Reads the value of optional argument `index`.
pub fn optional_field<'a, T: FromToken<'a>>(
    m: &Match<'_, 'a>,
    index: usize,
    name: &'static str,
    prefix: Option<&str>,
) -> Result<Option<T>, ParseError> {
    match m.token(index, None) {
        None => Ok(None),
        Some(token) => value(m, token, name, prefix).map(Some),
    }
}

/// Reads the values of repeated argument `index`.
pub fn repeated_field<'a, T: FromToken<'a>>(
    m: &Match<'_, 'a>,
    index: usize,
    name: &'static str,
    prefix: Option<&str>,
) -> Result<Vec<T>, ParseError> {
    m.tokens(index).map(|token| value(m, token, name, prefix)).collect()
}

/// The value `token` holds for argument `name`, after its prefix when it has one.
///
/// A transcript placeholder may stand for a whole prefixed token (`$handle` for `N=handle`): it then holds no
/// value of the argument, and reading it as one would write the prefix back in front of the placeholder
/// (`N=$handle`), which no longer parses.
fn value<'a, T: FromToken<'a>>(
    m: &Match<'_, 'a>,
    token: &'a str,
    name: &'static str,
    prefix: Option<&str>,
) -> Result<T, ParseError> {
    let value = match prefix {
        Some(prefix) => token.strip_prefix(prefix).ok_or_else(|| placeholder(m, name))?,
        None => token,
    };
    T::from_token(value).ok_or_else(|| placeholder(m, name))
}

fn placeholder(m: &Match<'_, '_>, argument: &'static str) -> ParseError {
    ParseError::Placeholder { command: m.raw().name().to_string(), argument }
}

/// Writes a command line token by token, then its line end and payload.
pub struct LineWriter<'o> {
    out: &'o mut Vec<u8>,
}

impl<'o> LineWriter<'o> {
    /// Starts a line with the command name.
    pub fn new(out: &'o mut Vec<u8>, command: &str) -> Self {
        out.extend_from_slice(command.as_bytes());
        LineWriter { out }
    }

    fn space(&mut self) {
        self.out.push(b' ');
    }

    /// Writes a TrID.
    pub fn trid(&mut self, trid: u32) {
        self.space();
        trid.write_token(self.out);
    }

    /// Writes a fixed word.
    pub fn literal(&mut self, word: &str) {
        self.space();
        self.out.extend_from_slice(word.as_bytes());
    }

    /// Writes a value, after `prefix` when the argument has one.
    pub fn value<T: ToToken>(&mut self, prefix: Option<&str>, value: &T) {
        self.space();
        if let Some(prefix) = prefix {
            self.out.extend_from_slice(prefix.as_bytes());
        }
        value.write_token(self.out);
    }

    /// Writes a payload length.
    pub fn length(&mut self, length: usize) {
        self.space();
        self.out.extend_from_slice(length.to_string().as_bytes());
    }

    /// Ends the line and appends the payload.
    pub fn end(self, payload: &[u8]) {
        self.out.extend_from_slice(b"\r\n");
        self.out.extend_from_slice(payload);
    }
}

/// An error reply: `NNN TrID`, the code in place of a command name; in versions whose spec allows it,
/// `NNN TrID length` followed by a payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorReply<'a> {
    /// The three-digit code.
    pub code: u16,
    /// The TrID of the request it refuses (0 when unsolicited).
    pub tr_id: u32,
    /// The payload, when the reply announces one.
    pub payload: Option<&'a [u8]>,
}

impl<'a> ErrorReply<'a> {
    /// Parses an error reply. Whether the version allows a payload is the caller's to check
    /// ([`crate::spec::VersionDef::error_payload`]).
    pub fn parse(raw: &RawCommand<'a>) -> Result<Self, ParseError> {
        let (code, tr_id, length) = Self::parse_line(raw)?;
        let payload = match length {
            Some(length) if length as usize != raw.payload().len() => {
                return Err(ParseError::BadErrorReply {
                    detail: format!("error {code} announces {length} bytes of payload, not {}", raw.payload().len()),
                });
            }
            Some(_) => Some(raw.payload()),
            None => None,
        };
        Ok(ErrorReply { code, tr_id, payload })
    }

    /// Reads the line of an error reply: the code, the TrID, and the payload length when one is announced.
    pub fn parse_line(raw: &RawCommand<'_>) -> Result<(u16, u32, Option<u32>), ParseError> {
        let bad = |detail: String| ParseError::BadErrorReply { detail };
        if !raw.is_error_code() {
            return Err(bad(format!("`{}` is not a three-digit code", raw.name())));
        }
        let code = raw.name().parse().map_err(|_| bad("bad code".into()))?;
        let number = |token: &str, what: &str| {
            parse_uint(token, u32::MAX as u64)
                .map(|n| n as u32)
                .map_err(|why| bad(format!("the {what} `{token}` {why}")))
        };
        match raw.arg_slice() {
            [] => Err(bad(format!("error {code} needs the TrID of the request it refuses"))),
            [trid] => Ok((code, number(trid, "TrID")?, None)),
            [trid, length] => Ok((code, number(trid, "TrID")?, Some(number(length, "payload length")?))),
            [_, _, extra, ..] => Err(bad(format!("unexpected argument `{extra}` after the payload length"))),
        }
    }

    /// Writes the reply in wire form.
    pub fn write(&self, out: &mut Vec<u8>) {
        let mut w = LineWriter::new(out, &format!("{:03}", self.code));
        w.trid(self.tr_id);
        match self.payload {
            Some(payload) => {
                w.length(payload.len());
                w.end(payload);
            }
            None => w.end(b""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorReply;
    use crate::wire::raw::{RawCommand, Tokens};

    #[test]
    fn error_replies_round_trip_with_and_without_payload() {
        for (line, payload) in [("911 7", &b""[..]), ("801 45 5", &b"hello"[..])] {
            let raw = RawCommand::parse(line, payload, Tokens::Wire);
            let reply = ErrorReply::parse(&raw).unwrap();
            let mut out = Vec::new();
            reply.write(&mut out);
            assert_eq!(out, [line.as_bytes(), b"\r\n", payload].concat());
        }
        assert!(ErrorReply::parse(&RawCommand::parse("801 45 5", b"hi", Tokens::Wire)).is_err());
        assert!(ErrorReply::parse(&RawCommand::parse("911", b"", Tokens::Wire)).is_err());
        assert!(ErrorReply::parse(&RawCommand::parse("911 x", b"", Tokens::Wire)).is_err());
        assert!(ErrorReply::parse(&RawCommand::parse("801 45 5 9", b"", Tokens::Wire)).is_err());
    }
}
