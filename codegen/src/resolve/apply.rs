//! Applies one version file to the state of the version it extends: the commands it removes, the commands it adds
//! or changes (with [`super::forms`] for their forms), and the error codes it removes and introduces. Then
//! [`super::answers`] checks what the version now refers to.

use std::collections::HashMap;

use super::answers::check_answers;
use super::forms::add_or_replace_form;
use super::{CommandState, VersionState};
use crate::check::{CommandDraft, VersionDraft};
use crate::diag::Diagnostics;
use crate::model::Type;

/// Applies one version file to its parent's command set.
pub(super) fn apply(
    draft: &VersionDraft,
    mut state: VersionState,
    types: &[Type],
    diags: &mut Diagnostics,
) -> VersionState {
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
