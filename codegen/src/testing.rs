//! Test support for the stages' unit tests: small specs built from TOML strings, run through the stages up to the
//! one under test, with their problems rendered as the generator prints them (`spec/FILE:LINE:COL: message`).
//!
//! Each text drops the newline that follows `r#"`, so that its lines count from the line after the opening quote.

use crate::diag::{Diagnostics, Rendered};
use crate::load::{self, Documents, SourceFile};
use crate::model::{Command, Form, Shape, Spec, Version};

/// A `types.toml` the tests of later stages share: two numbers, a handle, a word and an enumeration.
pub const TYPES: &str = r#"
[type.length]
doc = "Byte length of the payload."
check = "uint"

[type.count]
doc = "A number of items."
check = "uint"

[type.handle]
doc = "An account handle."
check = "handle"

[type.word]
doc = "Any word."
check = "token"

[type.status]
doc = "A presence status."
values = [{ value = "NLN", doc = "Online." }]
"#;

/// An `errors.toml` the tests of later stages share: codes 200, 201 and 911.
pub const ERRORS: &str = r#"
[error.200]
doc = "Syntax error."

[error.201]
doc = "Invalid parameter."

[error.911]
doc = "Authentication failed."
"#;

/// Loads `files`, each a name (without `spec/`) and its text, in the order given. Every file must parse; a spec
/// may leave out `types.toml` or `errors.toml` when the stage under test does not need them.
pub fn parse(files: &[(&str, &str)]) -> Documents {
    let sources = files
        .iter()
        .map(|(name, text)| SourceFile {
            path: format!("spec/{name}"),
            text: text.strip_prefix('\n').unwrap_or(text).to_string(),
        })
        .collect();
    let mut diags = Diagnostics::default();
    let docs = load::parse(sources, &mut diags);
    let unparsed: Vec<_> = diags.into_sorted().into_iter().filter(|e| e.loc.is_some()).collect();
    assert!(unparsed.is_empty(), "a test file does not parse: {unparsed:?}");
    docs
}

/// The errors in `diags`, rendered against `docs`'s files, in the order the generator prints them.
pub fn errors(docs: &Documents, diags: Diagnostics) -> Vec<String> {
    diags.into_sorted().iter().map(|error| Rendered { error, files: &docs.files }.to_string()).collect()
}

/// The warnings in `diags`, rendered like [`errors`].
pub fn warnings(docs: &Documents, diags: &mut Diagnostics) -> Vec<String> {
    diags.warnings_sorted().iter().map(|error| Rendered { error, files: &docs.files }.to_string()).collect()
}

/// What the stages up to resolve make of a spec: the model, its errors and its warnings.
pub struct Resolved {
    /// The resolved model (partial when there are errors).
    pub spec: Spec,
    /// Every error, rendered.
    pub errors: Vec<String>,
    /// Every warning, rendered.
    pub warnings: Vec<String>,
}

impl Resolved {
    /// The version `name`.
    pub fn version(&self, name: &str) -> &Version {
        self.spec.versions.iter().find(|v| v.name == name).unwrap_or_else(|| panic!("no version {name}"))
    }

    /// The command `name` as `version` has it.
    pub fn command(&self, version: &str, name: &str) -> &Command {
        let commands = &self.version(version).commands;
        commands.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{version} has no {name}"))
    }

    /// The names of `version`'s commands, in order.
    pub fn commands(&self, version: &str) -> Vec<&str> {
        self.version(version).commands.iter().map(|c| c.name.as_str()).collect()
    }

    /// The form `name` of `command` as `version` has it.
    pub fn form(&self, version: &str, command: &str, name: &str) -> &Form {
        let forms = &self.command(version, command).forms;
        forms.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("{version} {command} has no form {name}"))
    }

    /// The shape of `form`.
    pub fn shape(&self, form: &Form) -> &Shape {
        &self.spec.shapes[form.shape]
    }
}

/// A good version the resolve tests extend: `ADD` with a client `request` and a server `reply`, and error 200.
pub const BASE: &str = r#"
[version]
name = "BASE"
doc = "The version others extend."
auth = "MD5"

[errors]
introduces = [200]

[command.ADD]
doc = "Adds a contact."
services = ["NS"]
evidence = { documented = "commands/add.md" }

[command.ADD.form.request]
from = "client"
doc = "Asks to add a contact."
args = [{ name = "handle", type = "handle" }]

[command.ADD.form.reply]
from = "server"
doc = "The contact is added."
args = [{ name = "handle", type = "handle", doc = "The contact added." }]
"#;

/// Checks and resolves [`TYPES`] and [`ERRORS`] with the version files `versions`.
pub fn resolve(versions: &[(&str, &str)]) -> Resolved {
    let mut files = vec![("types.toml", TYPES), ("errors.toml", ERRORS)];
    files.extend_from_slice(versions);
    let docs = parse(&files);
    let mut diags = Diagnostics::default();
    let checked = crate::check::check(&docs, &mut diags);
    let names: Vec<String> = docs.files.iter().map(|f| f.path.clone()).collect();
    let spec = crate::resolve::resolve(checked, &names, &mut diags);
    let warnings = warnings(&docs, &mut diags);
    Resolved { spec, errors: errors(&docs, diags), warnings }
}

/// Checks the version file `text` (as `spec/v.toml`) against [`TYPES`] and [`ERRORS`]: its draft, `None` when
/// the check stage leaves it out, and the rendered errors.
pub fn check_version(text: &str) -> (Option<crate::check::VersionDraft>, Vec<String>) {
    let docs = parse(&[("types.toml", TYPES), ("errors.toml", ERRORS), ("v.toml", text)]);
    let mut diags = Diagnostics::default();
    let checked = crate::check::check(&docs, &mut diags);
    (checked.versions.into_iter().next(), errors(&docs, diags))
}

/// The lines [`check_form`] puts before a form's keys, which start on line 10.
const FORM_HEADER: &str = r#"[version]
name = "V1"
doc = "A version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.f]"#;

/// Checks a form of `ADD` whose keys are `keys` (from line 10 of `spec/v.toml` on) like [`check_version`]: the
/// form's draft, `None` when the check stage leaves it out, and the rendered errors.
pub fn check_form(keys: &str) -> (Option<crate::check::FormDraft>, Vec<String>) {
    let (version, errors) = check_version(&format!("{FORM_HEADER}{keys}"));
    let form = version.and_then(|v| v.commands.into_iter().next()).and_then(|c| c.forms.into_iter().next());
    (form, errors)
}
