//! Messages by form and argument name, for code that speaks many versions at once (the client and the server).
//!
//! The generated structs are per shape: `UsrOkV8` is the USR OK of the versions whose form has that syntax. Code
//! that logs in with any version from MSNP2 to MSNP14 instead names the form and the arguments, and the spec of
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

use std::fmt;

use smallvec::SmallVec;

use crate::matcher::{Closest, Leniency, Located, Match, check_shape, locate, select};
use crate::raw::{RawCommand, Tokens};
use crate::spec::{ArgKind, CommandDef, Dir, FormDef, Services, Trid, VersionDef};
use crate::typed::{LineWriter, ParseError, describe_mismatch, select_form, select_form_on};
use crate::value::{FromToken, ToToken};

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

    /// The value of argument `name`, which must be there.
    pub fn require<T: FromToken<'a>>(&self, name: ArgName) -> Result<T, ParseError> {
        self.get(name)?.ok_or_else(|| self.not_a_value(name))
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

/// A received line, matched to a form with the repairs a peer in the wild needs: the tolerant receive path the
/// client and the server share.
///
/// Real servers leave out trailing arguments, add some, end lines with a space, and speak a neighbouring
/// version's form of a command. When a line matches no form of its command exactly, these are tried in order,
/// each on the result of the one before where it applies, and the first that gives a match is used:
///
/// 1. empty arguments (doubled or trailing spaces) are dropped;
/// 2. a form whose trailing arguments are missing: they read as absent ([`Incoming::get`] gives `None`,
///    [`Incoming::require`] an error naming the line), and literals that select a sub-form must be there;
/// 3. a form with extra trailing arguments, which are ignored;
/// 4. the forms of the neighbouring versions (at most three versions away, nearest first, older first on a tie).
///
/// Nothing here is per command: the forms and their arguments come from the spec. A repaired line carries a
/// [`Repair`] saying what was wrong, in the validator's terms, and what was done.
#[derive(Debug)]
pub struct Received<'a> {
    raw: RawCommand<'a>,
    form: &'static FormDef,
    at: Located,
    repair: Option<Repair>,
}

/// What was wrong with a received line and how it was read anyway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repair {
    /// What was done.
    pub kind: RepairKind,
    /// The validator's diagnostic code for what is wrong (`arg-count`, `arg-type`, `unknown-command`, ...).
    pub code: &'static str,
    /// The 1-based column (in characters) where it is wrong.
    pub column: usize,
    /// What is wrong, as the validator says it.
    pub message: String,
    /// The form the line came closest to, in the wiki's notation (`None` for a command the version lacks).
    pub expected: Option<String>,
}

/// The repairs, in the order they are tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepairKind {
    /// Empty arguments from doubled or trailing spaces were dropped (how many).
    EmptyArgs(usize),
    /// Trailing arguments were missing and read as absent.
    MissingTail,
    /// Extra trailing arguments were ignored.
    ExtraTail,
    /// The line follows this neighbouring version's form.
    OtherVersion(&'static str),
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}: {}", self.code, self.column, self.message)?;
        if let Some(expected) = &self.expected {
            write!(f, " (expected `{expected}`)")?;
        }
        match self.kind {
            RepairKind::EmptyArgs(1) => f.write_str("; read without the empty argument"),
            RepairKind::EmptyArgs(n) => write!(f, "; read without the {n} empty arguments"),
            RepairKind::MissingTail => f.write_str("; read with the missing arguments absent"),
            RepairKind::ExtraTail => f.write_str("; read without the extra arguments"),
            RepairKind::OtherVersion(version) => write!(f, "; read as the {version} form"),
        }
    }
}

/// How many versions away a tolerant reader looks for a form that fits.
const NEIGHBOURS: usize = 3;

