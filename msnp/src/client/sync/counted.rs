//! The MSNP8-12 answer to SYN: lines without TrID, in any order, until as many contacts (LST) and groups (LSG) as
//! the SYN reply announced have come; the properties of a contact (BPR) follow its LST line. A PNG round trip then
//! collects what is still in flight (the properties of the last contact, settings sent after the lists).

use tokio::time::Instant;

use super::super::error::{LoginError, Stage, malformed};
use super::super::{Client, MAX_SYN_LINES, decoded};
use super::{account_setting, split_groups, too_many_lines};
use crate::account::contacts::{Contact, ContactList, Group, List};
use crate::generated::forms::*;
use crate::typed::ParseError;
use crate::typed::message::Incoming;

/// The contacts and groups the SYN reply announced, and how many of each have come.
#[derive(Debug)]
pub(super) struct CountedLists {
    contacts: u32,
    groups: u32,
    seen_contacts: u32,
    seen_groups: u32,
}

impl CountedLists {
    /// Lists of `contacts` contacts and `groups` groups, none come yet.
    pub(super) fn new(contacts: u32, groups: u32) -> Self {
        CountedLists { contacts, groups, seen_contacts: 0, seen_groups: 0 }
    }

    /// Whether every contact and group announced has come.
    pub(super) fn complete(&self) -> bool {
        self.seen_contacts >= self.contacts && self.seen_groups >= self.groups
    }

    /// What is still due, as a person reads it.
    pub(super) fn due(&self) -> String {
        format!(
            "{} of {} LST and {} of {} LSG lines",
            self.contacts.saturating_sub(self.seen_contacts),
            self.contacts,
            self.groups.saturating_sub(self.seen_groups),
            self.groups
        )
    }

    /// Counts a line no repair can read by its command; returns whether it was a list line (LST or LSG), so that
    /// the count is never waited for twice.
    pub(super) fn count_unreadable(&mut self, line: &str) -> bool {
        match line.split(' ').next().unwrap_or_default() {
            "LST" => self.seen_contacts += 1,
            "LSG" => self.seen_groups += 1,
            _ => return false,
        }
        true
    }

    /// Takes a line of the answer (`text` as received) into `list`; returns whether it was one, or why its
    /// arguments cannot be read.
    pub(super) fn take(
        &mut self,
        list: &mut ContactList,
        line: &Incoming<'_, '_>,
        text: &str,
        warnings: &mut Vec<String>,
    ) -> Result<bool, ParseError> {
        let taken = if account_setting(list, line, text, warnings)? {
            true
        } else if line.is(lsg::IN_SYN) {
            self.seen_groups += 1;
            list.groups.push(group(line, text, warnings)?);
            true
        } else if line.is(lst::IN_SYN) || line.is(lst::IN_SYN_NO_NAME) {
            self.seen_contacts += 1;
            list.contacts.push(contact(line, text, warnings)?);
            true
        } else if line.is(bpr::IN_SYN) {
            let (name, value) =
                (line.require::<&str>(bpr::args::PROPERTY)?, line.get::<&str>(bpr::args::VALUE)?.unwrap_or(""));
            if let Some(contact) = list.contacts.last_mut() {
                contact.properties.insert(name.to_string(), value.to_string());
            }
            true
        } else {
            false
        };
        Ok(taken)
    }
}

/// A group line: its id (named `group` in the versions before GUIDs) and name.
fn group(line: &Incoming<'_, '_>, text: &str, warnings: &mut Vec<String>) -> Result<Group, ParseError> {
    let id = line.get::<&str>(lsg::args::GROUP_ID)?.or(line.get::<&str>(lsg::args::GROUP)?);
    let name = decoded(warnings, line.require(lsg::args::GROUP_NAME)?, text);
    Ok(Group { id: id.unwrap_or("").to_string(), name })
}

/// A contact line. Real servers leave out F= and C= for a contact only on the allow or reverse list, and F= for a
/// contact without a stored name: its handle serves.
fn contact(line: &Incoming<'_, '_>, text: &str, warnings: &mut Vec<String>) -> Result<Contact, ParseError> {
    let bits: u32 = line.require(lst::args::LISTS)?;
    let groups = line.get::<&str>(lst::args::GROUPS)?.map(split_groups).unwrap_or_default();
    let handle = line.require::<&str>(lst::args::HANDLE)?.to_string();
    let friendly_name = match line.get(lst::args::FRIENDLY_NAME)? {
        Some(name) => decoded(warnings, name, text),
        None => handle.clone(),
    };
    Ok(Contact { handle, friendly_name, lists: List::from_bits(bits), groups, properties: Default::default() })
}

