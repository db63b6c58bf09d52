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

#[cfg(test)]
mod tests {
    use crate::model::{Count, Counter, PayloadKind};
    use crate::testing::resolve;

    /// A version whose `LST` numbers its `item` lines and counts the `LSG` lines that follow.
    const COUNTED: &str = r#"
[version]
name = "V1"
doc = "A version."

[command.LSG]
doc = "A group."
services = ["NS"]
unverified = "Made up."

[command.LSG.form.item]
from = "server"
args = [{ name = "name", type = "word", doc = "D." }]

[command.LST]
doc = "Lists contacts."
services = ["NS"]
unverified = "Made up."

[command.LST.form.item]
from = "server"
args = [
  { name = "list", type = "word", doc = "D." },
  { name = "index", type = "count", doc = "D." },
  { name = "total", type = "count", doc = "D." },
  { name = "groups", type = "count", doc = "D." },
]
counter = { index = "index", total = "total", per = "list" }
counts = { groups = "LSG" }
"#;

    #[test]
    fn counters_and_counts_find_their_arguments() {
        let resolved = resolve(&[("v1.toml", COUNTED)]);
        assert_eq!(resolved.errors, Vec::<String>::new());
        let item = resolved.form("V1", "LST", "item");
        assert_eq!(item.counter, Some(Counter { index: 1, total: 2, per: Some(0) }));
        assert_eq!(item.counts, [Count { arg: 3, command: "LSG".into() }]);
    }

    #[test]
    fn counters_and_counts_name_numbers_of_the_form() {
        let resolved = resolve(&[(
            "v1.toml",
            r#"
[version]
name = "V1"
doc = "A version."

[command.LST]
doc = "Lists contacts."
services = ["NS"]
unverified = "Made up."

[command.LST.form.item]
from = "server"
args = [{ name = "index", type = "count", doc = "D." }, { name = "total", type = "word", doc = "D." }]
counter = { index = "index", total = "total", per = "ghost" }
counts = { total = "LST", index = "LST" }
"#,
        )]);
        assert_eq!(
            resolved.errors,
            [
                "spec/v1.toml:13:38: the counter's `total` argument `total` must be a number (a type with check = \"uint\")",
                "spec/v1.toml:13:53: the counter's `per` argument `ghost` is not an argument of this form",
                "spec/v1.toml:14:12: the `counts` argument `total` must be a number (a type with check = \"uint\")",
            ]
        );
        // A counter with a bad argument is dropped; the counts that are good are kept.
        let item = resolved.form("V1", "LST", "item");
        assert_eq!(item.counter, None);
        assert_eq!(item.counts, [Count { arg: 0, command: "LST".into() }]);
    }

    #[test]
    fn an_inherited_counter_is_found_again_or_reported_at_the_form() {
        let resolved = resolve(&[
            ("v1.toml", COUNTED),
            (
                "v2.toml",
                r#"
[version]
name = "V2"
extends = "V1"
doc = "The second version."

[command.LST.form.item]
args = [
  { name = "groups", type = "count", doc = "D." },
  { name = "total", type = "count", doc = "D." },
  { name = "index", type = "count", doc = "D." },
  { name = "list", type = "word", doc = "D." },
]
"#,
            ),
            (
                "v3.toml",
                r#"
[version]
name = "V3"
extends = "V1"
doc = "The third version."

[command.LST.form.item]
args = [{ name = "list", type = "word", doc = "D." }, { name = "total", type = "count", doc = "D." }]
"#,
            ),
        ]);
        assert_eq!(
            resolved.errors,
            [
                "spec/v3.toml:6:19: the counter's `index` argument `index` is not an argument of this form",
                "spec/v3.toml:6:19: the `counts` argument `groups` is not an argument of this form",
            ]
        );
        let item = resolved.form("V2", "LST", "item");
        assert_eq!(item.counter, Some(Counter { index: 2, total: 1, per: Some(3) }));
        assert_eq!(item.counts, [Count { arg: 0, command: "LSG".into() }]);
    }

    #[test]
    fn the_payload_length_is_the_last_argument_of_type_length() {
        let resolved = resolve(&[(
            "v1.toml",
            r#"
[version]
name = "V1"
doc = "A version."

[command.MSG]
doc = "A message."
services = ["SB"]
unverified = "Made up."

[command.MSG.form.good]
from = "server"
args = [{ name = "to", type = "handle", doc = "D." }, { name = "length", type = "length" }]
payload = { length = "length", kind = "mime" }

[command.MSG.form.early]
from = "server"
args = [{ name = "length", type = "length" }, { name = "to", type = "handle", doc = "D." }]
payload = { length = "length", kind = "mime" }

[command.MSG.form.typed]
from = "server"
args = [{ name = "size", type = "count", prefix = "s=", doc = "D." }]
payload = { length = "size", kind = "mime" }

[command.MSG.form.missing]
from = "server"
args = []
payload = { length = "length", kind = "mime" }
"#,
        )]);
        assert_eq!(
            resolved.errors,
            [
                "spec/v1.toml:17:9: the payload length must be the last argument (framing reads it from the end of the line)",
                "spec/v1.toml:22:9: the payload length argument must be of type `length`",
                "spec/v1.toml:22:9: the payload length argument cannot be optional, repeated or prefixed",
                "spec/v1.toml:28:22: the payload length argument `length` is not an argument of this form",
            ]
        );
        let payload = |form: &str| resolved.shape(resolved.form("V1", "MSG", form)).payload.clone();
        assert_eq!(payload("good").map(|p| (p.length_arg, p.kind)), Some((1, PayloadKind::Mime)));
        // A misplaced length argument is still found; a missing one drops the payload.
        assert_eq!(payload("early").map(|p| p.length_arg), Some(0));
        assert_eq!(payload("missing"), None);
    }
}
