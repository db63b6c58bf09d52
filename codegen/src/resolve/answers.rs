//! Checks, once a version is applied, what its forms refer to across the whole version: the commands `answers`
//! and `counts` name, the services of forms against their command's, and the id kinds arguments refer to. The last
//! step of applying a version ([`super::apply`]).

use super::{FormState, VersionState};
use crate::check::VersionDraft;
use crate::diag::Diagnostics;
use crate::model::LinkRole;

/// After a version is applied, every form's `answers` must name a command the version still has, and every
/// form's services must be among its command's. Inherited forms are reported where this version made them wrong.
pub(super) fn check_answers(draft: &VersionDraft, state: &VersionState, diags: &mut Diagnostics) {
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
