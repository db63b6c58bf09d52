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

#[cfg(test)]
mod tests {
    use crate::model::Service;
    use crate::testing::{BASE, resolve};

    #[test]
    fn a_version_inherits_what_it_does_not_change() {
        let resolved = resolve(&[
            ("base.toml", BASE),
            (
                "v2.toml",
                r#"
[version]
name = "V2"
extends = "BASE"
doc = "The second version."

[errors]
introduces = [201]
payload = true

[command.ADD]
doc = "Adds a contact to a list."
errors = [201]

[command.REM]
doc = "Removes a contact."
services = ["NS"]
evidence = { seen = "Traffic." }

[command.REM.form.request]
from = "client"
args = [{ name = "handle", type = "handle" }]
"#,
            ),
            ("v3.toml", "[version]\nname = \"V3\"\nextends = \"V2\"\ndoc = \"The third version.\"\n"),
        ]);
        assert_eq!(resolved.errors, Vec::<String>::new());
        assert_eq!(resolved.commands("V2"), ["ADD", "REM"]);
        let add = resolved.command("V2", "ADD");
        assert_eq!((add.doc.as_str(), add.since.as_str()), ("Adds a contact to a list.", "BASE"));
        assert_eq!((add.services.as_slice(), add.errors.as_slice()), ([Service::Ns].as_slice(), [201].as_slice()));
        // The forms are inherited as they were, shapes and all.
        let forms: Vec<(&str, &str)> = add.forms.iter().map(|f| (f.name.as_str(), f.since.as_str())).collect();
        assert_eq!(forms, [("request", "BASE"), ("reply", "BASE")]);
        assert_eq!(add.forms, resolved.command("BASE", "ADD").forms);
        assert_eq!(resolved.command("BASE", "ADD").doc, "Adds a contact.");
        assert_eq!(resolved.command("V2", "REM").since, "V2");
        assert_eq!(
            (resolved.version("BASE").errors.as_slice(), resolved.version("BASE").error_payload),
            (&[200][..], false)
        );
        assert_eq!(
            (resolved.version("V2").errors.as_slice(), resolved.version("V2").error_payload),
            (&[200, 201][..], true)
        );
        // A version that changes nothing has everything its parent has.
        assert_eq!(resolved.version("V3").commands, resolved.version("V2").commands);
        assert_eq!(
            (resolved.version("V3").errors.as_slice(), resolved.version("V3").error_payload),
            (&[200, 201][..], true)
        );
    }

    #[test]
    fn removing_commands_and_error_codes() {
        let resolved = resolve(&[
            ("base.toml", BASE),
            (
                "v2.toml",
                r#"
[version]
name = "V2"
extends = "BASE"
doc = "The second version."

[errors]
introduces = [200, 201]
removes = [200, 911]

[removes.ADD]
doc = "Contacts are added with ADC."

[removes.REM]
doc = "Never had it."
"#,
            ),
            (
                "v3.toml",
                r#"
[version]
name = "V3"
extends = "BASE"
doc = "The third version."

[removes.ADD]
doc = "Contacts are added with ADC."

[command.ADD]
doc = "Changed anyway."
"#,
            ),
        ]);
        assert_eq!(
            resolved.errors,
            [
                "spec/v2.toml:8:17: `V2` removes error 911, which it does not have",
                "spec/v2.toml:13:10: `V2` removes `REM`, which it does not have",
                "spec/v3.toml:9:10: `V3` both removes and changes `ADD`",
            ]
        );
        // Error codes are removed before they are introduced: 200 is removed and introduced again.
        assert_eq!(resolved.version("V2").errors, [200, 201]);
        assert!(resolved.commands("V2").is_empty());
        assert!(resolved.commands("V3").is_empty());
        let removed: Vec<(&str, &str)> =
            resolved.version("V2").removed.iter().map(|r| (r.name.as_str(), r.doc.as_str())).collect();
        assert_eq!(removed, [("ADD", "Contacts are added with ADC."), ("REM", "Never had it.")]);
    }

    #[test]
    fn an_error_code_is_introduced_once() {
        let resolved = resolve(&[
            ("base.toml", BASE),
            (
                "v2.toml",
                "[version]\nname = \"V2\"\nextends = \"BASE\"\ndoc = \"Two.\"\n[errors]\nintroduces = [201, 200]\n",
            ),
        ]);
        assert_eq!(resolved.errors, ["spec/v2.toml:6:20: error 200 is already known to `V2`"]);
        assert_eq!(resolved.version("V2").errors, [200, 201]);
    }

    #[test]
    fn removing_forms_and_what_a_new_command_needs() {
        let resolved = resolve(&[
            ("base.toml", BASE),
            (
                "v2.toml",
                r#"
[version]
name = "V2"
extends = "BASE"
doc = "The second version."

[command.ADD]
remove_forms = ["reply", "ghost"]

[command.LST]
remove_forms = ["all"]
"#,
            ),
            (
                "v3.toml",
                r#"
[version]
name = "V3"
extends = "BASE"
doc = "The third version."

[command.ADD]
remove_forms = ["request", "reply"]
"#,
            ),
        ]);
        assert_eq!(
            resolved.errors,
            [
                "spec/v2.toml:7:26: `ADD` has no form `ghost` to remove",
                "spec/v2.toml:9:10: `LST` is new in `V2` and needs a doc line",
                "spec/v2.toml:9:10: `LST` is new in `V2` and needs `services`",
                "spec/v2.toml:9:10: `LST` is new in `V2` and needs at least one form",
                "spec/v2.toml:10:17: `LST` is new in `V2`; it has no form `all` to remove",
                "spec/v3.toml:6:10: `ADD` has no forms left in `V3`; remove the command instead",
            ]
        );
        let forms: Vec<&str> = resolved.command("V2", "ADD").forms.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(forms, ["request"]);
        assert_eq!(resolved.commands("V2"), ["ADD", "LST"]);
    }
}
