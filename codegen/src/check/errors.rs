//! Checks `errors.toml`: three-digit codes, each defined once with a doc line. Runs after the types checker and
//! before the version files, whose `errors` lists must name codes defined here.

use super::{Checked, check_doc};
use crate::diag::Diagnostics;
use crate::load::{self, loc};
use crate::model::ErrorCode;

/// Checks the error codes into `checked.errors`, ascending.
pub(super) fn check_errors(file: usize, doc: &load::ErrorsFile, checked: &mut Checked, diags: &mut Diagnostics) {
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
