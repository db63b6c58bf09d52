//! The generated checks against the tables: for every type and every shape, the check the generator emits
//! (`TypeDef::quick`, `Shape::quick`) must accept exactly what the table walk accepts, or the validator would
//! pass or refuse lines the spec says otherwise about.

use msnp::matcher::check_shape;
use msnp::raw::{RawCommand, Tokens};
use msnp::spec::{Shape, TypeDef};
use msnp_tests::strategies::{every_form, form_line, type_token};
use msnp_tests::{ALL_FIXTURES, fixture, run};
use proptest::prelude::*;

fn every_shape() -> Vec<&'static Shape> {
    let mut shapes: Vec<&'static Shape> = Vec::new();
    for (_, form) in every_form() {
        if !shapes.iter().any(|s| std::ptr::eq(*s, form.shape)) {
            shapes.push(form.shape);
        }
    }
    shapes
}

/// Whether the generated check of `ty` and its table agree on `token`.
fn type_agrees(ty: &TypeDef, token: &str) -> Result<(), String> {
    let quick = (ty.quick)(token);
    let table = ty.check_by_table(token).is_ok();
    if quick == table {
        Ok(())
    } else {
        Err(format!("type `{}` on {token:?}: generated check says {quick}, the table {table}", ty.name))
    }
}

/// Whether the generated check of `shape` and the table walk agree on a line, both with and without
/// placeholders.
fn shape_agrees(shape: &Shape, line: &str) -> Result<(), String> {
    for tokens in [Tokens::Wire, Tokens::Transcript] {
        let raw = RawCommand::parse(line, b"", tokens);
        let quick = (shape.quick)(raw.arg_slice(), raw.has_placeholders());
        let table = check_shape(shape, &raw).ok();
        if quick != table {
            return Err(format!(
                "shape {} on `{line}` ({tokens:?}): generated check says {quick:?}, the table walk {table:?}",
                shape.name
            ));
        }
    }
    Ok(())
}

/// Every argument token of every fixture line, and every enum word.
fn known_tokens() -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for name in ALL_FIXTURES {
        let (_, seen) = run(name, &fixture(name));
        for command in &seen.commands {
            let raw = RawCommand::parse(&command.text, b"", Tokens::Transcript);
            tokens.extend(raw.args().map(str::to_string));
        }
    }
    for ty in msnp::SPEC.types {
        if let msnp::spec::TypeKind::Enum(values) = &ty.kind {
            tokens.extend(values.iter().map(|v| v.value.to_string()));
        }
    }
    tokens.sort();
    tokens.dedup();
    tokens
}

#[test]
fn generated_type_checks_agree_with_the_tables_on_fixture_tokens() {
    let tokens = known_tokens();
    assert!(tokens.len() > 100, "only {} tokens", tokens.len());
    let mut accepted = 0;
    for token in &tokens {
        // Each token, and its neighbours: one byte shorter, with a byte added, and with a prefix.
        let variants = [
            token.clone(),
            token.chars().take(token.chars().count().saturating_sub(1)).collect(),
            format!("{token}x"),
            format!("{token}%"),
            format!("0{token}"),
            format!("N={token}"),
        ];
        for variant in &variants {
            for ty in msnp::SPEC.types {
                type_agrees(ty, variant).unwrap_or_else(|e| panic!("{e}"));
                accepted += usize::from((ty.quick)(variant));
            }
        }
    }
    assert!(accepted > tokens.len(), "the tokens hardly exercise the types ({accepted} acceptances)");
}

#[test]
fn generated_type_checks_agree_with_the_tables_at_the_length_limits() {
    let tokens = known_tokens();
    let mut limited = 0;
    for ty in msnp::SPEC.types {
        let Some(max) = ty.max_len else { continue };
        limited += 1;
        // Tokens of the type, padded with their own last character to just under, at and just over the limit.
        for token in tokens.iter().filter(|t| ty.check_by_table(t).is_ok()) {
            let last = token.chars().last().unwrap_or('a');
            for length in [max as usize - 1, max as usize, max as usize + 1] {
                let mut padded = token.clone();
                while padded.len() < length {
                    padded.push(last);
                }
                type_agrees(ty, &padded).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
    assert!(limited > 0, "no type has a length limit");
}

#[test]
fn generated_shape_checks_agree_with_the_tables_on_fixture_lines() {
    let shapes = every_shape();
    let mut lines = 0;
    for name in ALL_FIXTURES {
        let (_, seen) = run(name, &fixture(name));
        for command in &seen.commands {
            // Against every shape of the same command, whichever version or direction it belongs to.
            let raw = RawCommand::parse(&command.text, b"", Tokens::Transcript);
            for shape in shapes.iter().filter(|s| s.command == raw.name()) {
                shape_agrees(shape, &command.text).unwrap_or_else(|e| panic!("{name}:{}: {e}", command.line));
            }
            lines += 1;
        }
    }
    assert!(lines > 300, "only {lines} lines");
}

/// A token of any type, or an arbitrary printable word, or an edge case.
fn any_token() -> BoxedStrategy<String> {
    let typed = prop::sample::select(msnp::SPEC.types.to_vec()).prop_flat_map(type_token);
    prop_oneof![
        4 => typed,
        2 => "[ -~]{0,10}",
        2 => prop::sample::select(vec![
            "", "$", "$x", "$x", "$x", "0", "00", "4294967296", "N=", "N=$x", "@", "%", "%4", "a@b@c", "0x"
        ])
        .prop_map(str::to_string),
    ]
    .boxed()
}

/// Up to three edits (mostly one, so that the rest of the line stays valid): what to do, where, with what.
fn edits() -> impl Strategy<Value = Vec<(u8, usize, String)>> {
    let edit = (0..3u8, 0..8usize, any_token());
    prop_oneof![1 => Just(Vec::new()), 6 => prop::collection::vec(edit.clone(), 1), 2 => prop::collection::vec(edit, 2..4)]
}

/// A line of some form, with a few of its tokens replaced, removed or repeated.
fn edited_line() -> impl Strategy<Value = String> {
    (prop::sample::select(every_form()).prop_flat_map(|(_, f)| form_line(f)), edits()).prop_map(|((line, _), edits)| {
        let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
        for (kind, at, token) in edits {
            let at = 1 + at % words.len().max(1);
            match kind {
                0 if at < words.len() => words[at] = token,
                1 if at < words.len() => {
                    words.remove(at);
                }
                _ => words.insert(at.min(words.len()), token),
            }
        }
        words.join(" ")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn generated_type_checks_agree_with_the_tables(token in any_token()) {
        for ty in msnp::SPEC.types {
            prop_assert!(type_agrees(ty, &token).is_ok(), "{}", type_agrees(ty, &token).unwrap_err());
        }
    }

    #[test]
    fn generated_shape_checks_agree_with_the_tables(line in edited_line()) {
        let name = line.split(' ').next().unwrap_or_default().to_string();
        for shape in every_shape().into_iter().filter(|s| s.command == name) {
            prop_assert!(shape_agrees(shape, &line).is_ok(), "{}", shape_agrees(shape, &line).unwrap_err());
        }
    }
}
