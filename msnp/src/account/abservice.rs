//! The address-book web services of MSNP13 and later, as documents: the sharing service's `FindMembership`
//! (who is on the allow, block, reverse and pending lists) and the address book service's `ABFindAll` (the
//! forward list, its groups, and the account's own `Me` contact), over SOAP 1.1; and the initial `ADL` list the
//! client sends once it has them ([`adl`]).
//!
//! Nothing here does I/O: the client posts what [`write_request`] writes and reads the answers with
//! [`read_find_membership`] and [`read_ab_find_all`], which [`contact_list`] combines into the same
//! [`ContactList`] a SYN gives in earlier versions; the embedded server reads requests with [`read_request`] and
//! answers with [`write_find_membership`] and [`write_ab_find_all`], from the accounts file's model.
//!
//! ```text
//! client: write_request(FindMembership) --POST SharingService.asmx--> read_find_membership --> Memberships
//!         write_request(ABFindAll)      --POST abservice.asmx------> read_ab_find_all    --> AddressBook
//!         contact_list(account, Memberships, AddressBook) --> ContactList --adl::initial_list--> ADL payloads
//! server: read_request --> (action, ticket) --> write_find_membership | write_ab_find_all | write_fault
//! ```
//!
//! Documents are written and read with quick-xml. Reading is tolerant: elements are matched by local name (any
//! namespace prefix, and the capitalised `Groups` and `Contacts` of later responses alike), unknown elements are
//! skipped, members may be `PassportMember` (a `PassportName`) or `EmailMember` (an `Email`). It is bounded: a
//! response of more than [`MAX_BODY`] bytes, more than [`MAX_CONTACTS`] contacts, [`MAX_MEMBERS`] memberships or
//! [`MAX_GROUPS`] groups, an element text over [`MAX_TEXT`] bytes or nesting deeper than [`MAX_DEPTH`] is an
//! error naming the limit. A SOAP `Fault` is an error, whatever else the document holds.

mod address_book;
pub mod adl;
mod guid;
mod membership;
mod request;
mod xml;

pub use address_book::{AbContact, AddressBook, read_ab_find_all, write_ab_find_all};
pub use guid::{contact_guid, group_guid};
pub use membership::{Member, Memberships, read_find_membership, write_find_membership};
pub use request::{Request, read_request, write_request};
pub use xml::write_fault;

use std::collections::{BTreeMap, HashMap};

use crate::account::contacts::{AccountInfo, Contact, ContactList, List};

/// The sharing service's path (FindMembership), under the services' base URL.
pub const SHARING_PATH: &str = "/abservice/SharingService.asmx";
/// The address book service's path (ABFindAll), under the services' base URL.
pub const ABSERVICE_PATH: &str = "/abservice/abservice.asmx";
/// The services' base URL official clients used.
pub const DEFAULT_BASE_URL: &str = "https://contacts.msn.com";

/// The `SOAPAction` header of a FindMembership request.
pub const FIND_MEMBERSHIP_ACTION: &str = "http://www.msn.com/webservices/AddressBook/FindMembership";
/// The `SOAPAction` header of an ABFindAll request.
pub const AB_FIND_ALL_ACTION: &str = "http://www.msn.com/webservices/AddressBook/ABFindAll";

