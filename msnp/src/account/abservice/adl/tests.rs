use super::{ListDocument, ListEntry, ListError, PAYLOAD_LIMIT, initial_list, read_list};
use crate::account::contacts::{Contact, ContactList, List};

fn contact(handle: &str, lists: &[List]) -> Contact {
    Contact {
        handle: handle.into(),
        friendly_name: handle.into(),
        lists: lists.to_vec(),
        groups: Vec::new(),
        properties: Default::default(),
    }
}

fn text(payload: &[u8]) -> &str {
    std::str::from_utf8(payload).unwrap()
}

#[test]
fn the_initial_list_holds_fl_al_and_bl_by_domain_without_whitespace() {
    let list = ContactList {
        contacts: vec![
            contact("bob@example.com", &[List::FL, List::AL, List::RL]),
            contact("zed@other.org", &[List::FL]),
            contact("mallory@example.com", &[List::BL, List::RL]),
            contact("dave@example.com", &[List::RL, List::PL]),
        ],
        ..ContactList::default()
    };
    let payloads = initial_list(&list, PAYLOAD_LIMIT);
    assert_eq!(
        payloads.iter().map(|p| text(p)).collect::<Vec<_>>(),
        [
            r#"<ml l="1"><d n="example.com"><c n="bob" l="3" t="1"/><c n="mallory" l="4" t="1"/></d><d n="other.org"><c n="zed" l="1" t="1"/></d></ml>"#
        ]
    );
    // What the client writes, the server reads back.
    let read = read_list(&payloads[0]).unwrap();
    assert!(read.initial);
    let handles: Vec<(&str, u32)> = read.entries.iter().map(|e| (e.handle.as_str(), e.lists)).collect();
    assert_eq!(handles, [("bob@example.com", 3), ("mallory@example.com", 4), ("zed@other.org", 1)]);
    assert_eq!(text(&initial_list(&ContactList::default(), PAYLOAD_LIMIT)[0]), r#"<ml l="1"></ml>"#);
}

#[test]
fn a_long_list_is_split_into_payloads_within_the_limit() {
    let contacts =
        (0..2_000).map(|i| contact(&format!("user{i:04}@d{}.example", i % 3), &[List::FL, List::AL])).collect();
    let list = ContactList { contacts, ..ContactList::default() };
    let payloads = initial_list(&list, PAYLOAD_LIMIT);
    assert!(payloads.len() > 1, "{}", payloads.len());
    let mut entries = 0;
    for payload in &payloads {
        assert!(payload.len() <= PAYLOAD_LIMIT, "{}", payload.len());
        let read = read_list(payload).unwrap_or_else(|e| panic!("{e}: {}", text(payload)));
        assert!(read.initial);
        entries += read.entries.len();
    }
    assert_eq!(entries, 2_000);
    // A limit smaller than one entry still sends every entry, one per payload.
    let tiny = initial_list(&ContactList { contacts: list.contacts[..3].to_vec(), ..ContactList::default() }, 10);
    assert_eq!(tiny.len(), 3);
}

#[test]
fn the_server_refuses_what_the_protocol_refuses_with_its_codes() {
    for (payload, code) in [
        (r#"<ml></ml>"#, 240),
        (r#"<ml><d></d></ml>"#, 241),
        (r#"<ml><d n="example.com"></d></ml>"#, 241),
        (r#"<ml><d n="hotmail.com"><c n="anotheruser" l="8" t="1" /></d></ml>"#, 241),
        (r#"<ml><d n="hotmail.com"><c n="anotheruser" l="17" t="1"/></d></ml>"#, 241),
        (r#"<ml><d n="hotmail.com"><c n="anotheruser" l="0" t="1"/></d></ml>"#, 241),
        (r#"<ml><d n="hotmail.com"><c n="anotheruser" t="1"/></d></ml>"#, 241),
        (r#"<ml><d n="hotmail.com"><c l="1" t="1"/></d></ml>"#, 241),
        (r#"<ml><d n="hotmail.com"><x/></d></ml>"#, 241),
        (r#"<ml><d n="hotmail.com"><c n="anotheruser" l="1" t="256" /></d></ml>"#, 204),
        (r#"<ml><d n="hotmail.com"> <c n="anotheruser" l="1" t="1"/></d></ml>"#, 240),
        (r#"<ml><d n="hotmail.com">"#, 240),
        (r#"<xml/>"#, 240),
        (r#"<ml/><ml/>"#, 240),
        ("", 240),
    ] {
        let error = read_list(payload.as_bytes()).expect_err(payload);
        assert_eq!(error.code(), code, "{payload}: {error}");
    }
    let bits = read_list(br#"<ml><d n="h.com"><c n="a" l="9" t="1"/></d></ml>"#).unwrap_err();
    assert_eq!(bits.to_string(), "`a@h.com`: list bits 9; a client sends only FL, AL and BL (1, 2, 4)");
}

#[test]
fn the_wikis_lists_are_read() {
    let initial = r#"<ml l="1"><d n="hotmail.com"><c n="anotheruser" l="3" t="1" /></d><t><c n="tel:+15551111222" l="3" /></t></ml>"#;
    let read = read_list(initial.as_bytes()).unwrap();
    let want = ListDocument {
        initial: true,
        entries: vec![
            ListEntry { handle: "anotheruser@hotmail.com".into(), lists: 3, network: 1 },
            ListEntry { handle: "tel:+15551111222".into(), lists: 3, network: 1 },
        ],
    };
    assert_eq!(read, want);
    assert!(read.entries[1].is_phone());
    assert_eq!(read.entries[0].lists(), [List::FL, List::AL]);
    let added = read_list(br#"<ml><d n="hotmail.com"><c n="anotheruser" l="1" t="1" /></d></ml>"#).unwrap();
    assert!(!added.initial);
    assert_eq!(read_list(br#"<ml l="1"></ml>"#), Ok(ListDocument { initial: true, entries: vec![] }));
    assert_eq!(read_list(b"<ml></ml>"), Err(ListError::Empty));
}
