//! Load stage: the spec's TOML files as serde documents, with source spans kept for diagnostics.
//!
//! Nothing here interprets the spec; enumerations are kept as strings so that the check stage can report
//! every bad value at once instead of stopping at the first, as serde would.
//!
//! The document fields mirror the keys of the legend in `spec/README.md`, which documents them.
#![allow(missing_docs)]

use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostics, Loc};

/// One spec file: its path as shown in diagnostics and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as printed in diagnostics, such as `spec/msnp8.toml`.
    pub path: String,
    /// The file's contents.
    pub text: String,
}

/// `types.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypesFile {
    /// The value types, in file order.
    #[serde(rename = "type", default)]
    pub types: IndexMap<Spanned<String>, Spanned<TypeDoc>>,
}

/// One `[type.NAME]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDoc {
    pub doc: Option<Spanned<String>>,
    pub check: Option<Spanned<String>>,
    pub values: Option<Spanned<Vec<Spanned<ValueDoc>>>>,
    pub any_of: Option<Spanned<Vec<Spanned<String>>>>,
    pub parts: Option<Spanned<Vec<Spanned<String>>>>,
    pub separator: Option<Spanned<String>>,
    pub max: Option<Spanned<u64>>,
    pub len: Option<Spanned<u32>>,
    pub max_len: Option<Spanned<u32>>,
}

/// One value of an enumerated type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueDoc {
    pub value: Spanned<String>,
    pub doc: Option<Spanned<String>>,
}

/// `errors.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorsFile {
    /// The error codes, keyed by their three digits.
    #[serde(default)]
    pub error: IndexMap<Spanned<String>, Spanned<ErrorDoc>>,
}

/// One `[error.NNN]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDoc {
    pub name: Option<Spanned<String>>,
    pub doc: Option<Spanned<String>>,
}

/// A version file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionFile {
    pub version: Spanned<VersionHeader>,
    pub errors: Option<Spanned<ErrorChanges>>,
    #[serde(default)]
    pub removes: IndexMap<Spanned<String>, Spanned<Removal>>,
    #[serde(default)]
    pub command: IndexMap<Spanned<String>, Spanned<CommandDoc>>,
}

/// The `[version]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionHeader {
    pub name: Spanned<String>,
    pub extends: Option<Spanned<String>>,
    #[serde(rename = "abstract", default)]
    pub is_abstract: bool,
    pub doc: Option<Spanned<String>>,
    pub client: Option<Spanned<String>>,
    pub auth: Option<Spanned<String>>,
    pub contact_list: Option<Spanned<String>>,
    pub unverified: Option<Spanned<String>>,
}

/// The `[errors]` table of a version file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorChanges {
    #[serde(default)]
    pub introduces: Vec<Spanned<u16>>,
    #[serde(default)]
    pub removes: Vec<Spanned<u16>>,
    pub payload: Option<bool>,
}

/// One `[removes.NAME]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Removal {
    pub doc: Option<Spanned<String>>,
}

/// One `[command.NAME]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandDoc {
    pub doc: Option<Spanned<String>>,
    pub services: Option<Spanned<Vec<Spanned<String>>>>,
    pub errors: Option<Spanned<Vec<Spanned<u16>>>>,
    pub unverified: Option<Spanned<String>>,
    pub evidence: Option<Spanned<EvidenceDoc>>,
    #[serde(default)]
    pub remove_forms: Vec<Spanned<String>>,
    #[serde(default)]
    pub form: IndexMap<Spanned<String>, Spanned<FormDoc>>,
}

/// One `[command.NAME.form.FORM]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDoc {
    pub from: Option<Spanned<String>>,
    pub trid: Option<Spanned<String>>,
    pub doc: Option<Spanned<String>>,
    pub services: Option<Spanned<Vec<Spanned<String>>>>,
    pub answers: Option<Spanned<Vec<Spanned<String>>>>,
    pub warn: Option<Spanned<String>>,
    pub unverified: Option<Spanned<String>>,
    pub evidence: Option<Spanned<EvidenceDoc>>,
    pub once: Option<bool>,
    pub args: Option<Spanned<Vec<Spanned<ArgDoc>>>>,
    pub payload: Option<Spanned<PayloadDoc>>,
    pub counter: Option<Spanned<CounterDoc>>,
    pub counts: Option<Spanned<IndexMap<Spanned<String>, Spanned<String>>>>,
}

/// An `evidence` table: where a form comes from. At least one key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceDoc {
    /// The documentation page that gives the form, such as `commands/usr.md`.
    pub documented: Option<Spanned<String>>,
    /// Real traffic that shows it: client, year, version.
    pub seen: Option<Spanned<String>>,
    /// A server's or client's code it is inferred from.
    pub inferred: Option<Spanned<String>>,
}

