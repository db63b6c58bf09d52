//! The server's quirks, byte for byte: the SYN answer and USR OK of each version era, with each quirk alone and
//! with all of them, against the same account without quirks.

use super::accounts::Accounts;
use super::quirks::{Quirk, phantom_group_id};
use super::session::usr_ok;
use super::syn_answer::answer;
use crate::account::contacts::ContactList;
use crate::spec::VersionDef;

fn version(n: u32) -> &'static VersionDef {
    crate::SPEC.version(&format!("MSNP{n}")).expect("a version of the spec")
}

/// Alice with two groups, Bob (with a property) in the first and Carol in none.
fn alice() -> ContactList {
    let text = r#"
[[account]]
handle = "alice@example.com"
password = "p"
friendly_name = "Alice"
groups = [{ id = "0", name = "Friends" }, { id = "1", name = "Work" }]
contacts = [
  { handle = "bob@example.com", friendly_name = "Bob", lists = ["FL", "AL", "RL"], groups = ["0"], properties = { PHH = "555%200102" } },
  { handle = "carol@example.com", friendly_name = "Carol", lists = ["FL", "RL"] },
]
"#;
    Accounts::parse(text, "test").unwrap().accounts.remove(0).list
}

/// The answer to `SYN 9 0` in MSNPn, list version 1.
fn syn(n: u32, quirks: &[Quirk]) -> String {
    let lines = answer(version(n), &alice(), 9, 1, quirks.iter().copied().collect()).unwrap();
    String::from_utf8(lines.concat()).unwrap()
}

/// USR OK answering TrID 5 in MSNPn.
fn ok(n: u32, quirks: &[Quirk]) -> String {
    let line = usr_ok(version(n), &alice().account, 5, quirks.iter().copied().collect()).unwrap();
    String::from_utf8(line).unwrap()
}

/// The versions whose SYN answer carries lists.
const WITH_LISTS: std::ops::RangeInclusive<u32> = 2..=12;

const MSNP7: &str = "SYN 9 1\r\n\
GTC 9 1 A\r\n\
BLP 9 1 AL\r\n\
LSG 9 1 1 2 0 Friends 0\r\n\
LSG 9 1 2 2 1 Work 0\r\n\
LST 9 FL 1 1 2 bob@example.com Bob 0\r\n\
BPR 1 bob@example.com PHH 555%200102\r\n\
LST 9 FL 1 2 2 carol@example.com Carol\r\n\
LST 9 AL 1 1 1 bob@example.com Bob\r\n\
LST 9 BL 1 0 0\r\n\
LST 9 RL 1 1 2 bob@example.com Bob\r\n\
LST 9 RL 1 2 2 carol@example.com Carol\r\n";

const MSNP12: &str = "SYN 9 1 1 2 2\r\n\
GTC A\r\n\
BLP AL\r\n\
PRP MFN Alice\r\n\
LSG Friends 0\r\n\
LSG Work 1\r\n\
LST N=bob@example.com F=Bob C=bob@example.com 11 1 0\r\n\
BPR PHH 555%200102\r\n\
LST N=carol@example.com F=Carol C=carol@example.com 9 1\r\n";

#[test]
fn without_quirks_the_answers_follow_the_spec() {
    assert_eq!(syn(7, &[]), MSNP7);
    assert_eq!(syn(12, &[]), MSNP12);
    assert_eq!(ok(7, &[]), "USR 5 OK alice@example.com Alice 1\r\n");
}

#[test]
fn trailing_space_ends_every_list_line_with_a_space() {
    assert!(syn(10, &[Quirk::TrailingSpace]).contains("LST N=carol@example.com F=Carol C=carol@example.com 9 \r\n"));
    assert!(syn(7, &[Quirk::TrailingSpace]).contains("LSG 9 1 1 2 0 Friends 0 \r\nLSG 9 1 2 2 1 Work 0 \r\n"));
    assert!(syn(7, &[Quirk::TrailingSpace]).contains("LST 9 BL 1 0 0 \r\n"));
    for n in WITH_LISTS {
        let (plain, quirky) = (syn(n, &[]), syn(n, &[Quirk::TrailingSpace]));
        let expected: String = plain
            .split_inclusive("\r\n")
            .map(|l| if l.starts_with("LST ") || l.starts_with("LSG ") { l.replace("\r\n", " \r\n") } else { l.into() })
            .collect();
        assert_eq!(quirky, expected, "MSNP{n}");
        assert_eq!(ok(n, &[Quirk::TrailingSpace]), ok(n, &[]), "MSNP{n}");
    }
}

