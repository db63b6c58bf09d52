//! Check stage: every file on its own. Names, enumerations, argument lists and references to types and
//! error codes are checked here, and the documents are lowered into drafts that keep locations for the
//! resolve stage. Every problem is recorded; a broken item is left out of the drafts rather than stopping.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use toml::Spanned;

use crate::diag::{Diagnostics, Loc};
use crate::load::{self, Documents, loc};
use crate::model::{
    ArgKind, Check, Dir, EnumValue, ErrorCode, Evidence, LinkRole, PayloadKind, Service, Trid, Type, TypeKind,
};

/// Everything the check stage produces.
#[derive(Debug, Default)]
pub struct Checked {
    /// The value types, in file order.
    pub types: Vec<Type>,
    /// Type name to index.
    pub type_index: HashMap<String, usize>,
    /// The error codes, ascending.
    pub errors: Vec<ErrorCode>,
    /// The version files.
    pub versions: Vec<VersionDraft>,
}

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

/// Checks every document.
pub fn check(docs: &Documents, diags: &mut Diagnostics) -> Checked {
    let mut checked = Checked::default();
    if let Some((file, types)) = &docs.types {
        check_types(*file, types, &mut checked, diags);
    }
    if let Some((file, errors)) = &docs.errors {
        check_errors(*file, errors, &mut checked, diags);
    }
    let codes: HashSet<u16> = checked.errors.iter().map(|e| e.code).collect();
    for (file, doc) in &docs.versions {
        let mut ctx = FileCtx { file: *file, diags, types: &checked.type_index, codes: &codes };
        if let Some(version) = ctx.version(doc) {
            checked.versions.push(version);
        }
    }
    checked
}

// --- names ------------------------------------------------------------------------------------------

/// Whether `name` is lowercase words joined by single hyphens, such as `list-version`.
fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && name.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Whether `name` is a command name: three uppercase letters.
fn is_command_name(name: &str) -> bool {
    name.len() == 3 && name.chars().all(|c| c.is_ascii_uppercase())
}

/// The most arguments a form may have (`msnp::matcher::MAX_ARGS`).
pub const MAX_ARGS: usize = 16;

/// Words a generated field or variant may not be called.
const RESERVED: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "tr_id", "payload",
];

/// The Rust field name of a spec argument name.
pub fn snake(name: &str) -> String {
    name.replace('-', "_")
}

/// Whether `name` can name an XML element: a letter or `_` first, then letters, digits, `-`, `_`, `.` or `:`.
fn is_xml_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// The Rust type or variant name of a spec name: `md5-i` becomes `Md5I`, `MSNP8` becomes `Msnp8`.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(['-', '_']) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

/// A documentation string: one non-empty line without surrounding spaces.
fn check_doc(file: usize, doc: &Spanned<String>, diags: &mut Diagnostics) -> String {
    let text = doc.get_ref();
    if text.trim().is_empty() {
        diags.at(loc(file, doc), "documentation is empty");
    } else if text.contains('\n') {
        diags.at(loc(file, doc), "documentation must be one line");
    } else if text.trim() != text {
        diags.at(loc(file, doc), "documentation has leading or trailing spaces");
    } else if text.chars().any(char::is_control) {
        // Docs are printed to terminals by `msnp spec`; a spec read at run time must not be able to steer them.
        diags.at(loc(file, doc), "documentation holds a control character");
    }
    text.clone()
}

// --- types.toml -----------------------------------------------------------------------------------

