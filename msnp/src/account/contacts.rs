//! The contact-list model: what a client learns when it synchronises (the account's settings and properties, its
//! groups, its contacts with their lists, groups and properties), and what the embedded server's accounts file
//! holds for each account. The client's dump and the server's accounts use the same types, so a test can compare
//! what one served with what the other received.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One of the four contact lists (and the pending list of later versions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum List {
    /// The forward list: the contacts you see.
    FL,
    /// The allow list: who may see you.
    AL,
    /// The block list: who may not.
    BL,
    /// The reverse list: who has you on their forward list.
    RL,
    /// The pending list: who added you and awaits an answer (MSNP10 and later).
    PL,
}

impl List {
    /// Every list, in the order servers stream them.
    pub const ALL: [List; 5] = [List::FL, List::AL, List::BL, List::RL, List::PL];

    /// The list's bit in the list bitmask of MSNP8 and later (FL 1, AL 2, BL 4, RL 8, PL 16).
    pub fn bit(self) -> u32 {
        match self {
            List::FL => 1,
            List::AL => 2,
            List::BL => 4,
            List::RL => 8,
            List::PL => 16,
        }
    }

    /// The lists a bitmask holds.
    pub fn from_bits(bits: u32) -> Vec<List> {
        List::ALL.into_iter().filter(|l| bits & l.bit() != 0).collect()
    }

    /// The two-letter name.
    pub fn name(self) -> &'static str {
        match self {
            List::FL => "FL",
            List::AL => "AL",
            List::BL => "BL",
            List::RL => "RL",
            List::PL => "PL",
        }
    }

    /// The list called `name`.
    pub fn from_name(name: &str) -> Option<List> {
        List::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// The signed-in account as the server describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    /// The account's handle.
    pub handle: String,
    /// The display name, as plain text (decoded from the wire's percent-encoding).
    pub friendly_name: String,
    /// GTC: `A` to be asked when someone adds you, `N` not to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gtc: Option<String>,
    /// BLP: `AL` to allow, `BL` to block people on neither list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blp: Option<String>,
    /// PRP properties (phone numbers and the like), values as on the wire (URL-encoded).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

/// A contact group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The group's ID.
    pub id: String,
    /// The name, as plain text (decoded from the wire's percent-encoding).
    pub name: String,
}

/// A contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The contact's handle.
    pub handle: String,
    /// The name stored for the contact, as plain text (decoded from the wire's percent-encoding).
    pub friendly_name: String,
    /// The lists it is on.
    pub lists: Vec<List>,
    /// The IDs of the groups it is in (forward list only).
    #[serde(default)]
    pub groups: Vec<String>,
    /// BPR properties, values as on the wire (URL-encoded).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

/// Everything a synchronisation delivers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactList {
    /// The account.
    pub account: AccountInfo,
    /// The groups, in the server's order.
    pub groups: Vec<Group>,
    /// The contacts, in the server's order.
    pub contacts: Vec<Contact>,
}

impl ContactList {
    /// The contacts on `list`.
    pub fn on(&self, list: List) -> impl Iterator<Item = &Contact> {
        self.contacts.iter().filter(move |c| c.lists.contains(&list))
    }
}
