//! The spec at run time: the tables the generator emits from `spec/*.toml` (see [`crate::generated`]), which
//! the matcher, the validator and `msnp spec` read. Every reference is `'static`: the compiled-in spec lives in
//! statics.
//!
//! - [`value`]: checks of argument values and conversions between tokens and Rust values;
//! - [`compare`]: what changes between versions, and the history of a command;
//! - `runtime` (feature `runtime-spec`): the same tables built from a spec directory at run time.

pub mod compare;
#[cfg(feature = "runtime-spec")]
pub mod runtime;
pub mod value;

use std::fmt;

pub use crate::spec::value::Check;

/// A whole spec: every negotiable version, with the value types and error codes they use.
#[derive(Debug)]
pub struct Spec {
    /// Versions, oldest first.
    pub versions: &'static [VersionDef],
    /// Value types, in spec order.
    pub types: &'static [&'static TypeDef],
    /// Error codes, ascending.
    pub errors: &'static [ErrorDef],
}

impl Spec {
    /// The version called `name` (as in VER, such as `MSNP8`; case-insensitive).
    pub fn version(&self, name: &str) -> Option<&'static VersionDef> {
        // Names are nearly always written as the spec writes them; the exact comparison is the cheap first try.
        let versions: &'static [VersionDef] = self.versions;
        versions.iter().find(|v| v.name == name).or_else(|| versions.iter().find(|v| v.name.eq_ignore_ascii_case(name)))
    }

    /// The error code `code`.
    pub fn error(&self, code: u16) -> Option<&'static ErrorDef> {
        self.errors.binary_search_by_key(&code, |e| e.code).ok().map(|i| &self.errors[i])
    }

    /// The names of all versions, joined for messages: `CVR0, MSNP2, ..., MSNP8`.
    pub fn version_names(&self) -> String {
        self.versions.iter().map(|v| v.name).collect::<Vec<_>>().join(", ")
    }
}

/// A value type.
#[derive(Debug)]
pub struct TypeDef {
    /// The spec name, such as `list-version`.
    pub name: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// How values are recognised.
    pub kind: TypeKind,
    /// The longest wire form in bytes, when limited.
    pub max_len: Option<u32>,
    /// The generated check: whether a token is a value of the type, as [`TypeDef::check`] decides, without
    /// saying why not.
    pub quick: fn(&str) -> bool,
}

/// How a type's values are recognised.
#[derive(Debug)]
pub enum TypeKind {
    /// A primitive check.
    Check(Check),
    /// One of a fixed set of words.
    Enum(&'static [EnumValue]),
    /// Any of several types.
    AnyOf(&'static [&'static TypeDef]),
    /// Other types joined by a separator, such as `network-id:handle`: the token is cut at the first
    /// separators, one part per type, the last part taking the rest.
    Parts {
        /// What joins the parts.
        separator: &'static str,
        /// The parts' types.
        parts: &'static [&'static TypeDef],
    },
}

/// One word of an enumerated type.
#[derive(Debug)]
pub struct EnumValue {
    /// The wire word.
    pub value: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// The word as [`pack_word`] packs it (0 for words too long to pack).
    pub packed: u64,
}

impl EnumValue {
    /// The word `value`, packed as [`pack_word`] packs it.
    pub const fn new(value: &'static str, doc: &'static str) -> Self {
        EnumValue { value, doc, packed: pack_word(value) }
    }
}

/// A word of at most seven bytes as one integer (its length in the top byte, then the bytes), so that checking a
/// token against an enumeration compares integers; 0 for longer words. Usable in static initializers.
pub const fn pack_word(word: &str) -> u64 {
    let bytes = word.as_bytes();
    if bytes.is_empty() || bytes.len() > 7 {
        return 0;
    }
    let mut packed = (bytes.len() as u64) << 56;
    let mut i = 0;
    while i < bytes.len() {
        packed |= (bytes[i] as u64) << (8 * (6 - i));
        i += 1;
    }
    packed
}

/// Why a token is not a value of a type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// A primitive check failed.
    Invalid(&'static str),
    /// The word is not one of the type's values.
    NotAValue,
    /// The token is longer than the type allows.
    TooLong(u32),
}

