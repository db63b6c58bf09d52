//! Proptest strategies read from the spec's tables: tokens of every check and type, and whole lines of every
//! form.

use msnp::spec::{ArgKind, Check, FormDef, Trid, TypeDef, TypeKind, VersionDef};
use proptest::prelude::*;
use proptest::strategy::Union;

/// Valid tokens of a primitive check.
pub fn check_token(check: Check) -> BoxedStrategy<String> {
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

/// Valid tokens of a type.
pub fn type_token(ty: &'static TypeDef) -> BoxedStrategy<String> {
    match &ty.kind {
        TypeKind::Check(check) => check_token(*check),
        TypeKind::Enum(values) => {
            prop::sample::select(values.iter().map(|v| v.value.to_string()).collect::<Vec<_>>()).boxed()
        }
        TypeKind::AnyOf(types) => Union::new(types.iter().map(|t| type_token(t))).boxed(),
        TypeKind::Parts { separator, parts } => {
            let separator = *separator;
            parts.iter().map(|t| type_token(t)).collect::<Vec<_>>().prop_map(move |p| p.join(separator)).boxed()
        }
    }
}

/// A line (and payload) generated for `form` from the spec's tables.
pub fn form_line(form: &'static FormDef) -> BoxedStrategy<(String, Vec<u8>)> {
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

/// Every form of every version.
pub fn every_form() -> Vec<(&'static VersionDef, &'static FormDef)> {
    msnp::SPEC
        .versions
        .iter()
        .flat_map(|v| v.commands.iter().flat_map(move |c| c.forms.iter().map(move |&f| (v, f))))
        .collect()
}
