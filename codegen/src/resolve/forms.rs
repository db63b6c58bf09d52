//! Adds a form to a command, or replaces the inherited form of the same name: the replacement inherits the keys it
//! leaves out, and its arguments their docs. Part of applying a version ([`super::apply`]); [`super::args`] finds
//! the arguments a payload or counter names.

use super::args::{counter_args, length_arg, number_arg};
use super::{CommandState, FormState};
use crate::check::{ArgDraft, FormDraft, VersionDraft};
use crate::diag::Diagnostics;
use crate::model::{ArgKind, Count, Dir, Payload, Trid, Type};

/// Adds a form, or replaces the inherited form of the same name in place. A replacement inherits every key
/// it leaves out (who sends it, TrID, doc, services, answers, warning, payload) from the form it replaces.
pub(super) fn add_or_replace_form(
    draft: &VersionDraft,
    command: &mut CommandState,
    form: &FormDraft,
    types: &[Type],
    diags: &mut Diagnostics,
) {
    let replaced = command.forms.iter().position(|f| f.name == form.name);
    let base = replaced.map(|i| command.forms[i].clone());
    let Some(from) = form.from.or(base.as_ref().map(|b| b.from)) else {
        diags.at(form.loc.clone(), format!("form `{}` of `{}` needs `from`", form.name, command.name));
        return;
    };
    let trid = form.trid.or(base.as_ref().map(|b| b.trid)).unwrap_or(Trid::Yes);
    // The check stage reports these when the form states both keys; here only when one is inherited.
    let both = |key_given: bool| form.from.is_some() && key_given;
    if trid == Trid::Zero && from == Dir::Client && !both(form.trid.is_some()) {
        diags.at(form.loc.clone(), "trid = \"zero\" marks a server push; a client form cannot have it");
    }
    if let (Some(services), true) = (&form.services, !command.services.is_empty()) {
        if let Some(outside) = services.iter().find(|s| !command.services.contains(s)) {
            diags.at(
                form.loc.clone(),
                format!(
                    "form `{}` names service {}, which `{}` does not list",
                    form.name,
                    outside.name(),
                    command.name
                ),
            );
        }
    }
    let answers = form.answers.clone().or(base.as_ref().and_then(|b| b.answers.clone()));
    if answers.is_some() && from == Dir::Client && !both(form.answers.is_some()) {
        diags.at(form.loc.clone(), "`answers` applies to server forms only");
    }
    let once = form.once.or(base.as_ref().map(|b| b.once)).unwrap_or(false);
    if once && from == Dir::Client && !both(form.once.is_some()) {
        diags.at(form.loc.clone(), "`once` applies to server forms only");
    }
    // A replacing form may leave out `args` to change only its doc, answers or other keys.
    let (args, arg_docs, payload) = match (&form.args, &base) {
        (None, Some(base)) => (base.args.clone(), base.arg_docs.clone(), base.payload.clone()),
        (None, None) => {
            diags.at(form.loc.clone(), format!("form `{}` of `{}` is new and needs `args`", form.name, command.name));
            return;
        }
        (Some(args), _) => {
            let payload = match &form.payload {
                Some(p) => length_arg(args, &p.length, &p.loc, types, diags).map(|length_arg| Payload {
                    length_arg,
                    kind: p.kind,
                    root: p.root.clone(),
                    elements: p.elements.clone(),
                }),
                None => base.as_ref().and_then(|b| b.payload.clone()).and_then(|p| {
                    // An inherited payload must still find its length argument under the same name.
                    let name = match &base.as_ref()?.args.get(p.length_arg)?.kind {
                        ArgKind::Value { name, .. } => name.clone(),
                        ArgKind::Literal { .. } => return None,
                    };
                    let length_arg = length_arg(args, &name, &form.loc, types, diags)?;
                    Some(Payload { length_arg, ..p })
                }),
            };
            let arg_docs =
                args.iter().map(|arg| arg_doc(arg, base.as_ref(), command, types, diags)).collect::<Vec<_>>();
            for (arg, doc) in args.iter().zip(&arg_docs) {
                // The first doc an argument name gets in a command's history is the one others inherit.
                if arg.doc.is_some() {
                    command.arg_docs.entry(history_key(&arg.kind)).or_insert_with(|| doc.clone());
                }
            }
            (args.clone(), arg_docs, payload)
        }
    };
    // `counter` and `counts` are inherited like the other keys, and found again by name in the arguments as they
    // now stand; a name the form's own text did not state is reported at the form.
    let counter_draft = form.counter.clone().or(base.as_ref().and_then(|b| b.counter_draft.clone()));
    let inherited_at = |stated: bool| (!stated).then_some(&form.loc);
    let counter =
        counter_draft.as_ref().and_then(|c| counter_args(&args, c, inherited_at(form.counter.is_some()), types, diags));
    let counts_draft = form.counts.clone().or(base.as_ref().and_then(|b| b.counts_draft.clone()));
    let counts = counts_draft
        .iter()
        .flatten()
        .filter_map(|c| {
            let at = inherited_at(form.counts.is_some());
            let arg = number_arg(&args, &c.arg, "`counts`", at, types, diags)?;
            Some(Count { arg, command: c.command.0.clone() })
        })
        .collect();
    // Where the form comes from: its own statement, else the form it replaces (a restated form keeps its source),
    // else its command's (in this file or earlier). A form with none and nothing unverified is a gap the spec
    // should close.
    let evidence = form
        .evidence
        .clone()
        .or_else(|| base.as_ref().map(|b| b.evidence.clone()).filter(|e| !e.is_empty()))
        .or_else(|| command.evidence.clone())
        .unwrap_or_default();
    if evidence.is_empty() && form.unverified.is_none() && command.unverified.is_none() {
        diags.warn_at(
            form.loc.clone(),
            format!("form `{}` of `{}` has no `evidence` and is not `unverified`", form.name, command.name),
        );
    }
    let state = FormState {
        counter_draft,
        counter,
        counts_draft,
        counts,
        name: form.name.clone(),
        from,
        trid,
        doc: form.doc.clone().or(base.as_ref().map(|b| b.doc.clone())).unwrap_or_default(),
        services: form.services.clone().or(base.as_ref().and_then(|b| b.services.clone())),
        answers,
        warn: form.warn.clone().or(base.as_ref().and_then(|b| b.warn.clone())),
        // Not inherited: a restated form is a new statement, verified unless it says otherwise.
        unverified: form.unverified.clone(),
        evidence,
        once,
        args,
        arg_docs,
        payload,
        since: draft.name.clone(),
    };
    match replaced {
        Some(i) => command.forms[i] = state,
        None => command.forms.push(state),
    }
}

