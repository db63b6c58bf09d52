//! The web services' versions: `since` and `until` name versions clients negotiate, `until` no older than
//! `since`. Runs once every version is resolved, since only then is their order known.

use crate::check::ServiceDraft;
use crate::diag::{Diagnostics, Loc};
use crate::model::{Version, WebService};

/// The services of `drafts` with their versions checked against `versions` (oldest first).
pub(super) fn resolve(drafts: Vec<ServiceDraft>, versions: &[Version], diags: &mut Diagnostics) -> Vec<WebService> {
    let rank = |name: &str| versions.iter().position(|v| v.name == name);
    let mut out = Vec::new();
    for draft in drafts {
        let known = |named: &Option<(String, Loc)>, diags: &mut Diagnostics| -> Option<usize> {
            let (name, at) = named.as_ref()?;
            let found = rank(name);
            if found.is_none() {
                diags.at(at.clone(), format!("`{name}` is not a version clients negotiate"));
            }
            found
        };
        let since = known(&draft.since, diags);
        let until = known(&draft.until, diags);
        if let (Some(since), Some(until), Some((name, at))) = (since, until, &draft.until)
            && until < since
        {
            let first = &versions[since].name;
            diags.at(at.clone(), format!("`until` {name} comes before `since` {first}"));
        }
        out.push(WebService {
            name: draft.name,
            doc: draft.doc,
            kind: draft.kind,
            method: draft.method,
            paths: draft.paths,
            action: draft.action,
            since: draft.since.map(|(name, _)| name).unwrap_or_default(),
            until: draft.until.map(|(name, _)| name),
            unverified: draft.unverified,
            evidence: draft.evidence,
            request: draft.request,
            response: draft.response,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testing::{BASE, resolve};

    #[test]
    fn since_and_until_name_versions_in_order() {
        let services = r#"
[service.a]
doc = "A."
method = "GET"
paths = ["/a"]
since = "V2"
until = "BASE"
unverified = "A test."

[service.b]
doc = "B."
method = "GET"
paths = ["/b"]
since = "X"
until = "NOPE"
unverified = "A test."

[service.c]
doc = "C."
method = "GET"
paths = ["/c"]
since = "BASE"
unverified = "A test."
"#;
        let resolved = resolve(&[
            ("base.toml", BASE),
            ("v2.toml", "[version]\nname = \"V2\"\nextends = \"BASE\"\ndoc = \"Two.\"\n"),
            ("x.toml", "[version]\nname = \"X\"\nabstract = true\ndoc = \"A base for nothing.\"\n"),
            ("services.toml", services),
        ]);
        assert_eq!(
            resolved.errors,
            [
                "spec/services.toml:6:9: `until` BASE comes before `since` V2",
                "spec/services.toml:13:9: `X` is not a version clients negotiate",
                "spec/services.toml:14:9: `NOPE` is not a version clients negotiate",
            ]
        );
        let names: Vec<(&str, Option<&str>)> =
            resolved.spec.web_services.iter().map(|s| (s.since.as_str(), s.until.as_deref())).collect();
        assert_eq!(names, [("V2", Some("BASE")), ("X", Some("NOPE")), ("BASE", None)]);
    }
}
