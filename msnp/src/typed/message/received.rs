//! Reading a line the tolerant way: [`Received`] matches a line to a form of its version and, when none fits
//! exactly, to the first form a repair (see [`super::repair`]) makes fit.

use super::Incoming;
use super::repair::{Repair, Repaired, repaired};
use crate::spec::{Dir, FormDef, Services, VersionDef};
use crate::typed::matcher::{Located, select};
use crate::typed::{ParseError, select_form_on};
use crate::wire::raw::{RawCommand, Tokens};

/// A received line, matched to a form with the repairs a peer in the wild needs: the tolerant receive path the
/// client and the server share.
///
/// Real servers leave out trailing arguments, add some, end lines with a space, and speak a neighbouring
/// version's form of a command. When a line matches no form of its command exactly, these are tried in order,
/// each on the result of the one before where it applies, and the first that gives a match is used:
///
/// 1. empty arguments (doubled or trailing spaces) are dropped;
/// 2. a form whose trailing arguments are missing: they read as absent ([`Incoming::get`] gives `None`,
///    [`Incoming::require`] an error naming the line), and literals that select a sub-form must be there;
/// 3. a form with extra trailing arguments, which are ignored;
/// 4. the forms of the neighbouring versions (at most three versions away, nearest first, older first on a tie).
///
/// Nothing here is per command: the forms and their arguments come from the spec. A repaired line carries a
/// [`Repair`] saying what was wrong, in the validator's terms, and what was done.
#[derive(Debug)]
pub struct Received<'a> {
    raw: RawCommand<'a>,
    form: &'static FormDef,
    at: Located,
    repair: Option<Repair>,
}

impl<'a> Received<'a> {
    /// Matches `line` (without its line end) and its payload, sent by `dir` on a connection to one of
    /// `services`, to a form of `version`, repairing it if it must. The error is the one an exact match gives,
    /// when no repair saves the line.
    ///
    /// The services matter: `USR 4 OK alice@example.com Alice` is exactly the switchboard's USR OK in MSNP7, and
    /// the notification server's with its last flag missing.
    pub fn read(
        version: &'static VersionDef,
        dir: Dir,
        services: Services,
        line: &'a str,
        payload: &'a [u8],
    ) -> Result<Received<'a>, ParseError> {
        let raw = RawCommand::parse(line, payload, Tokens::Wire);
        let command = version.command(raw.name());
        let closest = match command.map(|c| select(c, dir, services, &raw)) {
            Some(Ok((form, m))) => {
                let at = m.located();
                return Ok(Received { raw, form, at, repair: None });
            }
            Some(Err(closest)) => closest,
            None => None,
        };
        match repaired(version, dir, services, raw, command, closest.as_ref()) {
            Some(Repaired { raw, form, at, repair }) => Ok(Received { raw, form, at, repair: Some(repair) }),
            None => {
                let raw = RawCommand::parse(line, payload, Tokens::Wire);
                Err(exact_error(version, dir, services, &raw))
            }
        }
    }

    /// The line as matched (its arguments by name).
    pub fn incoming(&self) -> Incoming<'_, 'a> {
        Incoming { form: self.form, m: self.at.bind(&self.raw) }
    }

    /// What was repaired, when the line needed it.
    pub fn repair(&self) -> Option<&Repair> {
        self.repair.as_ref()
    }

    /// The raw command (without the empty arguments, when they were dropped).
    pub fn raw(&self) -> &RawCommand<'a> {
        &self.raw
    }
}

/// The error an exact match of `raw` gives (`raw` matches no form: every repair was tried).
fn exact_error(version: &'static VersionDef, dir: Dir, services: Services, raw: &RawCommand<'_>) -> ParseError {
    select_form_on(version, dir, services, raw)
        .err()
        .unwrap_or_else(|| ParseError::UnknownCommand { command: raw.name().to_string(), version: version.name })
}

#[cfg(test)]
mod tests {
    use super::super::RepairKind;
    use super::Received;
    use crate::generated::forms::usr;
    use crate::spec::Dir;

    const NS: crate::spec::Services = crate::spec::Services::DS.union(crate::spec::Services::NS);

