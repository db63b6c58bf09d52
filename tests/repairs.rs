//! The tolerant receive path on lines generated from every form of every version: a line with a trailing space
//! or a doubled one is read as the form the clean line is, with the same values and a repair that says so; a line
//! with one argument too many is read (exactly, by a form with a free optional slot, or with the extra ignored);
//! and a clean line is read exactly, with no repair.

use msnp::message::{Received, RepairKind};
use msnp::spec::{FormDef, Services, VersionDef};
use msnp_tests::strategies::{every_form, form_line};
use proptest::prelude::*;

/// A form of some version with a line of it (payload forms left out: their length is framing's business).
fn form_and_line() -> impl Strategy<Value = (&'static VersionDef, &'static FormDef, String)> {
    let forms: Vec<_> = every_form().into_iter().filter(|(_, f)| f.shape.payload.is_none()).collect();
    prop::sample::select(forms)
        .prop_flat_map(|(version, form)| form_line(form).prop_map(move |(line, _)| (version, form, line)))
}

/// The services the form is used on: the reader chooses among them, as a connection does.
fn services(form: &FormDef) -> Services {
    form.services
}

/// The values a reading gives, argument by argument, to compare two readings.
fn values(received: &Received<'_>) -> Vec<Vec<String>> {
    let incoming = received.incoming();
    incoming
        .form()
        .shape
        .args
        .iter()
        .map(|a| match a.kind {
            msnp::spec::ArgKind::Value { name, .. } => incoming
                .get_all::<&str>(msnp::message::ArgName(name))
                .unwrap_or_default()
                .into_iter()
                .map(String::from)
                .collect(),
            msnp::spec::ArgKind::Literal(word) => vec![word.to_string()],
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn spaces_are_repaired_to_the_same_reading((version, form, line) in form_and_line(), at in any::<prop::sample::Index>()) {
        let services = services(form);
        let clean = Received::read(version, form.from, services, &line, b"");
        prop_assume!(clean.is_ok());
        let clean = clean.unwrap();
        prop_assert!(clean.repair().is_none(), "`{line}` needed a repair");
        // A trailing space, and a doubled space at one of the line's spaces.
        let trailing = format!("{line} ");
        let spaces: Vec<usize> = line.match_indices(' ').map(|(i, _)| i).collect();
        let doubled = (!spaces.is_empty()).then(|| {
            let i = spaces[at.index(spaces.len())];
            format!("{} {}", &line[..i], &line[i..])
        });
        for spaced in std::iter::once(trailing).chain(doubled) {
            let read = Received::read(version, form.from, services, &spaced, b"");
            prop_assert!(read.is_ok(), "`{spaced}`: {:?}", read.err());
            let read = read.unwrap();
            prop_assert_eq!(read.incoming().form().name, clean.incoming().form().name, "`{}`", spaced);
            prop_assert_eq!(values(&read), values(&clean), "`{}`", spaced);
            let repair = read.repair().map(|r| r.kind);
            prop_assert_eq!(repair, Some(RepairKind::EmptyArgs(1)), "`{}`", spaced);
        }
    }

    #[test]
    fn an_extra_argument_is_read((version, form, line) in form_and_line()) {
        let services = services(form);
        prop_assume!(Received::read(version, form.from, services, &line, b"").is_ok());
        let longer = format!("{line} X9");
        let read = Received::read(version, form.from, services, &longer, b"");
        prop_assert!(read.is_ok(), "`{longer}`: {:?}", read.err());
        if let Some(repair) = read.unwrap().repair() {
            prop_assert!(matches!(repair.kind, RepairKind::ExtraTail | RepairKind::MissingTail | RepairKind::OtherVersion(_)), "`{longer}`: {repair}");
        }
    }
}

/// A trailing argument a server left out reads as absent, and requiring it says that it is missing.
#[test]
fn a_missing_trailing_argument_is_reported_as_missing() {
    use msnp::generated::forms::usr;
    use msnp::typed::ParseError;
    let version = msnp::SPEC.version("MSNP7").expect("MSNP7");
    let received = Received::read(version, msnp::spec::Dir::Server, Services::NS, "USR 4 OK a@b.c Alice", b"")
        .expect("USR OK without its verified flag is repaired");
    assert_eq!(received.repair().map(|r| r.kind), Some(RepairKind::MissingTail));
    let error = received.incoming().require::<bool>(usr::args::VERIFIED).expect_err("the flag is missing");
    assert_eq!(error, ParseError::MissingArgument { command: "USR".into(), argument: "verified" });
    assert_eq!(error.to_string(), "USR: argument `verified` is missing");
}
