//! The resolved spec: what the check and resolve stages produce and the emitter consumes.
//!
//! Every version's command set is complete here (its `extends` chain applied), command syntaxes are
//! deduplicated into shapes, and all names are checked. The model holds no spans: it is valid by construction.

/// The whole spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Value types, in file order.
    pub types: Vec<Type>,
    /// Error codes, in ascending order.
    pub errors: Vec<ErrorCode>,
    /// Distinct command syntaxes, in order of first appearance.
    pub shapes: Vec<Shape>,
    /// Negotiable versions (abstract bases left out), oldest first.
    pub versions: Vec<Version>,
    /// The web services clients call beside their MSNP connections, in file order.
    pub web_services: Vec<WebService>,
}

/// A web service: an HTTP endpoint a client calls beside its MSNP connections (the Passport nexus and login
/// server, the SSO token service, the address-book SOAP services).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebService {
    /// The spec name, such as `passport-login`.
    pub name: String,
    /// One line of documentation.
    pub doc: String,
    /// Plain HTTP, or SOAP (an XML envelope in each direction).
    pub kind: WebServiceKind,
    /// The HTTP method, such as `GET`.
    pub method: String,
    /// The paths it is reached at, as seen (`/login2.srf`).
    pub paths: Vec<String>,
    /// The `SOAPAction` header that names it, for SOAP services that have one.
    pub action: Option<String>,
    /// The first version whose clients call it.
    pub since: String,
    /// The last version whose clients call it, when it is not still in use.
    pub until: Option<String>,
    /// What the sources leave open about it.
    pub unverified: Option<String>,
    /// Where it comes from.
    pub evidence: Evidence,
    /// What the request must hold.
    pub request: HttpMessage,
    /// What a response must hold.
    pub response: HttpMessage,
}

/// Plain HTTP or SOAP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebServiceKind {
    /// Headers and an optional body the spec says nothing about.
    Http,
    /// A SOAP envelope whose body holds one document element.
    Soap,
}

/// What one direction of a web service's exchange must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpMessage {
    /// SOAP: the first element inside the envelope's `Body` (local name).
    pub document: Option<String>,
    /// Elements (local names) that must occur anywhere in the envelope.
    pub elements: Vec<String>,
    /// Headers that must be present (in a response: a success, 2xx, response).
    pub headers: Vec<String>,
}

/// A value type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Type {
    /// The spec name, such as `list-version`.
    pub name: String,
    /// One line of documentation.
    pub doc: String,
    /// How values are recognised.
    pub kind: TypeKind,
    /// The longest wire form in bytes, when limited.
    pub max_len: Option<u32>,
}

/// How a type's values are recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeKind {
    /// A runtime check.
    Check(Check),
    /// One of a fixed set of words.
    Enum(Vec<EnumValue>),
    /// Any of other types (indices into [`Spec::types`]).
    AnyOf(Vec<usize>),
    /// Other types joined by a separator, such as `network-id:handle`: the token is cut at the first
    /// separators, one part per type, the last part taking the rest.
    Parts {
        /// What joins the parts.
        separator: String,
        /// The parts' types (indices into [`Spec::types`]).
        parts: Vec<usize>,
    },
}

pub use crate::vocabulary::Check;

/// One value of an enumerated type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumValue {
    /// The wire word.
    pub value: String,
    /// One line of documentation.
    pub doc: String,
}

/// A numeric error code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorCode {
    /// The three-digit code.
    pub code: u16,
    /// The draft or HRESULT name, when known.
    pub name: Option<String>,
    /// What it means.
    pub doc: String,
}

/// Who sends a form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dir {
    /// Client to server.
    Client,
    /// Server to client.
    Server,
}

/// Whether a TrID follows the command name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trid {
    /// A TrID is present.
    Yes,
    /// No TrID.
    No,
    /// The literal `0`.
    Zero,
}

/// A server role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// Dispatch server.
    Ds,
    /// Notification server.
    Ns,
    /// Switchboard.
    Sb,
}

impl Service {
    /// The set of `services` as the tables' bit mask: DS is 1, NS 2, SB 4.
    pub fn mask(services: &[Service]) -> u8 {
        services.iter().fold(0, |bits, s| {
            bits | match s {
                Service::Ds => 1,
                Service::Ns => 2,
                Service::Sb => 4,
            }
        })
    }

    /// The spec's name: `DS`, `NS` or `SB`.
    pub fn name(self) -> &'static str {
        match self {
            Service::Ds => "DS",
            Service::Ns => "NS",
            Service::Sb => "SB",
        }
    }
}

/// What a payload holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

/// A command syntax: what the parser and serializer of one generated struct follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The Rust struct name, such as `UsrOkV8`.
    pub rust_name: String,
    /// The command, such as `USR`.
    pub command: String,
    /// Whether a TrID follows the command.
    pub trid: Trid,
    /// The arguments after the TrID.
    pub args: Vec<Arg>,
    /// The payload, when one follows.
    pub payload: Option<Payload>,
    /// Documentation: the first form with this shape.
    pub doc: String,
}

/// An argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// A value or a literal.
    pub kind: ArgKind,
    /// One line of documentation (may be empty for literals).
    pub doc: String,
    /// Whether it may be absent.
    pub optional: bool,
    /// Whether it takes every remaining token.
    pub repeat: bool,
    /// The text before the value in the wire token.
    pub prefix: Option<String>,
}

/// What an argument holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// A named value of a type (index into [`Spec::types`]).
    Value {
        /// The spec name, such as `list-version`.
        name: String,
        /// The type's index.
        ty: usize,
    },
    /// A fixed word; an optional one has a name, which becomes a `bool` field saying whether it was present.
    Literal {
        /// The word.
        word: String,
        /// The field name of an optional literal.
        name: Option<String>,
    },
}