impl<'a> Received<'a> {
    /// Matches `line` (without its line end) and its payload, sent by `dir` on a connection to one of
    /// `services`, to a form of `version`, repairing it if it must. The error is the one an exact match gives,
    /// when no repair saves the line.
    ///
    /// The services matter: `USR 4 OK alice@example.com Alice` is exactly the switchboard's USR OK in MSNP7, and
    /// the notification server's with its last flag missing.
    pub fn read(
        version: &'static VersionDef,
        dir: Dir,
        services: Services,
        line: &'a str,
        payload: &'a [u8],
    ) -> Result<Received<'a>, ParseError> {
        let raw = RawCommand::parse(line, payload, Tokens::Wire);
        let command = version.command(raw.name());
        let closest = match command.map(|c| select(c, dir, services, &raw)) {
            Some(Ok((form, m))) => {
                let at = m.located();
                return Ok(Received { raw, form, at, repair: None });
            }
            Some(Err(closest)) => closest,
            None => None,
        };
        let what = describe(version, &raw, closest.as_ref());
        let dropped = raw.arg_count();
        let (raw, dropped) = match raw.without_empty_args() {
            Some(cleaned) => {
                let dropped = dropped - cleaned.arg_count();
                (cleaned, dropped)
            }
            None => (raw, 0),
        };
        let attempts = [
            (Leniency::default(), RepairKind::EmptyArgs(dropped)),
            (Leniency { missing_tail: true, extra_tail: false }, RepairKind::MissingTail),
            (Leniency { missing_tail: false, extra_tail: true }, RepairKind::ExtraTail),
        ];
        for (leniency, kind) in attempts {
            if kind == RepairKind::EmptyArgs(0) {
                continue;
            }
            if let Some((form, at)) = command.and_then(|c| first_fit(c, dir, services, &raw, leniency)) {
                return Ok(Received { raw, form, at, repair: Some(what.repaired(kind)) });
            }
        }
        for other in neighbours(version) {
            if let Some((form, at)) =
                other.command(raw.name()).and_then(|c| first_fit(c, dir, services, &raw, Leniency::default()))
            {
                return Ok(Received {
                    raw,
                    form,
                    at,
                    repair: Some(what.repaired(RepairKind::OtherVersion(other.name))),
                });
            }
        }
        let raw = RawCommand::parse(line, payload, Tokens::Wire);
        Err(exact_error(version, dir, services, &raw))
    }

    /// The line as matched (its arguments by name).
    pub fn incoming(&self) -> Incoming<'_, 'a> {
        Incoming { form: self.form, m: self.at.bind(&self.raw) }
    }

    /// What was repaired, when the line needed it.
    pub fn repair(&self) -> Option<&Repair> {
        self.repair.as_ref()
    }

    /// The raw command (without the empty arguments, when they were dropped).
    pub fn raw(&self) -> &RawCommand<'a> {
        &self.raw
    }
}

/// What is wrong with a line against its closest form, in the validator's terms, before a repair is chosen.
struct Described {
    code: &'static str,
    column: usize,
    message: String,
    expected: Option<String>,
}

impl Described {
    fn repaired(self, kind: RepairKind) -> Repair {
        Repair { kind, code: self.code, column: self.column, message: self.message, expected: self.expected }
    }
}

fn describe(version: &VersionDef, raw: &RawCommand<'_>, closest: Option<&Closest>) -> Described {
    let Some(closest) = closest else {
        return Described {
            code: "unknown-command",
            column: 1,
            message: format!("`{}` is not a command of {} in this direction", raw.name(), version.name),
            expected: None,
        };
    };
    let line = raw.line();
    let start = match closest.mismatch.token {
        Some(i) => raw.arg_span(i).map_or(line.len(), |s| s.start),
        None => line.len(),
    };
    Described {
        code: closest.mismatch.kind.code(),
        column: line.get(..start).map_or(start, |s| s.chars().count()) + 1,
        message: format!("{}: {}", raw.name(), describe_mismatch(closest.form.shape, raw, &closest.mismatch)),
        expected: Some(closest.form.shape.synopsis()),
    }
}

