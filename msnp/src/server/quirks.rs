//! Deliberate deviations from the spec, one per class of what real servers send anyway: the embedded server can
//! show any set of them ([`Quirks`]), so that clients and tools are tested against more than the spec describes.
//!
//! The server always writes the normal message with [`crate::typed::message::Outgoing`] first; each quirk then changes
//! the written bytes, or the choice or order of messages, in exactly one function of this module:
//!
//! ```text
//! trailing-space        add_trailing_space      LST/LSG line + " " before CRLF
//! swapped-counters      counters                index and total of LST/LSG replies written the other way round
//! missing-trailing-arg  drop_last_argument      USR OK without its last token
//! extra-trailing-arg    add_trailing_argument   USR OK and SYN reply + " 1"
//! reordered-lists       list_order, sections    RL BL AL FL, groups last (MSNP2-7); LST, LSG, settings (MSNP8-12)
//! no-profile            sends_profile           no MSG Hotmail Hotmail after USR OK
//! phantom-group         phantom_group_id        ungrouped forward-list contacts in a group no LSG defines
//! unknown-commands      unknown_command         `ZZZ TrID hello` before every LST and LSG line
//! ```

use std::fmt;
use std::str::FromStr;

use crate::account::contacts::{Group, List};
use crate::generated::forms::{lst, msg, syn, usr};
use crate::spec::{Dir, VersionDef};
use crate::typed::message::Outgoing;

/// One deliberate deviation from the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quirk {
    /// Every LST and LSG line of the SYN answer ends with a space.
    TrailingSpace,
    /// The index and total of LST and LSG replies (MSNP2-7) are swapped.
    SwappedCounters,
    /// USR OK leaves out its last argument (a flag after the handle and friendly name).
    MissingTrailingArg,
    /// USR OK and the SYN reply each carry one more argument, `1`.
    ExtraTrailingArg,
    /// The lists of the SYN answer come in another order than the spec's.
    ReorderedLists,
    /// The initial profile message after USR OK is never sent.
    NoProfile,
    /// Forward-list contacts in no group are listed in a group no LSG line defines.
    PhantomGroup,
    /// Lines of a command no version has are interleaved with the SYN answer's list lines.
    UnknownCommands,
}

impl Quirk {
    /// Every quirk, in the order `msnp serve --help` lists them.
    pub const ALL: [Quirk; 8] = [
        Quirk::TrailingSpace,
        Quirk::SwappedCounters,
        Quirk::MissingTrailingArg,
        Quirk::ExtraTrailingArg,
        Quirk::ReorderedLists,
        Quirk::NoProfile,
        Quirk::PhantomGroup,
        Quirk::UnknownCommands,
    ];

