//! ABFindAll's answer: the address book's groups (GUIDs and names) and contacts (the account's own `Me` entry with
//! its settings as annotations, then one entry per forward-list contact with its display name and groups).

use super::membership::LAST_CHANGE;
use super::xml::{Doc, Node, ends_with, walk};
use super::{MAX_CONTACTS, MAX_GROUPS, Me, SoapError, contact_guid, group_guid};
use crate::account::contacts::{Contact, ContactList, Group, List};

/// The `groupType` of the groups a user makes.
const USER_GROUP_TYPE: &str = "c8529ce2-6ead-434d-881f-341e17db3ff8";
/// The annotation holding BLP: 1 for AL, 2 for BL.
const BLP_ANNOTATION: &str = "MSN.IM.BLP";
/// The annotation holding GTC: 1 to be asked when someone adds you (A), 0 not to (N).
const GTC_ANNOTATION: &str = "MSN.IM.GTC";

/// One contact of the address book other than `Me`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AbContact {
    /// The `passportName`.
    pub handle: String,
    /// The `displayName`, as plain text (empty when there is none).
    pub display_name: String,
    /// `isMessengerUser`: whether the contact is on the forward list (taken as true when the element is missing).
    pub messenger_user: bool,
    /// The GUIDs of its groups.
    pub groups: Vec<String>,
}

/// What ABFindAll answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressBook {
    /// The account's own entry, when the answer has one.
    pub me: Option<Me>,
    /// The groups, IDs being GUIDs, in document order.
    pub groups: Vec<Group>,
    /// The other contacts with a `passportName`, in document order.
    pub contacts: Vec<AbContact>,
}

/// The answer to ABFindAll for `list`: its groups under their GUIDs ([`group_guid`]), the account's `Me` entry
/// with its display name and the BLP and GTC annotations, and every forward-list contact with its `contactId`
/// ([`contact_guid`]), display name and groups.
pub fn write_ab_find_all(list: &ContactList) -> Vec<u8> {
    let mut doc = Doc::envelope();
    doc.open("soap:Body");
    doc.open_ab("ABFindAllResponse");
    doc.open("ABFindAllResult");
    doc.open("groups");
    for group in &list.groups {
        write_group(&mut doc, group);
    }
    doc.close("groups");
    doc.open("contacts");
    write_me(&mut doc, list);
    for contact in list.on(List::FL) {
        write_contact(&mut doc, contact);
    }
    doc.close("contacts");
    doc.open("ab");
    doc.leaf("abId", "00000000-0000-0000-0000-000000000000");
    doc.open("abInfo");
    doc.leaf("ownerEmail", &list.account.handle);
    doc.leaf("fDefault", "true");
    doc.close("abInfo");
    doc.leaf("lastChange", LAST_CHANGE);
    doc.close("ab");
    doc.close("ABFindAllResult");
    doc.close("ABFindAllResponse");
    doc.close("soap:Body");
    doc.finish()
}

fn write_group(doc: &mut Doc, group: &Group) {
    doc.open("Group");
    doc.leaf("groupId", &group_guid(&group.id));
    doc.open("groupInfo");
    doc.leaf("groupType", USER_GROUP_TYPE);
    doc.leaf("name", &group.name);
    doc.leaf("IsNotMobileVisible", "false");
    doc.leaf("IsPrivate", "false");
    doc.leaf("IsFavorite", "false");
    doc.close("groupInfo");
    doc.empty("propertiesChanged");
    doc.leaf("fDeleted", "false");
    doc.leaf("lastChange", LAST_CHANGE);
    doc.close("Group");
}

fn write_me(doc: &mut Doc, list: &ContactList) {
    let account = &list.account;
    doc.open("Contact");
    doc.leaf("contactId", &contact_guid(&account.handle));
    doc.open("contactInfo");
    doc.open("annotations");
    let blp = match account.blp.as_deref() {
        Some("BL") => "2",
        _ => "1",
    };
    let gtc = match account.gtc.as_deref() {
        Some("N") => "0",
        _ => "1",
    };
    for (name, value) in [(BLP_ANNOTATION, blp), (GTC_ANNOTATION, gtc)] {
        doc.open("Annotation");
        doc.leaf("Name", name);
        doc.leaf("Value", value);
        doc.close("Annotation");
    }
    doc.close("annotations");
    doc.leaf("contactType", "Me");
    doc.leaf("passportName", &account.handle);
    doc.leaf("IsPassportNameHidden", "false");
    doc.leaf("displayName", &account.friendly_name);
    doc.leaf("isMessengerUser", "false");
    doc.close("contactInfo");
    doc.leaf("fDeleted", "false");
    doc.leaf("lastChange", LAST_CHANGE);
    doc.close("Contact");
}