/// The first form of `command` from `dir`, used on one of `services`, that `raw` matches with `leniency`.
fn first_fit(
    command: &'static CommandDef,
    dir: Dir,
    services: Services,
    raw: &RawCommand<'_>,
    leniency: Leniency,
) -> Option<(&'static FormDef, Located)> {
    command
        .forms_from(dir)
        .filter(|f| !f.services.intersect(services).is_empty())
        .find_map(|form| locate(form.shape, raw, leniency).ok().map(|at| (form, at)))
}

/// The versions near `version` in the compiled-in spec, nearest first and older first on a tie (real servers
/// lag behind the client more often than they run ahead). A version from a spec read at run time has none.
fn neighbours(version: &'static VersionDef) -> impl Iterator<Item = &'static VersionDef> {
    let versions = crate::SPEC.versions;
    let ours = versions.get(version.rank).is_some_and(|v| std::ptr::eq(v, version));
    let rank = version.rank;
    (1..=NEIGHBOURS)
        .filter(move |_| ours)
        .flat_map(move |d| [rank.checked_sub(d), Some(rank + d)])
        .flatten()
        .filter_map(move |r| versions.get(r))
        .filter(|v| v.number() >= 2)
}

/// The error an exact match of `raw` gives (`raw` matches no form: every repair was tried).
fn exact_error(version: &'static VersionDef, dir: Dir, services: Services, raw: &RawCommand<'_>) -> ParseError {
    select_form_on(version, dir, services, raw)
        .err()
        .unwrap_or_else(|| ParseError::UnknownCommand { command: raw.name().to_string(), version: version.name })
}

/// Why a message could not be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComposeError {
    /// The version has no such form in that direction.
    NoSuchForm {
        /// The form asked for.
        form: FormRef,
        /// The version.
        version: &'static str,
    },
    /// An argument the form needs was not given.
    Missing {
        /// The form.
        form: FormRef,
        /// The argument.
        argument: &'static str,
    },
    /// A value was given for an argument the form does not have.
    Unused {
        /// The form.
        form: FormRef,
        /// The argument.
        argument: &'static str,
    },
    /// The line written does not match the form (a value of the wrong type, a space inside a value, ...).
    Invalid {
        /// The form.
        form: FormRef,
        /// What is wrong.
        detail: String,
    },
}

impl fmt::Display for ComposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComposeError::NoSuchForm { form, version } => write!(f, "{version} has no form `{form}` in that direction"),
            ComposeError::Missing { form, argument } => write!(f, "`{form}` needs argument `{argument}`"),
            ComposeError::Unused { form, argument } => write!(f, "`{form}` has no argument `{argument}`"),
            ComposeError::Invalid { form, detail } => write!(f, "`{form}`: {detail}"),
        }
    }
}

impl std::error::Error for ComposeError {}

/// Where an argument's tokens are in a message's token buffer: start and end of each.
type Spans = SmallVec<[(u32, u32); 1]>;

