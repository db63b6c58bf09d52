//! Writing a message by form and argument name: [`Outgoing`] puts each argument where the version's form has it,
//! and checks the line against the form before it is written.

use smallvec::SmallVec;

use super::{ArgName, FormRef};
use crate::spec::value::ToToken;
use crate::spec::{ArgKind, Dir, FormDef, Trid, VersionDef};
use crate::typed::matcher::check_shape;
use crate::typed::{LineWriter, describe_mismatch};
use crate::wire::raw::{RawCommand, Tokens};

/// Why a message could not be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ComposeError {
    /// The version has no such form in that direction.
    #[error("{version} has no form `{form}` in that direction")]
    NoSuchForm {
        /// The form asked for.
        form: FormRef,
        /// The version.
        version: &'static str,
    },
    /// An argument the form needs was not given.
    #[error("`{form}` needs argument `{argument}`")]
    Missing {
        /// The form.
        form: FormRef,
        /// The argument.
        argument: &'static str,
    },
    /// A value was given for an argument the form does not have.
    #[error("`{form}` has no argument `{argument}`")]
    Unused {
        /// The form.
        form: FormRef,
        /// The argument.
        argument: &'static str,
    },
    /// The line written does not match the form (a value of the wrong type, a space inside a value, ...).
    #[error("`{form}`: {detail}")]
    Invalid {
        /// The form.
        form: FormRef,
        /// What is wrong.
        detail: String,
    },
}

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
    use super::super::FormRef;
    use super::{ComposeError, Outgoing};
    use crate::generated::forms::{chg, usr};
    use crate::spec::Dir;

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
}