    /// The quirk's name on the command line (kebab-case).
    pub fn name(self) -> &'static str {
        match self {
            Quirk::TrailingSpace => "trailing-space",
            Quirk::SwappedCounters => "swapped-counters",
            Quirk::MissingTrailingArg => "missing-trailing-arg",
            Quirk::ExtraTrailingArg => "extra-trailing-arg",
            Quirk::ReorderedLists => "reordered-lists",
            Quirk::NoProfile => "no-profile",
            Quirk::PhantomGroup => "phantom-group",
            Quirk::UnknownCommands => "unknown-commands",
        }
    }

    /// One line saying what the server does differently.
    pub fn doc(self) -> &'static str {
        match self {
            Quirk::TrailingSpace => "every LST and LSG line of the SYN answer ends with a space (MSNP2-12)",
            Quirk::SwappedCounters => "LST and LSG replies to SYN carry total before index (MSNP2-7)",
            Quirk::MissingTrailingArg => "USR OK leaves out its last flag, never the handle or name (MSNP6-18)",
            Quirk::ExtraTrailingArg => "USR OK and the SYN reply end with one more argument, 1 (MSNP2-18)",
            Quirk::ReorderedLists => {
                "SYN sends RL BL AL FL, groups last (to MSNP7); LST, LSG, then settings (MSNP2-12)"
            }
            Quirk::NoProfile => "the profile message (MSG Hotmail Hotmail) after USR OK is never sent (MSNP2-18)",
            Quirk::PhantomGroup => "ungrouped forward-list contacts are in a group no LSG line defines (MSNP7-12)",
            Quirk::UnknownCommands => "a line `ZZZ TrID hello` comes before every LST and LSG line of SYN (MSNP2-12)",
        }
    }

    /// The quirk named `name` (kebab-case, as [`Quirk::name`] gives it).
    pub fn from_name(name: &str) -> Option<Quirk> {
        Quirk::ALL.into_iter().find(|q| q.name() == name)
    }

    /// Whether a session in `version` can show the quirk, decided by the forms the version has: the SYN answer's
    /// list lines, their counters and group references, USR OK's flags, the profile message.
    pub fn applies_to(self, version: &'static VersionDef) -> bool {
        let exists = |form| Outgoing::exists(version, Dir::Server, form);
        let has = |form, arg| Outgoing::new(version, Dir::Server, form).is_ok_and(|m| m.has(arg));
        // The SYN answer carries list lines: streamed ones (MSNP8-12) or replies with the SYN's TrID (MSNP2-7).
        let lists = exists(syn::REPLY) && (exists(lst::IN_SYN) || exists(lst::ENTRY));
        let streamed = exists(lst::IN_SYN);
        match self {
            Quirk::TrailingSpace | Quirk::ReorderedLists | Quirk::UnknownCommands => lists,
            Quirk::SwappedCounters => lists && !streamed && has(lst::ENTRY, lst::args::INDEX),
            Quirk::MissingTrailingArg => has(usr::OK, usr::args::VERIFIED) || has(usr::OK, usr::args::RESTRICTED),
            Quirk::ExtraTrailingArg => exists(usr::OK),
            Quirk::NoProfile => exists(msg::INCOMING),
            Quirk::PhantomGroup => {
                lists && if streamed { has(lst::IN_SYN, lst::args::GROUPS) } else { has(lst::ENTRY, lst::args::GROUPS) }
            }
        }
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl fmt::Display for Quirk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no quirk's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a quirk (one of: {names})", names = Quirk::ALL.map(Quirk::name).join(", "))]
pub struct UnknownQuirk(pub String);

impl FromStr for Quirk {
    type Err = UnknownQuirk;

    fn from_str(name: &str) -> Result<Quirk, UnknownQuirk> {
        Quirk::from_name(name).ok_or_else(|| UnknownQuirk(name.to_string()))
    }
}

/// A set of quirks; the empty set (the default) is a server that follows the spec.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Quirks(u16);

impl Quirks {
    /// No quirk.
    pub const NONE: Quirks = Quirks(0);

    /// Whether `quirk` is in the set.
    pub fn contains(self, quirk: Quirk) -> bool {
        self.0 & quirk.bit() != 0
    }

    /// Adds `quirk`.
    pub fn insert(&mut self, quirk: Quirk) {
        self.0 |= quirk.bit();
    }

    /// The set with `quirk` added.
    pub fn with(mut self, quirk: Quirk) -> Quirks {
        self.insert(quirk);
        self
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The quirks of the set that a session in `version` can show ([`Quirk::applies_to`]); the others are left
    /// out, so that no quirk is applied to a form that cannot show it (USR OK without a trailing flag loses no
    /// argument).
    pub fn applicable(self, version: &'static VersionDef) -> Quirks {
        self.iter().filter(|q| q.applies_to(version)).collect()
    }

    /// The quirks in the set, in [`Quirk::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Quirk> {
        Quirk::ALL.into_iter().filter(move |q| self.contains(*q))
    }
}

impl From<Quirk> for Quirks {
    fn from(quirk: Quirk) -> Quirks {
        Quirks::NONE.with(quirk)
    }
}

impl FromIterator<Quirk> for Quirks {
    fn from_iter<I: IntoIterator<Item = Quirk>>(quirks: I) -> Quirks {
        let mut set = Quirks::NONE;
        set.extend(quirks);
        set
    }
}

impl Extend<Quirk> for Quirks {
    fn extend<I: IntoIterator<Item = Quirk>>(&mut self, quirks: I) {
        for quirk in quirks {
            self.insert(quirk);
        }
    }
}

/// The end of a written command line: where its CRLF starts (a payload, if any, follows the CRLF and is left
/// alone by every quirk).
fn line_end(line: &[u8]) -> usize {
    line.windows(2).position(|w| w == b"\r\n").unwrap_or(line.len())
}

/// trailing-space: a space between the last argument and the CRLF, as a real MSNP10-12 server sent
/// `LST N=carol@example.com F=Carol C=<guid> 13 `.
pub(crate) fn add_trailing_space(quirks: Quirks, line: &mut Vec<u8>) {
    if quirks.contains(Quirk::TrailingSpace) {
        line.insert(line_end(line), b' ');
    }
}

/// swapped-counters: the (index, total) pair of an LST or LSG reply in the order the server writes it into the
/// `index` and `total` arguments. The values are both counts, so the swapped line still matches the form; only
/// their meaning is wrong, which is what the quirk is about.
pub(crate) fn counters(quirks: Quirks, index: u32, total: u32) -> (u32, u32) {
    if quirks.contains(Quirk::SwappedCounters) { (total, index) } else { (index, total) }
}

/// missing-trailing-arg: the last argument of USR OK and the space before it are cut. It is only applied to
/// versions whose USR OK ends with a flag ([`Quirk::applies_to`]), so the handle and the friendly name stay.
pub(crate) fn drop_last_argument(quirks: Quirks, line: &mut Vec<u8>) {
    if !quirks.contains(Quirk::MissingTrailingArg) {
        return;
    }
    let end = line_end(line);
    if let Some(space) = line[..end].iter().rposition(|&b| b == b' ') {
        line.drain(space..end);
    }
}

/// extra-trailing-arg: one more argument, `1`, after the last one of USR OK and the SYN reply. With
/// missing-trailing-arg as well, the last argument is cut first and the extra one added after.
pub(crate) fn add_trailing_argument(quirks: Quirks, line: &mut Vec<u8>) {
    if quirks.contains(Quirk::ExtraTrailingArg) {
        let end = line_end(line);
        line.splice(end..end, *b" 1");
    }
}

/// reordered-lists, MSNP2-7: the order in which the lists' LST replies are sent; the spec's is FL, AL, BL, RL.
pub(crate) fn list_order(quirks: Quirks) -> [List; 4] {
    if quirks.contains(Quirk::ReorderedLists) {
        [List::RL, List::BL, List::AL, List::FL]
    } else {
        [List::FL, List::AL, List::BL, List::RL]
    }
}

/// A part of the SYN answer, after the SYN reply itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    /// GTC, BLP and PRP.
    Settings,
    /// LSG.
    Groups,
    /// LST, each with its BPR lines after it.
    Contacts,
}

