//! Test support for the stages' unit tests: small specs built from TOML strings, run through the stages up to the
//! one under test, with their problems rendered as the generator prints them (`spec/FILE:LINE:COL: message`).
//!
//! Each text drops the newline that follows `r#"`, so that its lines count from the line after the opening quote.

use crate::diag::{Diagnostics, Rendered};
use crate::load::{self, Documents, SourceFile};

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
