//! The MSNP2-7 answer to SYN: replies with the SYN's TrID. Each list (and the groups, where LSG counts them) is
//! complete when as many of its lines have come as it announces, whichever of index and total is the larger:
//! servers in the wild swap the two or change the total midway, which is a warning and never a reason to stop
//! early. A contact comes once per list it is on; its properties (BPR) name it. A PNG round trip then collects what
//! is still in flight, in any order.

use std::collections::HashMap;

use tokio::time::Instant;

use super::super::error::{Failure, LoginError, Stage, malformed};
use super::super::{Client, MAX_SYN_LINES, decoded, warn_into};
use super::{account_setting, split_groups, too_many_lines};
use crate::account::contacts::{Contact, ContactList, Group, List};
use crate::account::list_counter::ListCounter;
use crate::generated::forms::*;
use crate::typed::ParseError;
use crate::typed::message::Incoming;

/// The lines of the SYN with TrID `trid` read so far: how many each list brought, and where each contact is.
#[derive(Debug)]
pub(super) struct NumberedLists {
    trid: u32,
    tally: ListTally,
    /// Where each handle is in the contact list: a contact comes once per list it is on.
    index: HashMap<String, usize>,
}

impl NumberedLists {
    /// The answer to the SYN with `trid`, nothing come yet.
    pub(super) fn new(trid: u32) -> Self {
        NumberedLists { trid, tally: ListTally::default(), index: HashMap::new() }
    }

    /// Whether the four lists and the groups are complete.
    pub(super) fn complete(&self) -> bool {
        self.tally.complete()
    }

    /// What is still due, as a person reads it: `1 of 2 RL entries`.
    pub(super) fn due(&self) -> String {
        self.tally.due()
    }

    /// Counts a line no repair can read by what it shows; returns whether it was a list line.
    pub(super) fn count_unreadable(&mut self, line: &str) -> bool {
        self.tally.count_unreadable(line)
    }