    fn version(name: &str) -> &'static crate::spec::VersionDef {
        crate::SPEC.version(name).expect("a version of the spec")
    }

    /// The repair order on lines shaped like what real servers sent: (version, line, the form read, the repair
    /// and the validator's code; `None` for an exact match).
    #[test]
    fn repairs_lines_in_order() {
        type Case = (&'static str, &'static str, &'static str, Option<(RepairKind, &'static str)>);
        let cases: &[Case] = &[
            ("MSNP7", "USR 4 OK alice@example.com Alice 1", "USR ok", None),
            // USR OK without the verified flag (MSNP6 and MSNP7 servers).
            ("MSNP7", "USR 4 OK alice@example.com Alice", "USR ok", Some((RepairKind::MissingTail, "arg-count"))),
            // A contact in no group, with a trailing space (MSNP10 to MSNP12 servers).
            (
                "MSNP10",
                "LST N=carol@example.com F=Carol C=carol@example.com 13 ",
                "LST in-syn",
                Some((RepairKind::EmptyArgs(1), "arg-type")),
            ),
            (
                "MSNP12",
                "LST N=carol@example.com F=Carol C=carol@example.com 13 1 ",
                "LST in-syn",
                Some((RepairKind::EmptyArgs(1), "arg-type")),
            ),
            // A doubled space and a missing flag at once: the empty argument goes first, then the tail.
            ("MSNP7", "USR 4  OK alice@example.com Alice", "USR ok", Some((RepairKind::MissingTail, "arg-type"))),
            // One argument too many on the SYN reply.
            ("MSNP8", "SYN 5 1 2 3 9", "SYN reply", Some((RepairKind::ExtraTail, "arg-count"))),
            // A command the version removed, in the form of the version before.
            ("MSNP8", "INF 2 MD5", "INF reply", Some((RepairKind::OtherVersion("MSNP7"), "unknown-command"))),
        ];
        for &(v, line, form, repair) in cases {
            let received =
                Received::read(version(v), Dir::Server, NS, line, b"").unwrap_or_else(|e| panic!("{v} `{line}`: {e}"));
            let incoming = received.incoming();
            assert_eq!(format!("{} {}", incoming.form().command, incoming.form().name), form, "{v} `{line}`");
            let got = received.repair().map(|r| (r.kind, r.code));
            assert_eq!(got, repair, "{v} `{line}`");
        }
        // The repaired USR OK reads its handle and name; the missing flag reads as absent.
        let received =
            Received::read(version("MSNP7"), Dir::Server, NS, "USR 4 OK alice@example.com Alice", b"").unwrap();
        let ok = received.incoming();
        assert_eq!(ok.trid(), Some(4));
        assert_eq!(ok.require::<&str>(usr::args::HANDLE).unwrap(), "alice@example.com");
        assert_eq!(ok.get::<bool>(usr::args::VERIFIED).unwrap(), None);
        assert!(ok.require::<bool>(usr::args::VERIFIED).is_err());
        let repair = received.repair().unwrap();
        assert_eq!(repair.column, 33, "the end of the line, where the flag is missing");
        assert_eq!(repair.expected.as_deref(), Some("USR TrID OK handle friendly-name verified"));
        assert!(repair.to_string().contains("read with the missing arguments absent"), "{repair}");
        // The trailing space is pointed at where the validator points.
        let line = "LST N=carol@example.com F=Carol C=carol@example.com 13 ";
        let received = Received::read(version("MSNP10"), Dir::Server, NS, line, b"").unwrap();
        assert_eq!(received.repair().unwrap().column, line.len() + 1);
        assert_eq!(received.incoming().get::<u32>(crate::generated::forms::lst::args::LISTS).unwrap(), Some(13));
    }

    /// Lines no repair saves: the error is the exact match's.
    #[test]
    fn lines_no_repair_saves() {
        let cases = [
            // The literal that selects the sub-form is missing: no form may be guessed.
            ("MSNP7", "USR 4"),
            ("MSNP7", "USR 4 XX alice@example.com"),
            // No TrID.
            ("MSNP7", "USR OK alice@example.com Alice 1"),
            // Not a value of the argument's type, in any version nearby.
            ("MSNP8", "LST N=carol@example.com F=Carol notanumber"),
            ("MSNP8", "ZZZ 0 hello"),
        ];
        for (v, line) in cases {
            let result = Received::read(version(v), Dir::Server, NS, line, b"");
            assert!(result.is_err(), "{v} `{line}` was read as {:?}", result.map(|r| r.incoming().form().name));
        }
    }
}
