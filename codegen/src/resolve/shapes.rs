//! Turns a resolved version state into the model: commands and forms as [`crate::model`] has them, with each
//! form's syntax deduplicated into a shape shared by every form and version that has the same syntax. The last
//! step of the resolve stage, after a version is applied ([`super::apply`]).

use std::collections::HashMap;

use super::{CommandState, FormState, VersionState};
use crate::check::{VersionDraft, camel};
use crate::model::{Arg, ArgKind, Command, Dir, Form, Link, Payload, Removed, Shape, Trid, Version};

#[derive(Default)]
pub(super) struct Shapes {
    pub(super) list: Vec<Shape>,
    names: HashMap<String, usize>,
}

/// The syntax of a form, which decides its shape; documentation plays no part.
#[derive(PartialEq, Eq)]
struct ShapeKey<'a> {
    command: &'a str,
    trid: Trid,
    args: Vec<(&'a ArgKind, bool, bool, Option<&'a str>)>,
    payload: Option<&'a Payload>,
}

impl Shapes {
    fn intern(&mut self, version: &str, command: &CommandState, form: &FormState) -> usize {
        let key = ShapeKey {
            command: &command.name,
            trid: form.trid,
            args: form.args.iter().map(|a| (&a.kind, a.optional, a.repeat, a.prefix.as_deref())).collect(),
            payload: form.payload.as_ref(),
        };
        let existing = self.list.iter().position(|s| {
            let other = ShapeKey {
                command: &s.command,
                trid: s.trid,
                args: s.args.iter().map(|a| (&a.kind, a.optional, a.repeat, a.prefix.as_deref())).collect(),
                payload: s.payload.as_ref(),
            };
            other == key
        });
        if let Some(index) = existing {
            return index;
        }
        let base = format!("{}{}", camel(&command.name), camel(&form.name));
        let mut name = base.clone();
        if self.names.contains_key(&name) {
            name = format!("{base}{}", version_suffix(version));
        }
        let mut counter = 2;
        while self.names.contains_key(&name) {
            name = format!("{base}{}_{counter}", version_suffix(version));
            counter += 1;
        }
        let args = form
            .args
            .iter()
            .zip(&form.arg_docs)
            .map(|(a, doc)| Arg {
                kind: a.kind.clone(),
                doc: doc.clone(),
                optional: a.optional,
                repeat: a.repeat,
                prefix: a.prefix.clone(),
            })
            .collect();
        self.names.insert(name.clone(), self.list.len());
        self.list.push(Shape {
            rust_name: name,
            command: command.name.clone(),
            trid: form.trid,
            args,
            payload: form.payload.clone(),
            doc: form.doc.clone(),
        });
        self.list.len() - 1
    }
}

/// `MSNP8` becomes `V8`, `CVR0` becomes `Cvr0`: the suffix of a shape first seen in that version.
fn version_suffix(version: &str) -> String {
    version.strip_prefix("MSNP").map_or_else(|| camel(version), |n| format!("V{n}"))
}

/// Turns a resolved version state into the model, interning its shapes.
pub(super) fn finish(draft: &VersionDraft, state: &VersionState, file: &str, shapes: &mut Shapes) -> Version {
    let commands = state
        .commands
        .iter()
        .map(|command| Command {
            name: command.name.clone(),
            doc: command.doc.clone(),
            services: command.services.clone(),
            errors: command.errors.clone(),
            since: command.since.clone(),
            unverified: command.unverified.clone(),
            forms: command.forms.iter().map(|form| finish_form(&draft.name, command, form, shapes)).collect(),
        })
        .collect();
    Version {
        name: draft.name.clone(),
        extends: draft.extends.as_ref().map(|(e, _)| e.clone()),
        doc: draft.doc.clone(),
        client: draft.client.clone(),
        auth: draft.auth.clone(),
        contact_list: draft.contact_list.clone(),
        unverified: draft.unverified.clone(),
        file: file.to_string(),
        commands,
        errors: state.errors.iter().copied().collect(),
        error_payload: state.error_payload,
        removed: draft.removes.iter().map(|r| Removed { name: r.name.clone(), doc: r.doc.clone() }).collect(),
    }
}