impl TypeDef {
    /// A type called `name` whose values `kind` recognises, without a length limit or a generated check (the
    /// check it gets never accepts, so that [`TypeDef::check`] decides by the table).
    pub const fn new(name: &'static str, doc: &'static str, kind: TypeKind) -> Self {
        fn by_table(_: &str) -> bool {
            false
        }
        TypeDef { name, doc, kind, max_len: None, quick: by_table }
    }

    /// The type with its generated check.
    pub const fn quick(mut self, quick: fn(&str) -> bool) -> Self {
        self.quick = quick;
        self
    }

    /// The type with its longest wire form limited to `max` bytes.
    pub const fn max_len(mut self, max: u32) -> Self {
        self.max_len = Some(max);
        self
    }

    /// The documentation of `word` when the type (or one of the types it unites) enumerates it.
    pub fn value_doc(&self, word: &str) -> Option<&'static str> {
        match self.kind {
            TypeKind::Enum(values) => values.iter().find(|v| v.value == word).map(|v| v.doc),
            TypeKind::AnyOf(types) => types.iter().find_map(|t| t.value_doc(word)),
            TypeKind::Check(_) | TypeKind::Parts { .. } => None,
        }
    }

    /// Checks `token` against the type.
    #[inline]
    pub fn check(&self, token: &str) -> Result<(), ValueError> {
        if (self.quick)(token) { Ok(()) } else { self.check_by_table(token) }
    }

    /// Checks `token` from the type's table entry alone, without the generated check: what the generated check
    /// must agree with, and what says why a token is refused.
    pub fn check_by_table(&self, token: &str) -> Result<(), ValueError> {
        if let Some(max) = self.max_len
            && token.len() > max as usize
        {
            return Err(ValueError::TooLong(max));
        }
        match &self.kind {
            TypeKind::Check(check) => check.check(token).map_err(|e| ValueError::Invalid(e.0)),
            TypeKind::Enum(values) => {
                let packed = pack_word(token);
                let found = if packed != 0 {
                    values.iter().any(|v| v.packed == packed)
                } else {
                    values.iter().any(|v| v.packed == 0 && v.value == token)
                };
                if found { Ok(()) } else { Err(ValueError::NotAValue) }
            }
            TypeKind::AnyOf(types) => {
                if types.iter().any(|t| t.check_by_table(token).is_ok()) {
                    Ok(())
                } else {
                    Err(ValueError::NotAValue)
                }
            }
            TypeKind::Parts { separator, parts } => {
                let last = parts.len().saturating_sub(1);
                let fits = crate::spec::value::split_parts(token, separator, parts.len(), |i, part| {
                    parts.get(i.min(last)).is_some_and(|t| t.check_by_table(part).is_ok())
                });
                if fits { Ok(()) } else { Err(ValueError::NotAValue) }
            }
        }
    }

    /// Describes the type's values for diagnostics, such as `an account handle (local@domain)` or
    /// `one of NLN, BSY, IDL`.
    pub fn describe(&self) -> String {
        match &self.kind {
            TypeKind::Check(check) => check.describe().to_string(),
            TypeKind::Enum(values) if values.len() == 1 => format!("`{}`", values[0].value),
            TypeKind::Enum(values) => {
                format!("one of {}", values.iter().map(|v| v.value).collect::<Vec<_>>().join(", "))
            }
            TypeKind::AnyOf(types) => types.iter().map(|t| t.describe()).collect::<Vec<_>>().join(" or "),
            TypeKind::Parts { separator, parts } => {
                format!("`{}`", parts.iter().map(|t| t.name).collect::<Vec<_>>().join(separator))
            }
        }
    }
}

/// A numeric error code.
#[derive(Debug)]
pub struct ErrorDef {
    /// The three-digit code.
    pub code: u16,
    /// The draft or HRESULT name, when known.
    pub name: Option<&'static str>,
    /// What it means.
    pub doc: &'static str,
}

impl ErrorDef {
    /// Error `code`, without a name.
    pub const fn new(code: u16, doc: &'static str) -> Self {
        ErrorDef { code, name: None, doc }
    }

    /// The error with its draft or HRESULT name.
    pub const fn name(mut self, name: &'static str) -> Self {
        self.name = Some(name);
        self
    }
}

/// Who sends a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    /// Client to server (`C:` in transcripts).
    Client,
    /// Server to client (`S:`).
    Server,
}

