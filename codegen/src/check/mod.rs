//! Check stage: every file on its own, between the load stage (serde documents with spans) and the resolve stage
//! (version chains). Names, enumerations, argument lists and references to types and error codes are checked
//! here, and the documents are lowered into drafts that keep locations for the resolve stage. Every problem is
//! recorded; a broken item is left out of the drafts rather than stopping.
//!
//! [`check`] runs the checkers in order: [`types`] (`types.toml`), then [`errors`] (`errors.toml`), then
//! [`versions`] for each version file, with [`forms`] for the forms of its commands and [`args`] for their argument
//! lists, and last [`services`] (`services.toml`, the web services). The names, doc lines and evidence every
//! checker shares are checked here; [`drafts`] holds what the stage hands to
//! the resolve stage.

mod args;
mod drafts;
mod errors;
mod forms;
mod services;
mod types;
mod versions;

use std::collections::{HashMap, HashSet};

use toml::Spanned;

use crate::diag::Diagnostics;
use crate::load::{Documents, loc};
use crate::model::{ErrorCode, Evidence, Type};

pub use services::ServiceDraft;

pub use drafts::{
    ArgDraft, CommandDraft, CountDraft, CounterDraft, FormDraft, LinkDraft, PayloadDraft, RemoveDraft, VersionDraft,
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
    /// The web services of `services.toml`, in file order.
    pub services: Vec<ServiceDraft>,
}

/// Checks every document.
pub fn check(docs: &Documents, diags: &mut Diagnostics) -> Checked {
    let mut checked = Checked::default();
    if let Some((file, types)) = &docs.types {
        types::check_types(*file, types, &mut checked, diags);
    }
    if let Some((file, errors)) = &docs.errors {
        errors::check_errors(*file, errors, &mut checked, diags);
    }
    let codes: HashSet<u16> = checked.errors.iter().map(|e| e.code).collect();
    for (file, doc) in &docs.versions {
        let mut ctx = versions::FileCtx { file: *file, diags, types: &checked.type_index, codes: &codes };
        if let Some(version) = ctx.version(doc) {
            checked.versions.push(version);
        }
    }
    if let Some((file, services)) = &docs.services {
        services::check_services(*file, services, &mut checked, diags);
    }
    checked
}

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

/// An `evidence` table: at least one of its keys, each one line of prose.
fn check_evidence(file: usize, evidence: &Spanned<crate::load::EvidenceDoc>, diags: &mut Diagnostics) -> Evidence {
    let e = evidence.get_ref();
    if e.documented.is_none() && e.seen.is_none() && e.inferred.is_none() {
        diags.at(loc(file, evidence), "`evidence` needs `documented`, `seen` or `inferred`");
    }
    let mut line = |value: &Option<Spanned<String>>| value.as_ref().map(|v| check_doc(file, v, diags));
    Evidence { documented: line(&e.documented), seen: line(&e.seen), inferred: line(&e.inferred) }
}

#[cfg(test)]
mod tests {
    use super::{camel, check, is_command_name, is_kebab, is_xml_name, snake};
    use crate::diag::Diagnostics;
    use crate::testing::{check_form, errors, parse};

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

    #[test]
    fn field_and_element_names() {
        assert_eq!(snake("list-version"), "list_version");
        for (name, ok) in [("ml", true), ("_x", true), ("a-b.c:d", true), ("1st", false), ("a b", false), ("", false)] {
            assert_eq!(is_xml_name(name), ok, "{name:?}");
        }
    }

    #[test]
    fn doc_lines() {
        for (doc, expected) in [
            ("\"Adds a contact.\"", None),
            ("\"\"", Some("documentation is empty")),
            ("\"  \"", Some("documentation is empty")),
            ("\"Two\\nlines.\"", Some("documentation must be one line")),
            ("\" Spaced.\"", Some("documentation has leading or trailing spaces")),
            ("\"A bell\\u0007.\"", Some("documentation holds a control character")),
        ] {
            let (form, errors) = check_form(&format!("\nfrom = \"client\"\ndoc = {doc}\nargs = []"));
            let expected: Vec<String> = expected.map(|e| format!("spec/v.toml:11:7: {e}")).into_iter().collect();
            assert_eq!(errors, expected, "{doc}");
            // The text is kept as written, whatever is wrong with it.
            assert!(form.and_then(|f| f.doc).is_some(), "{doc}");
        }
    }

    /// The checkers run in order: types, then error codes, then version files, which refer to both.
    #[test]
    fn version_files_see_the_types_and_codes_checked_before() {
        // The version files come first, and `b.toml` extends `a.toml`: the check stage reads each on its own.
        let a = r#"
[version]
name = "A"
doc = "A."

[errors]
introduces = [200, 201]

[command.ADD]
doc = "Adds."
services = ["NS"]

[command.ADD.form.f]
from = "client"
args = [{ name = "n", type = "number" }, { name = "w", type = "word" }]
"#;
        let b = r#"
[version]
name = "B"
extends = "A"
doc = "B."
"#;
        let errors_toml = r#"
[error.200]
doc = "Syntax error."

[error.20]
doc = "Two digits."
"#;
        let types = r#"
[type.number]
doc = "A number."
check = "uint"

[type.Word]
doc = "A bad name."
check = "token"
"#;
        let docs = parse(&[("a.toml", a), ("b.toml", b), ("errors.toml", errors_toml), ("types.toml", types)]);
        let mut diags = Diagnostics::default();
        let checked = check(&docs, &mut diags);
        assert_eq!(
            errors(&docs, diags),
            [
                "spec/a.toml:6:20: error 201 is not defined in errors.toml",
                "spec/a.toml:14:63: unknown type `word`",
                "spec/errors.toml:4:8: error code `20` must be three digits",
                "spec/types.toml:5:7: type name `Word` must be lowercase words joined by '-'",
            ]
        );
        assert_eq!(checked.types.len(), 2);
        assert_eq!(checked.errors.iter().map(|e| e.code).collect::<Vec<_>>(), [200]);
        let versions: Vec<&str> = checked.versions.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(versions, ["A", "B"]);
        let args = checked.versions[0].commands[0].forms[0].args.as_ref().map(Vec::len);
        assert_eq!(args, Some(1));
    }
}