/// The namespace of the address book and sharing services' elements.
pub const AB_NAMESPACE: &str = "http://www.msn.com/webservices/AddressBook";
/// The SOAP 1.1 envelope's namespace.
pub const SOAP_NAMESPACE: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The application ID the requests carry in `ABApplicationHeader` (the one Windows Live Messenger 8.1 sent;
/// servers are not known to check it).
pub const APPLICATION_ID: &str = "CFE80F9D-180F-4399-82AB-413F33A1FA11";

/// The most bytes of a response the client reads (a 10,000-contact address book is about 6 MB).
pub const MAX_BODY: usize = 32 * 1024 * 1024;
/// The most bytes of a request the server reads.
pub const MAX_REQUEST_BODY: usize = 64 * 1024;
/// The most contacts an address book may hold (`Me` included); the official limit was 1,000 and later 5,000
/// contacts with Messenger on them, and address books kept other contacts as well.
pub const MAX_CONTACTS: usize = 10_000;
/// The most membership entries (one per contact and role) a FindMembership answer may hold.
pub const MAX_MEMBERS: usize = 40_000;
/// The most groups an address book may hold.
pub const MAX_GROUPS: usize = 1_000;
/// The most bytes the text of one element may hold.
pub const MAX_TEXT: usize = 16 * 1024;
/// The deepest nesting of elements read.
pub const MAX_DEPTH: usize = 64;

/// The two calls a client makes to fetch its lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The sharing service's FindMembership: the allow, block, reverse and pending lists.
    FindMembership,
    /// The address book service's ABFindAll: the forward list, its groups, and the `Me` contact.
    AbFindAll,
}

impl Action {
    /// The request's body element, which names the action.
    pub fn element(self) -> &'static str {
        match self {
            Action::FindMembership => "FindMembership",
            Action::AbFindAll => "ABFindAll",
        }
    }

    /// The value of the request's `SOAPAction` header.
    pub fn soap_action(self) -> &'static str {
        match self {
            Action::FindMembership => FIND_MEMBERSHIP_ACTION,
            Action::AbFindAll => AB_FIND_ALL_ACTION,
        }
    }

    /// The path of the service that carries it out.
    pub fn path(self) -> &'static str {
        match self {
            Action::FindMembership => SHARING_PATH,
            Action::AbFindAll => ABSERVICE_PATH,
        }
    }

    /// The action a body element names.
    pub fn from_element(name: &str) -> Option<Action> {
        [Action::FindMembership, Action::AbFindAll].into_iter().find(|a| a.element() == name)
    }
}

/// How a request proves who sends it.
#[derive(Clone, PartialEq, Eq)]
pub enum SoapAuth {
    /// The contacts.msn.com ticket in the `ABAuthHeader/TicketToken` element (XML-escaped by the writer).
    TicketToken(String),
    /// The `MSPAuth` cookie: the `t=` part of the Passport 1.4 ticket (MSNP13 and MSNP14 with TWN).
    MspAuthCookie(String),
}

impl std::fmt::Debug for SoapAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The ticket is a secret: it is never printed.
        match self {
            SoapAuth::TicketToken(_) => f.write_str("TicketToken(..)"),
            SoapAuth::MspAuthCookie(_) => f.write_str("MspAuthCookie(..)"),
        }
    }
}

impl SoapAuth {
    /// The cookie for a Passport 1.4 ticket (`t=...&p=...`): `MSPAuth` with the ticket's `t=` part.
    pub fn from_twn_ticket(ticket: &str) -> SoapAuth {
        SoapAuth::MspAuthCookie(ticket_key(ticket).to_string())
    }

    /// The `Cookie` header's value, for the cookie.
    pub fn cookie(&self) -> Option<String> {
        match self {
            SoapAuth::MspAuthCookie(value) => Some(format!("MSPAuth={value}")),
            SoapAuth::TicketToken(_) => None,
        }
    }
}

/// What identifies a ticket, as both forms of [`SoapAuth`] carry it: the part of `t=...&p=...` between `t=` and
/// the first `&`; a value without `t=` is its own key.
pub fn ticket_key(ticket: &str) -> &str {
    match ticket.strip_prefix("t=") {
        Some(rest) => rest.split('&').next().unwrap_or(rest),
        None => ticket,
    }
}