/// The `counter` table of a form: which arguments number its lines.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterDoc {
    pub index: Spanned<String>,
    pub total: Spanned<String>,
    pub per: Option<Spanned<String>>,
}

/// One argument of a form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgDoc {
    pub name: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub ty: Option<Spanned<String>>,
    pub literal: Option<Spanned<String>>,
    pub doc: Option<Spanned<String>>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub repeat: bool,
    pub prefix: Option<Spanned<String>>,
    pub defines: Option<Spanned<String>>,
    pub refers: Option<Spanned<String>>,
}

/// The `payload` table of a form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadDoc {
    pub length: Spanned<String>,
    pub kind: Spanned<String>,
    pub root: Option<Spanned<String>>,
    #[serde(default)]
    pub elements: Vec<Spanned<String>>,
}

/// `services.toml`: the web services a client calls beside its MSNP connections.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicesFile {
    /// The services, in file order.
    #[serde(default)]
    pub service: IndexMap<Spanned<String>, Spanned<ServiceDoc>>,
}

/// One `[service.NAME]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDoc {
    pub doc: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub method: Option<Spanned<String>>,
    pub paths: Option<Spanned<Vec<Spanned<String>>>>,
    pub action: Option<Spanned<String>>,
    pub since: Option<Spanned<String>>,
    pub until: Option<Spanned<String>>,
    pub unverified: Option<Spanned<String>>,
    pub evidence: Option<Spanned<EvidenceDoc>>,
    pub request: Option<Spanned<HttpMessageDoc>>,
    pub response: Option<Spanned<HttpMessageDoc>>,
}

/// The `request` or `response` table of a service.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpMessageDoc {
    pub document: Option<Spanned<String>>,
    #[serde(default)]
    pub elements: Vec<Spanned<String>>,
    #[serde(default)]
    pub headers: Vec<Spanned<String>>,
}

/// Every file of a spec directory, parsed.
#[derive(Debug, Default)]
pub struct Documents {
    /// The files, indexed by [`Loc::file`].
    pub files: Vec<SourceFile>,
    /// `types.toml`, when it parsed.
    pub types: Option<(usize, TypesFile)>,
    /// `errors.toml`, when it parsed.
    pub errors: Option<(usize, ErrorsFile)>,
    /// The version files that parsed, with their file index, in file-name order.
    pub versions: Vec<(usize, VersionFile)>,
    /// `services.toml`, when the spec has one and it parsed.
    pub services: Option<(usize, ServicesFile)>,
}

/// Reads every `*.toml` file of `dir` (in file-name order, so that output never depends on the file system).
///
/// `display_prefix` is prepended to file names in diagnostics (for example `spec/`).
pub fn load_dir(dir: &Path, display_prefix: &str) -> Result<Vec<SourceFile>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("{}: cannot read the spec directory: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") {
            names.push(name);
        }
    }
    names.sort();
    let mut files = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push(SourceFile { path: format!("{display_prefix}{name}"), text });
    }
    Ok(files)
}

/// Parses the files into documents. A file that fails to parse gets one diagnostic (serde stops at the first
/// problem in a file); the other files are still parsed so that every file's problem is reported.
pub fn parse(files: Vec<SourceFile>, diags: &mut Diagnostics) -> Documents {
    let mut docs = Documents::default();
    for (index, file) in files.iter().enumerate() {
        let base = file.path.rsplit('/').next().unwrap_or(&file.path);
        match base {
            "types.toml" => {
                if let Some(doc) = parse_one(index, file, diags) {
                    docs.types = Some((index, doc));
                }
            }
            "errors.toml" => {
                if let Some(doc) = parse_one(index, file, diags) {
                    docs.errors = Some((index, doc));
                }
            }
            "services.toml" => {
                if let Some(doc) = parse_one(index, file, diags) {
                    docs.services = Some((index, doc));
                }
            }
            _ => {
                if let Some(doc) = parse_one(index, file, diags) {
                    docs.versions.push((index, doc));
                }
            }
        }
    }
    if docs.types.is_none() && !files.iter().any(|f| f.path.ends_with("types.toml")) {
        diags.error(None, "the spec has no types.toml");
    }
    if docs.errors.is_none() && !files.iter().any(|f| f.path.ends_with("errors.toml")) {
        diags.error(None, "the spec has no errors.toml");
    }
    docs.files = files;
    docs
}

fn parse_one<T: for<'de> Deserialize<'de>>(index: usize, file: &SourceFile, diags: &mut Diagnostics) -> Option<T> {
    match toml::from_str::<T>(&file.text) {
        Ok(doc) => Some(doc),
        Err(err) => {
            let span = err.span().unwrap_or(0..0);
            diags.error(Some(Loc { file: index, span }), err.message().to_string());
            None
        }
    }
}

/// Where a spanned value sits in file `file`.
pub fn loc<T>(file: usize, value: &Spanned<T>) -> Loc {
    Loc { file, span: value.span() }
}
