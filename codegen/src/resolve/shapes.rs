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