fn check_types(file: usize, doc: &load::TypesFile, checked: &mut Checked, diags: &mut Diagnostics) {
    // Names first, so that `any_of` may refer to a type defined further down.
    for (index, name) in doc.types.keys().enumerate() {
        if !is_kebab(name.get_ref()) {
            diags.at(loc(file, name), format!("type name `{}` must be lowercase words joined by '-'", name.get_ref()));
        }
        if checked.type_index.insert(name.get_ref().clone(), index).is_some() {
            diags.at(loc(file, name), format!("type `{}` is defined twice", name.get_ref()));
        }
    }
    for (name, ty) in &doc.types {
        let at = loc(file, ty);
        let ty = ty.get_ref();
        let doc_text = match &ty.doc {
            Some(d) => check_doc(file, d, diags),
            None => {
                diags.at(at.clone(), format!("type `{}` needs a doc line", name.get_ref()));
                String::new()
            }
        };
        let kinds = [ty.check.is_some(), ty.values.is_some(), ty.any_of.is_some(), ty.parts.is_some()];
        if kinds.iter().filter(|k| **k).count() != 1 {
            diags.at(
                at.clone(),
                format!("type `{}` needs exactly one of `check`, `values`, `any_of` and `parts`", name.get_ref()),
            );
        }
        match (&ty.separator, &ty.parts) {
            (Some(separator), None) => diags.at(loc(file, separator), "`separator` applies to `parts` only"),
            (None, Some(parts)) => diags.at(loc(file, parts), "`parts` needs a `separator`"),
            (Some(separator), Some(_)) if separator.get_ref().is_empty() || separator.get_ref().contains(' ') => {
                diags.at(loc(file, separator), "a separator is one or more characters other than spaces")
            }
            _ => {}
        }
        let kind = if let Some(check) = &ty.check {
            match Check::from_name(
                check.get_ref(),
                ty.max.as_ref().map(|m| *m.get_ref()),
                ty.len.as_ref().map(|l| *l.get_ref()),
            ) {
                Some(c) => {
                    if ty.max.is_some() && !matches!(c, Check::Uint { .. }) {
                        diags.at(at.clone(), "`max` applies to check = \"uint\" only");
                    }
                    if ty.len.is_some() && !matches!(c, Check::Hex { .. }) {
                        diags.at(at.clone(), "`len` applies to check = \"hex\" only");
                    }
                    TypeKind::Check(c)
                }
                None => {
                    diags.at(
                        loc(file, check),
                        format!("unknown check `{}`; the checks are {}", check.get_ref(), Check::NAMES.join(", ")),
                    );
                    TypeKind::Check(Check::Token)
                }
            }
        } else if let Some(values) = &ty.values {
            TypeKind::Enum(check_values(file, values, diags))
        } else if let Some(any_of) = &ty.any_of {
            let own = checked.type_index[name.get_ref()];
            let members = member_types(file, any_of, own, &checked.type_index, "members", diags);
            if any_of.get_ref().is_empty() {
                diags.at(loc(file, any_of), "`any_of` needs at least one type");
            }
            TypeKind::AnyOf(members)
        } else if let Some(parts) = &ty.parts {
            let own = checked.type_index[name.get_ref()];
            let members = member_types(file, parts, own, &checked.type_index, "parts", diags);
            if parts.get_ref().len() < 2 {
                diags.at(loc(file, parts), "`parts` needs at least two types");
            }
            TypeKind::Parts {
                separator: ty.separator.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default(),
                parts: members,
            }
        } else {
            TypeKind::Check(Check::Token)
        };
        if ty.values.is_some() || ty.any_of.is_some() || ty.parts.is_some() {
            for (key, present) in [("max", ty.max.is_some()), ("len", ty.len.is_some())] {
                if present {
                    diags.at(at.clone(), format!("`{key}` applies to checked types only"));
                }
            }
        }
        checked.types.push(Type {
            name: name.get_ref().clone(),
            doc: doc_text,
            kind,
            max_len: ty.max_len.as_ref().map(|m| *m.get_ref()),
        });
    }
    // A joined type is made of simple types, and a union of simple or joined types: matching goes at most two
    // levels deep, and no cycle can form.
    for (name, ty) in &doc.types {
        let ty = ty.get_ref();
        for (list, what) in [(&ty.any_of, "union"), (&ty.parts, "joined type")] {
            for member in list.iter().flat_map(|l| l.get_ref()) {
                if let Some(&i) = checked.type_index.get(member.get_ref())
                    && member.get_ref() != name.get_ref()
                    && match checked.types[i].kind {
                        TypeKind::AnyOf(_) => true,
                        TypeKind::Parts { .. } => what == "joined type",
                        _ => false,
                    }
                {
                    diags.at(
                        loc(file, member),
                        format!(
                            "type `{}` is a {what} of `{}`, which is itself made of types",
                            name.get_ref(),
                            member.get_ref()
                        ),
                    );
                }
            }
        }
    }
}

