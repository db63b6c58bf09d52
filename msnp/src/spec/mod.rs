//! The spec at run time: the tables the generator emits from `spec/*.toml` (see [`crate::generated`]), which
//! the matcher, the validator and `msnp spec` read. Every reference is `'static`: the compiled-in spec lives in
//! statics.
//!
//! - [`value`]: checks of argument values and conversions between tokens and Rust values;
//! - [`compare`]: what changes between versions, and the history of a command;
//! - [`WebServiceDef`]: the web services (HTTP and SOAP) clients call beside their MSNP connections;
//! - `runtime` (feature `runtime-spec`): the same tables built from a spec directory at run time.

pub mod compare;
mod form;
#[cfg(feature = "runtime-spec")]
pub mod runtime;
mod service;
mod shape;
mod types;
pub mod value;

pub use form::{CountDef, CounterDef, Evidence, FormDef, LinkDef, LinkRole};
pub use service::{HttpMessageDef, WebServiceDef, WebServiceKind};
pub use shape::{ArgDef, ArgKind, PayloadDef, PayloadKind, Shape, Trid};
pub use types::{EnumValue, TypeDef, TypeKind, ValueError, pack_word};

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
    /// The web services clients call beside their MSNP connections, in spec order.
    pub services: &'static [WebServiceDef],
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
    /// Version `name` at position `rank`, with its commands sorted by name; no error codes, removed commands,
    /// base, client, authentication or contact-list mechanism.
    pub const fn new(
        name: &'static str,
        doc: &'static str,
        rank: usize,
        commands: &'static [&'static CommandDef],
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
