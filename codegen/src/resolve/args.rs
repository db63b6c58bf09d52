//! Finds the arguments that other keys of a form name: the payload length, a counter's index, total and group, and
//! what `counts` counts, checking that each can serve (its place, its type). Used by [`super::forms`] whenever a
//! form is added or replaced, since a replacement may change the arguments an inherited key names.

use crate::check::{ArgDraft, CounterDraft};
use crate::diag::{Diagnostics, Loc};
use crate::model::{ArgKind, Check, Counter, Type, TypeKind};

/// The position of the payload length argument `length` among `args`, which must be the last and of type `length`.
pub(super) fn length_arg(
    args: &[ArgDraft],
    length: &str,
    at: &Loc,
    types: &[Type],
    diags: &mut Diagnostics,
) -> Option<usize> {
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
pub(super) fn counter_args(
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
pub(super) fn number_arg(
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