/// Turns a resolved form of `command` into the model, interning its shape; `version` is the version being finished.
fn finish_form(version: &str, command: &CommandState, form: &FormState, shapes: &mut Shapes) -> Form {
    Form {
        name: form.name.clone(),
        from: form.from,
        shape: shapes.intern(version, command, form),
        services: form.services.clone().unwrap_or_else(|| command.services.clone()),
        // A server form with a TrID answers its own command unless it says otherwise.
        answers: match (&form.answers, form.from, form.trid) {
            (Some(list), _, _) => list.iter().map(|(a, _)| a.clone()).collect(),
            (None, Dir::Server, Trid::Yes) => vec![command.name.clone()],
            _ => Vec::new(),
        },
        warn: form.warn.clone(),
        unverified: form.unverified.clone(),
        evidence: form.evidence.clone(),
        once: form.once,
        doc: form.doc.clone(),
        since: form.since.clone(),
        arg_docs: form.arg_docs.clone(),
        counter: form.counter,
        counts: form.counts.clone(),
        links: form
            .args
            .iter()
            .enumerate()
            .filter_map(|(arg, a)| a.link.as_ref().map(|l| Link { arg, role: l.role, kind: l.kind.clone() }))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Trid;
    use crate::testing::resolve;

    /// `MSNP8`: `ADD` with a client request, a server reply and a server push without a TrID.
    const MSNP8: &str = r#"
[version]
name = "MSNP8"
doc = "A version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]
unverified = "Made up."

[command.ADD.form.request]
from = "client"
doc = "Asks to add a contact."
args = [{ name = "handle", type = "handle" }]

[command.ADD.form.reply]
from = "server"
args = [{ name = "handle", type = "handle" }]

[command.ADD.form.push]
from = "server"
trid = "no"
args = [{ name = "handle", type = "handle" }]

[command.REM]
doc = "Removes a contact."
services = ["NS"]
unverified = "Made up."

[command.REM.form.request]
from = "client"
args = [{ name = "handle", type = "handle" }]
"#;

    /// A version named `name` extending `MSNP8` whose `ADD` request takes `args`.
    fn changed(name: &str, args: &str) -> String {
        format!(
            "[version]\nname = \"{name}\"\nextends = \"MSNP8\"\ndoc = \"A change.\"\n\n[command.ADD.form.request]\ndoc = \"Restated.\"\nargs = {args}\n"
        )
    }

    #[test]
    fn forms_with_the_same_syntax_share_a_shape() {
        let resolved = resolve(&[
            ("msnp8.toml", MSNP8),
            ("msnp9.toml", &changed("MSNP9", "[{ name = \"handle\", type = \"handle\" }]")),
        ]);
        assert_eq!(resolved.errors, Vec::<String>::new());
        let shape = |version: &str, command: &str, form: &str| resolved.form(version, command, form).shape;
        // The reply has the request's syntax (who sends a form plays no part); the push has no TrID.
        assert_eq!(shape("MSNP8", "ADD", "reply"), shape("MSNP8", "ADD", "request"));
        assert_ne!(shape("MSNP8", "ADD", "push"), shape("MSNP8", "ADD", "request"));
        // Another command's form never shares a shape; a restated form with a new doc keeps its shape, whose doc
        // is the first form's.
        assert_ne!(shape("MSNP8", "REM", "request"), shape("MSNP8", "ADD", "request"));
        assert_eq!(shape("MSNP9", "ADD", "request"), shape("MSNP8", "ADD", "request"));
        let names: Vec<(&str, &str)> =
            resolved.spec.shapes.iter().map(|s| (s.rust_name.as_str(), s.doc.as_str())).collect();
        assert_eq!(names, [("AddRequest", "Asks to add a contact."), ("AddPush", ""), ("RemRequest", "")]);
        assert_eq!(resolved.spec.shapes[1].trid, Trid::No);
    }

    #[test]
    fn a_new_syntax_is_named_after_the_version_that_brings_it() {
        let word = "[{ name = \"word\", type = \"word\" }]";
        let resolved = resolve(&[
            ("msnp8.toml", MSNP8),
            ("msnp9.toml", &changed("MSNP9", word)),
            ("cvr0.toml", &changed("CVR0", "[{ literal = \"X\" }]")),
            ("v9.toml", &changed("V9", "[]")),
        ]);
        assert_eq!(resolved.errors, Vec::<String>::new());
        let names: Vec<&str> = resolved.spec.shapes.iter().map(|s| s.rust_name.as_str()).collect();
        // Versions are applied CVR0, MSNP9, V9; `V9` is also MSNP9's suffix, so its name takes a number.
        assert_eq!(names, ["AddRequest", "AddPush", "RemRequest", "AddRequestCvr0", "AddRequestV9", "AddRequestV9_2"]);
        assert_eq!(resolved.shape(resolved.form("V9", "ADD", "request")).rust_name, "AddRequestV9_2");
    }

    #[test]
    fn a_server_form_with_a_trid_answers_its_own_command() {
        let resolved = resolve(&[("msnp8.toml", MSNP8)]);
        let answers = |form: &str| resolved.form("MSNP8", "ADD", form).answers.clone();
        assert_eq!(answers("reply"), ["ADD"]);
        assert_eq!(answers("push"), Vec::<String>::new());
        assert_eq!(answers("request"), Vec::<String>::new());
    }
}