/// The `MSPAuth` value of a `Cookie` header, if it has one.
pub fn mspauth_cookie(header: &str) -> Option<&str> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == "MSPAuth").then_some(value)
    })
}

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SoapError {
    /// The service answered with a SOAP fault.
    #[error("SOAP fault {code}: {text}{}", detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Fault {
        /// The `faultcode`.
        code: String,
        /// The `faultstring`.
        text: String,
        /// The `errorcode` of the fault's `detail`, when it has one.
        detail: Option<String>,
    },
    /// The document is not well-formed XML, or not a SOAP envelope.
    #[error("the document is not a SOAP envelope: {0}")]
    Malformed(String),
    /// The envelope lacks the element the answer or request consists of.
    #[error("the envelope has no <{0}>")]
    Missing(&'static str),
    /// The document is larger than the limit.
    #[error("the document is over the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The document holds more items of a kind than the limit.
    #[error("the document holds more than {limit} {what}, the limit")]
    TooMany {
        /// What is counted: contacts, memberships, groups.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// An element's text is longer than [`MAX_TEXT`].
    #[error("the text of <{element}> is over the limit of {limit} bytes")]
    TextTooLong {
        /// The element.
        element: String,
        /// The limit in bytes.
        limit: usize,
    },
}

/// The contact list the two answers describe, for the signed-in `account`: the memberships' lists (AL, BL, RL,
/// PL) and the address book's forward list (its messenger contacts) combined per handle, groups by their GUIDs,
/// names as plain text (the address book's display name first, then the membership's, then the handle); the
/// address book's `Me` contact gives the account's display name and its BLP and GTC settings.
pub fn contact_list(mut account: AccountInfo, memberships: Memberships, book: AddressBook) -> ContactList {
    let mut list = ContactList { groups: book.groups, ..ContactList::default() };
    let mut index = HashMap::<String, usize>::new();
    for member in memberships.members {
        let contact = slot(&mut list, &mut index, &member.handle);
        contact.lists.push(member.list);
        if contact.friendly_name.is_empty() {
            contact.friendly_name = member.display_name.unwrap_or_default();
        }
    }
    for entry in book.contacts {
        // An address book entry without Messenger is a contact only when a membership names it.
        if !entry.messenger_user && !index.contains_key(&entry.handle.to_ascii_lowercase()) {
            continue;
        }
        let contact = slot(&mut list, &mut index, &entry.handle);
        if !entry.display_name.is_empty() {
            contact.friendly_name = entry.display_name;
        }
        if entry.messenger_user {
            contact.lists.push(List::FL);
            contact.groups = entry.groups;
        }
    }
    for contact in &mut list.contacts {
        contact.lists.sort();
        contact.lists.dedup();
        if contact.friendly_name.is_empty() {
            contact.friendly_name = contact.handle.clone();
        }
    }
    if let Some(me) = book.me {
        if !me.display_name.is_empty() {
            account.friendly_name = me.display_name;
        }
        account.blp = me.blp.or(account.blp);
        account.gtc = me.gtc.or(account.gtc);
    }
    list.account = account;
    list
}

/// The contact `handle` of `list` (compared without regard to case), added without lists when it is new.
fn slot<'l>(list: &'l mut ContactList, index: &mut HashMap<String, usize>, handle: &str) -> &'l mut Contact {
    let at = *index.entry(handle.to_ascii_lowercase()).or_insert_with(|| {
        list.contacts.push(Contact {
            handle: handle.to_string(),
            friendly_name: String::new(),
            lists: Vec::new(),
            groups: Vec::new(),
            properties: BTreeMap::new(),
        });
        list.contacts.len() - 1
    });
    &mut list.contacts[at]
}

/// The account's own entry in the address book (`contactType` `Me`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Me {
    /// The display name, as plain text.
    pub display_name: String,
    /// BLP from the `MSN.IM.BLP` annotation: `AL` (1) or `BL` (2).
    pub blp: Option<String>,
    /// GTC from the `MSN.IM.GTC` annotation: `A` (1, ask) or `N` (0).
    pub gtc: Option<String>,
}

#[cfg(test)]
mod tests;