/// reordered-lists: the order of the SYN answer's sections. The spec's is settings, groups, contacts; the quirk
/// sends the contacts first, then the groups, then the settings in the streamed versions (MSNP8-12), and the
/// groups after the contacts in the versions that reply with the SYN's TrID (MSNP2-7).
pub(crate) fn sections(quirks: Quirks, streamed: bool) -> [Section; 3] {
    match (quirks.contains(Quirk::ReorderedLists), streamed) {
        (false, _) => [Section::Settings, Section::Groups, Section::Contacts],
        (true, true) => [Section::Contacts, Section::Groups, Section::Settings],
        (true, false) => [Section::Settings, Section::Contacts, Section::Groups],
    }
}

/// no-profile: whether the initial profile message is sent after USR OK.
pub(crate) fn sends_profile(quirks: Quirks) -> bool {
    !quirks.contains(Quirk::NoProfile)
}

/// phantom-group: the group that forward-list contacts in no group are listed in, when the quirk is set. It is
/// `0` unless the account has a group `0`; then it is the smallest number that none of the account's groups has
/// as its ID (`2` for an account with groups `0` and `1`). No LSG line defines it, and the SYN reply's group count
/// stays the number of LSG lines sent.
pub(crate) fn phantom_group_id(quirks: Quirks, groups: &[Group]) -> Option<String> {
    if !quirks.contains(Quirk::PhantomGroup) {
        return None;
    }
    (0u32..).map(|n| n.to_string()).find(|id| groups.iter().all(|g| &g.id != id))
}

