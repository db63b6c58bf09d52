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

#[cfg(test)]
mod tests {
    use crate::model::{Link, LinkRole};
    use crate::testing::resolve;

    /// `LST` items answer `LST` and `LSG`, count `LSG` lines and refer to the groups `LSG` items define.
    const V1: &str = r#"
[version]
name = "V1"
doc = "A version."

[command.LSG]
doc = "A group."
services = ["NS"]
unverified = "Made up."

[command.LSG.form.item]
from = "server"
args = [{ name = "group", type = "word", doc = "A group id.", defines = "group" }]

[command.LST]
doc = "Lists contacts."
services = ["NS", "SB"]
unverified = "Made up."

[command.LST.form.item]
from = "server"
services = ["NS"]
answers = ["LST", "LSG"]
args = [{ name = "group", type = "word", doc = "Its group.", refers = "group" }, { name = "count", type = "count" }]
counts = { count = "LSG" }
"#;

    #[test]
    fn links_between_commands() {
        let resolved = resolve(&[("v1.toml", V1)]);
        assert_eq!(resolved.errors, Vec::<String>::new());
        let link = |command: &str| resolved.form("V1", command, "item").links.clone();
        assert_eq!(link("LSG"), [Link { arg: 0, role: LinkRole::Defines, kind: "group".into() }]);
        assert_eq!(link("LST"), [Link { arg: 0, role: LinkRole::Refers, kind: "group".into() }]);
        assert_eq!(resolved.form("V1", "LST", "item").answers, ["LST", "LSG"]);
    }

    #[test]
    fn a_version_that_breaks_an_inherited_form_is_reported_where_it_does() {
        let resolved = resolve(&[
            ("v1.toml", V1),
            (
                "v2.toml",
                r#"
[version]
name = "V2"
extends = "V1"
doc = "The second version."

[removes.LSG]
doc = "Groups are gone."

[command.LST]
services = ["SB"]
"#,
            ),
        ]);
        assert_eq!(
            resolved.errors,
            [
                "spec/v2.toml:6:10: `LST`'s form `item` answers `LSG`, which `V2` removes",
                "spec/v2.toml:9:10: `LST`'s form `item` uses service NS, which `LST` no longer lists",
            ]
        );
    }

    #[test]
    fn a_restated_form_names_commands_and_ids_of_its_version() {
        let resolved = resolve(&[
            ("v1.toml", V1),
            (
                "v2.toml",
                r#"
[version]
name = "V2"
extends = "V1"
doc = "The second version."

[command.LST.form.item]
answers = ["LST", "XFR"]
args = [{ name = "group", type = "word", refers = "grp" }, { name = "count", type = "count" }]
counts = { count = "XFR" }
"#,
            ),
        ]);
        assert_eq!(
            resolved.errors,
            [
                "spec/v2.toml:7:19: `XFR` is not a command of `V2`",
                "spec/v2.toml:8:51: `refers = \"grp\"`: no argument of `V2` defines `grp`",
                "spec/v2.toml:9:20: `counts` names `XFR`, which is not a command of `V2`",
            ]
        );
        assert_eq!(resolved.form("V2", "LST", "item").arg_docs[0], "Its group.");
    }
}