/// The indices of the types a union or a joined type is made of (`what` names them in messages); `own` is the
/// type's own index, which it cannot list.
fn member_types(
    file: usize,
    list: &Spanned<Vec<Spanned<String>>>,
    own: usize,
    index: &HashMap<String, usize>,
    what: &str,
    diags: &mut Diagnostics,
) -> Vec<usize> {
    let mut members = Vec::new();
    for member in list.get_ref() {
        match index.get(member.get_ref()) {
            Some(&i) if i != own => members.push(i),
            Some(_) => diags.at(loc(file, member), format!("a type cannot be one of its own {what}")),
            None => diags.at(loc(file, member), format!("unknown type `{}`", member.get_ref())),
        }
    }
    members
}

fn check_values(
    file: usize,
    values: &Spanned<Vec<Spanned<load::ValueDoc>>>,
    diags: &mut Diagnostics,
) -> Vec<EnumValue> {
    if values.get_ref().is_empty() {
        diags.at(loc(file, values), "`values` needs at least one value");
    }
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for value in values.get_ref() {
        let v = value.get_ref();
        let word = v.value.get_ref();
        let valid =
            word.starts_with(|c: char| c.is_ascii_alphabetic()) && word.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid {
            diags.at(loc(file, &v.value), format!("value `{word}` must be a letter followed by letters and digits"));
        } else if let Some(other) = seen.insert(camel(word), word.clone()) {
            diags.at(loc(file, &v.value), format!("value `{word}` clashes with `{other}` (same Rust name)"));
        }
        let doc = match &v.doc {
            Some(d) => check_doc(file, d, diags),
            None => {
                diags.at(loc(file, value), format!("value `{word}` needs a doc line"));
                String::new()
            }
        };
        out.push(EnumValue { value: word.clone(), doc });
    }
    out
}

// --- errors.toml ----------------------------------------------------------------------------------

fn check_errors(file: usize, doc: &load::ErrorsFile, checked: &mut Checked, diags: &mut Diagnostics) {
    for (code, error) in &doc.error {
        let parsed =
            code.get_ref().parse::<u16>().ok().filter(|c| (100..=999).contains(c) && code.get_ref().len() == 3);
        let Some(number) = parsed else {
            diags.at(loc(file, code), format!("error code `{}` must be three digits", code.get_ref()));
            continue;
        };
        let error = error.get_ref();
        let doc_text = match &error.doc {
            Some(d) => check_doc(file, d, diags),
            None => {
                diags.at(loc(file, code), format!("error {number} needs a doc line"));
                String::new()
            }
        };
        if checked.errors.iter().any(|e| e.code == number) {
            diags.at(loc(file, code), format!("error {number} is defined twice"));
            continue;
        }
        checked.errors.push(ErrorCode {
            code: number,
            name: error.name.as_ref().map(|n| n.get_ref().clone()),
            doc: doc_text,
        });
    }
    checked.errors.sort_by_key(|e| e.code);
}

// --- version files -------------------------------------------------------------------------------

struct FileCtx<'a> {
    file: usize,
    diags: &'a mut Diagnostics,
    types: &'a HashMap<String, usize>,
    codes: &'a HashSet<u16>,
}

