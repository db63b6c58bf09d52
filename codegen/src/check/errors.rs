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

#[cfg(test)]
mod tests {
    use super::check_errors;
    use crate::check::Checked;
    use crate::diag::Diagnostics;
    use crate::testing::{errors, parse};

    /// Checks `text` as `errors.toml`: the checked codes and the rendered errors.
    fn check(text: &str) -> (Checked, Vec<String>) {
        let docs = parse(&[("errors.toml", text)]);
        let mut diags = Diagnostics::default();
        let mut checked = Checked::default();
        let (file, doc) = docs.errors.as_ref().expect("errors.toml parses");
        check_errors(*file, doc, &mut checked, &mut diags);
        (checked, errors(&docs, diags))
    }

    #[test]
    fn codes_are_sorted_with_their_names() {
        let (checked, errors) = check(
            r#"
[error.911]
name = "auth-failed"
doc = "Authentication failed."

[error.200]
doc = "Syntax error."
"#,
        );
        assert_eq!(errors, Vec::<String>::new());
        let codes: Vec<(u16, Option<&str>, &str)> =
            checked.errors.iter().map(|e| (e.code, e.name.as_deref(), e.doc.as_str())).collect();
        assert_eq!(codes, [(200, None, "Syntax error."), (911, Some("auth-failed"), "Authentication failed.")]);
    }

    #[test]
    fn codes_are_three_digits_defined_once_with_a_doc() {
        let (checked, errors) = check(
            r#"
[error.20]
doc = "Two digits."

[error.1000]
doc = "Four digits."

[error.099]
doc = "A leading zero."

[error.abc]
doc = "Letters."

[error.201]

[error."0201"]
doc = "The same number written with four digits."

[error.500]
doc = """
Two lines.
"""
"#,
        );
        assert_eq!(
            errors,
            [
                "spec/errors.toml:1:8: error code `20` must be three digits",
                "spec/errors.toml:4:8: error code `1000` must be three digits",
                "spec/errors.toml:7:8: error code `099` must be three digits",
                "spec/errors.toml:10:8: error code `abc` must be three digits",
                "spec/errors.toml:13:8: error 201 needs a doc line",
                "spec/errors.toml:15:8: error code `0201` must be three digits",
                "spec/errors.toml:19:7: documentation must be one line",
            ]
        );
        // A code without a doc is kept; one that cannot be read is left out.
        let codes: Vec<u16> = checked.errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, [201, 500]);
    }
}