impl Dir {
    /// The other direction.
    pub fn other(self) -> Dir {
        match self {
            Dir::Client => Dir::Server,
            Dir::Server => Dir::Client,
        }
    }

    /// `client` or `server`.
    pub fn word(self) -> &'static str {
        match self {
            Dir::Client => "client",
            Dir::Server => "server",
        }
    }
}

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

/// A set of server roles.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Services(pub u8);

impl Services {
    /// The dispatch server.
    pub const DS: Services = Services(1);
    /// The notification server.
    pub const NS: Services = Services(2);
    /// A switchboard server.
    pub const SB: Services = Services(4);
    /// Any server.
    pub const ALL: Services = Services(7);

    /// Both sets' members.
    pub const fn union(self, other: Services) -> Services {
        Services(self.0 | other.0)
    }

    /// The members of both sets.
    pub const fn intersect(self, other: Services) -> Services {
        Services(self.0 & other.0)
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The spec names of the members: `DS`, `NS`, `SB`.
    pub fn names(self) -> Vec<&'static str> {
        [(Self::DS, "DS"), (Self::NS, "NS"), (Self::SB, "SB")]
            .into_iter()
            .filter(|(s, _)| self.0 & s.0 != 0)
            .map(|(_, n)| n)
            .collect()
    }

    /// The members in words, for diagnostics: `a dispatch or notification server`.
    pub fn describe(self) -> String {
        let words: Vec<&str> = [(Self::DS, "dispatch"), (Self::NS, "notification"), (Self::SB, "switchboard")]
            .into_iter()
            .filter(|(s, _)| self.0 & s.0 != 0)
            .map(|(_, n)| n)
            .collect();
        match words.as_slice() {
            [] => "no server".to_string(),
            [one] => format!("a {one} server"),
            [init @ .., last] => format!("a {} or {last} server", init.join(", ")),
        }
    }
}

impl fmt::Debug for Services {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.names().join("|"))
    }
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

/// A form: a shape as one version uses it, in one direction.
#[derive(Debug)]
pub struct FormDef {
    /// The spec name, such as `md5-i`.
    pub name: &'static str,
    /// The command.
    pub command: &'static str,
    /// Who sends it.
    pub from: Dir,
    /// Its syntax.
    pub shape: &'static Shape,
    /// Where it is used.
    pub services: Services,
    /// The requests it answers (for TrID-less forms: the request it must follow).
    pub answers: &'static [&'static str],
    /// The warning given when it matches, for shapes real documents use that a peer would find odd.
    pub warn: Option<&'static str>,
    /// What is not verified about the form, when the sources leave something open.
    pub unverified: Option<&'static str>,
    /// Where the form comes from: documentation, real traffic, code.
    pub evidence: Evidence,
    /// Whether a request gets at most one reply of this form (a second one is reported).
    pub once: bool,
    /// One line of documentation (may be empty).
    pub doc: &'static str,
    /// The version whose spec file defined it as it stands.
    pub since: &'static str,
    /// Per-argument documentation as this form has it.
    pub arg_docs: &'static [&'static str],
    /// Which arguments number the form's lines within one answer (`counter` in the spec).
    pub counter: Option<CounterDef>,
    /// Arguments that say how many lines of another command follow in the same answer (`counts`).
    pub counts: &'static [CountDef],
    /// Arguments whose values define ids, or refer to ids defined, within the same answer (`defines`,
    /// `refers`). They are kept here rather than in [`ArgDef`] because shapes are shared by forms that may
    /// differ in them.
    pub links: &'static [LinkDef],
}

impl FormDef {
    /// Form `name` of the shape's command, sent by `from` on `services`, as the spec file of `since` defines
    /// it, documented as the shape is (a shape's documentation is that of the first form with it); everything
    /// else empty (no answers, warning, evidence, argument documentation, counter, counts or links).
    pub const fn new(
        name: &'static str,
        from: Dir,
        shape: &'static Shape,
        services: Services,
        since: &'static str,
    ) -> Self {
        FormDef {
            name,
            command: shape.command,
            from,
            shape,
            services,
            answers: &[],
            warn: None,
            unverified: None,
            evidence: Evidence { documented: None, seen: None, inferred: None },
            once: false,
            doc: shape.doc,
            since,
            arg_docs: &[],
            counter: None,
            counts: &[],
            links: &[],
        }
    }