/// A message to send, built by form and argument name and written as the version's form says.
#[derive(Clone, Debug)]
pub struct Outgoing {
    form: &'static FormDef,
    name: FormRef,
    trid: Option<u32>,
    /// Each argument set, with the spans of its tokens in `tokens`.
    values: SmallVec<[(&'static str, Spans); 8]>,
    /// Every token written so far, back to back (one buffer for the whole message).
    tokens: Vec<u8>,
    payload: Vec<u8>,
}

impl Outgoing {
    /// A message of `form`, as `dir` sends it in `version`.
    pub fn new(version: &'static VersionDef, dir: Dir, form: FormRef) -> Result<Self, ComposeError> {
        let found = version
            .command(form.command)
            .and_then(|c| c.forms.iter().find(|f| f.name == form.form && f.from == dir))
            .ok_or(ComposeError::NoSuchForm { form, version: version.name })?;
        Ok(Outgoing {
            form: found,
            name: form,
            trid: None,
            values: SmallVec::new(),
            tokens: Vec::new(),
            payload: Vec::new(),
        })
    }

    /// Whether `version` has `form` in direction `dir`.
    pub fn exists(version: &'static VersionDef, dir: Dir, form: FormRef) -> bool {
        Outgoing::new(version, dir, form).is_ok()
    }

    /// The form as the version has it.
    pub fn form(&self) -> &'static FormDef {
        self.form
    }

    /// Sets the TrID (ignored when the form has none; a push's `0` is written by itself).
    pub fn trid(mut self, trid: u32) -> Self {
        self.trid = Some(trid);
        self
    }

    /// Sets argument `name`.
    pub fn arg(self, name: ArgName, value: impl ToToken) -> Self {
        self.args(name, [value])
    }

    /// Sets argument `name` when `value` is given; leaves it out otherwise.
    pub fn arg_opt(self, name: ArgName, value: Option<impl ToToken>) -> Self {
        match value {
            Some(value) => self.arg(name, value),
            None => self,
        }
    }

    /// Sets argument `name` when the version's form has it, and does nothing otherwise: for code that fills
    /// whatever each version's form holds (a friendly name up to MSNP9, a network ID from MSNP14).
    pub fn maybe_arg(self, name: ArgName, value: impl ToToken) -> Self {
        if self.has(name) { self.arg(name, value) } else { self }
    }

    /// Sets a repeated argument `name` to `values`.
    pub fn args<T: ToToken>(mut self, name: ArgName, values: impl IntoIterator<Item = T>) -> Self {
        let spans = values
            .into_iter()
            .map(|v| {
                let start = self.tokens.len() as u32;
                v.write_token(&mut self.tokens);
                (start, self.tokens.len() as u32)
            })
            .collect();
        self.values.retain(|(n, _)| *n != name.0);
        self.values.push((name.0, spans));
        self
    }

    /// Sets the payload (its length argument is written from it).
    pub fn payload(mut self, payload: impl Into<Vec<u8>>) -> Self {
        self.payload = payload.into();
        self
    }

    /// Whether the form has argument `name`.
    pub fn has(&self, name: ArgName) -> bool {
        self.form.shape.args.iter().any(|a| matches!(a.kind, ArgKind::Value { name: n, .. } if n == name.0))
    }

    /// Writes the message (line, CRLF, payload) after checking the line against its form.
    pub fn write(&self, out: &mut Vec<u8>) -> Result<(), ComposeError> {
        let shape = self.form.shape;
        let name = self.name;
        for (argument, _) in &self.values {
            if !self.has(ArgName(argument)) {
                return Err(ComposeError::Unused { form: name, argument });
            }
        }
        let mut line = Vec::with_capacity(shape.command.len() + 16 + self.tokens.len() + 2 * shape.args.len());
        let mut w = LineWriter::new(&mut line, shape.command);
        match shape.trid {
            Trid::Yes => w.trid(self.trid.ok_or(ComposeError::Missing { form: name, argument: "TrID" })?),
            Trid::Zero => w.literal("0"),
            Trid::No => {}
        }
        for (index, arg) in shape.args.iter().enumerate() {
            match arg.kind {
                ArgKind::Literal(word) if !arg.optional => w.literal(word),
                ArgKind::Literal(_) => {}
                ArgKind::Value { .. } if shape.payload.is_some_and(|p| p.length_arg == index) => {
                    w.length(self.payload.len());
                }
                ArgKind::Value { name: argument, .. } => {
                    match self.values.iter().find(|(n, _)| *n == argument).map(|(_, v)| v) {
                        Some(spans) => {
                            for &(start, end) in spans {
                                let token =
                                    std::str::from_utf8(&self.tokens[start as usize..end as usize]).map_err(|_| {
                                        ComposeError::Invalid {
                                            form: name,
                                            detail: format!("argument `{argument}` is not UTF-8"),
                                        }
                                    })?;
                                w.value(arg.prefix, &token);
                            }
                        }
                        None if arg.optional => {}
                        None => return Err(ComposeError::Missing { form: name, argument }),
                    }
                }
            }
        }
        w.end(b"");
        // The line without its CRLF, matched against the form as a receiver would.
        let text = std::str::from_utf8(&line[..line.len() - 2])
            .map_err(|_| ComposeError::Invalid { form: name, detail: "the line is not UTF-8".into() })?;
        let raw = RawCommand::parse(text, b"", Tokens::Wire);
        if let Err(mismatch) = check_shape(shape, &raw) {
            return Err(ComposeError::Invalid { form: name, detail: describe_mismatch(shape, &raw, &mismatch) });
        }
        out.extend_from_slice(&line);
        out.extend_from_slice(&self.payload);
        Ok(())
    }

    /// The message as bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ComposeError> {
        let mut out = Vec::new();
        self.write(&mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::{ArgName, ComposeError, FormRef, Incoming, Outgoing};
    use crate::generated::forms::{chg, usr};
    use crate::raw::{RawCommand, Tokens};
    use crate::spec::Dir;

    const NS: crate::spec::Services = crate::spec::Services::DS.union(crate::spec::Services::NS);

    fn version(name: &str) -> &'static crate::spec::VersionDef {
        crate::SPEC.version(name).expect("a version of the spec")
    }

    #[test]
    fn writes_each_versions_form_from_the_same_names() {
        let line = |v: &str| {
            let out = Outgoing::new(version(v), Dir::Server, usr::OK)
                .unwrap()
                .trid(7)
                .arg(usr::args::HANDLE, "a@b.c")
                .arg(usr::args::FRIENDLY_NAME, "A%20B")
                .arg(usr::args::VERIFIED, true)
                .arg(usr::args::RESTRICTED, false);
            out.to_bytes()
        };
        // MSNP2 has neither the verified nor the restricted flag: naming them is an error there.
        assert!(matches!(line("MSNP2"), Err(ComposeError::Unused { argument: "verified", .. })));
        assert_eq!(line("MSNP8").unwrap(), b"USR 7 OK a@b.c A%20B 1 0\r\n");
        // MSNP10 dropped the friendly name.
        assert!(matches!(line("MSNP10"), Err(ComposeError::Unused { argument: "friendly-name", .. })));
    }

    #[test]
    fn checks_what_it_writes() {
        let bad =
            Outgoing::new(version("MSNP8"), Dir::Client, chg::REQUEST).unwrap().trid(3).arg(chg::args::STATUS, "XYZ");
        assert!(matches!(bad.to_bytes(), Err(ComposeError::Invalid { .. })));
        let missing = Outgoing::new(version("MSNP8"), Dir::Client, chg::REQUEST).unwrap().trid(3);
        assert!(matches!(missing.to_bytes(), Err(ComposeError::Missing { argument: "status", .. })));
        let none = Outgoing::new(version("MSNP2"), Dir::Client, FormRef { command: "USR", form: "twn-i" });
        assert!(matches!(none, Err(ComposeError::NoSuchForm { .. })));
    }

    /// The repair order on lines shaped like what real servers sent: (version, line, the form read, the repair
    /// and the validator's code; `None` for an exact match).
    #[test]
    fn repairs_lines_in_order() {
        use super::{Received, RepairKind};
        type Case = (&'static str, &'static str, &'static str, Option<(RepairKind, &'static str)>);
        let cases: &[Case] = &[
            ("MSNP7", "USR 4 OK alice@example.com Alice 1", "USR ok", None),
            // USR OK without the verified flag (MSNP6 and MSNP7 servers).
            ("MSNP7", "USR 4 OK alice@example.com Alice", "USR ok", Some((RepairKind::MissingTail, "arg-count"))),
            // A contact in no group, with a trailing space (MSNP10 to MSNP12 servers).
            (
                "MSNP10",
                "LST N=carol@example.com F=Carol C=carol@example.com 13 ",
                "LST in-syn",
                Some((RepairKind::EmptyArgs(1), "arg-type")),
            ),
            (
                "MSNP12",
                "LST N=carol@example.com F=Carol C=carol@example.com 13 1 ",
                "LST in-syn",
                Some((RepairKind::EmptyArgs(1), "arg-type")),
            ),
            // A doubled space and a missing flag at once: the empty argument goes first, then the tail.
            ("MSNP7", "USR 4  OK alice@example.com Alice", "USR ok", Some((RepairKind::MissingTail, "arg-type"))),
            // One argument too many on the SYN reply.
            ("MSNP8", "SYN 5 1 2 3 9", "SYN reply", Some((RepairKind::ExtraTail, "arg-count"))),
            // A command the version removed, in the form of the version before.
            ("MSNP8", "INF 2 MD5", "INF reply", Some((RepairKind::OtherVersion("MSNP7"), "unknown-command"))),
        ];
        for &(v, line, form, repair) in cases {
            let received =
                Received::read(version(v), Dir::Server, NS, line, b"").unwrap_or_else(|e| panic!("{v} `{line}`: {e}"));
            let incoming = received.incoming();
            assert_eq!(format!("{} {}", incoming.form().command, incoming.form().name), form, "{v} `{line}`");
            let got = received.repair().map(|r| (r.kind, r.code));
            assert_eq!(got, repair, "{v} `{line}`");
        }
        // The repaired USR OK reads its handle and name; the missing flag reads as absent.
        let received =
            Received::read(version("MSNP7"), Dir::Server, NS, "USR 4 OK alice@example.com Alice", b"").unwrap();
        let ok = received.incoming();
        assert_eq!(ok.trid(), Some(4));
        assert_eq!(ok.require::<&str>(usr::args::HANDLE).unwrap(), "alice@example.com");
        assert_eq!(ok.get::<bool>(usr::args::VERIFIED).unwrap(), None);
        assert!(ok.require::<bool>(usr::args::VERIFIED).is_err());
        let repair = received.repair().unwrap();
        assert_eq!(repair.column, 33, "the end of the line, where the flag is missing");
        assert_eq!(repair.expected.as_deref(), Some("USR TrID OK handle friendly-name verified"));
        assert!(repair.to_string().contains("read with the missing arguments absent"), "{repair}");
        // The trailing space is pointed at where the validator points.
        let line = "LST N=carol@example.com F=Carol C=carol@example.com 13 ";
        let received = Received::read(version("MSNP10"), Dir::Server, NS, line, b"").unwrap();
        assert_eq!(received.repair().unwrap().column, line.len() + 1);
        assert_eq!(received.incoming().get::<u32>(crate::generated::forms::lst::args::LISTS).unwrap(), Some(13));
    }

    /// Lines no repair saves: the error is the exact match's.
    #[test]
    fn lines_no_repair_saves() {
        use super::Received;
        let cases = [
            // The literal that selects the sub-form is missing: no form may be guessed.
            ("MSNP7", "USR 4"),
            ("MSNP7", "USR 4 XX alice@example.com"),
            // No TrID.
            ("MSNP7", "USR OK alice@example.com Alice 1"),
            // Not a value of the argument's type, in any version nearby.
            ("MSNP8", "LST N=carol@example.com F=Carol notanumber"),
            ("MSNP8", "ZZZ 0 hello"),
        ];
        for (v, line) in cases {
            let result = Received::read(version(v), Dir::Server, NS, line, b"");
            assert!(result.is_err(), "{v} `{line}` was read as {:?}", result.map(|r| r.incoming().form().name));
        }
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
