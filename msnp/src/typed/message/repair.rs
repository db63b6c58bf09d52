//! The repairs a tolerant reader makes to a line that matches no form of its version exactly, tried in order:
//! empty arguments dropped, missing trailing arguments read as absent, extra trailing arguments ignored, and the
//! forms of the neighbouring versions. A repaired line carries a [`Repair`] saying what was wrong, in the
//! validator's terms, and what was done.

use std::fmt;

use crate::spec::{CommandDef, Dir, FormDef, Services, VersionDef};
use crate::typed::describe_mismatch;
use crate::typed::matcher::{Closest, Leniency, Located, locate};
use crate::wire::raw::RawCommand;

/// What was wrong with a received line and how it was read anyway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repair {
    /// What was done.
    pub kind: RepairKind,
    /// The validator's diagnostic code for what is wrong (`arg-count`, `arg-type`, `unknown-command`, ...).
    pub code: &'static str,
    /// The 1-based column (in characters) where it is wrong.
    pub column: usize,
    /// What is wrong, as the validator says it.
    pub message: String,
    /// The form the line came closest to, in the wiki's notation (`None` for a command the version lacks).
    pub expected: Option<String>,
}

/// The repairs, in the order they are tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepairKind {
    /// Empty arguments from doubled or trailing spaces were dropped (how many).
    EmptyArgs(usize),
    /// Trailing arguments were missing and read as absent.
    MissingTail,
    /// Extra trailing arguments were ignored.
    ExtraTail,
    /// The line follows this neighbouring version's form.
    OtherVersion(&'static str),
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}: {}", self.code, self.column, self.message)?;
        if let Some(expected) = &self.expected {
            write!(f, " (expected `{expected}`)")?;
        }
        match self.kind {
            RepairKind::EmptyArgs(1) => f.write_str("; read without the empty argument"),
            RepairKind::EmptyArgs(n) => write!(f, "; read without the {n} empty arguments"),
            RepairKind::MissingTail => f.write_str("; read with the missing arguments absent"),
            RepairKind::ExtraTail => f.write_str("; read without the extra arguments"),
            RepairKind::OtherVersion(version) => write!(f, "; read as the {version} form"),
        }
    }
}

/// How many versions away a tolerant reader looks for a form that fits.
const NEIGHBOURS: usize = 3;

/// A line a repair saved: the line as read (without its empty arguments, when they were dropped), the form it
/// fits, where its arguments are, and what was repaired.
pub(super) struct Repaired<'a> {
    pub(super) raw: RawCommand<'a>,
    pub(super) form: &'static FormDef,
    pub(super) at: Located,
    pub(super) repair: Repair,
}

/// Tries the repairs in order on `raw`, which matches no form of `command` (`None` when `version` lacks it)
/// exactly; `closest` is the form it came closest to. `None` when no repair saves the line.
pub(super) fn repaired<'a>(
    version: &'static VersionDef,
    dir: Dir,
    services: Services,
    raw: RawCommand<'a>,
    command: Option<&'static CommandDef>,
    closest: Option<&Closest>,
) -> Option<Repaired<'a>> {
    let what = describe(version, &raw, closest);
    let dropped = raw.arg_count();
    let (raw, dropped) = match raw.without_empty_args() {
        Some(cleaned) => {
            let dropped = dropped - cleaned.arg_count();
            (cleaned, dropped)
        }
        None => (raw, 0),
    };
    let attempts = [
        (Leniency::default(), RepairKind::EmptyArgs(dropped)),
        (Leniency { missing_tail: true, extra_tail: false }, RepairKind::MissingTail),
        (Leniency { missing_tail: false, extra_tail: true }, RepairKind::ExtraTail),
    ];
    for (leniency, kind) in attempts {
        if kind == RepairKind::EmptyArgs(0) {
            continue;
        }
        if let Some((form, at)) = command.and_then(|c| first_fit(c, dir, services, &raw, leniency)) {
            return Some(Repaired { raw, form, at, repair: what.repaired(kind) });
        }
    }
    for other in neighbours(version) {
        if let Some((form, at)) =
            other.command(raw.name()).and_then(|c| first_fit(c, dir, services, &raw, Leniency::default()))
        {
            let repair = what.repaired(RepairKind::OtherVersion(other.name));
            return Some(Repaired { raw, form, at, repair });
        }
    }
    None
}

/// What is wrong with a line against its closest form, in the validator's terms, before a repair is chosen.
struct Described {
    code: &'static str,
    column: usize,
    message: String,
    expected: Option<String>,
}

