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