#[test]
fn swapped_counters_put_the_total_before_the_index_in_list_replies() {
    let quirky = syn(7, &[Quirk::SwappedCounters]);
    // Entry 1 of 2 reads `2 1`; entry 2 of 2 and 1 of 1 read the same either way.
    assert_eq!(
        quirky,
        MSNP7
            .replace("LSG 9 1 1 2 0", "LSG 9 1 2 1 0")
            .replace("FL 1 1 2 bob", "FL 1 2 1 bob")
            .replace("RL 1 1 2 bob", "RL 1 2 1 bob")
    );
    assert!(syn(5, &[Quirk::SwappedCounters]).contains("LST 9 FL 1 2 1 bob@example.com Bob\r\n"));
    // The streamed lines of MSNP8-12 carry no counters: nothing changes.
    for n in 8..=12 {
        assert_eq!(syn(n, &[Quirk::SwappedCounters]), syn(n, &[]), "MSNP{n}");
    }
}

#[test]
fn missing_trailing_arg_leaves_out_usr_oks_last_flag_only() {
    let missing = [Quirk::MissingTrailingArg];
    // MSNP2-5 have no flag after the handle and the friendly name: nothing is left out.
    assert_eq!(ok(5, &missing), "USR 5 OK alice@example.com Alice\r\n");
    assert_eq!(ok(7, &missing), "USR 5 OK alice@example.com Alice\r\n");
    assert_eq!(ok(8, &missing), "USR 5 OK alice@example.com Alice 1\r\n");
    assert_eq!(ok(10, &missing), "USR 5 OK alice@example.com 1\r\n");
    assert_eq!(ok(14, &missing), "USR 5 OK alice@example.com 1\r\n");
    for n in WITH_LISTS {
        assert_eq!(syn(n, &missing), syn(n, &[]), "MSNP{n}");
    }
}

#[test]
fn extra_trailing_arg_adds_one_to_usr_ok_and_the_syn_reply() {
    let extra = [Quirk::ExtraTrailingArg];
    assert_eq!(ok(5, &extra), "USR 5 OK alice@example.com Alice 1\r\n");
    assert_eq!(ok(8, &extra), "USR 5 OK alice@example.com Alice 1 0 1\r\n");
    assert_eq!(ok(12, &extra), "USR 5 OK alice@example.com 1 0 1\r\n");
    assert_eq!(
        ok(8, &[Quirk::MissingTrailingArg, Quirk::ExtraTrailingArg]),
        "USR 5 OK alice@example.com Alice 1 1\r\n"
    );
    assert_eq!(syn(7, &extra), MSNP7.replacen("SYN 9 1\r\n", "SYN 9 1 1\r\n", 1));
    assert_eq!(syn(12, &extra), MSNP12.replacen("SYN 9 1 1 2 2\r\n", "SYN 9 1 1 2 2 1\r\n", 1));
}

#[test]
fn reordered_lists_send_the_lists_backwards_and_the_groups_and_settings_last() {
    let reordered = [Quirk::ReorderedLists];
    assert_eq!(
        syn(7, &reordered),
        "SYN 9 1\r\n\
GTC 9 1 A\r\n\
BLP 9 1 AL\r\n\
LST 9 RL 1 1 2 bob@example.com Bob\r\n\
LST 9 RL 1 2 2 carol@example.com Carol\r\n\
LST 9 BL 1 0 0\r\n\
LST 9 AL 1 1 1 bob@example.com Bob\r\n\
LST 9 FL 1 1 2 bob@example.com Bob 0\r\n\
BPR 1 bob@example.com PHH 555%200102\r\n\
LST 9 FL 1 2 2 carol@example.com Carol\r\n\
LSG 9 1 1 2 0 Friends 0\r\n\
LSG 9 1 2 2 1 Work 0\r\n"
    );
    assert_eq!(
        syn(12, &reordered),
        "SYN 9 1 1 2 2\r\n\
LST N=bob@example.com F=Bob C=bob@example.com 11 1 0\r\n\
BPR PHH 555%200102\r\n\
LST N=carol@example.com F=Carol C=carol@example.com 9 1\r\n\
LSG Friends 0\r\n\
LSG Work 1\r\n\
GTC A\r\n\
BLP AL\r\n\
PRP MFN Alice\r\n"
    );
    // Every version sends the same lines, in another order.
    for n in WITH_LISTS {
        let sorted = |text: String| {
            let mut lines: Vec<String> = text.split_inclusive("\r\n").map(str::to_string).collect();
            lines.sort();
            lines
        };
        let (plain, quirky) = (syn(n, &[]), syn(n, &reordered));
        assert_ne!(quirky, plain, "MSNP{n}");
        assert_eq!(sorted(quirky), sorted(plain), "MSNP{n}");
    }
}