impl Described {
    /// The repair of `kind` for what is wrong.
    fn repaired(self, kind: RepairKind) -> Repair {
        Repair { kind, code: self.code, column: self.column, message: self.message, expected: self.expected }
    }
}

/// What is wrong with `raw` against `closest` (or that `version` lacks its command).
fn describe(version: &VersionDef, raw: &RawCommand<'_>, closest: Option<&Closest>) -> Described {
    let Some(closest) = closest else {
        return Described {
            code: "unknown-command",
            column: 1,
            message: format!("`{}` is not a command of {} in this direction", raw.name(), version.name),
            expected: None,
        };
    };
    let line = raw.line();
    let start = match closest.mismatch.token {
        Some(i) => raw.arg_span(i).map_or(line.len(), |s| s.start),
        None => line.len(),
    };
    Described {
        code: closest.mismatch.kind.code(),
        column: line.get(..start).map_or(start, |s| s.chars().count()) + 1,
        message: format!("{}: {}", raw.name(), describe_mismatch(closest.form.shape, raw, &closest.mismatch)),
        expected: Some(closest.form.shape.synopsis()),
    }
}

/// The first form of `command` from `dir`, used on one of `services`, that `raw` matches with `leniency`.
fn first_fit(
    command: &'static CommandDef,
    dir: Dir,
    services: Services,
    raw: &RawCommand<'_>,
    leniency: Leniency,
) -> Option<(&'static FormDef, Located)> {
    command
        .forms_from(dir)
        .filter(|f| !f.services.intersect(services).is_empty())
        .find_map(|form| locate(form.shape, raw, leniency).ok().map(|at| (form, at)))
}

/// The versions near `version` in the compiled-in spec, nearest first and older first on a tie (real servers
/// lag behind the client more often than they run ahead). A version from a spec read at run time has none.
fn neighbours(version: &'static VersionDef) -> impl Iterator<Item = &'static VersionDef> {
    let versions = crate::SPEC.versions;
    let ours = versions.get(version.rank).is_some_and(|v| std::ptr::eq(v, version));
    let rank = version.rank;
    (1..=NEIGHBOURS)
        .filter(move |_| ours)
        .flat_map(move |d| [rank.checked_sub(d), Some(rank + d)])
        .flatten()
        .filter_map(move |r| versions.get(r))
        .filter(|v| v.number() >= 2)
}

#[cfg(test)]
mod tests {
    use super::{Repair, RepairKind, describe, neighbours};
    use crate::wire::raw::{RawCommand, Tokens};

    fn version(name: &str) -> &'static crate::spec::VersionDef {
        crate::SPEC.version(name).expect("a version of the spec")
    }

    #[test]
    fn neighbours_are_nearest_first_and_older_first_on_a_tie() {
        let names: Vec<&str> = neighbours(version("MSNP8")).map(|v| v.name).collect();
        assert_eq!(names, ["MSNP7", "MSNP9", "MSNP6", "MSNP10", "MSNP5", "MSNP11"]);
        let names: Vec<&str> = neighbours(version("MSNP2")).map(|v| v.name).collect();
        assert_eq!(names, ["MSNP3", "MSNP4", "MSNP5"], "none before the first version");
    }

    #[test]
    fn a_repair_says_what_was_wrong_and_what_was_done() {
        let repair =
            |kind| Repair { kind, code: "arg-type", column: 5, message: "m".into(), expected: Some("X".into()) };
        let expected = [
            (RepairKind::EmptyArgs(1), "; read without the empty argument"),
            (RepairKind::EmptyArgs(2), "; read without the 2 empty arguments"),
            (RepairKind::MissingTail, "; read with the missing arguments absent"),
            (RepairKind::ExtraTail, "; read without the extra arguments"),
            (RepairKind::OtherVersion("MSNP7"), "; read as the MSNP7 form"),
        ];
        for (kind, done) in expected {
            assert_eq!(repair(kind).to_string(), format!("arg-type at column 5: m (expected `X`){done}"));
        }
    }

    #[test]
    fn a_command_the_version_lacks_is_described_at_its_start() {
        let raw = RawCommand::parse("ZZZ 1 2", b"", Tokens::Wire);
        let described = describe(version("MSNP8"), &raw, None);
        assert_eq!((described.code, described.column, described.expected), ("unknown-command", 1, None));
        assert_eq!(described.message, "`ZZZ` is not a command of MSNP8 in this direction");
    }
}
