//! Messages by form and argument name, for code that speaks many versions at once (the client and the server).
//!
//! The generated structs are per shape: `UsrOkV8` is the USR OK of the versions whose form has that syntax. Code
//! that logs in with any version from MSNP2 to MSNP18 instead names the form and the arguments, and the spec of
//! the connection's version decides where each argument goes:
//!
//! ```text
//! received line --select the version's form--> Incoming --get(args::HANDLE)--> typed value
//! Outgoing::new(version, forms::usr::MD5_I) --arg(args::HANDLE, ..)--> line, checked against the form
//! ```
//!
//! The names are constants generated from the spec ([`crate::generated::forms`]), so a misspelt form or argument
//! does not compile; an argument the version's form does not have reads as absent. Every line written is matched
//! against its form before it leaves, so what is sent is what the spec says.
//!
//! Reading is [`Incoming`] (a line that matches a form exactly) and [`Received`] (the tolerant path, which repairs
//! what real peers send); writing is [`Outgoing`].

mod outgoing;
mod received;
mod repair;

use std::fmt;

use crate::spec::value::FromToken;
use crate::spec::{ArgKind, Dir, FormDef, VersionDef};
use crate::typed::matcher::Match;
use crate::typed::{ParseError, select_form};
use crate::wire::raw::RawCommand;

pub use outgoing::{ComposeError, Outgoing};
pub use received::Received;
pub use repair::{Repair, RepairKind};

/// A form of a command, by name: the same name across the versions that have it (`USR` `ok`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FormRef {
    /// The command, such as `USR`.
    pub command: &'static str,
    /// The form's spec name, such as `ok`.
    pub form: &'static str,
}

impl fmt::Display for FormRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.command, self.form)
    }
}

/// The spec name of an argument, such as `handle`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArgName(pub &'static str);

/// A line matched to the form of its version it follows.
#[derive(Debug)]
pub struct Incoming<'r, 'a> {
    form: &'static FormDef,
    m: Match<'r, 'a>,
}

impl<'r, 'a> Incoming<'r, 'a> {
    /// Matches `raw`, sent by `dir`, to a form of `version`.
    pub fn parse(version: &'static VersionDef, dir: Dir, raw: &'r RawCommand<'a>) -> Result<Self, ParseError> {
        select_form(version, dir, raw).map(|(form, m)| Incoming { form, m })
    }

    /// The form the line follows.
    pub fn form(&self) -> &'static FormDef {
        self.form
    }

    /// Whether the line follows `form`.
    pub fn is(&self, form: FormRef) -> bool {
        self.form.command == form.command && self.form.name == form.form
    }

    /// The raw command.
    pub fn raw(&self) -> &'r RawCommand<'a> {
        self.m.raw()
    }

    /// The TrID, when the form has one.
    pub fn trid(&self) -> Option<u32> {
        self.m.trid()
    }

    /// The payload that followed the line.
    pub fn payload(&self) -> &'a [u8] {
        self.m.raw().payload()
    }

    /// Where argument `name` sits in the form, when the form has it.
    fn position(&self, name: ArgName) -> Option<(usize, Option<&'static str>)> {
        self.form.shape.args.iter().enumerate().find_map(|(i, arg)| match arg.kind {
            ArgKind::Value { name: n, .. } if n == name.0 => Some((i, arg.prefix)),
            _ => None,
        })
    }

    /// The spec's documentation of the word the line carries as argument `name`, when the argument's type
    /// enumerates it (OUT's reasons, for example).
    pub fn value_doc(&self, name: ArgName) -> Option<&'static str> {
        let word: &str = self.get(name).ok().flatten()?;
        self.form().shape.args.iter().find_map(|a| match a.kind {
            ArgKind::Value { name: n, ty } if n == name.0 => ty.value_doc(word),
            _ => None,
        })
    }

    /// The value of argument `name`: `None` when the form has no such argument or the line leaves it out; an
    /// error when the token is a transcript placeholder or is not a value of `T`.
    pub fn get<T: FromToken<'a>>(&self, name: ArgName) -> Result<Option<T>, ParseError> {
        let Some((index, prefix)) = self.position(name) else { return Ok(None) };
        match self.m.token(index, prefix) {
            None => Ok(None),
            Some(token) => T::from_token(token).map(Some).ok_or_else(|| self.not_a_value(name)),
        }
    }

    /// The value of argument `name`, which must be there: [`ParseError::MissingArgument`] when the line leaves it
    /// out (or the form has no such argument).
    pub fn require<T: FromToken<'a>>(&self, name: ArgName) -> Result<T, ParseError> {
        self.get(name)?
            .ok_or_else(|| ParseError::MissingArgument { command: self.form.command.to_string(), argument: name.0 })
    }

    /// Every value of a repeated argument `name` (none when the form has no such argument).
    pub fn get_all<T: FromToken<'a>>(&self, name: ArgName) -> Result<Vec<T>, ParseError> {
        let Some((index, prefix)) = self.position(name) else { return Ok(Vec::new()) };
        self.m
            .tokens(index)
            .map(|token| {
                let value = prefix.and_then(|p| token.strip_prefix(p)).unwrap_or(token);
                T::from_token(value).ok_or_else(|| self.not_a_value(name))
            })
            .collect()
    }

    fn not_a_value(&self, name: ArgName) -> ParseError {
        ParseError::Placeholder { command: self.form.command.to_string(), argument: name.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::{ArgName, Incoming};
    use crate::generated::forms::usr;
    use crate::spec::Dir;
    use crate::wire::raw::{RawCommand, Tokens};

    fn version(name: &str) -> &'static crate::spec::VersionDef {
        crate::SPEC.version(name).expect("a version of the spec")
    }

    #[test]
    fn reads_arguments_by_name() {
        let raw = RawCommand::parse("USR 7 OK a@b.c A%20B 1 0", b"", Tokens::Wire);
        let incoming = Incoming::parse(version("MSNP8"), Dir::Server, &raw).unwrap();
        assert!(incoming.is(usr::OK));
        assert_eq!(incoming.trid(), Some(7));
        assert_eq!(incoming.require::<&str>(usr::args::HANDLE).unwrap(), "a@b.c");
        assert_eq!(incoming.get::<bool>(usr::args::RESTRICTED).unwrap(), Some(false));
        assert_eq!(incoming.get::<&str>(ArgName("nonsense")).unwrap(), None);
    }
}