impl Client {
    /// Reads the MSNP8-12 answer to SYN into `list`: `contacts` and `groups` as the SYN reply announced, before
    /// `deadline`.
    pub(super) async fn read_counted(
        &mut self,
        list: &mut ContactList,
        contacts: u32,
        groups: u32,
        deadline: Instant,
    ) -> Result<(), LoginError> {
        let mut lists = CountedLists::new(contacts, groups);
        let mut flushed = false;
        for _ in 0..MAX_SYN_LINES {
            if !flushed && lists.complete() {
                self.ping(Stage::Syn).await?;
                flushed = true;
            }
            let frame = match self.next_until(Stage::Syn, None, deadline).await {
                Ok(frame) => frame,
                Err(e) => return Err(self.still_due(e, lists.due())),
            };
            let received = match self.read(&frame) {
                Ok(received) => received,
                Err(e) => {
                    let list_line = lists.count_unreadable(&frame.line);
                    self.cannot_read(&frame, &e, list_line);
                    continue;
                }
            };
            let line = received.incoming();
            if line.is(qng::REPLY) && flushed {
                self.note_ping_interval(&line);
                return Ok(());
            }
            let taken = lists.take(list, &line, &frame.line, &mut self.warnings);
            if !taken.map_err(malformed(Stage::Syn, &frame.line))? {
                self.unrelated(Stage::Syn, &frame);
            }
        }
        Err(too_many_lines())
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::with_line;
    use super::CountedLists;
    use crate::account::contacts::{ContactList, List};

    fn take(lists: &mut CountedLists, list: &mut ContactList, version: &str, line: &str) -> bool {
        let mut warnings = Vec::new();
        with_line(version, line, |l| lists.take(list, l, line, &mut warnings)).expect("a readable line")
    }

    #[test]
    fn the_lists_are_complete_once_the_announced_lines_have_come() {
        let (mut lists, mut list) = (CountedLists::new(2, 1), ContactList::default());
        assert_eq!(lists.due(), "2 of 2 LST and 1 of 1 LSG lines");
        assert!(take(&mut lists, &mut list, "MSNP8", "LSG 0 Other%20Contacts 0"));
        assert!(take(&mut lists, &mut list, "MSNP8", "LST bob@example.com Bob 11 0"));
        assert!(take(&mut lists, &mut list, "MSNP8", "BPR PHH 555"));
        assert!(!lists.complete());
        assert_eq!(lists.due(), "1 of 2 LST and 0 of 1 LSG lines");
        assert!(take(&mut lists, &mut list, "MSNP8", "LST carol@example.com Carol 4"));
        assert!(lists.complete());
        assert_eq!((list.groups[0].id.as_str(), list.groups[0].name.as_str()), ("0", "Other Contacts"));
        let bob = &list.contacts[0];
        assert_eq!(
            (bob.friendly_name.as_str(), &bob.lists[..], &bob.groups[..]),
            ("Bob", &[List::FL, List::AL, List::RL][..], &["0".to_string()][..])
        );
        assert_eq!(bob.properties.get("PHH").map(String::as_str), Some("555"));
        assert_eq!((list.contacts[1].friendly_name.as_str(), &list.contacts[1].lists[..]), ("Carol", &[List::BL][..]));
    }

    #[test]
    fn msnp12_lines_name_contacts_and_groups_by_guid() {
        let (mut lists, mut list) = (CountedLists::new(2, 1), ContactList::default());
        let guid = "d6deeacd-7849-4de4-93c5-d130915d0042";
        assert!(take(&mut lists, &mut list, "MSNP12", &format!("LSG Friends {guid}")));
        assert!(take(
            &mut lists,
            &mut list,
            "MSNP12",
            &format!("LST N=bob@example.com F=Bob C=bob@example.com 11 1 {guid}")
        ));
        assert!(take(&mut lists, &mut list, "MSNP12", "LST N=carol@example.com 2"));
        assert!(lists.complete());
        assert_eq!(list.contacts[1].friendly_name, "carol@example.com", "without F=, the handle serves");
        assert_eq!(list.groups[0].id, guid);
        assert_eq!(list.contacts[0].groups, [guid]);
    }

    #[test]
    fn unreadable_list_lines_still_count_and_others_are_not_taken() {
        let (mut lists, mut list) = (CountedLists::new(1, 1), ContactList::default());
        assert!(lists.count_unreadable("LST ??"));
        assert!(lists.count_unreadable("LSG"));
        assert!(!lists.count_unreadable("XYZ 1"));
        assert!(lists.complete());
        assert!(!take(&mut lists, &mut list, "MSNP8", "CHG 3 NLN 0"));
        assert!(list.contacts.is_empty());
    }
}
