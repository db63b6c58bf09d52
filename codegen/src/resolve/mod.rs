//! Resolve stage: between the check stage (drafts of each file on its own) and the emit stage (Rust source).
//! Applies each version file to the command set of the version it extends, checks what needs the whole chain
//! (removals, replaced forms, `answers`, inherited docs, payload lengths), and deduplicates command syntaxes into
//! shapes.
//!
//! [`resolve`] takes the versions in [`order`], applies each to its parent's state ([`apply`], with [`forms`] for
//! added and replaced forms, [`args`] for the arguments their keys name and [`answers`] for what the applied
//! version refers to), and turns each concrete version into the model ([`shapes`]); last, the web services' versions
//! are checked against the resolved ones ([`services`]).

mod answers;
mod apply;
mod args;
mod forms;
mod order;
mod services;
mod shapes;

use std::collections::{BTreeSet, HashMap};

use crate::check::{ArgDraft, Checked, CountDraft, CounterDraft};
use crate::diag::{Diagnostics, Loc};
use crate::model::{Count, Counter, Dir, Evidence, Payload, Service, Spec, Trid, Version};

pub use order::natural_key;

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

/// A form while versions are applied: its arguments keep their drafts, with their docs resolved beside them.
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

/// What a version has once applied: its commands, its error codes and whether error replies may carry a payload.
#[derive(Clone, Debug, Default)]
struct VersionState {
    commands: Vec<CommandState>,
    errors: BTreeSet<u16>,
    error_payload: bool,
}

/// Resolves every version chain and builds the model.
pub fn resolve(checked: Checked, file_names: &[String], diags: &mut Diagnostics) -> Spec {
    let order = order::order_versions(&checked.versions, diags);
    let mut states: HashMap<String, VersionState> = HashMap::new();
    let mut shapes = shapes::Shapes::default();
    let mut versions = Vec::new();
    for index in order {
        let draft = &checked.versions[index];
        let parent = draft.extends.as_ref().and_then(|(name, _)| states.get(name)).cloned().unwrap_or_default();
        let state = apply::apply(draft, parent, &checked.types, diags);
        if !draft.is_abstract {
            let mut version = shapes::finish(draft, &state, &file_names[draft.file], &mut shapes);
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
    let web_services = services::resolve(checked.services, &versions, diags);
    Spec { types: checked.types, errors: checked.errors, shapes: shapes.list, versions, web_services }
}

#[cfg(test)]
mod tests {
    use crate::testing::{BASE, resolve};

    #[test]
    fn concrete_versions_keep_how_their_predecessor_authenticates() {
        let resolved = resolve(&[
            ("base.toml", BASE),
            (
                "v2.toml",
                "[version]\nname = \"V2\"\nextends = \"BASE\"\ndoc = \"Two.\"\nclient = \"2.0\"\ncontact_list = \"SYN\"\n",
            ),
            ("v3.toml", "[version]\nname = \"V3\"\nextends = \"V2\"\ndoc = \"Three.\"\nauth = \"SSO\"\n"),
            ("x.toml", "[version]\nname = \"X\"\nabstract = true\ndoc = \"A base for nothing.\"\n"),
        ]);
        assert_eq!(resolved.errors, Vec::<String>::new());
        let versions: Vec<String> = resolved
            .spec
            .versions
            .iter()
            .map(|v| format!("{} {} {:?} {:?} {:?}", v.name, v.file, v.client, v.auth, v.contact_list))
            .collect();
        // The abstract version is left out of the model; the client is each version's own.
        assert_eq!(
            versions,
            [
                "BASE spec/base.toml None Some(\"MD5\") None",
                "V2 spec/v2.toml Some(\"2.0\") Some(\"MD5\") Some(\"SYN\")",
                "V3 spec/v3.toml None Some(\"SSO\") Some(\"SYN\")",
            ]
        );
        assert_eq!(resolved.version("V3").extends.as_deref(), Some("V2"));
    }
}
