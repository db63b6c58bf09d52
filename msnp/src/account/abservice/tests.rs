use super::{AddressBook, Memberships, contact_list, group_guid, read_ab_find_all, read_find_membership};
use super::{write_ab_find_all, write_find_membership};
use crate::account::contacts::{AccountInfo, Contact, ContactList, Group, List};

fn contact(handle: &str, name: &str, lists: &[List], groups: &[&str]) -> Contact {
    Contact {
        handle: handle.into(),
        friendly_name: name.into(),
        lists: lists.to_vec(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        properties: Default::default(),
    }
}

/// A list like the embedded server's demo account alice's: groups, a blocked contact and a pending one.
pub(super) fn demo_list() -> ContactList {
    ContactList {
        account: AccountInfo {
            handle: "alice@example.com".into(),
            friendly_name: "Alice".into(),
            gtc: Some("A".into()),
            blp: Some("AL".into()),
            properties: Default::default(),
        },
        groups: vec![
            Group { id: "0".into(), name: "Friends".into() },
            Group { id: "1".into(), name: "Work Mates".into() },
        ],
        contacts: vec![
            contact("bob@example.com", "Bob", &[List::FL, List::AL, List::RL], &["0"]),
            contact("carol@example.com", "Carol C.", &[List::FL, List::AL, List::RL], &["0", "1"]),
            contact("mallory@example.com", "Mallory", &[List::BL, List::RL], &[]),
            contact("dave@example.com", "Dave <&> \"D\"", &[List::RL, List::PL], &[]),
        ],
    }
}

/// `list` as the address book gives it back: group IDs as GUIDs.
fn as_served(mut list: ContactList) -> ContactList {
    for group in &mut list.groups {
        group.id = group_guid(&group.id);
    }
    for contact in &mut list.contacts {
        contact.groups = contact.groups.iter().map(|g| group_guid(g)).collect();
    }
    list
}

#[test]
fn both_answers_give_back_the_list_they_were_written_from() {
    let list = demo_list();
    let memberships = read_find_membership(&write_find_membership(&list)).unwrap();
    let book = read_ab_find_all(&write_ab_find_all(&list)).unwrap();
    let account = AccountInfo { handle: "alice@example.com".into(), ..AccountInfo::default() };
    assert_eq!(contact_list(account, memberships, book), as_served(list));
}

#[test]
fn settings_and_names_come_from_the_best_source() {
    // No Me contact: the account keeps what it had; a member's name is used when the address book has none.
    let memberships = Memberships {
        members: vec![
            super::Member { handle: "Bob@Example.com".into(), list: List::AL, display_name: Some("Bobby".into()) },
            super::Member { handle: "x@example.com".into(), list: List::RL, display_name: None },
        ],
    };
    let book = AddressBook {
        me: None,
        groups: vec![],
        contacts: vec![
            super::AbContact {
                handle: "bob@example.com".into(),
                display_name: String::new(),
                messenger_user: true,
                groups: vec![],
            },
            super::AbContact {
                handle: "nobody@example.com".into(),
                display_name: "N".into(),
                messenger_user: false,
                groups: vec![],
            },
        ],
    };
    let account = AccountInfo { handle: "a@example.com".into(), friendly_name: "A".into(), ..AccountInfo::default() };
    let list = contact_list(account.clone(), memberships, book);
    assert_eq!(list.account, account);
    assert_eq!(list.contacts.len(), 2, "{:?}", list.contacts);
    assert_eq!(
        (list.contacts[0].friendly_name.as_str(), &list.contacts[0].lists[..]),
        ("Bobby", &[List::FL, List::AL][..])
    );
    assert_eq!(list.contacts[1].friendly_name, "x@example.com");
}

#[test]
fn tickets_have_one_key_in_both_forms() {
    use super::{SoapAuth, mspauth_cookie, ticket_key};
    assert_eq!(ticket_key("t=abc&p=def"), "abc");
    assert_eq!(ticket_key("abc"), "abc");
    let auth = SoapAuth::from_twn_ticket("t=abc&p=def");
    assert_eq!(auth.cookie().as_deref(), Some("MSPAuth=abc"));
    assert_eq!(mspauth_cookie("MSPProf=x; MSPAuth=abc"), Some("abc"));
    assert_eq!(mspauth_cookie("MSPProf=x"), None);
    assert_eq!(SoapAuth::TicketToken("t=a".into()).cookie(), None);
}

#[test]
fn every_cut_and_flipped_byte_of_a_document_is_read_without_a_panic() {
    use super::{Action, SoapAuth, adl, read_request, write_request};
    let list = demo_list();
    let documents = [
        write_find_membership(&list),
        write_ab_find_all(&list),
        write_request(Action::AbFindAll, &SoapAuth::TicketToken("t=a&p=b".into())),
        adl::initial_list(&list, adl::PAYLOAD_LIMIT).remove(0),
    ];
    for document in &documents {
        // Every fifth cut, and a flip of every third byte, to keep the test quick.
        let mut variants: Vec<Vec<u8>> = (0..document.len()).step_by(5).map(|n| document[..n].to_vec()).collect();
        let flips = [b'<', b'>', b'/', b'&', b'"', 0xff, b' '].into_iter().cycle();
        for (i, flip) in flips.zip(0..document.len()).map(|(f, i)| (i, f)).step_by(3) {
            let mut changed = document.clone();
            changed[i] = flip;
            variants.push(changed);
        }
        for variant in variants {
            let _ = read_find_membership(&variant);
            let _ = read_ab_find_all(&variant);
            let _ = read_request(&variant);
            let _ = adl::read_list(&variant);
        }
    }
}
