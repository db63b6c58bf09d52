//! Resolve stage: applies each version file to the command set of the version it extends, checks what
//! needs the whole chain (removals, replaced forms, `answers`, inherited docs, payload lengths), and
//! deduplicates command syntaxes into shapes.

use std::collections::{BTreeSet, HashMap};

use crate::check::{ArgDraft, Checked, CommandDraft, CountDraft, CounterDraft, FormDraft, VersionDraft, camel};
use crate::diag::{Diagnostics, Loc};
use crate::model::{
    Arg, ArgKind, Check, Command, Count, Counter, Dir, Evidence, Form, Link, LinkRole, Payload, Removed, Service,
    Shape, Spec, Trid, Type, TypeKind, Version,
};

/// A command while versions are applied: forms keep their drafts (with locations) until shapes are made.
#[derive(Clone, Debug)]
struct CommandState {
    name: String,
    doc: String,
    services: Vec<Service>,
    errors: Vec<u16>,
    since: String,
    unverified: Option<String>,
    /// The evidence the latest statement of the command gave its forms.
    evidence: Option<Evidence>,
    forms: Vec<FormState>,
    /// Docs of every named argument seen in the command's history, for arguments that leave theirs out.
    arg_docs: HashMap<String, String>,
}

#[derive(Clone, Debug)]
struct FormState {
    name: String,
    from: Dir,
    trid: Trid,
    doc: String,
    services: Option<Vec<Service>>,
    answers: Option<Vec<(String, Loc)>>,
    warn: Option<String>,
    unverified: Option<String>,
    evidence: Evidence,
    once: bool,
    args: Vec<ArgDraft>,
    arg_docs: Vec<String>,
    payload: Option<Payload>,
    since: String,
    /// `counter` and `counts` as stated (kept for forms that replace this one) and resolved against `args`.
    counter_draft: Option<CounterDraft>,
    counter: Option<Counter>,
    counts_draft: Option<Vec<CountDraft>>,
    counts: Vec<Count>,
}

#[derive(Clone, Debug, Default)]
struct VersionState {
    commands: Vec<CommandState>,
    errors: BTreeSet<u16>,
    error_payload: bool,
}

/// Resolves every version chain and builds the model.
pub fn resolve(checked: Checked, file_names: &[String], diags: &mut Diagnostics) -> Spec {
    let order = order_versions(&checked.versions, diags);
    let mut states: HashMap<String, VersionState> = HashMap::new();
    let mut shapes = Shapes::default();
    let mut versions = Vec::new();
    for index in order {
        let draft = &checked.versions[index];
        let parent = draft.extends.as_ref().and_then(|(name, _)| states.get(name)).cloned().unwrap_or_default();
        let state = apply(draft, parent, &checked.types, diags);
        if !draft.is_abstract {
            let mut version = finish(draft, &state, &file_names[draft.file], &mut shapes);
            // How a version authenticates and delivers the contact list stays as its predecessor had it, unless
            // it says otherwise (the client that introduced it is its own).
            let extended =
                draft.extends.as_ref().and_then(|(name, _)| versions.iter().find(|v: &&Version| &v.name == name));
            if let Some(extended) = extended {
                version.auth = version.auth.or_else(|| extended.auth.clone());
                version.contact_list = version.contact_list.or_else(|| extended.contact_list.clone());
            }
            versions.push(version);
        }
        states.insert(draft.name.clone(), state);
    }
    Spec { types: checked.types, errors: checked.errors, shapes: shapes.list, versions }
}