    /// Takes a line (`text` as received) into `list`; returns whether it was one of the answer's: a line with
    /// another TrID is not (BPR has none). A line of the answer that cannot be read fails the synchronisation.
    pub(super) fn take(
        &mut self,
        list: &mut ContactList,
        line: &Incoming<'_, '_>,
        text: &str,
        warnings: &mut Vec<String>,
    ) -> Result<bool, LoginError> {
        if line.trid().is_some_and(|t| t != self.trid) && !line.is(bpr::PROPERTY) {
            return Ok(false);
        }
        let problem = malformed(Stage::Syn, text);
        if account_setting(list, line, text, warnings).map_err(problem)? {
        } else if line.is(lsg::GROUP) {
            self.group(list, line, text, warnings).map_err(problem)?;
        } else if line.is(lst::EMPTY) {
            if let Some(which) = line.get::<&str>(lst::args::LIST).map_err(problem)?.and_then(List::from_name) {
                self.tally.list(which).counter.line(Some(0), Some(0));
            }
        } else if line.is(lst::ENTRY) {
            self.entry(list, line, text, warnings)?;
        } else if line.is(bpr::PROPERTY) {
            self.property(list, line).map_err(problem)?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// Puts each contact's lists in order, once every line has come.
    pub(super) fn finish(list: &mut ContactList) {
        for contact in &mut list.contacts {
            contact.lists.sort();
        }
    }

    /// A group line, counted among the groups.
    fn group(
        &mut self,
        list: &mut ContactList,
        line: &Incoming<'_, '_>,
        text: &str,
        warnings: &mut Vec<String>,
    ) -> Result<(), ParseError> {
        let counters = (line.get(lsg::args::INDEX)?, line.get(lsg::args::TOTAL)?);
        if let Some(warning) = self.tally.groups.count(counters, "LSG groups") {
            warn_into(warnings, format!("`{text}`: {warning}"));
        }
        let id = line.require::<&str>(lsg::args::GROUP_ID)?.to_string();
        let name = decoded(warnings, line.require(lsg::args::GROUP_NAME)?, text);
        list.groups.push(Group { id, name });
        Ok(())
    }

    /// A contact on one list, counted in that list: a new contact, or one more list of a contact already read (the
    /// forward list gives its groups).
    fn entry(
        &mut self,
        list: &mut ContactList,
        line: &Incoming<'_, '_>,
        text: &str,
        warnings: &mut Vec<String>,
    ) -> Result<(), LoginError> {
        let problem = malformed(Stage::Syn, text);
        let which = line.require::<&str>(lst::args::LIST).map_err(problem)?;
        let which = List::from_name(which).ok_or_else(|| {
            LoginError::new(Stage::Syn, Failure::Protocol(format!("unknown list {which}"))).line(text)
        })?;
        let counters = (line.get(lst::args::INDEX).map_err(problem)?, line.get(lst::args::TOTAL).map_err(problem)?);
        if let Some(warning) = self.tally.list(which).count(counters, which.name()) {
            warn_into(warnings, format!("`{text}`: {warning}"));
        }
        let handle = line.require::<&str>(lst::args::HANDLE).map_err(problem)?;
        let name = match line.get(lst::args::FRIENDLY_NAME).map_err(problem)? {
            Some(name) => decoded(warnings, name, text),
            None => handle.to_string(),
        };
        let groups = line.get::<&str>(lst::args::GROUPS).map_err(problem)?.map(split_groups).unwrap_or_default();
        match self.index.get(handle).and_then(|&i| list.contacts.get_mut(i)) {
            Some(contact) => {
                if !contact.lists.contains(&which) {
                    contact.lists.push(which);
                }
                if which == List::FL {
                    contact.groups = groups;
                }
            }
            None => {
                self.index.insert(handle.to_string(), list.contacts.len());
                list.contacts.push(Contact {
                    handle: handle.to_string(),
                    friendly_name: name,
                    lists: vec![which],
                    groups: if which == List::FL { groups } else { Vec::new() },
                    properties: Default::default(),
                });
            }
        }
        Ok(())
    }

    /// A property of a contact already read.
    fn property(&mut self, list: &mut ContactList, line: &Incoming<'_, '_>) -> Result<(), ParseError> {
        let handle = line.require::<&str>(bpr::args::HANDLE)?;
        let (name, value) = (line.require::<&str>(bpr::args::PROPERTY)?, line.get::<&str>(bpr::args::VALUE)?);
        if let Some(contact) = self.index.get(handle).and_then(|&i| list.contacts.get_mut(i)) {
            contact.properties.insert(name.to_string(), value.unwrap_or("").to_string());
        }
        Ok(())
    }
}

impl Client {
    /// Reads the MSNP2-7 answer to the SYN with `trid` into `list`, before `deadline`.
    pub(super) async fn read_numbered(
        &mut self,
        list: &mut ContactList,
        trid: u32,
        deadline: Instant,
    ) -> Result<(), LoginError> {
        let mut lists = NumberedLists::new(trid);
        let mut flushed = false;
        for _ in 0..MAX_SYN_LINES {
            if !flushed && lists.complete() {
                self.ping(Stage::Syn).await?;
                flushed = true;
            }
            let frame = match self.next_until(Stage::Syn, Some(trid), deadline).await {
                Ok(frame) => frame,
                Err(e) => return Err(self.still_due(e, lists.due())),
            };
            let received = match self.read(&frame) {
                Ok(received) => received,
                Err(e) => {
                    let counted = lists.count_unreadable(&frame.line);
                    self.cannot_read(&frame, &e, counted);
                    continue;
                }
            };
            let line = received.incoming();
            if line.is(qng::REPLY) {
                if flushed && lists.complete() {
                    break;
                }
                // A QNG before the lists were complete answers nobody's PNG; ask again once they are.
                flushed = false;
                continue;
            }
            if !lists.take(list, &line, &frame.line, &mut self.warnings)? {
                self.unrelated(Stage::Syn, &frame);
            }
        }
        if !flushed || !lists.complete() {
            return Err(too_many_lines());
        }
        NumberedLists::finish(list);
        Ok(())
    }
}

/// How many lines of each list (and of the groups) an MSNP2-7 synchronisation announced and brought.
#[derive(Debug, Default)]
struct ListTally {
    lists: [Series; 4],
    groups: Series,
}

/// The lines of one counted list, and the total its first line gave (to notice a change).
#[derive(Debug, Default)]
struct Series {
    counter: ListCounter,
    first_total: Option<u64>,
}

impl Series {
    /// Counts a line with its index and total (either may be missing from a repaired line); returns a warning
    /// when they are inconsistent.
    fn count(&mut self, (index, total): (Option<u64>, Option<u64>), what: &str) -> Option<String> {
        self.counter.line(index, total);
        let (index, total) = (index.unwrap_or(0), total.unwrap_or(0));
        let first_total = *self.first_total.get_or_insert(total);
        let expected = self.counter.expected().unwrap_or(0);
        if index > total {
            Some(format!("{what}: index {index} is above the total {total}; waiting for {expected} lines"))
        } else if total != first_total {
            Some(format!("{what}: the total changed from {first_total} to {total} within one SYN"))
        } else {
            None
        }
    }

    /// Whether every line the list announced has come (a list of groups no line announced is complete).
    fn complete(&self, required: bool) -> bool {
        self.counter.is_complete() || (!required && self.counter.lines() == 0)
    }

    /// What is still due, as `1 of 2 RL entries`.
    fn due(&self, what: &str) -> String {
        match (self.counter.lines(), self.counter.expected()) {
            (0, _) | (_, None) => format!("the {what}"),
            (lines, Some(expected)) => format!("{} of {expected} {what}", expected.saturating_sub(lines)),
        }
    }
}

impl ListTally {
    /// The series of list `which`.
    fn list(&mut self, which: List) -> &mut Series {
        let at = [List::FL, List::AL, List::BL, List::RL].iter().position(|l| *l == which).unwrap_or(3);
        &mut self.lists[at]
    }

    /// Whether the four lists and the groups are complete.
    fn complete(&self) -> bool {
        self.lists.iter().all(|l| l.complete(true)) && self.groups.complete(false)
    }

    /// Counts a line no repair can read by what it shows: `LST TrID list ...` or `LSG ...`. Returns whether it was
    /// a list line.
    fn count_unreadable(&mut self, line: &str) -> bool {
        let mut words = line.split(' ').filter(|w| !w.is_empty());
        let (name, list) = (words.next(), words.nth(1));
        match (name, list.and_then(List::from_name)) {
            (Some("LST"), Some(which)) => {
                self.list(which).counter.line(None, None);
                true
            }
            (Some("LSG"), _) => {
                self.groups.counter.line(None, None);
                true
            }
            _ => false,
        }
    }

    /// What is still due, as a person reads it: `1 of 2 RL entries`.
    fn due(&self) -> String {
        let mut due: Vec<String> = [List::FL, List::AL, List::BL, List::RL]
            .iter()
            .zip(&self.lists)
            .filter(|(_, c)| !c.complete(true))
            .map(|(l, c)| c.due(&format!("{} entries", l.name())))
            .collect();
        if !self.groups.complete(false) {
            due.push(self.groups.due("groups"));
        }
        if due.is_empty() { "the answer to PNG".to_string() } else { due.join(", ") }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::with_line;
    use super::NumberedLists;
    use crate::account::contacts::{ContactList, List};

    /// Takes `line` (MSNP7) into `list`; gives whether it was taken and the warnings it gave.
    fn take(lists: &mut NumberedLists, list: &mut ContactList, line: &str) -> (bool, Vec<String>) {
        let mut warnings = Vec::new();
        let taken = with_line("MSNP7", line, |l| lists.take(list, l, line, &mut warnings)).expect("a readable line");
        (taken, warnings)
    }

    #[test]
    fn each_list_is_complete_at_its_total_and_contacts_gather_their_lists() {
        let (mut lists, mut list) = (NumberedLists::new(5), ContactList::default());
        assert_eq!(lists.due(), "the FL entries, the AL entries, the BL entries, the RL entries");
        for line in [
            "LSG 5 1 1 1 0 Other%20Contacts 0",
            "LST 5 RL 1 1 1 bob@example.com Bob",
            "LST 5 FL 1 1 1 bob@example.com Bob 0",
            "BPR 1 bob@example.com PHH 555",
            "LST 5 AL 1 0 0",
        ] {
            assert_eq!(take(&mut lists, &mut list, line), (true, vec![]), "{line}");
        }
        assert!(!lists.complete());
        assert_eq!(lists.due(), "the BL entries");
        assert!(take(&mut lists, &mut list, "LST 5 BL 1 0 0").0);
        assert!(lists.complete());
        NumberedLists::finish(&mut list);
        assert_eq!(list.contacts.len(), 1);
        let bob = &list.contacts[0];
        assert_eq!((&bob.lists[..], &bob.groups[..]), (&[List::FL, List::RL][..], &["0".to_string()][..]));
        assert_eq!(bob.properties.get("PHH").map(String::as_str), Some("555"));
        assert_eq!((list.groups[0].id.as_str(), list.groups[0].name.as_str()), ("0", "Other Contacts"));
    }

    #[test]
    fn inconsistent_counters_are_warnings_and_wait_for_the_larger() {
        let (mut lists, mut list) = (NumberedLists::new(5), ContactList::default());
        let (taken, warnings) = take(&mut lists, &mut list, "LST 5 RL 1 2 1 bob@example.com Bob");
        assert!(taken);
        assert_eq!(
            warnings,
            ["`LST 5 RL 1 2 1 bob@example.com Bob`: RL: index 2 is above the total 1; waiting for 2 lines"]
        );
        assert!(lists.due().contains("1 of 2 RL entries"), "{}", lists.due());
        let (_, warnings) = take(&mut lists, &mut list, "LST 5 FL 1 1 2 bob@example.com Bob");
        assert!(warnings.is_empty());
        let (_, warnings) = take(&mut lists, &mut list, "LST 5 FL 1 2 3 carol@example.com Carol");
        assert_eq!(
            warnings,
            ["`LST 5 FL 1 2 3 carol@example.com Carol`: FL: the total changed from 2 to 3 within one SYN"]
        );
    }

    #[test]
    fn lines_of_another_request_are_not_taken() {
        let (mut lists, mut list) = (NumberedLists::new(5), ContactList::default());
        assert!(!take(&mut lists, &mut list, "LST 6 FL 1 1 1 bob@example.com Bob").0);
        assert!(!take(&mut lists, &mut list, "CHG 5 NLN").0);
        assert!(list.contacts.is_empty());
        assert!(lists.count_unreadable("LST 5 RL what"));
        assert!(lists.count_unreadable("LSG 5 ??"));
        assert!(!lists.count_unreadable("LST 5 XX 1"));
    }
}
