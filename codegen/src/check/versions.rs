//! Checks a version file on its own: its header, the error codes it introduces and removes, the commands it
//! removes, and each command table, whose forms [`super::forms`] checks. The last checker [`super::check`] runs,
//! once per version file, against the types and error codes checked before.

use std::collections::{HashMap, HashSet};

use toml::Spanned;

use super::{CommandDraft, RemoveDraft, VersionDraft, check_doc, is_command_name, is_kebab};
use crate::diag::{Diagnostics, Loc};
use crate::load::{self, loc};
use crate::model::Service;

/// Error codes, each with the place the file names it.
type Codes = Vec<(u16, Loc)>;

/// What checking one version file needs: the file, where problems go, and the types and error codes it may name.
pub(super) struct FileCtx<'a> {
    pub(super) file: usize,
    pub(super) diags: &'a mut Diagnostics,
    pub(super) types: &'a HashMap<String, usize>,
    pub(super) codes: &'a HashSet<u16>,
}

impl FileCtx<'_> {
    pub(super) fn loc<T>(&self, value: &Spanned<T>) -> Loc {
        loc(self.file, value)
    }

    pub(super) fn doc(&mut self, doc: &Option<Spanned<String>>) -> Option<String> {
        doc.as_ref().map(|d| check_doc(self.file, d, self.diags))
    }

    /// A version file: its header, error code changes, removals and commands; `None` when its name is unusable.
    pub(super) fn version(&mut self, doc: &load::VersionFile) -> Option<VersionDraft> {
        let header = doc.version.get_ref();
        let name = header.name.get_ref();
        let valid_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid_name {
            self.diags.at(self.loc(&header.name), format!("version name `{name}` must be letters and digits"));
        }
        let version_doc = self.doc(&header.doc).unwrap_or_else(|| {
            self.diags.at(self.loc(&doc.version), format!("version `{name}` needs a doc line"));
            String::new()
        });
        let (errors_introduced, errors_removed) =
            doc.errors.as_ref().map(|e| self.error_changes(e)).unwrap_or_default();
        let removes = doc.removes.iter().map(|(command, removal)| self.removal(command, removal)).collect();
        let mut commands = Vec::new();
        for (command_name, command) in &doc.command {
            if !is_command_name(command_name.get_ref()) {
                self.diags.at(
                    self.loc(command_name),
                    format!("command name `{}` must be three uppercase letters", command_name.get_ref()),
                );
                continue;
            }
            commands.push(self.command(command_name, command.get_ref()));
        }
        let error_payload = doc.errors.as_ref().and_then(|e| e.get_ref().payload);
        valid_name.then(|| VersionDraft {
            name: name.clone(),
            name_loc: self.loc(&header.name),
            extends: header.extends.as_ref().map(|e| (e.get_ref().clone(), self.loc(e))),
            is_abstract: header.is_abstract,
            doc: version_doc,
            client: header.client.as_ref().map(|v| v.get_ref().clone()),
            auth: header.auth.as_ref().map(|v| v.get_ref().clone()),
            contact_list: header.contact_list.as_ref().map(|v| v.get_ref().clone()),
            unverified: header.unverified.as_ref().map(|u| check_doc(self.file, u, self.diags)),
            file: self.file,
            errors_introduced,
            errors_removed,
            error_payload,
            removes,
            commands,
        })
    }

    /// The `[errors]` table's `introduces` and `removes`: codes `errors.toml` defines (the others are left out).
    fn error_changes(&mut self, errors: &Spanned<load::ErrorChanges>) -> (Codes, Codes) {
        let mut introduced = Vec::new();
        let mut removed = Vec::new();
        for (list, out) in [(&errors.get_ref().introduces, &mut introduced), (&errors.get_ref().removes, &mut removed)]
        {
            for code in list {
                if self.codes.contains(code.get_ref()) {
                    out.push((*code.get_ref(), self.loc(code)));
                } else {
                    self.diags.at(self.loc(code), format!("error {} is not defined in errors.toml", code.get_ref()));
                }
            }
        }
        (introduced, removed)
    }

    /// A `[removes.X]` entry, whose doc line says what happens now that the command is gone.
    fn removal(&mut self, command: &Spanned<String>, removal: &Spanned<load::Removal>) -> RemoveDraft {
        let doc = self.doc(&removal.get_ref().doc).unwrap_or_else(|| {
            self.diags.at(
                self.loc(command),
                format!("the removal of `{}` needs a doc line saying what happens now", command.get_ref()),
            );
            String::new()
        });
        RemoveDraft { name: command.get_ref().clone(), loc: self.loc(command), doc }
    }

    pub(super) fn services(&mut self, services: &Option<Spanned<Vec<Spanned<String>>>>) -> Option<Vec<Service>> {
        let services = services.as_ref()?;
        if services.get_ref().is_empty() {
            self.diags.at(self.loc(services), "`services` needs at least one of DS, NS and SB");
        }
        let mut out = Vec::new();
        for service in services.get_ref() {
            match service.get_ref().as_str() {
                "DS" => out.push(Service::Ds),
                "NS" => out.push(Service::Ns),
                "SB" => out.push(Service::Sb),
                other => self
                    .diags
                    .at(self.loc(service), format!("unknown service `{other}`; the services are DS, NS and SB")),
            }
        }
        out.sort();
        out.dedup();
        Some(out)
    }

    fn command(&mut self, name: &Spanned<String>, command: &load::CommandDoc) -> CommandDraft {
        let doc = self.doc(&command.doc);
        let services = self.services(&command.services);
        let errors = command.errors.as_ref().map(|errors| {
            let mut out = Vec::new();
            for code in errors.get_ref() {
                if self.codes.contains(code.get_ref()) {
                    out.push(*code.get_ref());
                } else {
                    self.diags.at(self.loc(code), format!("error {} is not defined in errors.toml", code.get_ref()));
                }
            }
            out
        });
        let remove_forms = command.remove_forms.iter().map(|f| (f.get_ref().clone(), self.loc(f))).collect();
        let mut forms = Vec::new();
        for (form_name, form) in &command.form {
            if !is_kebab(form_name.get_ref()) {
                self.diags.at(
                    self.loc(form_name),
                    format!("form name `{}` must be lowercase words joined by '-'", form_name.get_ref()),
                );
                continue;
            }
            if let Some(form) = self.form(form_name, form.get_ref()) {
                forms.push(form);
            }
        }
        CommandDraft {
            name: name.get_ref().clone(),
            loc: self.loc(name),
            doc,
            services,
            errors,
            unverified: command.unverified.as_ref().map(|u| check_doc(self.file, u, self.diags)),
            evidence: command.evidence.as_ref().map(|e| self.evidence(e)),
            remove_forms,
            forms,
            had_forms: !command.form.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Evidence, Service};
    use crate::testing::check_version;

    #[test]
    fn header_errors_removals_and_commands() {
        let (draft, errors) = check_version(
            r#"
[version]
name = "MSNP9"
extends = "MSNP8"
doc = "The ninth version."
client = "5.0"
auth = "MD5"
contact_list = "SYN"
unverified = "Dates only."

[errors]
introduces = [911]
removes = [201]
payload = true

[removes.CHG]
doc = "Presence goes by PRP now."

[command.OUT]
services = ["SB", "NS", "SB"]
errors = [200]
evidence = { seen = "Traffic of 2003." }
remove_forms = ["old"]
"#,
        );
        assert_eq!(errors, Vec::<String>::new());
        let draft = draft.expect("a valid version has a draft");
        assert_eq!(draft.name, "MSNP9");
        assert_eq!(draft.extends.as_ref().map(|(name, _)| name.as_str()), Some("MSNP8"));
        assert!(!draft.is_abstract);
        assert_eq!(draft.doc, "The ninth version.");
        assert_eq!(
            (draft.client.as_deref(), draft.auth.as_deref(), draft.contact_list.as_deref()),
            (Some("5.0"), Some("MD5"), Some("SYN"))
        );
        assert_eq!(draft.unverified.as_deref(), Some("Dates only."));
        assert_eq!(draft.errors_introduced.iter().map(|(code, _)| *code).collect::<Vec<_>>(), [911]);
        assert_eq!(draft.errors_removed.iter().map(|(code, _)| *code).collect::<Vec<_>>(), [201]);
        assert_eq!(draft.error_payload, Some(true));
        assert_eq!(draft.removes.len(), 1);
        assert_eq!(
            (draft.removes[0].name.as_str(), draft.removes[0].doc.as_str()),
            ("CHG", "Presence goes by PRP now.")
        );
        let command = &draft.commands[0];
        assert_eq!(command.name, "OUT");
        assert_eq!(command.doc, None);
        // Services are sorted and each listed once.
        assert_eq!(command.services, Some(vec![Service::Ns, Service::Sb]));
        assert_eq!(command.errors, Some(vec![200]));
        assert_eq!(command.evidence, Some(Evidence { seen: Some("Traffic of 2003.".into()), ..Evidence::default() }));
        assert_eq!(command.remove_forms.iter().map(|(form, _)| form.as_str()).collect::<Vec<_>>(), ["old"]);
        assert!(!command.had_forms);
    }

    #[test]
    fn what_a_version_file_refers_to_must_exist() {
        let (draft, errors) = check_version(
            r#"
[version]
name = "V1"

[errors]
introduces = [200, 404]
removes = [999]

[removes.CHG]

[command.ADD]
doc = "Adds a contact."
services = []
errors = [201, 500]

[command.Add]
doc = "Not a command name."

[command.LIST]
doc = "Four letters."

[command.REM]
doc = "Removes a contact."
services = ["NS", "XS"]

[command.REM.form.Bad]
from = "client"
args = []
"#,
        );
        assert_eq!(
            errors,
            [
                "spec/v.toml:1:1: version `V1` needs a doc line",
                "spec/v.toml:5:20: error 404 is not defined in errors.toml",
                "spec/v.toml:6:12: error 999 is not defined in errors.toml",
                "spec/v.toml:8:10: the removal of `CHG` needs a doc line saying what happens now",
                "spec/v.toml:12:12: `services` needs at least one of DS, NS and SB",
                "spec/v.toml:13:16: error 500 is not defined in errors.toml",
                "spec/v.toml:15:10: command name `Add` must be three uppercase letters",
                "spec/v.toml:18:10: command name `LIST` must be three uppercase letters",
                "spec/v.toml:23:19: unknown service `XS`; the services are DS, NS and SB",
                "spec/v.toml:25:19: form name `Bad` must be lowercase words joined by '-'",
            ]
        );
        // What can be read is kept: the known codes, the known services, the commands with good names.
        let draft = draft.expect("the version's name is good");
        assert_eq!(draft.errors_introduced.iter().map(|(code, _)| *code).collect::<Vec<_>>(), [200]);
        assert!(draft.errors_removed.is_empty());
        assert_eq!(draft.removes[0].doc, "");
        let commands: Vec<&str> = draft.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(commands, ["ADD", "REM"]);
        assert_eq!(draft.commands[0].services, Some(Vec::new()));
        assert_eq!(draft.commands[0].errors, Some(vec![201]));
        assert_eq!(draft.commands[1].services, Some(vec![Service::Ns]));
        // The form with a bad name is left out, but the command had forms.
        assert!(draft.commands[1].forms.is_empty());
        assert!(draft.commands[1].had_forms);
    }

    #[test]
    fn a_version_with_a_bad_name_is_checked_but_left_out() {
        let (draft, errors) = check_version(
            r#"
[version]
name = "MSNP-9"
doc = "A hyphen in the name."

[command.Usr]
doc = "A bad command name."
"#,
        );
        assert_eq!(
            errors,
            [
                "spec/v.toml:2:8: version name `MSNP-9` must be letters and digits",
                "spec/v.toml:5:10: command name `Usr` must be three uppercase letters",
            ]
        );
        assert!(draft.is_none());
    }
}