/// Orders versions so that each comes after the one it extends; among versions that are ready at the same
/// time, the one whose name sorts first in natural order (MSNP9 before MSNP10) goes first.
fn order_versions(versions: &[VersionDraft], diags: &mut Diagnostics) -> Vec<usize> {
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for (index, version) in versions.iter().enumerate() {
        if by_name.insert(&version.name, index).is_some() {
            diags.at(version.name_loc.clone(), format!("version `{}` is defined twice", version.name));
        }
    }
    let mut usable = vec![true; versions.len()];
    for (index, version) in versions.iter().enumerate() {
        if let Some((parent, at)) = &version.extends {
            match by_name.get(parent.as_str()) {
                None => {
                    diags.at(at.clone(), format!("`{}` extends `{parent}`, which is not defined", version.name));
                    usable[index] = false;
                }
                Some(&p) if versions[p].is_abstract || !version.is_abstract => {}
                Some(_) => {
                    diags.at(at.clone(), "an abstract version can only extend another abstract version");
                }
            }
        }
    }
    let mut done: Vec<usize> = Vec::new();
    let mut placed = vec![false; versions.len()];
    loop {
        let ready = (0..versions.len())
            .filter(|&i| !placed[i] && usable[i])
            .filter(|&i| match &versions[i].extends {
                None => true,
                Some((parent, _)) => by_name.get(parent.as_str()).is_some_and(|&p| placed[p]),
            })
            .min_by(|&a, &b| natural_key(&versions[a].name).cmp(&natural_key(&versions[b].name)));
        match ready {
            Some(i) => {
                placed[i] = true;
                done.push(i);
            }
            None => break,
        }
    }
    for (index, version) in versions.iter().enumerate() {
        if usable[index] && !placed[index] {
            let at = version.extends.as_ref().map_or(version.name_loc.clone(), |(_, at)| at.clone());
            diags.at(at, format!("`{}` is part of an `extends` cycle", version.name));
        }
    }
    done
}

/// Splits a name into text and number runs so that `MSNP9` sorts before `MSNP10`.
pub fn natural_key(name: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in name.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((std::mem::take(&mut text), digits.parse().unwrap_or(u64::MAX)));
                digits.clear();
            }
            text.push(c);
        }
    }
    out.push((text, digits.parse().unwrap_or(0)));
    out
}

/// Applies one version file to its parent's command set.
fn apply(draft: &VersionDraft, mut state: VersionState, types: &[Type], diags: &mut Diagnostics) -> VersionState {
    for removal in &draft.removes {
        match state.commands.iter().position(|c| c.name == removal.name) {
            Some(i) => {
                state.commands.remove(i);
            }
            None => diags.at(
                removal.loc.clone(),
                format!("`{}` removes `{}`, which it does not have", draft.name, removal.name),
            ),
        }
    }
    for command in &draft.commands {
        if draft.removes.iter().any(|r| r.name == command.name) {
            diags.at(command.loc.clone(), format!("`{}` both removes and changes `{}`", draft.name, command.name));
            continue;
        }
        match state.commands.iter_mut().find(|c| c.name == command.name) {
            Some(existing) => change_command(draft, existing, command, types, diags),
            None => {
                if let Some(new) = new_command(draft, command, types, diags) {
                    state.commands.push(new);
                }
            }
        }
    }
    for (code, at) in &draft.errors_removed {
        if !state.errors.remove(code) {
            diags.at(at.clone(), format!("`{}` removes error {code}, which it does not have", draft.name));
        }
    }
    if let Some(payload) = draft.error_payload {
        state.error_payload = payload;
    }
    for (code, at) in &draft.errors_introduced {
        if !state.errors.insert(*code) {
            diags.at(at.clone(), format!("error {code} is already known to `{}`", draft.name));
        }
    }
    check_answers(draft, &state, diags);
    state
}

fn new_command(
    draft: &VersionDraft,
    command: &CommandDraft,
    types: &[Type],
    diags: &mut Diagnostics,
) -> Option<CommandState> {
    let doc = command.doc.clone();
    let services = command.services.clone();
    if doc.is_none() {
        diags.at(command.loc.clone(), format!("`{}` is new in `{}` and needs a doc line", command.name, draft.name));
    }
    if services.is_none() {
        diags.at(command.loc.clone(), format!("`{}` is new in `{}` and needs `services`", command.name, draft.name));
    }
    for (form, at) in &command.remove_forms {
        diags.at(
            at.clone(),
            format!("`{}` is new in `{}`; it has no form `{form}` to remove", command.name, draft.name),
        );
    }
    if !command.had_forms {
        diags.at(
            command.loc.clone(),
            format!("`{}` is new in `{}` and needs at least one form", command.name, draft.name),
        );
    }
    let mut state = CommandState {
        name: command.name.clone(),
        doc: doc.unwrap_or_default(),
        services: services.unwrap_or_default(),
        errors: command.errors.clone().unwrap_or_default(),
        since: draft.name.clone(),
        unverified: command.unverified.clone(),
        evidence: command.evidence.clone(),
        forms: Vec::new(),
        arg_docs: HashMap::new(),
    };
    for form in &command.forms {
        add_or_replace_form(draft, &mut state, form, types, diags);
    }
    Some(state)
}

