//! The MSNP spec generator: reads the TOML spec, checks it, resolves each version's `extends` chain and
//! emits the Rust the `msnp` crate includes.
//!
//! The stages are separate, with a small model between them, so that each can be tested on its own:
//!
//! ```text
//! spec/*.toml --load--> documents --check--> drafts --resolve--> model::Spec --emit--> Rust source
//! ```
//!
//! Each stage is the module of its name. `check` has a module per checker (`types.toml`, `errors.toml`, version
//! files with their forms and argument lists) and `resolve` one per step (the order of versions, applying a
//! version, adding and replacing forms, the arguments their keys name, what an applied version refers to, and
//! shapes); each module's unit tests sit beside it.
//!
//! Problems are collected across stages and reported together, each as `spec/FILE:LINE:COL: message`.

mod check;
pub mod diag;
#[cfg(feature = "emit")]
pub mod emit;
pub mod load;
pub mod model;
mod resolve;
#[cfg(test)]
mod testing;
pub mod vocabulary;

pub use check::{camel, snake};
pub use resolve::natural_key;

use std::path::Path;

pub use diag::{Rendered, SpecError};
pub use model::Spec;

/// Loads, checks and resolves the spec in `dir`. On failure, returns every problem rendered as
/// `PREFIXFILE:LINE:COL: message`, where `display_prefix` (such as `spec/`) is prepended to file names.
pub fn load_spec(dir: &Path, display_prefix: &str) -> Result<Spec, Vec<String>> {
    let files = load::load_dir(dir, display_prefix).map_err(|e| vec![e])?;
    spec_from_files(files)
}

/// Checks and resolves spec files already read into memory.
pub fn spec_from_files(files: Vec<load::SourceFile>) -> Result<Spec, Vec<String>> {
    checked_spec_from_files(files).map(|(spec, _)| spec)
}

/// Like [`load_spec`], also returning the warnings (gaps such as a form without evidence), rendered the same way.
pub fn check_spec(dir: &Path, display_prefix: &str) -> Result<(Spec, Vec<String>), Vec<String>> {
    let files = load::load_dir(dir, display_prefix).map_err(|e| vec![e])?;
    checked_spec_from_files(files)
}

fn checked_spec_from_files(files: Vec<load::SourceFile>) -> Result<(Spec, Vec<String>), Vec<String>> {
    let mut diags = diag::Diagnostics::default();
    let docs = load::parse(files, &mut diags);
    let checked = check::check(&docs, &mut diags);
    let names: Vec<String> = docs.files.iter().map(|f| f.path.clone()).collect();
    let spec = resolve::resolve(checked, &names, &mut diags);
    let render = |errors: Vec<SpecError>| -> Vec<String> {
        errors.iter().map(|error| Rendered { error, files: &docs.files }.to_string()).collect()
    };
    let warnings = render(diags.warnings_sorted());
    if diags.is_empty() { Ok((spec, warnings)) } else { Err(render(diags.into_sorted())) }
}

/// Generates the Rust source for the spec in `dir`.
#[cfg(feature = "emit")]
pub fn generate_dir(dir: &Path, display_prefix: &str) -> Result<String, Vec<String>> {
    let spec = load_spec(dir, display_prefix)?;
    emit::emit(&spec).map_err(|e| vec![e])
}