/// The doc of an argument: its own; else the same-named argument's in the form it replaces; else the
/// same-named argument's anywhere in the command's history; else its type's when it is named like its type.
/// Literals inherit the doc of the same word in the replaced form or the command's history.
fn arg_doc(
    arg: &ArgDraft,
    base: Option<&FormState>,
    command: &CommandState,
    types: &[Type],
    diags: &mut Diagnostics,
) -> String {
    if let Some(doc) = &arg.doc {
        return doc.clone();
    }
    let key = history_key(&arg.kind);
    let from_base = base.and_then(|b| {
        b.args
            .iter()
            .zip(&b.arg_docs)
            .find_map(|(a, d)| (history_key(&a.kind) == key && !d.is_empty()).then(|| d.clone()))
    });
    let inherited = from_base.or_else(|| command.arg_docs.get(&key).cloned());
    match &arg.kind {
        ArgKind::Literal { .. } => inherited.unwrap_or_default(),
        ArgKind::Value { name, ty } => {
            inherited.or_else(|| (types[*ty].name == *name).then(|| types[*ty].doc.clone())).unwrap_or_else(|| {
                diags.at(arg.loc.clone(), format!("argument `{name}` needs a doc line (none to inherit)"));
                String::new()
            })
        }
    }
}

/// The key under which an argument's doc is remembered in its command's history: its name, or its word.
fn history_key(kind: &ArgKind) -> String {
    match kind {
        ArgKind::Value { name, .. } => name.clone(),
        ArgKind::Literal { word, .. } => format!("={word}"),
    }
}
