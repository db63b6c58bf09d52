//! Checks `types.toml`: type names, which kind each type is (a check, an enumeration, a union or a joined type),
//! and what its members refer to. The first checker [`super::check`] runs, since version files refer to types.

use std::collections::HashMap;

use toml::Spanned;

use super::{Checked, camel, check_doc, is_kebab};
use crate::diag::{Diagnostics, Loc};
use crate::load::{self, loc};
use crate::model::{Check, EnumValue, Type, TypeKind};

/// Checks the value types into `checked.types` and `checked.type_index`.
pub(super) fn check_types(file: usize, doc: &load::TypesFile, checked: &mut Checked, diags: &mut Diagnostics) {
    index_names(file, doc, checked, diags);
    for (name, ty) in &doc.types {
        let ty = check_type(file, name, ty, &checked.type_index, diags);
        checked.types.push(ty);
    }
    check_nesting(file, doc, checked, diags);
}

/// Checks every type name and indexes it first, so that `any_of` may refer to a type defined further down.
fn index_names(file: usize, doc: &load::TypesFile, checked: &mut Checked, diags: &mut Diagnostics) {
    for (index, name) in doc.types.keys().enumerate() {
        if !is_kebab(name.get_ref()) {
            diags.at(loc(file, name), format!("type name `{}` must be lowercase words joined by '-'", name.get_ref()));
        }
        if checked.type_index.insert(name.get_ref().clone(), index).is_some() {
            diags.at(loc(file, name), format!("type `{}` is defined twice", name.get_ref()));
        }
    }
}

/// One `[type.NAME]` table: its doc line, its keys and its kind.
fn check_type(
    file: usize,
    name: &Spanned<String>,
    ty: &Spanned<load::TypeDoc>,
    index: &HashMap<String, usize>,
    diags: &mut Diagnostics,
) -> Type {
    let at = loc(file, ty);
    let ty = ty.get_ref();
    let doc_text = match &ty.doc {
        Some(d) => check_doc(file, d, diags),
        None => {
            diags.at(at.clone(), format!("type `{}` needs a doc line", name.get_ref()));
            String::new()
        }
    };
    check_kind_keys(file, name, ty, &at, diags);
    let kind = type_kind(file, name, ty, &at, index, diags);
    if ty.values.is_some() || ty.any_of.is_some() || ty.parts.is_some() {
        for (key, present) in [("max", ty.max.is_some()), ("len", ty.len.is_some())] {
            if present {
                diags.at(at.clone(), format!("`{key}` applies to checked types only"));
            }
        }
    }
    Type { name: name.get_ref().clone(), doc: doc_text, kind, max_len: ty.max_len.as_ref().map(|m| *m.get_ref()) }
}

/// A type has exactly one of the keys that decide its kind, and a `separator` exactly when it has `parts`.
fn check_kind_keys(file: usize, name: &Spanned<String>, ty: &load::TypeDoc, at: &Loc, diags: &mut Diagnostics) {
    let kinds = [ty.check.is_some(), ty.values.is_some(), ty.any_of.is_some(), ty.parts.is_some()];
    if kinds.iter().filter(|k| **k).count() != 1 {
        diags.at(
            at.clone(),
            format!("type `{}` needs exactly one of `check`, `values`, `any_of` and `parts`", name.get_ref()),
        );
    }
    match (&ty.separator, &ty.parts) {
        (Some(separator), None) => diags.at(loc(file, separator), "`separator` applies to `parts` only"),
        (None, Some(parts)) => diags.at(loc(file, parts), "`parts` needs a `separator`"),
        (Some(separator), Some(_)) if separator.get_ref().is_empty() || separator.get_ref().contains(' ') => {
            diags.at(loc(file, separator), "a separator is one or more characters other than spaces")
        }
        _ => {}
    }
}