#[test]
fn phantom_group_lists_ungrouped_forward_contacts_in_a_group_no_lsg_defines() {
    let phantom = [Quirk::PhantomGroup];
    // Alice has groups 0 and 1, so the phantom group is 2; the SYN reply still counts the two LSG lines.
    assert_eq!(
        syn(7, &phantom),
        MSNP7.replace("LST 9 FL 1 2 2 carol@example.com Carol\r\n", "LST 9 FL 1 2 2 carol@example.com Carol 2\r\n")
    );
    assert_eq!(syn(12, &phantom), MSNP12.replace("C=carol@example.com 9 1\r\n", "C=carol@example.com 9 1 2\r\n"));
    assert!(syn(8, &phantom).contains("LST carol@example.com Carol 9 2\r\n"));
    // Before MSNP7, LST carries no groups.
    assert_eq!(syn(6, &phantom), syn(6, &[]));
    // The rule: 0, or the smallest number none of the account's groups has.
    let on = crate::server::Quirks::from(Quirk::PhantomGroup);
    assert_eq!(phantom_group_id(on, &[]).as_deref(), Some("0"));
    assert_eq!(phantom_group_id(on, &alice().groups).as_deref(), Some("2"));
    assert_eq!(phantom_group_id(crate::server::Quirks::NONE, &[]), None);
}

#[test]
fn unknown_commands_come_before_every_list_line() {
    let unknown = [Quirk::UnknownCommands];
    assert!(syn(7, &unknown).starts_with(
        "SYN 9 1\r\nGTC 9 1 A\r\nBLP 9 1 AL\r\nZZZ 9 hello\r\nLSG 9 1 1 2 0 Friends 0\r\nZZZ 9 hello\r\nLSG 9 1 2 2 1 Work 0\r\n"
    ));
    assert!(syn(12, &unknown).ends_with(
        "ZZZ 0 hello\r\nLST N=bob@example.com F=Bob C=bob@example.com 11 1 0\r\nBPR PHH 555%200102\r\n\
ZZZ 0 hello\r\nLST N=carol@example.com F=Carol C=carol@example.com 9 1\r\n"
    ));
    for n in WITH_LISTS {
        let (plain, quirky) = (syn(n, &[]), syn(n, &unknown));
        let lines: Vec<&str> = quirky.split_inclusive("\r\n").collect();
        let mut list_lines = 0;
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with("LST ") || line.starts_with("LSG ") {
                list_lines += 1;
                assert!(lines[i - 1].starts_with("ZZZ "), "MSNP{n}: {line:?} follows {:?}", lines[i - 1]);
            }
        }
        let zzz: Vec<&&str> = lines.iter().filter(|l| l.starts_with("ZZZ ")).collect();
        assert_eq!(zzz.len(), list_lines, "MSNP{n}");
        let trid = if n <= 7 { "9" } else { "0" };
        assert!(zzz.iter().all(|l| **l == format!("ZZZ {trid} hello\r\n")), "MSNP{n}");
        let without: String = lines.iter().filter(|l| !l.starts_with("ZZZ ")).copied().collect();
        assert_eq!(without, plain, "MSNP{n}");
    }
}

#[test]
fn quirks_combine() {
    assert_eq!(
        syn(7, &Quirk::ALL),
        "SYN 9 1 1\r\n\
GTC 9 1 A\r\n\
BLP 9 1 AL\r\n\
ZZZ 9 hello\r\nLST 9 RL 1 2 1 bob@example.com Bob \r\n\
ZZZ 9 hello\r\nLST 9 RL 1 2 2 carol@example.com Carol \r\n\
ZZZ 9 hello\r\nLST 9 BL 1 0 0 \r\n\
ZZZ 9 hello\r\nLST 9 AL 1 1 1 bob@example.com Bob \r\n\
ZZZ 9 hello\r\nLST 9 FL 1 2 1 bob@example.com Bob 0 \r\n\
BPR 1 bob@example.com PHH 555%200102\r\n\
ZZZ 9 hello\r\nLST 9 FL 1 2 2 carol@example.com Carol 2 \r\n\
ZZZ 9 hello\r\nLSG 9 1 2 1 0 Friends 0 \r\n\
ZZZ 9 hello\r\nLSG 9 1 2 2 1 Work 0 \r\n"
    );
    assert_eq!(
        syn(12, &Quirk::ALL),
        "SYN 9 1 1 2 2 1\r\n\
ZZZ 0 hello\r\nLST N=bob@example.com F=Bob C=bob@example.com 11 1 0 \r\n\
BPR PHH 555%200102\r\n\
ZZZ 0 hello\r\nLST N=carol@example.com F=Carol C=carol@example.com 9 1 2 \r\n\
ZZZ 0 hello\r\nLSG Friends 0 \r\n\
ZZZ 0 hello\r\nLSG Work 1 \r\n\
GTC A\r\n\
BLP AL\r\n\
PRP MFN Alice\r\n"
    );
}