    /// The form with its documentation.
    pub const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }

    /// The form, answering `answers`.
    pub const fn answers(mut self, answers: &'static [&'static str]) -> Self {
        self.answers = answers;
        self
    }

    /// The form with the warning given when it matches.
    pub const fn warn(mut self, warn: &'static str) -> Self {
        self.warn = Some(warn);
        self
    }

    /// The form with what is not verified about it.
    pub const fn unverified(mut self, unverified: &'static str) -> Self {
        self.unverified = Some(unverified);
        self
    }

    /// The form with the documentation page that gives it ([`Evidence::documented`]).
    pub const fn documented(mut self, page: &'static str) -> Self {
        self.evidence.documented = Some(page);
        self
    }

    /// The form with the real traffic that shows it ([`Evidence::seen`]).
    pub const fn seen(mut self, traffic: &'static str) -> Self {
        self.evidence.seen = Some(traffic);
        self
    }

    /// The form with the code it is inferred from ([`Evidence::inferred`]).
    pub const fn inferred(mut self, code: &'static str) -> Self {
        self.evidence.inferred = Some(code);
        self
    }

    /// The form, of which a request gets at most one reply.
    pub const fn once(mut self) -> Self {
        self.once = true;
        self
    }

    /// The form with its per-argument documentation.
    pub const fn arg_docs(mut self, arg_docs: &'static [&'static str]) -> Self {
        self.arg_docs = arg_docs;
        self
    }

    /// The form, whose lines `counter` numbers.
    pub const fn counter(mut self, counter: CounterDef) -> Self {
        self.counter = Some(counter);
        self
    }

    /// The form with the arguments that count lines of other commands.
    pub const fn counts(mut self, counts: &'static [CountDef]) -> Self {
        self.counts = counts;
        self
    }

    /// The form with the arguments that define or name ids.
    pub const fn links(mut self, links: &'static [LinkDef]) -> Self {
        self.links = links;
        self
    }
}

/// A form's `counter`: its lines are numbered `index` of `total` within one answer to a request, counted
/// separately per value of the `per` argument. Each field is a position in [`Shape::args`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CounterDef {
    /// The argument holding the line's position, from 1.
    pub index: usize,
    /// The argument holding how many lines there are.
    pub total: usize,
    /// The argument whose value keeps separate counts (such as the list), when there is one.
    pub per: Option<usize>,
}

/// One entry of a form's `counts`: argument `arg` (a position in [`Shape::args`]) holds how many lines of
/// `command` follow in the same answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountDef {
    /// The argument's position.
    pub arg: usize,
    /// The command whose lines it counts.
    pub command: &'static str,
}

/// Whether an argument defines ids or refers to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRole {
    /// The value is an id that later lines of the answer may name.
    Defines,
    /// The value names ids (separated by commas) that earlier lines of the answer defined.
    Refers,
}

/// `defines` or `refers` on an argument: argument `arg` (a position in [`Shape::args`]) defines or names ids of
/// kind `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkDef {
    /// The argument's position.
    pub arg: usize,
    /// Defines or refers.
    pub role: LinkRole,
    /// The kind of id, such as `group`.
    pub kind: &'static str,
}

/// Where a form comes from. A form with `seen` and no `documented` is real-world but not in the documentation:
/// the validator says so when a line takes it (`undocumented-form`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The documentation page that gives it, such as `commands/usr.md`.
    pub documented: Option<&'static str>,
    /// Real traffic that shows it: client, year, version.
    pub seen: Option<&'static str>,
    /// The code (a server's or a client's) it is inferred from.
    pub inferred: Option<&'static str>,
}

impl Evidence {
    /// Whether only real traffic shows the form: no documentation gives it.
    pub fn seen_only(&self) -> bool {
        self.seen.is_some() && self.documented.is_none()
    }