/// The kind of a type, from the first of `check`, `values`, `any_of` and `parts` it has (a token check when it
/// has none, which is reported already).
fn type_kind(
    file: usize,
    name: &Spanned<String>,
    ty: &load::TypeDoc,
    at: &Loc,
    index: &HashMap<String, usize>,
    diags: &mut Diagnostics,
) -> TypeKind {
    if let Some(check) = &ty.check {
        TypeKind::Check(checked_kind(file, check, ty, at, diags))
    } else if let Some(values) = &ty.values {
        TypeKind::Enum(check_values(file, values, diags))
    } else if let Some(any_of) = &ty.any_of {
        let members = member_types(file, any_of, index[name.get_ref()], index, "members", diags);
        if any_of.get_ref().is_empty() {
            diags.at(loc(file, any_of), "`any_of` needs at least one type");
        }
        TypeKind::AnyOf(members)
    } else if let Some(parts) = &ty.parts {
        let members = member_types(file, parts, index[name.get_ref()], index, "parts", diags);
        if parts.get_ref().len() < 2 {
            diags.at(loc(file, parts), "`parts` needs at least two types");
        }
        TypeKind::Parts {
            separator: ty.separator.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default(),
            parts: members,
        }
    } else {
        TypeKind::Check(Check::Token)
    }
}

/// The check `check` names, with `max` and `len` where they apply (a token check when the name is unknown).
fn checked_kind(file: usize, check: &Spanned<String>, ty: &load::TypeDoc, at: &Loc, diags: &mut Diagnostics) -> Check {
    let max = ty.max.as_ref().map(|m| *m.get_ref());
    let len = ty.len.as_ref().map(|l| *l.get_ref());
    let Some(c) = Check::from_name(check.get_ref(), max, len) else {
        diags.at(
            loc(file, check),
            format!("unknown check `{}`; the checks are {}", check.get_ref(), Check::NAMES.join(", ")),
        );
        return Check::Token;
    };
    if ty.max.is_some() && !matches!(c, Check::Uint { .. }) {
        diags.at(at.clone(), "`max` applies to check = \"uint\" only");
    }
    if ty.len.is_some() && !matches!(c, Check::Hex { .. }) {
        diags.at(at.clone(), "`len` applies to check = \"hex\" only");
    }
    c
}

/// A joined type is made of simple types, and a union of simple or joined types: matching goes at most two
/// levels deep, and no cycle can form.
fn check_nesting(file: usize, doc: &load::TypesFile, checked: &Checked, diags: &mut Diagnostics) {
    for (name, ty) in &doc.types {
        let ty = ty.get_ref();
        for (list, what) in [(&ty.any_of, "union"), (&ty.parts, "joined type")] {
            for member in list.iter().flat_map(|l| l.get_ref()) {
                if let Some(&i) = checked.type_index.get(member.get_ref())
                    && member.get_ref() != name.get_ref()
                    && match checked.types[i].kind {
                        TypeKind::AnyOf(_) => true,
                        TypeKind::Parts { .. } => what == "joined type",
                        _ => false,
                    }
                {
                    diags.at(
                        loc(file, member),
                        format!(
                            "type `{}` is a {what} of `{}`, which is itself made of types",
                            name.get_ref(),
                            member.get_ref()
                        ),
                    );
                }
            }
        }
    }
}

/// The indices of the types a union or a joined type is made of (`what` names them in messages); `own` is the
/// type's own index, which it cannot list.
fn member_types(
    file: usize,
    list: &Spanned<Vec<Spanned<String>>>,
    own: usize,
    index: &HashMap<String, usize>,
    what: &str,
    diags: &mut Diagnostics,
) -> Vec<usize> {
    let mut members = Vec::new();
    for member in list.get_ref() {
        match index.get(member.get_ref()) {
            Some(&i) if i != own => members.push(i),
            Some(_) => diags.at(loc(file, member), format!("a type cannot be one of its own {what}")),
            None => diags.at(loc(file, member), format!("unknown type `{}`", member.get_ref())),
        }
    }
    members
}

