//! The drafts the check stage lowers documents into and the resolve stage consumes: checked values, each with the
//! location its problems are reported at, before version chains are applied.

use crate::diag::Loc;
use crate::model::{ArgKind, Dir, Evidence, LinkRole, PayloadKind, Service, Trid};

/// A version file, checked on its own.
#[derive(Debug)]
pub struct VersionDraft {
    pub name: String,
    pub name_loc: Loc,
    pub extends: Option<(String, Loc)>,
    pub is_abstract: bool,
    pub doc: String,
    pub client: Option<String>,
    pub auth: Option<String>,
    pub contact_list: Option<String>,
    /// What is not verified about the version, when something is not.
    pub unverified: Option<String>,
    pub file: usize,
    pub errors_introduced: Vec<(u16, Loc)>,
    pub errors_removed: Vec<(u16, Loc)>,
    /// Whether error replies may carry a payload from this version on (`None`: as the parent).
    pub error_payload: Option<bool>,
    pub removes: Vec<RemoveDraft>,
    pub commands: Vec<CommandDraft>,
}

/// A `[removes.X]` entry.
#[derive(Debug)]
pub struct RemoveDraft {
    pub name: String,
    pub loc: Loc,
    pub doc: String,
}

/// A `[command.X]` table.
#[derive(Debug)]
pub struct CommandDraft {
    pub name: String,
    pub loc: Loc,
    pub doc: Option<String>,
    pub services: Option<Vec<Service>>,
    pub errors: Option<Vec<u16>>,
    pub unverified: Option<String>,
    /// Where the forms this table states come from, unless a form says otherwise.
    pub evidence: Option<Evidence>,
    pub remove_forms: Vec<(String, Loc)>,
    pub forms: Vec<FormDraft>,
    /// Whether the table had form tables at all (some may have been left out for being unreadable).
    pub had_forms: bool,
}

/// A `[command.X.form.Y]` table.
#[derive(Debug, Clone)]
pub struct FormDraft {
    pub name: String,
    pub loc: Loc,
    pub from: Option<Dir>,
    pub trid: Option<Trid>,
    pub doc: Option<String>,
    pub services: Option<Vec<Service>>,
    pub answers: Option<Vec<(String, Loc)>>,
    pub warn: Option<String>,
    pub unverified: Option<String>,
    pub evidence: Option<Evidence>,
    pub once: Option<bool>,
    /// `None` when a replacing form keeps the arguments of the form it replaces.
    pub args: Option<Vec<ArgDraft>>,
    pub payload: Option<PayloadDraft>,
    pub counter: Option<CounterDraft>,
    /// `counts`: argument names, each with the command whose lines it counts.
    pub counts: Option<Vec<CountDraft>>,
}

/// A `counter` declaration: argument names, resolved against the form's arguments by the resolve stage.
#[derive(Debug, Clone)]
pub struct CounterDraft {
    pub index: (String, Loc),
    pub total: (String, Loc),
    pub per: Option<(String, Loc)>,
}

/// One entry of `counts`.
#[derive(Debug, Clone)]
pub struct CountDraft {
    pub arg: (String, Loc),
    pub command: (String, Loc),
}

/// What an argument's value does for the lines of the same answer: `defines` or `refers` with an id kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkDraft {
    pub role: LinkRole,
    pub kind: String,
    pub loc: Loc,
}

/// One argument.
#[derive(Debug, Clone)]
pub struct ArgDraft {
    pub kind: ArgKind,
    pub doc: Option<String>,
    pub optional: bool,
    pub repeat: bool,
    pub prefix: Option<String>,
    pub link: Option<LinkDraft>,
    pub loc: Loc,
}

/// A payload declaration.
#[derive(Debug, Clone)]
pub struct PayloadDraft {
    pub length: String,
    pub kind: PayloadKind,
    pub root: Option<String>,
    pub elements: Vec<String>,
    pub loc: Loc,
}