/// The command name of the unknown-commands quirk's lines; no version of the spec has it (tested).
pub(crate) const UNKNOWN_COMMAND: &str = "ZZZ";

/// unknown-commands: the line sent before every LST and LSG line of the SYN answer, when the quirk is set. It is
/// hand-formatted because no form describes it: a command name no version has, the SYN's TrID in the versions
/// that reply with it (MSNP2-7) and `0` in the streamed ones, one word, CRLF and no payload, so that any client
/// can frame it and skip it.
pub(crate) fn unknown_command(quirks: Quirks, trid: Option<u32>) -> Option<Vec<u8>> {
    quirks
        .contains(Quirk::UnknownCommands)
        .then(|| format!("{UNKNOWN_COMMAND} {} hello\r\n", trid.unwrap_or(0)).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::{Quirk, Quirks, UNKNOWN_COMMAND};

    fn version(n: u32) -> &'static crate::spec::VersionDef {
        crate::SPEC.version(&format!("MSNP{n}")).expect("a version of the spec")
    }

    #[test]
    fn names_round_trip_and_the_set_holds_each_quirk() {
        for quirk in Quirk::ALL {
            assert_eq!(quirk.name().parse::<Quirk>(), Ok(quirk));
            assert!(!quirk.doc().is_empty());
            assert!(Quirks::from(quirk).contains(quirk));
        }
        let all: Quirks = Quirk::ALL.into_iter().collect();
        assert_eq!(all.iter().collect::<Vec<_>>(), Quirk::ALL);
        assert!(Quirks::default().is_empty());
        assert!("nonsense".parse::<Quirk>().unwrap_err().to_string().contains("trailing-space"));
    }

    #[test]
    fn each_quirk_applies_to_the_versions_whose_forms_can_show_it() {
        let versions = |quirk: Quirk| (2..=18).filter(|n| quirk.applies_to(version(*n))).collect::<Vec<u32>>();
        let range = |r: std::ops::RangeInclusive<u32>| r.collect::<Vec<u32>>();
        assert_eq!(versions(Quirk::TrailingSpace), range(2..=12));
        assert_eq!(versions(Quirk::SwappedCounters), range(2..=7));
        assert_eq!(versions(Quirk::MissingTrailingArg), range(6..=18));
        assert_eq!(versions(Quirk::ExtraTrailingArg), range(2..=18));
        assert_eq!(versions(Quirk::ReorderedLists), range(2..=12));
        assert_eq!(versions(Quirk::NoProfile), range(2..=18));
        assert_eq!(versions(Quirk::PhantomGroup), range(7..=12));
        assert_eq!(versions(Quirk::UnknownCommands), range(2..=12));
        // Each doc line ends with the versions it shows in, as `msnp serve --help` prints them.
        for quirk in Quirk::ALL {
            let shown = versions(quirk);
            let suffix = format!("(MSNP{}-{})", shown[0], shown[shown.len() - 1]);
            assert!(quirk.doc().ends_with(&suffix), "{quirk}: {} should end with {suffix}", quirk.doc());
        }
    }

    #[test]
    fn the_unknown_command_is_in_no_version() {
        for v in crate::SPEC.versions.iter() {
            assert!(v.command(UNKNOWN_COMMAND).is_none(), "{} has {UNKNOWN_COMMAND}", v.name);
        }
    }
}