    /// The evidence as one line, such as `documented: commands/iln.md; seen: aMSN, 2008, MSNP12`.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [("documented", self.documented), ("seen", self.seen), ("inferred", self.inferred)]
            .iter()
            .filter_map(|(kind, text)| text.map(|t| format!("{kind}: {t}")))
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// A command as one version has it.
#[derive(Debug)]
pub struct CommandDef {
    /// Three letters, such as `USR`.
    pub name: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// Where it is used.
    pub services: Services,
    /// Error codes documented as answers to it.
    pub errors: &'static [u16],
    /// The version that introduced it.
    pub since: &'static str,
    /// What is not verified about the command in this version, when the sources leave something open.
    pub unverified: Option<&'static str>,
    /// Its forms, in the order they are tried.
    pub forms: &'static [&'static FormDef],
    /// Whether some client form carries a payload.
    pub client_payload: bool,
    /// Whether some server form carries a payload.
    pub server_payload: bool,
}

impl CommandDef {
    /// Command `name` with `forms`, introduced by `since`, without error codes; whether its forms carry payloads
    /// is read from their shapes.
    pub const fn new(
        name: &'static str,
        doc: &'static str,
        services: Services,
        since: &'static str,
        forms: &'static [&'static FormDef],
    ) -> Self {
        let (mut client_payload, mut server_payload) = (false, false);
        let mut i = 0;
        while i < forms.len() {
            if forms[i].shape.payload.is_some() {
                match forms[i].from {
                    Dir::Client => client_payload = true,
                    Dir::Server => server_payload = true,
                }
            }
            i += 1;
        }
        CommandDef { name, doc, services, errors: &[], since, unverified: None, forms, client_payload, server_payload }
    }

    /// The command with the error codes documented as answers to it.
    pub const fn errors(mut self, errors: &'static [u16]) -> Self {
        self.errors = errors;
        self
    }

    /// The command with what is not verified about it in this version.
    pub const fn unverified(mut self, unverified: &'static str) -> Self {
        self.unverified = Some(unverified);
        self
    }

    /// The forms `dir` sends, in the order they are tried.
    pub fn forms_from(&self, dir: Dir) -> impl Iterator<Item = &'static FormDef> + Clone {
        let forms: &'static [&'static FormDef] = self.forms;
        forms.iter().copied().filter(move |f| f.from == dir)
    }

    /// Whether a form sent by `dir` carries a payload.
    pub fn has_payload(&self, dir: Dir) -> bool {
        match dir {
            Dir::Client => self.client_payload,
            Dir::Server => self.server_payload,
        }
    }
}

/// A three-byte command name packed into a number that sorts like the name, so that lookups compare numbers
/// instead of strings. `None` for names of another length.
pub fn command_key(name: &str) -> Option<u32> {
    match name.as_bytes() {
        &[a, b, c] => Some(u32::from_be_bytes([0, a, b, c])),
        _ => None,
    }
}

/// Maps a command name (three uppercase letters) straight to its position in a version's command list: one
/// table read instead of a search, since every line needs this lookup.
pub struct CommandIndex(std::sync::OnceLock<Box<[u16]>>);

impl CommandIndex {
    /// An index that builds itself on first use.
    pub const fn new() -> Self {
        CommandIndex(std::sync::OnceLock::new())
    }

    /// The table slot of `name`, or `None` when it is not three uppercase letters.
    fn slot(name: &str) -> Option<usize> {
        match name.as_bytes() {
            &[a @ b'A'..=b'Z', b @ b'A'..=b'Z', c @ b'A'..=b'Z'] => {
                Some((usize::from(a - b'A') * 26 + usize::from(b - b'A')) * 26 + usize::from(c - b'A'))
            }
            _ => None,
        }
    }
}

impl Default for CommandIndex {
    fn default() -> Self {
        CommandIndex::new()
    }
}

impl fmt::Debug for CommandIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CommandIndex")
    }
}

/// A command a version removes.
#[derive(Debug)]
pub struct RemovedDef {
    /// The command.
    pub name: &'static str,
    /// What happens now.
    pub doc: &'static str,
}