fn write_contact(doc: &mut Doc, contact: &Contact) {
    doc.open("Contact");
    doc.leaf("contactId", &contact_guid(&contact.handle));
    doc.open("contactInfo");
    doc.leaf("contactType", "Regular");
    doc.leaf("quickName", &contact.friendly_name);
    doc.leaf("passportName", &contact.handle);
    doc.leaf("IsPassportNameHidden", "false");
    doc.leaf("displayName", &contact.friendly_name);
    if !contact.groups.is_empty() {
        doc.open("groupIds");
        for group in &contact.groups {
            doc.leaf("guid", &group_guid(group));
        }
        doc.close("groupIds");
    }
    doc.leaf("isMessengerUser", "true");
    doc.close("contactInfo");
    doc.leaf("fDeleted", "false");
    doc.leaf("lastChange", LAST_CHANGE);
    doc.close("Contact");
}

/// The contact being read.
#[derive(Default)]
struct Reading {
    kind: String,
    handle: String,
    display_name: String,
    messenger_user: Option<bool>,
    groups: Vec<String>,
    annotations: Vec<(String, String)>,
    annotation: (String, String),
    deleted: bool,
}

/// What the reader holds while it walks the answer.
#[derive(Default)]
struct State {
    found: bool,
    book: AddressBook,
    group: Option<Group>,
    contact: Reading,
    contacts: usize,
}

/// Reads ABFindAll's answer (or ABFindContactsPaged's, whose containers are capitalised): the groups, the `Me`
/// entry and every other contact with a `passportName`. Entries marked deleted and unknown elements are skipped.
pub fn read_ab_find_all(body: &[u8]) -> Result<AddressBook, SoapError> {
    let mut state = State::default();
    walk(body, |path, node| match node {
        Node::Open => {
            opened(&mut state, path);
            Ok(())
        }
        Node::Close(text) => closed(&mut state, path, text),
    })?;
    if !state.found {
        return Err(SoapError::Missing("ABFindAllResponse"));
    }
    Ok(state.book)
}

fn opened(state: &mut State, path: &[String]) {
    if ends_with(path, &["Body", "ABFindAllResponse"]) || ends_with(path, &["Body", "ABFindContactsPagedResponse"]) {
        state.found = true;
    } else if ends_with(path, &["groups", "Group"]) {
        state.group = Some(Group { id: String::new(), name: String::new() });
    } else if ends_with(path, &["contacts", "Contact"]) {
        state.contact = Reading::default();
    }
}

fn closed(state: &mut State, path: &[String], text: &str) -> Result<(), SoapError> {
    if let Some(group) = state.group.as_mut() {
        if ends_with(path, &["Group", "groupId"]) {
            group.id = text.trim().to_ascii_lowercase();
        } else if ends_with(path, &["Group", "groupInfo", "name"]) {
            group.name = text.to_string();
        } else if ends_with(path, &["groups", "Group"]) {
            let group = state.group.take().filter(|g| !g.id.is_empty());
            if let Some(group) = group {
                if state.book.groups.len() >= MAX_GROUPS {
                    return Err(SoapError::TooMany { what: "groups", limit: MAX_GROUPS });
                }
                state.book.groups.push(group);
            }
        }
        return Ok(());
    }
    let contact = &mut state.contact;
    if ends_with(path, &["contactInfo", "contactType"]) {
        contact.kind = text.trim().to_string();
    } else if ends_with(path, &["contactInfo", "passportName"]) {
        contact.handle = text.trim().to_string();
    } else if ends_with(path, &["contactInfo", "displayName"]) {
        contact.display_name = text.to_string();
    } else if ends_with(path, &["contactInfo", "isMessengerUser"]) {
        contact.messenger_user = Some(text.trim() == "true");
    } else if ends_with(path, &["contactInfo", "groupIds", "guid"]) {
        contact.groups.push(text.trim().to_ascii_lowercase());
    } else if ends_with(path, &["annotations", "Annotation", "Name"]) {
        contact.annotation.0 = text.trim().to_string();
    } else if ends_with(path, &["annotations", "Annotation", "Value"]) {
        contact.annotation.1 = text.trim().to_string();
    } else if ends_with(path, &["annotations", "Annotation"]) {
        let annotation = std::mem::take(&mut contact.annotation);
        contact.annotations.push(annotation);
    } else if ends_with(path, &["Contact", "fDeleted"]) {
        contact.deleted = text.trim() == "true";
    } else if ends_with(path, &["contacts", "Contact"]) {
        state.contacts += 1;
        if state.contacts > MAX_CONTACTS {
            return Err(SoapError::TooMany { what: "contacts", limit: MAX_CONTACTS });
        }
        let contact = std::mem::take(&mut state.contact);
        keep(&mut state.book, contact);
    }
    Ok(())
}