fn change_command(
    draft: &VersionDraft,
    state: &mut CommandState,
    command: &CommandDraft,
    types: &[Type],
    diags: &mut Diagnostics,
) {
    if let Some(doc) = &command.doc {
        state.doc = doc.clone();
    }
    if let Some(services) = &command.services {
        state.services = services.clone();
    }
    if let Some(errors) = &command.errors {
        state.errors = errors.clone();
    }
    // What is unverified belongs to a statement: a version that restates the command says it anew.
    state.unverified = command.unverified.clone();
    if let Some(evidence) = &command.evidence {
        state.evidence = Some(evidence.clone());
    }
    for (form, at) in &command.remove_forms {
        match state.forms.iter().position(|f| &f.name == form) {
            Some(i) => {
                state.forms.remove(i);
            }
            None => diags.at(at.clone(), format!("`{}` has no form `{form}` to remove", command.name)),
        }
    }
    for form in &command.forms {
        add_or_replace_form(draft, state, form, types, diags);
    }
    if state.forms.is_empty() {
        diags.at(
            command.loc.clone(),
            format!("`{}` has no forms left in `{}`; remove the command instead", command.name, draft.name),
        );
    }
}

/// Adds a form, or replaces the inherited form of the same name in place. A replacement inherits every key
/// it leaves out (who sends it, TrID, doc, services, answers, warning, payload) from the form it replaces.
fn add_or_replace_form(
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

/// The position of the payload length argument `length` among `args`, which must be the last and of type `length`.
fn length_arg(args: &[ArgDraft], length: &str, at: &Loc, types: &[Type], diags: &mut Diagnostics) -> Option<usize> {
    let position = args.iter().position(|a| matches!(&a.kind, ArgKind::Value { name, .. } if name == length));
    let Some(position) = position else {
        diags.at(at.clone(), format!("the payload length argument `{length}` is not an argument of this form"));
        return None;
    };
    let arg = &args[position];
    if position + 1 != args.len() {
        diags.at(
            arg.loc.clone(),
            "the payload length must be the last argument (framing reads it from the end of the line)",
        );
    }
    if let ArgKind::Value { ty, .. } = arg.kind
        && types[ty].name != "length"
    {
        diags.at(arg.loc.clone(), "the payload length argument must be of type `length`");
    }
    if arg.optional || arg.repeat || arg.prefix.is_some() {
        diags.at(arg.loc.clone(), "the payload length argument cannot be optional, repeated or prefixed");
    }
    Some(position)
}

/// The positions of a counter's arguments among `args`. `inherited` is where to report a name the form did not
/// state itself.
fn counter_args(
    args: &[ArgDraft],
    counter: &CounterDraft,
    inherited: Option<&Loc>,
    types: &[Type],
    diags: &mut Diagnostics,
) -> Option<Counter> {
    let index = number_arg(args, &counter.index, "counter's `index`", inherited, types, diags);
    let total = number_arg(args, &counter.total, "counter's `total`", inherited, types, diags);
    let per = match &counter.per {
        Some(per) => Some(value_arg(args, per, "counter's `per`", inherited, diags)?),
        None => None,
    };
    Some(Counter { index: index?, total: total?, per })
}

/// The position of the named value argument `name` among `args`.
fn value_arg(
    args: &[ArgDraft],
    (name, at): &(String, Loc),
    what: &str,
    inherited: Option<&Loc>,
    diags: &mut Diagnostics,
) -> Option<usize> {
    let position = args.iter().position(|a| matches!(&a.kind, ArgKind::Value { name: n, .. } if n == name));
    if position.is_none() {
        diags.at(
            inherited.unwrap_or(at).clone(),
            format!("the {what} argument `{name}` is not an argument of this form"),
        );
    }
    position
}

/// Like [`value_arg`], for an argument that holds a number of lines: its type must be checked as `uint`.
fn number_arg(
    args: &[ArgDraft],
    named: &(String, Loc),
    what: &str,
    inherited: Option<&Loc>,
    types: &[Type],
    diags: &mut Diagnostics,
) -> Option<usize> {
    let position = value_arg(args, named, what, inherited, diags)?;
    if let ArgKind::Value { ty, .. } = args[position].kind
        && !matches!(types[ty].kind, TypeKind::Check(Check::Uint { .. }))
    {
        diags.at(
            inherited.unwrap_or(&named.1).clone(),
            format!("the {what} argument `{}` must be a number (a type with check = \"uint\")", named.0),
        );
        return None;
    }
    Some(position)
}

/// After a version is applied, every form's `answers` must name a command the version still has, and every
/// form's services must be among its command's. Inherited forms are reported where this version made them wrong.
fn check_answers(draft: &VersionDraft, state: &VersionState, diags: &mut Diagnostics) {
    for command in &state.commands {
        let changed = draft.commands.iter().find(|c| c.name == command.name);
        for form in &command.forms {
            let restated = changed.and_then(|c| c.forms.iter().find(|f| f.name == form.name));
            if restated.is_some() {
                check_links(draft, state, form, diags);
            }
            for (answer, at) in form.answers.iter().flatten() {
                if state.commands.iter().any(|c| &c.name == answer) {
                    continue;
                }
                match (restated, draft.removes.iter().find(|r| &r.name == answer)) {
                    (Some(_), _) => diags.at(at.clone(), format!("`{answer}` is not a command of `{}`", draft.name)),
                    (None, Some(removal)) => diags.at(
                        removal.loc.clone(),
                        format!(
                            "`{}`'s form `{}` answers `{answer}`, which `{}` removes",
                            command.name, form.name, draft.name
                        ),
                    ),
                    (None, None) => {}
                }
            }
            if let (Some(services), None, Some(changed)) = (&form.services, restated, changed)
                && let Some(outside) = services.iter().find(|s| !command.services.contains(s))
            {
                diags.at(
                    changed.loc.clone(),
                    format!(
                        "`{}`'s form `{}` uses service {}, which `{}` no longer lists",
                        command.name,
                        form.name,
                        outside.name(),
                        command.name
                    ),
                );
            }
        }
    }
}

/// A restated form's `counts` must name commands the version has, and each id kind its arguments refer to must be
/// defined by some argument of the version.
fn check_links(draft: &VersionDraft, state: &VersionState, form: &FormState, diags: &mut Diagnostics) {
    for count in form.counts_draft.iter().flatten() {
        let (command, at) = &count.command;
        if !state.commands.iter().any(|c| &c.name == command) {
            diags.at(at.clone(), format!("`counts` names `{command}`, which is not a command of `{}`", draft.name));
        }
    }
    let defined = |kind: &str| {
        state
            .commands
            .iter()
            .flat_map(|c| &c.forms)
            .flat_map(|f| &f.args)
            .any(|a| a.link.as_ref().is_some_and(|l| l.role == LinkRole::Defines && l.kind == kind))
    };
    for link in form.args.iter().filter_map(|a| a.link.as_ref()) {
        if link.role == LinkRole::Refers && !defined(&link.kind) {
            diags.at(
                link.loc.clone(),
                format!("`refers = \"{}\"`: no argument of `{}` defines `{}`", link.kind, draft.name, link.kind),
            );
        }
    }
}

// --- shapes -----------------------------------------------------------------------------------------

#[derive(Default)]
struct Shapes {
    list: Vec<Shape>,
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
fn finish(draft: &VersionDraft, state: &VersionState, file: &str, shapes: &mut Shapes) -> Version {
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
            forms: command
                .forms
                .iter()
                .map(|form| Form {
                    name: form.name.clone(),
                    from: form.from,
                    shape: shapes.intern(&draft.name, command, form),
                    services: form.services.clone().unwrap_or_else(|| command.services.clone()),
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
                        .filter_map(|(arg, a)| {
                            a.link.as_ref().map(|l| Link { arg, role: l.role, kind: l.kind.clone() })
                        })
                        .collect(),
                })
                .collect(),
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

#[cfg(test)]
mod tests {
    use super::natural_key;

    #[test]
    fn natural_order() {
        let mut names = vec!["MSNP10", "MSNP9", "CVR0", "MSNP2", "common"];
        names.sort_by_key(|n| natural_key(n));
        assert_eq!(names, ["CVR0", "MSNP2", "MSNP9", "MSNP10", "common"]);
    }
}
