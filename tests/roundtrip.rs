//! Round trips: every command line of every fixture parses to its typed form and serializes back to identical
//! bytes, and so do lines generated from the spec's own tables for every form of every version.

use msnp::raw::{RawCommand, Tokens};
use msnp::spec::{ArgKind, Check, Dir, FormDef, Trid, TypeDef, TypeKind, VersionDef};
use msnp::{Message, Version};
use msnp_tests::{CORE_FIXTURES, fixture, run};
use proptest::prelude::*;
use proptest::strategy::Union;

fn round_trip(
    version: &'static VersionDef,
    dir: Dir,
    line: &str,
    payload: &[u8],
    tokens: Tokens,
) -> Result<(), String> {
    let raw = RawCommand::parse(line, payload, tokens);
    let v = Version::from_name(version.name).ok_or("a compiled-in version")?;
    let message = Message::parse(v, dir, &raw).map_err(|e| format!("{} {dir:?} `{line}`: {e}", version.name))?;
    let mut written = Vec::new();
    message.write(&mut written);
    let mut expected = line.as_bytes().to_vec();
    expected.extend_from_slice(b"\r\n");
    expected.extend_from_slice(payload);
    if written != expected {
        return Err(format!("{} `{line}` wrote {:?}", version.name, String::from_utf8_lossy(&written)));
    }
    // Parsing what was written gives the same typed value.
    let again = RawCommand::parse(line, payload, tokens);
    let reparsed = Message::parse(v, dir, &again).map_err(|e| e.to_string())?;
    if reparsed != message {
        return Err(format!("`{line}` parsed differently the second time"));
    }
    Ok(())
}

#[test]
fn every_fixture_command_round_trips_byte_for_byte() {
    let mut count = 0;
    for name in CORE_FIXTURES {
        let (_, seen) = run(name, &fixture(name));
        for (i, command) in seen.commands.iter().enumerate() {
            // A VER request comes before the version is known: it belongs to the version negotiated next.
            let version = command
                .version
                .or_else(|| seen.commands[i..].iter().find_map(|c| c.version))
                .unwrap_or_else(|| panic!("{name}:{}: no version", command.line));
            round_trip(version, command.dir, &command.text, &command.payload, Tokens::Transcript)
                .unwrap_or_else(|e| panic!("{name}:{}: {e}", command.line));
            count += 1;
        }
    }
    assert!(count > 300, "only {count} command lines");
}

// --- generated values ----------------------------------------------------------------------------------

fn check_token(check: Check) -> BoxedStrategy<String> {
    match check {
        Check::Uint { max } => (0..=max).prop_map(|n| n.to_string()).boxed(),
        Check::Flag => prop_oneof![Just("0".to_string()), Just("1".to_string())].boxed(),
        Check::Token => "[A-Za-z0-9._@=&,:/+-]{1,12}".boxed(),
        Check::Digits => "[0-9]{1,20}".boxed(),
        Check::Handle => "[a-z0-9._]{1,10}@[a-z0-9]{1,8}\\.(com|net)".boxed(),
        Check::UrlEncoded => "([A-Za-z0-9._~()-]|%[0-9A-F]{2}){1,12}".boxed(),
        Check::HostPort => ("[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}", 0..=65535u32)
            .prop_map(|(host, port)| format!("{host}:{port}"))
            .boxed(),
        Check::Guid => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".boxed(),
        Check::Hex { len: Some(n) } => {
            proptest::string::string_regex(&format!("[0-9a-f]{{{n}}}")).expect("a valid regex").boxed()
        }
        Check::Hex { len: None } => "[0-9a-f]{1,16}".boxed(),
        Check::Locale => "0x[0-9a-fA-F]{4}".boxed(),
        Check::DottedVersion => "[0-9]{1,2}(\\.[0-9]{1,4}){1,3}".boxed(),
        Check::Url => prop_oneof!["https?://[a-z]{1,10}\\.com(/[a-z]{0,8})?", "/[a-z]{1,8}"].boxed(),
        Check::UintList => prop::collection::vec(0..1000u32, 1..4)
            .prop_map(|v| v.iter().map(u32::to_string).collect::<Vec<_>>().join(","))
            .boxed(),
        Check::Timestamp => {
            "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\\.[0-9]{7}-0[0-9]:00".boxed()
        }
        Check::Base64 => "[A-Za-z0-9+/]{1,16}={0,2}".boxed(),
    }
}