impl FileCtx<'_> {
    fn loc<T>(&self, value: &Spanned<T>) -> Loc {
        loc(self.file, value)
    }

    fn doc(&mut self, doc: &Option<Spanned<String>>) -> Option<String> {
        doc.as_ref().map(|d| check_doc(self.file, d, self.diags))
    }

    fn version(&mut self, doc: &load::VersionFile) -> Option<VersionDraft> {
        let header = doc.version.get_ref();
        let name = header.name.get_ref();
        let valid_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid_name {
            self.diags.at(self.loc(&header.name), format!("version name `{name}` must be letters and digits"));
        }
        let version_doc = self.doc(&header.doc).unwrap_or_else(|| {
            self.diags.at(self.loc(&doc.version), format!("version `{name}` needs a doc line"));
            String::new()
        });
        let mut errors_introduced = Vec::new();
        let mut errors_removed = Vec::new();
        if let Some(errors) = &doc.errors {
            for (list, out) in [
                (&errors.get_ref().introduces, &mut errors_introduced),
                (&errors.get_ref().removes, &mut errors_removed),
            ] {
                for code in list {
                    if self.codes.contains(code.get_ref()) {
                        out.push((*code.get_ref(), self.loc(code)));
                    } else {
                        self.diags
                            .at(self.loc(code), format!("error {} is not defined in errors.toml", code.get_ref()));
                    }
                }
            }
        }
        let mut removes = Vec::new();
        for (command, removal) in &doc.removes {
            let doc = self.doc(&removal.get_ref().doc).unwrap_or_else(|| {
                self.diags.at(
                    self.loc(command),
                    format!("the removal of `{}` needs a doc line saying what happens now", command.get_ref()),
                );
                String::new()
            });
            removes.push(RemoveDraft { name: command.get_ref().clone(), loc: self.loc(command), doc });
        }
        let mut commands = Vec::new();
        for (command_name, command) in &doc.command {
            if !is_command_name(command_name.get_ref()) {
                self.diags.at(
                    self.loc(command_name),
                    format!("command name `{}` must be three uppercase letters", command_name.get_ref()),
                );
                continue;
            }
            commands.push(self.command(command_name, command.get_ref()));
        }
        let error_payload = doc.errors.as_ref().and_then(|e| e.get_ref().payload);
        valid_name.then(|| VersionDraft {
            name: name.clone(),
            name_loc: self.loc(&header.name),
            extends: header.extends.as_ref().map(|e| (e.get_ref().clone(), self.loc(e))),
            is_abstract: header.is_abstract,
            doc: version_doc,
            client: header.client.as_ref().map(|v| v.get_ref().clone()),
            auth: header.auth.as_ref().map(|v| v.get_ref().clone()),
            contact_list: header.contact_list.as_ref().map(|v| v.get_ref().clone()),
            unverified: header.unverified.as_ref().map(|u| check_doc(self.file, u, self.diags)),
            file: self.file,
            errors_introduced,
            errors_removed,
            error_payload,
            removes,
            commands,
        })
    }

    fn services(&mut self, services: &Option<Spanned<Vec<Spanned<String>>>>) -> Option<Vec<Service>> {
        let services = services.as_ref()?;
        if services.get_ref().is_empty() {
            self.diags.at(self.loc(services), "`services` needs at least one of DS, NS and SB");
        }
        let mut out = Vec::new();
        for service in services.get_ref() {
            match service.get_ref().as_str() {
                "DS" => out.push(Service::Ds),
                "NS" => out.push(Service::Ns),
                "SB" => out.push(Service::Sb),
                other => self
                    .diags
                    .at(self.loc(service), format!("unknown service `{other}`; the services are DS, NS and SB")),
            }
        }
        out.sort();
        out.dedup();
        Some(out)
    }

    fn command(&mut self, name: &Spanned<String>, command: &load::CommandDoc) -> CommandDraft {
        let doc = self.doc(&command.doc);
        let services = self.services(&command.services);
        let errors = command.errors.as_ref().map(|errors| {
            let mut out = Vec::new();
            for code in errors.get_ref() {
                if self.codes.contains(code.get_ref()) {
                    out.push(*code.get_ref());
                } else {
                    self.diags.at(self.loc(code), format!("error {} is not defined in errors.toml", code.get_ref()));
                }
            }
            out
        });
        let remove_forms = command.remove_forms.iter().map(|f| (f.get_ref().clone(), self.loc(f))).collect();
        let mut forms = Vec::new();
        for (form_name, form) in &command.form {
            if !is_kebab(form_name.get_ref()) {
                self.diags.at(
                    self.loc(form_name),
                    format!("form name `{}` must be lowercase words joined by '-'", form_name.get_ref()),
                );
                continue;
            }
            if let Some(form) = self.form(form_name, form.get_ref()) {
                forms.push(form);
            }
        }
        CommandDraft {
            name: name.get_ref().clone(),
            loc: self.loc(name),
            doc,
            services,
            errors,
            unverified: command.unverified.as_ref().map(|u| check_doc(self.file, u, self.diags)),
            evidence: command.evidence.as_ref().map(|e| self.evidence(e)),
            remove_forms,
            forms,
            had_forms: !command.form.is_empty(),
        }
    }

    fn form(&mut self, name: &Spanned<String>, form: &load::FormDoc) -> Option<FormDraft> {
        let from = form.from.as_ref().and_then(|from| match from.get_ref().as_str() {
            "client" => Some(Dir::Client),
            "server" => Some(Dir::Server),
            other => {
                self.diags.at(self.loc(from), format!("`from` must be \"client\" or \"server\", not `{other}`"));
                None
            }
        });
        let trid = form.trid.as_ref().and_then(|trid| match trid.get_ref().as_str() {
            "yes" => Some(Trid::Yes),
            "no" => Some(Trid::No),
            "zero" => Some(Trid::Zero),
            other => {
                self.diags.at(self.loc(trid), format!("`trid` must be \"yes\", \"no\" or \"zero\", not `{other}`"));
                None
            }
        });
        // A form whose `from` or `trid` is unreadable is left out, so that nothing else is reported about it.
        if (form.from.is_some() && from.is_none()) || (form.trid.is_some() && trid.is_none()) {
            return None;
        }
        if let (Some(Dir::Client), Some(Trid::Zero), Some(at)) = (from, trid, &form.trid) {
            self.diags.at(self.loc(at), "trid = \"zero\" marks a server push; a client form cannot have it");
        }
        let doc = self.doc(&form.doc);
        let services = self.services(&form.services);
        let answers = form.answers.as_ref().map(|answers| {
            let mut out = Vec::new();
            for answer in answers.get_ref() {
                if is_command_name(answer.get_ref()) {
                    out.push((answer.get_ref().clone(), self.loc(answer)));
                } else {
                    self.diags.at(self.loc(answer), format!("`{}` is not a command name", answer.get_ref()));
                }
            }
            out
        });
        if let (Some(Dir::Client), Some(answers)) = (from, &form.answers) {
            self.diags.at(self.loc(answers), "`answers` applies to server forms only");
        }
        let warn = form.warn.as_ref().map(|w| check_doc(self.file, w, self.diags));
        let args = form.args.as_ref().map(|args| self.args(args));
        let payload = form.payload.as_ref().and_then(|payload| {
            let p = payload.get_ref();
            let kind = match p.kind.get_ref().as_str() {
                "mime" => PayloadKind::Mime,
                "xml" => PayloadKind::Xml,
                "text" => PayloadKind::Text,
                "binary" => PayloadKind::Binary,
                other => {
                    self.diags.at(
                        self.loc(&p.kind),
                        format!("payload kind must be mime, xml, text or binary, not `{other}`"),
                    );
                    return None;
                }
            };
            let mut names = p.root.iter().chain(&p.elements);
            if kind != PayloadKind::Xml
                && let Some(first) = names.next()
            {
                self.diags.at(self.loc(first), "`root` and `elements` apply to XML payloads only");
            }
            for name in p.root.iter().chain(&p.elements) {
                if !is_xml_name(name.get_ref()) {
                    self.diags.at(self.loc(name), format!("`{}` is not an XML element name", name.get_ref()));
                }
            }
            Some(PayloadDraft {
                length: p.length.get_ref().clone(),
                kind,
                root: p.root.as_ref().map(|r| r.get_ref().clone()),
                elements: p.elements.iter().map(|e| e.get_ref().clone()).collect(),
                loc: self.loc(&p.length),
            })
        });
        if let (Some(true), Some(Dir::Client)) = (form.once, from) {
            self.diags.at(self.loc(name), "`once` applies to server forms only");
        }
        let counter = form.counter.as_ref().map(|counter| {
            let c = counter.get_ref();
            let named = |value: &Spanned<String>| (value.get_ref().clone(), self.loc(value));
            CounterDraft { index: named(&c.index), total: named(&c.total), per: c.per.as_ref().map(named) }
        });
        let counts = form.counts.as_ref().map(|counts| self.counts(counts));
        for (key, given) in
            [("counter", form.counter.as_ref().map(|c| c.span())), ("counts", form.counts.as_ref().map(|c| c.span()))]
        {
            if let (Some(span), Some(Dir::Client)) = (given, from) {
                self.diags.at(Loc { file: self.file, span }, format!("`{key}` applies to server forms only"));
            }
        }
        Some(FormDraft {
            name: name.get_ref().clone(),
            loc: self.loc(name),
            from,
            trid,
            doc,
            services,
            answers,
            warn,
            unverified: form.unverified.as_ref().map(|u| check_doc(self.file, u, self.diags)),
            evidence: form.evidence.as_ref().map(|e| self.evidence(e)),
            once: form.once,
            args,
            payload,
            counter,
            counts,
        })
    }

    /// An `evidence` table: at least one of its keys, each one line of prose.
    fn evidence(&mut self, evidence: &Spanned<load::EvidenceDoc>) -> Evidence {
        let e = evidence.get_ref();
        if e.documented.is_none() && e.seen.is_none() && e.inferred.is_none() {
            self.diags.at(self.loc(evidence), "`evidence` needs `documented`, `seen` or `inferred`");
        }
        let (file, diags) = (self.file, &mut *self.diags);
        let mut line = |value: &Option<Spanned<String>>| value.as_ref().map(|v| check_doc(file, v, diags));
        Evidence { documented: line(&e.documented), seen: line(&e.seen), inferred: line(&e.inferred) }
    }

    /// `counts`: each key names an argument, each value the command whose lines it counts.
    fn counts(&mut self, counts: &Spanned<IndexMap<Spanned<String>, Spanned<String>>>) -> Vec<CountDraft> {
        if counts.get_ref().is_empty() {
            self.diags.at(self.loc(counts), "`counts` needs at least one argument");
        }
        let mut out = Vec::new();
        for (arg, command) in counts.get_ref() {
            if !is_command_name(command.get_ref()) {
                self.diags.at(self.loc(command), format!("`{}` is not a command name", command.get_ref()));
                continue;
            }
            out.push(CountDraft {
                arg: (arg.get_ref().clone(), self.loc(arg)),
                command: (command.get_ref().clone(), self.loc(command)),
            });
        }
        out
    }

    /// `defines` or `refers` on an argument: a kind of id, on a named value only, never both.
    fn link(&mut self, arg: &load::ArgDoc, literal: bool) -> Option<LinkDraft> {
        let (role, kind) = match (&arg.defines, &arg.refers) {
            (None, None) => return None,
            (Some(kind), None) => (LinkRole::Defines, kind),
            (None, Some(kind)) => (LinkRole::Refers, kind),
            (Some(_), Some(kind)) => {
                self.diags.at(self.loc(kind), "an argument either `defines` or `refers`, not both");
                return None;
            }
        };
        if literal {
            self.diags.at(self.loc(kind), "`defines` and `refers` apply to named values, not literals");
            return None;
        }
        if !is_kebab(kind.get_ref()) {
            self.diags
                .at(self.loc(kind), format!("id kind `{}` must be lowercase words joined by '-'", kind.get_ref()));
        }
        Some(LinkDraft { role, kind: kind.get_ref().clone(), loc: self.loc(kind) })
    }

    fn args(&mut self, args: &Spanned<Vec<Spanned<load::ArgDoc>>>) -> Vec<ArgDraft> {
        let mut out = Vec::new();
        let mut names = HashSet::new();
        let count = args.get_ref().len();
        if count > MAX_ARGS {
            self.diags.at(
                self.loc(args),
                format!("a form has at most {MAX_ARGS} arguments (the matcher keeps their positions inline)"),
            );
        }
        let mut optional_seen = false;
        for (position, arg) in args.get_ref().iter().enumerate() {
            let at = self.loc(arg);
            let a = arg.get_ref();
            let kind = match (&a.name, &a.ty, &a.literal) {
                (Some(name), Some(ty), None) => {
                    let n = name.get_ref();
                    if !is_kebab(n) {
                        self.diags
                            .at(self.loc(name), format!("argument name `{n}` must be lowercase words joined by '-'"));
                    } else if RESERVED.contains(&snake(n).as_str()) {
                        self.diags.at(
                            self.loc(name),
                            format!("argument name `{n}` is reserved (a Rust keyword or a generated field)"),
                        );
                    }
                    if !names.insert(n.clone()) {
                        self.diags.at(self.loc(name), format!("argument `{n}` appears twice in this form"));
                    }
                    match self.types.get(ty.get_ref()) {
                        Some(&index) => ArgKind::Value { name: n.clone(), ty: index },
                        None => {
                            self.diags.at(self.loc(ty), format!("unknown type `{}`", ty.get_ref()));
                            continue;
                        }
                    }
                }
                (name, None, Some(literal)) => {
                    let l = literal.get_ref();
                    if l.is_empty() || l.contains(char::is_whitespace) {
                        self.diags.at(self.loc(literal), "a literal must be one non-empty word");
                    }
                    if a.prefix.is_some() {
                        self.diags.at(at.clone(), "a literal cannot have a prefix");
                    }
                    if a.repeat {
                        self.diags.at(at.clone(), "a literal cannot repeat");
                    }
                    // An optional literal becomes a bool field, which needs a name.
                    let name = match (name, a.optional) {
                        (Some(name), true) => {
                            let n = name.get_ref();
                            if !is_kebab(n) || RESERVED.contains(&snake(n).as_str()) {
                                self.diags.at(
                                    self.loc(name),
                                    format!(
                                        "argument name `{n}` must be lowercase words joined by '-', not a reserved word"
                                    ),
                                );
                            }
                            if !names.insert(n.clone()) {
                                self.diags.at(self.loc(name), format!("argument `{n}` appears twice in this form"));
                            }
                            Some(n.clone())
                        }
                        (None, true) => {
                            self.diags
                                .at(at.clone(), "an optional literal needs a `name` (its presence becomes a field)");
                            None
                        }
                        (Some(name), false) => {
                            self.diags.at(self.loc(name), "only an optional literal takes a `name`");
                            None
                        }
                        (None, false) => None,
                    };
                    ArgKind::Literal { word: l.clone(), name }
                }
                _ => {
                    self.diags.at(at, "an argument needs `name` and `type`, or `literal` alone");
                    continue;
                }
            };
            if a.repeat && position + 1 != count {
                self.diags.at(at.clone(), "only the last argument may repeat");
            }
            if let Some(prefix) = &a.prefix
                && prefix.get_ref().is_empty()
            {
                self.diags.at(self.loc(prefix), "a prefix cannot be empty");
            }
            // Optional arguments without a prefix or literal to recognise them are filled from the left,
            // so a required argument after them could never be told apart.
            let self_marked = a.prefix.is_some() || matches!(kind, ArgKind::Literal { .. });
            if a.optional && !self_marked {
                optional_seen = true;
            } else if !a.optional && optional_seen {
                self.diags
                    .at(at.clone(), "a required argument cannot follow an optional one without a prefix or literal");
            }
            let link = self.link(a, matches!(kind, ArgKind::Literal { .. }));
            out.push(ArgDraft {
                kind,
                link,
                doc: self.doc(&a.doc),
                optional: a.optional,
                repeat: a.repeat,
                prefix: a.prefix.as_ref().map(|p| p.get_ref().clone()),
                loc: at,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{camel, is_command_name, is_kebab};

    #[test]
    fn names() {
        for (name, ok) in
            [("list-version", true), ("md5-i", true), ("List", false), ("a--b", false), ("-a", false), ("9a", false)]
        {
            assert_eq!(is_kebab(name), ok, "{name}");
        }
        for (name, ok) in [("USR", true), ("Usr", false), ("US", false), ("200", false)] {
            assert_eq!(is_command_name(name), ok, "{name}");
        }
        for (name, rust) in
            [("md5-i", "Md5I"), ("MSNP8", "Msnp8"), ("NLN", "Nln"), ("sb-ok", "SbOk"), ("Hotmail", "Hotmail")]
        {
            assert_eq!(camel(name), rust);
        }
    }
}