/// Files a contact read whole: `Me`, another contact, or nothing (deleted, or without a handle).
fn keep(book: &mut AddressBook, contact: Reading) {
    if contact.deleted {
        return;
    }
    if contact.kind.eq_ignore_ascii_case("Me") {
        let annotation = |name: &str| contact.annotations.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let blp = match annotation(BLP_ANNOTATION) {
            Some("1") => Some("AL".to_string()),
            Some("2") => Some("BL".to_string()),
            _ => None,
        };
        let gtc = match annotation(GTC_ANNOTATION) {
            Some("1") => Some("A".to_string()),
            Some("0") => Some("N".to_string()),
            _ => None,
        };
        book.me = Some(Me { display_name: contact.display_name, blp, gtc });
    } else if !contact.handle.is_empty() {
        book.contacts.push(AbContact {
            handle: contact.handle,
            display_name: contact.display_name,
            messenger_user: contact.messenger_user.unwrap_or(true),
            groups: contact.groups,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{AbContact, read_ab_find_all, write_ab_find_all};
    use crate::account::abservice::{Me, SoapError, group_guid};

    #[test]
    fn the_demo_address_book_is_read_back() {
        let list = crate::account::abservice::tests::demo_list();
        let book = read_ab_find_all(&write_ab_find_all(&list)).unwrap();
        assert_eq!(book.me, Some(Me { display_name: "Alice".into(), blp: Some("AL".into()), gtc: Some("A".into()) }));
        let names: Vec<&str> = book.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["Friends", "Work Mates"]);
        assert_eq!(book.groups[1].id, group_guid("1"));
        let carol = &book.contacts[1];
        let want = AbContact {
            handle: "carol@example.com".into(),
            display_name: "Carol C.".into(),
            messenger_user: true,
            groups: vec![group_guid("0"), group_guid("1")],
        };
        assert_eq!(carol, &want);
        assert_eq!(book.contacts.len(), 2, "the forward list alone");
    }

    #[test]
    fn contacts_are_read_tolerantly() {
        let body = br#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ABFindContactsPagedResponse xmlns="http://www.msn.com/webservices/AddressBook"><ABFindContactsPagedResult>
<Groups><Group><groupId>D6DEEACD-7849-4DE4-93C5-D130915D0042</groupId><groupInfo><name>A &amp; B</name></groupInfo></Group>
<Group><groupInfo><name>no id</name></groupInfo></Group></Groups>
<Contacts>
<Contact><contactId>1</contactId><contactInfo><contactType>Me</contactType><displayName>Me</displayName></contactInfo></Contact>
<Contact><contactInfo><passportName>x@example.com</passportName><groupIds><guid>D6DEEACD-7849-4DE4-93C5-D130915D0042</guid></groupIds><extra><b/></extra></contactInfo></Contact>
<Contact><contactInfo><passportName>gone@example.com</passportName></contactInfo><fDeleted>true</fDeleted></Contact>
<Contact><contactInfo><emails><ContactEmail><email>mail@example.com</email></ContactEmail></emails></contactInfo></Contact>
<Contact><contactInfo><passportName>plain@example.com</passportName><isMessengerUser>false</isMessengerUser></contactInfo></Contact>
</Contacts></ABFindContactsPagedResult></ABFindContactsPagedResponse></soap:Body></soap:Envelope>"#;
        let book = read_ab_find_all(body).unwrap();
        assert_eq!(book.me, Some(Me { display_name: "Me".into(), blp: None, gtc: None }));
        assert_eq!(book.groups.len(), 1);
        assert_eq!(book.groups[0].name, "A & B");
        let handles: Vec<(&str, bool)> = book.contacts.iter().map(|c| (c.handle.as_str(), c.messenger_user)).collect();
        assert_eq!(handles, [("x@example.com", true), ("plain@example.com", false)]);
        assert_eq!(book.contacts[0].groups, ["d6deeacd-7849-4de4-93c5-d130915d0042"]);
    }

    #[test]
    fn too_many_contacts_is_an_error_naming_the_limit() {
        let contact = "<Contact><contactInfo><passportName>a@b.c</passportName></contactInfo></Contact>";
        let body = format!(
            "<s:Envelope xmlns:s=\"x\"><s:Body><ABFindAllResponse><ABFindAllResult><contacts>{}</contacts></ABFindAllResult></ABFindAllResponse></s:Body></s:Envelope>",
            contact.repeat(super::MAX_CONTACTS + 1)
        );
        let error = read_ab_find_all(body.as_bytes()).unwrap_err();
        assert_eq!(error, SoapError::TooMany { what: "contacts", limit: 10_000 });
        let other = br#"<s:Envelope xmlns:s="x"><s:Body/></s:Envelope>"#;
        assert_eq!(read_ab_find_all(other), Err(SoapError::Missing("ABFindAllResponse")));
    }
}