fn type_token(ty: &'static TypeDef) -> BoxedStrategy<String> {
    match &ty.kind {
        TypeKind::Check(check) => check_token(*check),
        TypeKind::Enum(values) => {
            prop::sample::select(values.iter().map(|v| v.value.to_string()).collect::<Vec<_>>()).boxed()
        }
        TypeKind::AnyOf(types) => Union::new(types.iter().map(|t| type_token(t))).boxed(),
    }
}

/// A line (and payload) generated for `form` from the spec's tables.
fn form_line(form: &'static FormDef) -> BoxedStrategy<(String, Vec<u8>)> {
    let shape = form.shape;
    let mut parts: Vec<BoxedStrategy<Vec<String>>> = Vec::new();
    match shape.trid {
        Trid::Yes => parts.push(any::<u32>().prop_map(|t| vec![t.to_string()]).boxed()),
        Trid::Zero => parts.push(Just(vec!["0".to_string()]).boxed()),
        Trid::No => {}
    }
    for (index, arg) in shape.args.iter().enumerate() {
        if shape.payload.is_some_and(|p| p.length_arg == index) {
            continue;
        }
        let one = match &arg.kind {
            ArgKind::Literal(word) => Just(word.to_string()).boxed(),
            ArgKind::Value { ty, .. } => {
                let prefix = arg.prefix.unwrap_or("").to_string();
                type_token(ty).prop_map(move |t| format!("{prefix}{t}")).boxed()
            }
        };
        let tokens = match (arg.repeat, arg.optional) {
            (true, optional) => prop::collection::vec(one, usize::from(!optional)..4).boxed(),
            (false, true) => prop::option::of(one).prop_map(|o| o.into_iter().collect()).boxed(),
            (false, false) => one.prop_map(|t| vec![t]).boxed(),
        };
        parts.push(tokens);
    }
    let payload = if shape.payload.is_some() {
        prop::collection::vec(any::<u8>(), 0..64).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    (parts, payload)
        .prop_map(move |(parts, payload)| {
            // Optional arguments without prefix or literal are filled from the left: once one is absent, the
            // ones after it must be absent too, or the line would mean something else.
            let mut words = vec![shape.command.to_string()];
            let mut gap = false;
            let offset = usize::from(shape.trid != Trid::No);
            for (i, tokens) in parts.into_iter().enumerate() {
                let arg = i.checked_sub(offset).and_then(|a| arg_at(form, a));
                let marked = arg.is_some_and(|a| a.prefix.is_some() || matches!(a.kind, ArgKind::Literal(_)));
                if tokens.is_empty() && arg.is_some_and(|a| a.optional && !marked) {
                    gap = true;
                }
                if gap && arg.is_some_and(|a| a.optional && !marked) {
                    continue;
                }
                words.extend(tokens);
            }
            if shape.payload.is_some() {
                words.push(payload.len().to_string());
            }
            (words.join(" "), payload)
        })
        .boxed()
}

/// The `index`-th argument that gets generated tokens (the payload length is written, not generated).
fn arg_at(form: &FormDef, index: usize) -> Option<&'static msnp::spec::ArgDef> {
    let shape = form.shape;
    shape
        .args
        .iter()
        .enumerate()
        .filter(|(i, _)| shape.payload.is_none_or(|p| p.length_arg != *i))
        .map(|(_, a)| a)
        .nth(index)
}

fn every_form() -> Vec<(&'static VersionDef, &'static FormDef)> {
    msnp::SPEC
        .versions
        .iter()
        .flat_map(|v| v.commands.iter().flat_map(move |c| c.forms.iter().map(move |f| (v, f))))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn generated_lines_round_trip(
        ((version, form), (line, payload)) in prop::sample::select(every_form())
            .prop_flat_map(|(v, f)| (Just((v, f)), form_line(f)))
    ) {
        prop_assert!(
            round_trip(version, form.from, &line, &payload, Tokens::Wire).is_ok(),
            "{} {}: {}", form.command, form.name,
            round_trip(version, form.from, &line, &payload, Tokens::Wire).unwrap_err()
        );
    }
}

#[test]
fn error_replies_round_trip() {
    for version in msnp::SPEC.versions {
        round_trip(version, Dir::Server, "911 7", b"", Tokens::Wire).unwrap();
    }
}
