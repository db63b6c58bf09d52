//! Adds a form to a command, or replaces the inherited form of the same name: the replacement inherits the keys it
//! leaves out, and its arguments their docs. Part of applying a version ([`super::apply`]); [`super::args`] finds
//! the arguments a payload or counter names.

use super::args::{counter_args, length_arg, number_arg};
use super::{CommandState, FormState};
use crate::check::{ArgDraft, CountDraft, CounterDraft, FormDraft, VersionDraft};
use crate::diag::{Diagnostics, Loc};
use crate::model::{ArgKind, Count, Counter, Dir, Evidence, Payload, Service, Trid, Type};

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
    let base = base.as_ref();
    let Some(keys) = keys(command, form, base, diags) else {
        return;
    };
    let Some(Arguments { args, arg_docs, payload }) = arguments(command, form, base, types, diags) else {
        return;
    };
    let (counter_draft, counter) = counter(form, base, &args, types, diags);
    let (counts_draft, counts) = counts(form, base, &args, types, diags);
    let evidence = evidence(command, form, base, diags);
    let Keys { from, trid, doc, services, answers, warn, once } = keys;
    let state = FormState {
        counter_draft,
        counter,
        counts_draft,
        counts,
        name: form.name.clone(),
        from,
        trid,
        doc,
        services,
        answers,
        warn,
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

/// The keys of a form that do not depend on its arguments, each as the form states it or else as the form it
/// replaces had it.
struct Keys {
    from: Dir,
    trid: Trid,
    doc: String,
    services: Option<Vec<Service>>,
    answers: Option<Vec<(String, Loc)>>,
    warn: Option<String>,
    once: bool,
}

/// The form's [`Keys`], checked against one another and against its command's services; `None` when neither the
/// form nor the form it replaces says who sends it.
fn keys(command: &CommandState, form: &FormDraft, base: Option<&FormState>, diags: &mut Diagnostics) -> Option<Keys> {
    let Some(from) = form.from.or(base.map(|b| b.from)) else {
        diags.at(form.loc.clone(), format!("form `{}` of `{}` needs `from`", form.name, command.name));
        return None;
    };
    let trid = form.trid.or(base.map(|b| b.trid)).unwrap_or(Trid::Yes);
    // The check stage reports these when the form states both keys; here only when one is inherited.
    let both = |key_given: bool| form.from.is_some() && key_given;
    if trid == Trid::Zero && from == Dir::Client && !both(form.trid.is_some()) {
        diags.at(form.loc.clone(), "trid = \"zero\" marks a server push; a client form cannot have it");
    }
    if let (Some(services), true) = (&form.services, !command.services.is_empty())
        && let Some(outside) = services.iter().find(|s| !command.services.contains(s))
    {
        diags.at(
            form.loc.clone(),
            format!("form `{}` names service {}, which `{}` does not list", form.name, outside.name(), command.name),
        );
    }
    let answers = form.answers.clone().or(base.and_then(|b| b.answers.clone()));
    if answers.is_some() && from == Dir::Client && !both(form.answers.is_some()) {
        diags.at(form.loc.clone(), "`answers` applies to server forms only");
    }
    let once = form.once.or(base.map(|b| b.once)).unwrap_or(false);
    if once && from == Dir::Client && !both(form.once.is_some()) {
        diags.at(form.loc.clone(), "`once` applies to server forms only");
    }
    Some(Keys {
        from,
        trid,
        doc: form.doc.clone().or(base.map(|b| b.doc.clone())).unwrap_or_default(),
        services: form.services.clone().or(base.and_then(|b| b.services.clone())),
        answers,
        warn: form.warn.clone().or(base.and_then(|b| b.warn.clone())),
        once,
    })
}

/// A form's arguments, their docs and its payload, which refers to one of them.
struct Arguments {
    args: Vec<ArgDraft>,
    arg_docs: Vec<String>,
    payload: Option<Payload>,
}

/// The form's [`Arguments`]: the ones it states, else the replaced form's (a replacing form may leave out `args`
/// to change only its doc, answers or other keys); `None` when a new form states none.
fn arguments(
    command: &mut CommandState,
    form: &FormDraft,
    base: Option<&FormState>,
    types: &[Type],
    diags: &mut Diagnostics,
) -> Option<Arguments> {
    match (&form.args, base) {
        (None, Some(base)) => {
            Some(Arguments { args: base.args.clone(), arg_docs: base.arg_docs.clone(), payload: base.payload.clone() })
        }
        (None, None) => {
            diags.at(form.loc.clone(), format!("form `{}` of `{}` is new and needs `args`", form.name, command.name));
            None
        }
        (Some(args), _) => {
            let payload = payload(form, args, base, types, diags);
            let arg_docs = args.iter().map(|arg| arg_doc(arg, base, command, types, diags)).collect::<Vec<_>>();
            for (arg, doc) in args.iter().zip(&arg_docs) {
                // The first doc an argument name gets in a command's history is the one others inherit.
                if arg.doc.is_some() {
                    command.arg_docs.entry(history_key(&arg.kind)).or_insert_with(|| doc.clone());
                }
            }
            Some(Arguments { args: args.clone(), arg_docs, payload })
        }
    }
}

/// The payload of a form that states `args`: its own, else the replaced form's, whose length argument must still
/// be found under the same name.
fn payload(
    form: &FormDraft,
    args: &[ArgDraft],
    base: Option<&FormState>,
    types: &[Type],
    diags: &mut Diagnostics,
) -> Option<Payload> {
    match &form.payload {
        Some(p) => length_arg(args, &p.length, &p.loc, types, diags).map(|length_arg| Payload {
            length_arg,
            kind: p.kind,
            root: p.root.clone(),
            elements: p.elements.clone(),
        }),
        None => base.and_then(|b| b.payload.clone()).and_then(|p| {
            let name = match &base?.args.get(p.length_arg)?.kind {
                ArgKind::Value { name, .. } => name.clone(),
                ArgKind::Literal { .. } => return None,
            };
            let length_arg = length_arg(args, &name, &form.loc, types, diags)?;
            Some(Payload { length_arg, ..p })
        }),
    }
}

/// `counter`, inherited like the other keys, found again by name in the arguments as they now stand; a name the
/// form's own text did not state is reported at the form. Returns the draft (for forms that replace this one)
/// and the counter it resolves to.
fn counter(
    form: &FormDraft,
    base: Option<&FormState>,
    args: &[ArgDraft],
    types: &[Type],
    diags: &mut Diagnostics,
) -> (Option<CounterDraft>, Option<Counter>) {
    let draft = form.counter.clone().or(base.and_then(|b| b.counter_draft.clone()));
    let inherited = (form.counter.is_none()).then_some(&form.loc);
    let counter = draft.as_ref().and_then(|c| counter_args(args, c, inherited, types, diags));
    (draft, counter)
}

/// `counts`, inherited and found again like [`counter`]: the drafts and the counts they resolve to.
fn counts(
    form: &FormDraft,
    base: Option<&FormState>,
    args: &[ArgDraft],
    types: &[Type],
    diags: &mut Diagnostics,
) -> (Option<Vec<CountDraft>>, Vec<Count>) {
    let drafts = form.counts.clone().or(base.and_then(|b| b.counts_draft.clone()));
    let inherited = (form.counts.is_none()).then_some(&form.loc);
    let counts = drafts
        .iter()
        .flatten()
        .filter_map(|c| {
            let arg = number_arg(args, &c.arg, "`counts`", inherited, types, diags)?;
            Some(Count { arg, command: c.command.0.clone() })
        })
        .collect();
    (drafts, counts)
}

/// Where the form comes from: its own statement, else the form it replaces (a restated form keeps its source),
/// else its command's (in this file or earlier). A form with none and nothing unverified is a gap the spec
/// should close, reported as a warning.
fn evidence(command: &CommandState, form: &FormDraft, base: Option<&FormState>, diags: &mut Diagnostics) -> Evidence {
    let evidence = form
        .evidence
        .clone()
        .or_else(|| base.map(|b| b.evidence.clone()).filter(|e| !e.is_empty()))
        .or_else(|| command.evidence.clone())
        .unwrap_or_default();
    if evidence.is_empty() && form.unverified.is_none() && command.unverified.is_none() {
        diags.warn_at(
            form.loc.clone(),
            format!("form `{}` of `{}` has no `evidence` and is not `unverified`", form.name, command.name),
        );
    }
    evidence
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

#[cfg(test)]
mod tests {
    use crate::model::{Dir, Evidence, Service, Trid};
    use crate::testing::resolve;

    /// A version whose `LST` has a client `request` and a server `item` that states every key.
    const BASE: &str = r#"
[version]
name = "BASE"
doc = "The version others extend."

[command.LST]
doc = "Lists contacts."
services = ["NS", "SB"]
evidence = { documented = "commands/lst.md" }

[command.LST.form.request]
from = "client"
args = []

[command.LST.form.item]
from = "server"
trid = "no"
doc = "One contact."
services = ["NS"]
answers = ["LST"]
warn = "Old clients ignore it."
unverified = "The order of items."
once = true
args = [
  { name = "handle", type = "handle", doc = "The contact." },
  { literal = "X", doc = "A marker." },
  { name = "count", type = "count", doc = "How many groups." },
  { name = "length", type = "length" },
]
payload = { length = "length", kind = "text" }
"#;

    #[test]
    fn a_replacement_inherits_the_keys_it_leaves_out() {
        let resolved = resolve(&[
            ("base.toml", BASE),
            (
                "v2.toml",
                r#"
[version]
name = "V2"
extends = "BASE"
doc = "The second version."

[command.LST.form.item]
doc = "One contact, restated."
"#,
            ),
        ]);
        assert_eq!(resolved.errors, Vec::<String>::new());
        let (old, new) = (resolved.form("BASE", "LST", "item"), resolved.form("V2", "LST", "item"));
        assert_eq!(
            (new.from, new.services.as_slice(), new.answers.as_slice()),
            (Dir::Server, &[Service::Ns][..], &["LST".to_string()][..])
        );
        assert_eq!((new.warn.as_deref(), new.once), (Some("Old clients ignore it."), true));
        assert_eq!((new.doc.as_str(), new.since.as_str()), ("One contact, restated.", "V2"));
        // The syntax is the replaced form's, and so are the argument docs and the evidence (the command's).
        assert_eq!(new.shape, old.shape);
        assert_eq!(resolved.shape(new).trid, Trid::No);
        assert_eq!(new.arg_docs, ["The contact.", "A marker.", "How many groups.", "Byte length of the payload."]);
        assert_eq!(new.evidence, Evidence { documented: Some("commands/lst.md".into()), ..Evidence::default() });
        // What is unverified belongs to the statement that says it.
        assert_eq!((old.unverified.as_deref(), new.unverified.as_deref()), (Some("The order of items."), None));
        // The replacement takes the replaced form's place.
        let forms: Vec<&str> = resolved.command("V2", "LST").forms.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(forms, ["request", "item"]);
    }

    #[test]
    fn new_arguments_inherit_docs_by_name() {
        let resolved = resolve(&[
            ("base.toml", BASE),
            (
                "v2.toml",
                r#"
[version]
name = "V2"
extends = "BASE"
doc = "The second version."

[command.LST.form.request]
args = [{ name = "handle", type = "handle" }]

[command.LST.form.item]
args = [
  { name = "count", type = "count" },
  { literal = "X" },
  { name = "handle", type = "handle", doc = "The contact, restated." },
  { name = "word", type = "word" },
  { name = "length", type = "length" },
]
"#,
            ),
        ]);
        assert_eq!(resolved.errors, Vec::<String>::new());
        // From the replaced form by name (or word), else from the type named like the argument.
        let item = resolved.form("V2", "LST", "item");
        assert_eq!(
            item.arg_docs,
            ["How many groups.", "A marker.", "The contact, restated.", "Any word.", "Byte length of the payload."]
        );
        // The payload is inherited and finds its length argument again, now the fifth.
        assert_eq!(resolved.shape(item).payload.as_ref().map(|p| p.length_arg), Some(4));
        // Another form of the command finds the first doc the name had in the command's history.
        assert_eq!(resolved.form("V2", "LST", "request").arg_docs, ["The contact."]);
    }

    #[test]
    fn what_a_form_cannot_inherit_or_leave_out() {
        let resolved = resolve(&[
            ("base.toml", BASE),
            (
                "v2.toml",
                r#"
[version]
name = "V2"
extends = "BASE"
doc = "The second version."

[command.LST.form.request]
trid = "zero"
services = ["DS"]

[command.LST.form.item]
from = "client"
args = [{ name = "handle", type = "handle" }, { name = "extra", type = "word" }]

[command.LST.form.fresh]
args = []

[command.LST.form.bare]
from = "server"
"#,
            ),
        ]);
        assert_eq!(
            resolved.errors,
            [
                "spec/v2.toml:6:19: trid = \"zero\" marks a server push; a client form cannot have it",
                "spec/v2.toml:6:19: form `request` names service DS, which `LST` does not list",
                "spec/v2.toml:10:19: `answers` applies to server forms only",
                "spec/v2.toml:10:19: `once` applies to server forms only",
                "spec/v2.toml:10:19: the payload length argument `length` is not an argument of this form",
                "spec/v2.toml:12:47: argument `extra` needs a doc line (none to inherit)",
                "spec/v2.toml:14:19: form `fresh` of `LST` needs `from`",
                "spec/v2.toml:17:19: form `bare` of `LST` is new and needs `args`",
            ]
        );
        let forms: Vec<&str> = resolved.command("V2", "LST").forms.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(forms, ["request", "item"]);
        // The payload whose length argument is gone is dropped.
        assert_eq!(resolved.shape(resolved.form("V2", "LST", "item")).payload, None);
    }

    #[test]
    fn a_form_without_evidence_is_a_gap_unless_unverified() {
        let resolved = resolve(&[(
            "v1.toml",
            r#"
[version]
name = "V1"
doc = "A version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = []

[command.ADD.form.reply]
from = "server"
evidence = { seen = "Traffic." }
args = []

[command.ADD.form.maybe]
from = "server"
unverified = "Never seen."
args = [{ literal = "MAYBE" }]

[command.REM]
doc = "Removes a contact."
services = ["NS"]
unverified = "All of it."

[command.REM.form.request]
from = "client"
args = []
"#,
        )]);
        assert_eq!(resolved.errors, Vec::<String>::new());
        assert_eq!(
            resolved.warnings,
            ["spec/v1.toml:9:19: form `request` of `ADD` has no `evidence` and is not `unverified`"]
        );
        assert_eq!(resolved.form("V1", "ADD", "reply").evidence.seen.as_deref(), Some("Traffic."));
    }
}
