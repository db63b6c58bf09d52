//! Command syntaxes: a shape is the TrID, the arguments and the payload of one command line, shared by every form
//! and version that writes the command that way.

use super::TypeDef;

/// Whether a TrID follows the command name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trid {
    /// A TrID is present.
    Yes,
    /// No TrID.
    No,
    /// Always the literal `0` (a server push).
    Zero,
}

/// What a payload holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadKind {
    /// MIME headers and a body.
    Mime,
    /// An XML document.
    Xml,
    /// Plain text.
    Text,
    /// Arbitrary bytes.
    Binary,
}

/// A payload that follows a command line.
#[derive(Clone, Copy, Debug)]
pub struct PayloadDef {
    /// Index of the argument holding the byte length (always the last).
    pub length_arg: usize,
    /// What it holds.
    pub kind: PayloadKind,
    /// An XML payload's document element, when the spec names it.
    pub root: Option<&'static str>,
    /// Elements an XML payload must contain.
    pub elements: &'static [&'static str],
}

impl PayloadDef {
    /// A payload of `kind` whose length argument `length_arg` announces it, without a named root or elements.
    pub const fn new(length_arg: usize, kind: PayloadKind) -> Self {
        PayloadDef { length_arg, kind, root: None, elements: &[] }
    }

    /// The payload with the document element an XML payload must have.
    pub const fn root(mut self, root: &'static str) -> Self {
        self.root = Some(root);
        self
    }

    /// The payload with the elements an XML payload must contain.
    pub const fn elements(mut self, elements: &'static [&'static str]) -> Self {
        self.elements = elements;
        self
    }
}

/// A command syntax: what one generated struct parses and writes.
#[derive(Debug)]
pub struct Shape {
    /// Its position among the spec's shapes: what the generated [`crate::Message`] tells its variants apart by.
    pub index: u16,
    /// The generated struct's name, such as `UsrOkV8`.
    pub name: &'static str,
    /// The command, such as `USR`.
    pub command: &'static str,
    /// Whether a TrID follows the command.
    pub trid: Trid,
    /// The arguments after the TrID.
    pub args: &'static [ArgDef],
    /// The payload, when one follows.
    pub payload: Option<PayloadDef>,
    /// One line of documentation.
    pub doc: &'static str,
    /// The generated check of the arguments (TrID included) with the shape's words, prefixes and types built
    /// in: the TrID when they match (`None` inside for a placeholder or no TrID), as
    /// [`crate::typed::matcher::check_shape`] decides, without saying why not. The flag says whether `$...` tokens are
    /// placeholders.
    pub quick: fn(&[&str], bool) -> Option<Option<u32>>,
}

/// An argument.
#[derive(Debug)]
pub struct ArgDef {
    /// A value or a literal.
    pub kind: ArgKind,
    /// One line of documentation.
    pub doc: &'static str,
    /// Whether it may be absent.
    pub optional: bool,
    /// Whether it takes every remaining token.
    pub repeat: bool,
    /// The text before the value in the wire token (`N=`).
    pub prefix: Option<&'static str>,
}

/// What an argument holds.
#[derive(Debug)]
pub enum ArgKind {
    /// A named value of a type.
    Value {
        /// The spec name, such as `list-version`.
        name: &'static str,
        /// Its type.
        ty: &'static TypeDef,
    },
    /// A fixed word.
    Literal(&'static str),
}

impl ArgDef {
    /// A required, single value called `name` of type `ty`, without prefix or documentation.
    pub const fn value(name: &'static str, ty: &'static TypeDef) -> Self {
        ArgDef::of(ArgKind::Value { name, ty })
    }

    /// The required fixed word `word`.
    pub const fn literal(word: &'static str) -> Self {
        ArgDef::of(ArgKind::Literal(word))
    }

    const fn of(kind: ArgKind) -> Self {
        ArgDef { kind, doc: "", optional: false, repeat: false, prefix: None }
    }

    /// The argument with its documentation.
    pub const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }

    /// The argument, which may be absent.
    pub const fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// The argument, taking every remaining token.
    pub const fn repeat(mut self) -> Self {
        self.repeat = true;
        self
    }

    /// The argument with `prefix` before the value in the wire token.
    pub const fn prefix(mut self, prefix: &'static str) -> Self {
        self.prefix = Some(prefix);
        self
    }

    /// How the argument is written in a synopsis: `handle`, `N=handle`, `{caps}`, `dialects...`, `OK`.
    pub fn synopsis(&self) -> String {
        let core = match &self.kind {
            ArgKind::Value { name, .. } => format!("{}{name}", self.prefix.unwrap_or("")),
            ArgKind::Literal(word) => (*word).to_string(),
        };
        let core = if self.repeat { format!("{core}...") } else { core };
        if self.optional { format!("{{{core}}}") } else { core }
    }

    /// The argument's name (its literal word for a literal).
    pub fn name(&self) -> &'static str {
        match &self.kind {
            ArgKind::Value { name, .. } => name,
            ArgKind::Literal(word) => word,
        }
    }
}

impl Shape {
    /// Shape number `index` of the spec, struct `name` for `command`; without arguments, payload, documentation
    /// or a generated check (the check it gets never matches, so that the matcher walks the table).
    pub const fn new(index: u16, name: &'static str, command: &'static str, trid: Trid) -> Self {
        fn by_table(_: &[&str], _: bool) -> Option<Option<u32>> {
            None
        }
        Shape { index, name, command, trid, args: &[], payload: None, doc: "", quick: by_table }
    }

    /// The shape with its arguments after the TrID.
    pub const fn args(mut self, args: &'static [ArgDef]) -> Self {
        self.args = args;
        self
    }

    /// The shape with its generated check.
    pub const fn quick(mut self, quick: fn(&[&str], bool) -> Option<Option<u32>>) -> Self {
        self.quick = quick;
        self
    }

    /// The shape with the payload that follows its line.
    pub const fn payload(mut self, payload: PayloadDef) -> Self {
        self.payload = Some(payload);
        self
    }

    /// The shape with its documentation.
    pub const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }

    /// The syntax in the wiki's notation: `USR TrID OK handle friendly-name {verified}`; a payload shows as
    /// `+ payload`.
    pub fn synopsis(&self) -> String {
        let mut out = String::from(self.command);
        match self.trid {
            Trid::Yes => out.push_str(" TrID"),
            Trid::Zero => out.push_str(" 0"),
            Trid::No => {}
        }
        for arg in self.args {
            out.push(' ');
            out.push_str(&arg.synopsis());
        }
        if self.payload.is_some() {
            out.push_str(" + payload");
        }
        out
    }
}