fn check_values(
    file: usize,
    values: &Spanned<Vec<Spanned<load::ValueDoc>>>,
    diags: &mut Diagnostics,
) -> Vec<EnumValue> {
    if values.get_ref().is_empty() {
        diags.at(loc(file, values), "`values` needs at least one value");
    }
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for value in values.get_ref() {
        let v = value.get_ref();
        let word = v.value.get_ref();
        let valid =
            word.starts_with(|c: char| c.is_ascii_alphabetic()) && word.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid {
            diags.at(loc(file, &v.value), format!("value `{word}` must be a letter followed by letters and digits"));
        } else if let Some(other) = seen.insert(camel(word), word.clone()) {
            diags.at(loc(file, &v.value), format!("value `{word}` clashes with `{other}` (same Rust name)"));
        }
        let doc = match &v.doc {
            Some(d) => check_doc(file, d, diags),
            None => {
                diags.at(loc(file, value), format!("value `{word}` needs a doc line"));
                String::new()
            }
        };
        out.push(EnumValue { value: word.clone(), doc });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::check_types;
    use crate::check::Checked;
    use crate::diag::Diagnostics;
    use crate::model::{Check, TypeKind};
    use crate::testing::{errors, parse};

    /// Checks `text` as `types.toml`: the checked types and the rendered errors.
    fn check(text: &str) -> (Checked, Vec<String>) {
        let docs = parse(&[("types.toml", text)]);
        let mut diags = Diagnostics::default();
        let mut checked = Checked::default();
        let (file, doc) = docs.types.as_ref().expect("types.toml parses");
        check_types(*file, doc, &mut checked, &mut diags);
        (checked, errors(&docs, diags))
    }

    #[test]
    fn every_kind_of_type() {
        let (checked, errors) = check(
            r#"
[type.target]
doc = "A handle or a word, defined before both."
any_of = ["handle", "word"]

[type.handle]
doc = "An account handle."
check = "handle"

[type.word]
doc = "Any word."
check = "token"
max_len = 8

[type.small]
doc = "A small number."
check = "uint"
max = 9

[type.status]
doc = "A presence status."
values = [{ value = "NLN", doc = "Online." }, { value = "BSY", doc = "Busy." }]

[type.pair]
doc = "A number and a handle."
parts = ["small", "handle"]
separator = ":"
"#,
        );
        assert_eq!(errors, Vec::<String>::new());
        let names: Vec<&str> = checked.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["target", "handle", "word", "small", "status", "pair"]);
        assert_eq!(checked.type_index["pair"], 5);
        assert_eq!(checked.types[0].kind, TypeKind::AnyOf(vec![1, 2]));
        assert_eq!(checked.types[0].doc, "A handle or a word, defined before both.");
        assert_eq!(checked.types[2].max_len, Some(8));
        assert_eq!(checked.types[3].kind, TypeKind::Check(Check::Uint { max: 9 }));
        let TypeKind::Enum(values) = &checked.types[4].kind else { panic!("status is an enumeration") };
        assert_eq!(values.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(), ["NLN", "BSY"]);
        assert_eq!(checked.types[5].kind, TypeKind::Parts { separator: ":".into(), parts: vec![3, 1] });
    }

    #[test]
    fn names_docs_and_kind_keys() {
        let (checked, errors) = check(
            r#"
[type.Big]
doc = "Not kebab case."
check = "uint"

[type.nothing]
doc = "Neither kind."

[type.both]
doc = "Two kinds."
check = "token"
values = [{ value = "A", doc = "A." }]

[type.undocumented]
check = "token"

[type.lonely]
doc = "A separator without parts."
check = "token"
separator = ":"
"#,
        );
        assert_eq!(
            errors,
            [
                "spec/types.toml:1:7: type name `Big` must be lowercase words joined by '-'",
                "spec/types.toml:5:1: type `nothing` needs exactly one of `check`, `values`, `any_of` and `parts`",
                "spec/types.toml:8:1: type `both` needs exactly one of `check`, `values`, `any_of` and `parts`",
                "spec/types.toml:13:1: type `undocumented` needs a doc line",
                "spec/types.toml:19:13: `separator` applies to `parts` only",
            ]
        );
        // A type with no kind is a token check; one with two takes the first.
        assert_eq!(checked.types[1].kind, TypeKind::Check(Check::Token));
        assert!(matches!(checked.types[2].kind, TypeKind::Check(Check::Token)));
        assert_eq!(checked.types[3].doc, "");
    }

    #[test]
    fn checks_and_their_limits() {
        let (checked, errors) = check(
            r#"
[type.odd]
doc = "An unknown check."
check = "prime"

[type.word]
doc = "A token with a maximum."
check = "token"
max = 3
len = 2

[type.status]
doc = "An enumeration with limits."
values = [{ value = "NLN", doc = "Online." }]
max = 3
len = 2
"#,
        );
        let names = Check::NAMES.join(", ");
        assert_eq!(
            errors,
            [
                format!("spec/types.toml:3:9: unknown check `prime`; the checks are {names}"),
                "spec/types.toml:5:1: `max` applies to check = \"uint\" only".to_string(),
                "spec/types.toml:5:1: `len` applies to check = \"hex\" only".to_string(),
                "spec/types.toml:11:1: `max` applies to checked types only".to_string(),
                "spec/types.toml:11:1: `len` applies to checked types only".to_string(),
            ]
        );
        assert_eq!(checked.types[0].kind, TypeKind::Check(Check::Token));
    }

    #[test]
    fn unions_and_joined_types() {
        let (checked, errors) = check(
            r#"
[type.handle]
doc = "An account handle."
check = "handle"

[type.either]
doc = "A union naming itself and an unknown type."
any_of = ["either", "ghost", "handle"]

[type.none]
doc = "An empty union."
any_of = []

[type.single]
doc = "One part, with a space for a separator."
parts = ["handle"]
separator = " "

[type.unseparated]
doc = "Parts without a separator."
parts = ["handle", "handle"]

[type.pair]
doc = "Two handles."
parts = ["handle", "handle"]
separator = ","

[type.nested]
doc = "A union of a union and a joined type."
any_of = ["either", "pair"]

[type.deep]
doc = "A joined type of a joined type and a union."
parts = ["pair", "either"]
separator = ";"
"#,
        );
        assert_eq!(
            errors,
            [
                "spec/types.toml:7:11: a type cannot be one of its own members",
                "spec/types.toml:7:21: unknown type `ghost`",
                "spec/types.toml:11:10: `any_of` needs at least one type",
                "spec/types.toml:15:9: `parts` needs at least two types",
                "spec/types.toml:16:13: a separator is one or more characters other than spaces",
                "spec/types.toml:20:9: `parts` needs a `separator`",
                "spec/types.toml:29:11: type `nested` is a union of `either`, which is itself made of types",
                "spec/types.toml:33:10: type `deep` is a joined type of `pair`, which is itself made of types",
                "spec/types.toml:33:18: type `deep` is a joined type of `either`, which is itself made of types",
            ]
        );
        // A union may hold a joined type, but not another union; the members that are left are kept.
        assert_eq!(checked.types[1].kind, TypeKind::AnyOf(vec![0]));
        assert_eq!(checked.types[4].kind, TypeKind::Parts { separator: String::new(), parts: vec![0, 0] });
    }

    #[test]
    fn enumeration_values() {
        let (checked, errors) = check(
            r#"
[type.status]
doc = "A presence status."
values = [
  { value = "NLN", doc = "Online." },
  { value = "nln", doc = "Online again." },
  { value = "9LN", doc = "Starts with a digit." },
  { value = "BSY" },
]

[type.empty]
doc = "No values."
values = []
"#,
        );
        assert_eq!(
            errors,
            [
                "spec/types.toml:5:13: value `nln` clashes with `NLN` (same Rust name)",
                "spec/types.toml:6:13: value `9LN` must be a letter followed by letters and digits",
                "spec/types.toml:7:3: value `BSY` needs a doc line",
                "spec/types.toml:12:10: `values` needs at least one value",
            ]
        );
        let TypeKind::Enum(values) = &checked.types[0].kind else { panic!("status is an enumeration") };
        assert_eq!(values.len(), 4);
        assert_eq!(values[1].doc, "Online again.");
        assert_eq!(checked.types[1].kind, TypeKind::Enum(Vec::new()));
    }
}