/// A payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payload {
    /// Index of the length argument (always the last).
    pub length_arg: usize,
    /// What it holds.
    pub kind: PayloadKind,
    /// An XML payload's document element, when the spec names it.
    pub root: Option<String>,
    /// Elements an XML payload must contain.
    pub elements: Vec<String>,
}

/// A resolved version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// As in VER, such as `MSNP8`.
    pub name: String,
    /// The version it extends (may be an abstract base).
    pub extends: Option<String>,
    /// One line of documentation.
    pub doc: String,
    /// The official client version that introduced it.
    pub client: Option<String>,
    /// The authentication method.
    pub auth: Option<String>,
    /// The contact-list mechanism.
    pub contact_list: Option<String>,
    /// What is not verified about the version, when something is not.
    pub unverified: Option<String>,
    /// The file it was read from.
    pub file: String,
    /// Every command of the version, in definition order.
    pub commands: Vec<Command>,
    /// The error codes it knows, ascending.
    pub errors: Vec<u16>,
    /// Whether error replies may carry a payload (`NNN TrID length` and the payload).
    pub error_payload: bool,
    /// Commands this version removes, with what happens now.
    pub removed: Vec<Removed>,
}

/// A command as a version has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Three letters, such as `USR`.
    pub name: String,
    /// One line of documentation.
    pub doc: String,
    /// Where it is used.
    pub services: Vec<Service>,
    /// Error codes documented as answers to it.
    pub errors: Vec<u16>,
    /// The version that introduced it.
    pub since: String,
    /// What is not verified about the command as its latest statement has it.
    pub unverified: Option<String>,
    /// Its forms, in the order they are tried.
    pub forms: Vec<Form>,
}

/// A form as a version has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The spec name, such as `md5-i`.
    pub name: String,
    /// Who sends it.
    pub from: Dir,
    /// Index into [`Spec::shapes`].
    pub shape: usize,
    /// Where it is used.
    pub services: Vec<Service>,
    /// The requests it answers.
    pub answers: Vec<String>,
    /// The warning given when it matches.
    pub warn: Option<String>,
    /// What is not verified about the form as it stands.
    pub unverified: Option<String>,
    /// Where the form comes from.
    pub evidence: Evidence,
    /// Whether a request gets at most one reply of this form.
    pub once: bool,
    /// One line of documentation (may be empty).
    pub doc: String,
    /// The version whose file defined it as it stands.
    pub since: String,
    /// Per-argument documentation (resolved, including inherited docs), one per shape argument.
    pub arg_docs: Vec<String>,
    /// Which arguments number the form's lines, when they are numbered.
    pub counter: Option<Counter>,
    /// Arguments that say how many lines of another command follow in the same answer.
    pub counts: Vec<Count>,
    /// Arguments whose values define ids, or refer to ids defined, within the same answer.
    pub links: Vec<Link>,
}

/// Where a form comes from: the documentation, real traffic, or code. Empty when the spec says nothing (then
/// the form should be `unverified`; `msnp spec check` warns otherwise).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The documentation page, such as `commands/usr.md`.
    pub documented: Option<String>,
    /// Real traffic: client, year, version, as a short note.
    pub seen: Option<String>,
    /// The code (a server's or a client's) it is inferred from.
    pub inferred: Option<String>,
}

impl Evidence {
    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.documented.is_none() && self.seen.is_none() && self.inferred.is_none()
    }
}

/// `counter`: lines of a form numbered `index` of `total` within one answer, counted separately per value of
/// the `per` argument. The numbers are positions among the shape's arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter {
    /// The argument holding the line's position, from 1.
    pub index: usize,
    /// The argument holding how many lines there are.
    pub total: usize,
    /// The argument whose value keeps separate counts (such as the list), when there is one.
    pub per: Option<usize>,
}

/// One entry of `counts`: argument `arg` holds how many lines of `command` follow in the same answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    /// The argument's position among the shape's arguments.
    pub arg: usize,
    /// The command whose lines it counts.
    pub command: String,
}

/// Whether an argument defines ids or refers to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkRole {
    /// The value is an id that later lines of the answer may name.
    Defines,
    /// The value names ids (several, separated by commas) that earlier lines of the answer defined.
    Refers,
}

/// `defines` or `refers` on an argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The argument's position among the shape's arguments.
    pub arg: usize,
    /// Defines or refers.
    pub role: LinkRole,
    /// The kind of id, such as `group`.
    pub kind: String,
}

/// A removed command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed {
    /// The command.
    pub name: String,
    /// What happens now.
    pub doc: String,
}

impl Spec {
    /// The version called `name`.
    pub fn version(&self, name: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.name == name)
    }
}

impl Version {
    /// The command called `name`.
    pub fn command(&self, name: &str) -> Option<&Command> {
        self.commands.iter().find(|c| c.name == name)
    }

    /// The commands sorted by name, as the tables hold them (the order lookups rely on).
    pub fn sorted_commands(&self) -> Vec<&Command> {
        let mut commands: Vec<&Command> = self.commands.iter().collect();
        commands.sort_by(|a, b| a.name.cmp(&b.name));
        commands
    }
}

impl Command {
    /// Whether a form `dir` sends carries a payload.
    pub fn carries_payload(&self, spec: &Spec, dir: Dir) -> bool {
        self.forms.iter().any(|f| f.from == dir && spec.shapes[f.shape].payload.is_some())
    }
}