/// A resolved version.
#[derive(Debug)]
pub struct VersionDef {
    /// As in VER, such as `MSNP8`.
    pub name: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// The version it extends.
    pub extends: Option<&'static str>,
    /// The official client version that introduced it.
    pub client: Option<&'static str>,
    /// The authentication method.
    pub auth: Option<&'static str>,
    /// The contact-list mechanism.
    pub contact_list: Option<&'static str>,
    /// What is not verified about the version, when the sources leave something open.
    pub unverified: Option<&'static str>,
    /// Every command, sorted by name.
    pub commands: &'static [&'static CommandDef],
    /// The commands' [`command_key`]s, in the same order.
    pub command_keys: &'static [u32],
    /// A direct index from command names to `commands`, built on first use.
    pub index: CommandIndex,
    /// The error codes it knows, ascending.
    pub errors: &'static [u16],
    /// Whether error replies may carry a payload (`NNN TrID length` and the payload).
    pub error_payload: bool,
    /// The commands it removes.
    pub removed: &'static [RemovedDef],
    /// Its position in [`Spec::versions`] (oldest first).
    pub rank: usize,
}

impl VersionDef {
    /// Version `name` at position `rank`, with its commands sorted by name and their [`command_key`]s; no
    /// error codes, removed commands, base, client, authentication or contact-list mechanism.
    pub const fn new(
        name: &'static str,
        doc: &'static str,
        rank: usize,
        commands: &'static [&'static CommandDef],
        command_keys: &'static [u32],
    ) -> Self {
        VersionDef {
            name,
            doc,
            extends: None,
            client: None,
            auth: None,
            contact_list: None,
            unverified: None,
            commands,
            command_keys,
            index: CommandIndex::new(),
            errors: &[],
            error_payload: false,
            removed: &[],
            rank,
        }
    }

    /// The version with the version it extends.
    pub const fn extends(mut self, extends: &'static str) -> Self {
        self.extends = Some(extends);
        self
    }

    /// The version with the official client version that introduced it.
    pub const fn client(mut self, client: &'static str) -> Self {
        self.client = Some(client);
        self
    }

    /// The version with its authentication method.
    pub const fn auth(mut self, auth: &'static str) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The version with its contact-list mechanism.
    pub const fn contact_list(mut self, contact_list: &'static str) -> Self {
        self.contact_list = Some(contact_list);
        self
    }

    /// The version with what is not verified about it.
    pub const fn unverified(mut self, unverified: &'static str) -> Self {
        self.unverified = Some(unverified);
        self
    }

    /// The version with the error codes it knows, ascending.
    pub const fn errors(mut self, errors: &'static [u16]) -> Self {
        self.errors = errors;
        self
    }

    /// The version, whose error replies may carry a payload.
    pub const fn error_payload(mut self) -> Self {
        self.error_payload = true;
        self
    }

    /// The version with the commands it removes.
    pub const fn removed(mut self, removed: &'static [RemovedDef]) -> Self {
        self.removed = removed;
        self
    }

    /// The number in the name: 8 for MSNP8, 0 for a name without one (CVR0 counts as 0).
    pub fn number(&self) -> u32 {
        self.name.strip_prefix("MSNP").and_then(|n| n.parse().ok()).unwrap_or(0)
    }

    /// The command called `name`.
    pub fn command(&self, name: &str) -> Option<&'static CommandDef> {
        let commands: &'static [&'static CommandDef] = self.commands;
        let slot = CommandIndex::slot(name)?;
        let table = self.index.0.get_or_init(|| {
            let mut table = vec![0u16; 26 * 26 * 26];
            for (i, command) in commands.iter().enumerate() {
                if let (Some(slot), Ok(position)) = (CommandIndex::slot(command.name), u16::try_from(i + 1)) {
                    table[slot] = position;
                }
            }
            table.into_boxed_slice()
        });
        let position = *table.get(slot)?;
        commands.get(usize::from(position).checked_sub(1)?).copied()
    }

    /// Whether the version knows error `code`.
    pub fn knows_error(&self, code: u16) -> bool {
        self.errors.binary_search(&code).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::pack_word;

    #[test]
    fn packed_words_differ_when_the_words_do() {
        let words = ["", "A", "AL", "ALA", "NLN", "BSY", "MD5", "Hotmail", "PASSWORD", "N2PACCOUNT", "\u{e9}"];
        for a in words {
            for b in words {
                let (pa, pb) = (pack_word(a), pack_word(b));
                if pa != 0 && pb != 0 {
                    assert_eq!(pa == pb, a == b, "{a:?} {b:?}");
                }
            }
            assert_eq!(pack_word(a) == 0, a.is_empty() || a.len() > 7, "{a:?}");
        }
    }
}
