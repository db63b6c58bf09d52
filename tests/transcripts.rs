//! Replays the seed sessions and the wiki's example sessions through the validator: the seeds validate clean
//! with their versions detected, and the wiki examples validate clean except for their known slips, which are
//! pinned here as the exact warnings they produce.

use msnp::validate::Severity;
use msnp_tests::{ALL_FIXTURES, KNOWN_ERRORS, errors, fixture, run};

#[test]
fn seeds_validate_clean_with_their_versions_detected() {
    for (name, version) in [("seeds/000_966a299fc87d526b.txt", "MSNP8"), ("seeds/001_0596c011baa3e712.txt", "MSNP7")] {
        let (summary, seen) = run(name, &fixture(name));
        assert_eq!(summary.errors, 0, "{name}:\n{}", errors(&seen.diagnostics));
        let versions: Vec<_> = summary.connections.iter().map(|c| c.version).collect();
        assert_eq!(versions, [Some(version), Some(version)], "{name}: dispatch and notification connections");
        assert_eq!(summary.connections[0].services, ["DS"], "{name}: the first connection is redirected by XFR NS");
        assert_eq!(summary.connections[1].services, ["NS"], "{name}");
    }
}

/// Every diagnostic each fixture produces (all warnings but one): (file, line, code, text the message contains).
/// Each is a known slip of the example (the reference notes list them) or a display convention the validator
/// accepts with a warning.
const KNOWN_SLIPS: &[(&str, usize, &str, &str)] = &[
    ("seeds/001_0596c011baa3e712.txt", 39, "tolerated-form", "MDS"),
    ("seeds/001_0596c011baa3e712.txt", 66, "duplicate-reply", "`SYN 8` was already answered"),
    ("seeds/001_0596c011baa3e712.txt", 89, "tolerated-form", "group ID"),
    ("wiki/msnp3.txt", 19, "tolerated-form", "MDS"),
    ("wiki/msnp3-newer-rendered.txt", 17, "tolerated-form", "MDS"),
    ("wiki/msnp4.txt", 19, "tolerated-form", "MDS"),
    ("wiki/msnp5.txt", 19, "tolerated-form", "MDS"),
    ("wiki/msnp5.txt", 46, "duplicate-reply", "`SYN 8` was already answered"),
    ("wiki/msnp6.txt", 19, "tolerated-form", "MDS"),
    ("wiki/msnp6.txt", 52, "payload-lf", "478 bytes, which counts the 14 payload lines with LF line ends"),
    ("wiki/msnp7.txt", 19, "tolerated-form", "MDS"),
    ("wiki/msnp7.txt", 46, "duplicate-reply", "`SYN 8` was already answered"),
    ("wiki/msnp7.txt", 69, "tolerated-form", "group ID"),
    // The MSNP11 page uses TrID 11 for UUX and then for ADC.
    ("wiki/msnp11.txt", 70, "trid-reused", "TrID 11 was already used by `UUX`"),
    // The MSNP13 profile measures 482 bytes, not 481: the one error among the fixtures.
    ("wiki/msnp13.txt", 45, "payload-length", "announces 481 bytes, but its payload is 482 bytes (lines 46-70"),
    // The MSNP13 and MSNP14 pages use TrID 7 for USR TWN S and then for BLP.
    ("wiki/msnp13.txt", 81, "trid-reused", "TrID 7 was already used by `USR`"),
    // Their ADL and UUX payloads are shown exploded; the pages say the lengths count the compact XML.
    ("wiki/msnp13.txt", 83, "payload-pretty-printed", "`ADL` announces 110 bytes"),
    ("wiki/msnp13.txt", 97, "payload-pretty-printed", "`UUX` announces 118 bytes"),
    ("wiki/msnp14.txt", 80, "trid-reused", "TrID 7 was already used by `USR`"),
    ("wiki/msnp14.txt", 82, "payload-pretty-printed", "`ADL` announces 110 bytes"),
    ("wiki/msnp14.txt", 96, "payload-pretty-printed", "`UUX` announces 118 bytes"),
    // The fragments have no VER; they are checked as their version (--version).
    ("wiki/msnp15.txt", 7, "ver-first", "checked as MSNP15"),
    // usr.md's SSO example runs the ticket and the response together, and leaves out USR OK's flags.
    ("wiki/msnp15.txt", 20, "tolerated-form", "the ticket and the response are two arguments"),
    ("wiki/msnp15.txt", 24, "tolerated-form", "USR OK carries the verified and restricted flags"),
    ("wiki/msnp18.txt", 3, "ver-first", "checked as MSNP18"),
    // NINA's MSNP18 example prints the machine GUID on the server's challenge; its own abstract and every
    // implementation put it on the client's USR SSO S.
    ("wiki/msnp18.txt", 11, "arg-count", "`{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`"),
    // The response is elided with `...`.
    ("wiki/msnp18.txt", 12, "arg-type", "`HAAAAAEAAAADZgAABIAAAA...` is not a valid `response`"),
    // The knowledge-base excerpt leaves out the USR 3 the XFR answers.
    ("wiki/msnp21.txt", 5, "unanswered-reply", "`XFR 3` answers no earlier request"),
    ("wiki/msnp21-ns-prefixed.txt", 2, "ver-first", "checked as MSNP21"),
    // Payload lengths of the knowledge-base examples that are off (measured with CRLF line ends).
    ("wiki/msnp21-ns-prefixed.txt", 2, "payload-length", "`NFY` announces 863 bytes, but its payload is 865"),
    ("wiki/msnp21-ns-prefixed.txt", 52, "payload-length", "`SDG` announces 347 bytes, but its payload is 354"),
    ("wiki/msnp21-ns-prefixed.txt", 69, "payload-length", "`PUT` announces 260 bytes, but its payload is 258"),
    ("wiki/msnp21-ns-prefixed.txt", 144, "payload-length", "`DEL` announces 298 bytes, but its payload is 296"),
    ("wiki/msnp21-ns-prefixed.txt", 158, "payload-length", "`NFY` announces 298 bytes, but its payload is 296"),
    ("wiki/msnp21-ns-prefixed.txt", 175, "payload-length", "`SDG` announces 332 bytes, but its payload is 339"),
    ("wiki/msnp21-ns-prefixed.txt", 193, "payload-length", "`SDG` announces 349 bytes, but its payload is 351"),
];

#[test]
fn wiki_examples_validate_clean_apart_from_their_known_slips() {
    for name in ALL_FIXTURES {
        let (summary, seen) = run(name, &fixture(name));
        let error_lines: Vec<usize> =
            seen.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.line).collect();
        let expected_errors: Vec<usize> = KNOWN_ERRORS.iter().filter(|e| e.0 == *name).map(|e| e.1).collect();
        assert_eq!(error_lines, expected_errors, "{name}:\n{}", errors(&seen.diagnostics));
        assert_eq!(summary.errors, expected_errors.len());
        assert!(summary.connections.iter().all(|c| c.version.is_some()), "{name}: {:?}", summary.connections);
        let warnings: Vec<_> = seen.diagnostics.iter().map(|d| (d.line, d.code, d.message.clone())).collect();
        let expected: Vec<_> = KNOWN_SLIPS.iter().filter(|s| s.0 == *name).collect();
        assert_eq!(warnings.len(), expected.len(), "{name}: {warnings:#?}");
        for ((line, code, message), (_, want_line, want_code, want_text)) in warnings.iter().zip(expected) {
            assert_eq!((line, code), (want_line, want_code), "{name}: {message}");
            assert!(message.contains(want_text), "{name}:{line}: {message:?} lacks {want_text:?}");
        }
    }
}

#[test]
fn each_wiki_example_negotiates_its_own_version() {
    for (name, version) in [
        ("wiki/cvr0.txt", "CVR0"),
        ("wiki/msnp2.txt", "MSNP2"),
        ("wiki/msnp3.txt", "MSNP3"),
        ("wiki/msnp4.txt", "MSNP4"),
        ("wiki/msnp5.txt", "MSNP5"),
        ("wiki/msnp6.txt", "MSNP6"),
        ("wiki/msnp7.txt", "MSNP7"),
        ("wiki/msnp8.txt", "MSNP8"),
        ("wiki/msnp9.txt", "MSNP9"),
        ("wiki/msnp10.txt", "MSNP10"),
        ("wiki/msnp11.txt", "MSNP11"),
        ("wiki/msnp12.txt", "MSNP12"),
        ("wiki/msnp13.txt", "MSNP13"),
        ("wiki/msnp14.txt", "MSNP14"),
        ("wiki/msnp21.txt", "MSNP21"),
    ] {
        let (summary, _) = run(name, &fixture(name));
        assert!(summary.connections.iter().all(|c| c.version == Some(version)), "{name}: {:?}", summary.connections);
    }
}

#[test]
fn every_payload_of_the_seeds_is_exact() {
    // The seeds' README states both profile payloads are exact: 448 and 367 bytes.
    for (name, length) in [("seeds/000_966a299fc87d526b.txt", 448), ("seeds/001_0596c011baa3e712.txt", 367)] {
        let (_, seen) = run(name, &fixture(name));
        let msg = seen.commands.iter().find(|c| c.text.starts_with("MSG Hotmail Hotmail")).expect("profile MSG");
        assert_eq!(msg.payload.len(), length, "{name}");
        assert!(msg.payload.starts_with(b"MIME-Version: 1.0\r\n"), "{name}");
        assert!(msg.payload.ends_with(b"\r\n\r\n"), "{name}: the profile ends with a blank line");
    }
}

#[test]
fn continuation_lines_join_the_way_the_spec_accepts() {
    // The wiki breaks long lines both between arguments and inside one (an MSNObject, a ticket): the first
    // continuation here needs a space before it, the second none.
    let text = "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: CVR 2 0x0409 win 4.10 i386 MSNMSGR 5.0.0537 MSMSGS\n\
                .. example@hotmail.com\nS: CVR 2 5.0.0537 5.0.0537 1.0.0863 http://example.com/dl\n\
                C: CHG 3 NLN 0\nS: CHG 3 NLN 0\nS: ILN 3 NLN anotheruser@hotmail.com another%2\n.. 0user 28\n";
    let (summary, seen) = run("continued", text.as_bytes());
    assert_eq!(summary.errors + summary.warnings, 0, "{}", errors(&seen.diagnostics));
    let texts: Vec<&str> = seen.commands.iter().map(|c| c.text.as_str()).collect();
    assert!(texts.contains(&"CVR 2 0x0409 win 4.10 i386 MSNMSGR 5.0.0537 MSMSGS example@hotmail.com"), "{texts:?}");
    assert!(texts.contains(&"ILN 3 NLN anotheruser@hotmail.com another%20user 28"), "{texts:?}");
}

#[test]
fn a_continued_line_that_matches_neither_way_is_reported_as_joined_with_spaces() {
    let text = "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: CHG 2 NLN\n.. 0 extra\n";
    let (_, seen) = run("continued", text.as_bytes());
    let d = &seen.diagnostics[0];
    assert_eq!((d.line, d.column, d.code), (4, 6, "arg-count"), "{}", errors(&seen.diagnostics));
    assert_eq!(d.source, ".. 0 extra");
}

#[test]
fn another_versions_form_is_named_in_the_hint() {
    // The MSNP7 form of an LST line streamed after SYN, in the MSNP8 seed session.
    let seed = String::from_utf8(fixture("seeds/000_966a299fc87d526b.txt")).expect("UTF-8");
    let text = seed.replace(
        "S: LST anotheruser@hotmail.com another%20user 11 0",
        "S: LST 8 FL 15 1 1 anotheruser@hotmail.com another%20user 0",
    );
    let (summary, seen) = run("msnp7-lst", text.as_bytes());
    // The line is no MSNP8 contact line, so the SYN reply's count of one is also short by one.
    assert_eq!(summary.errors, 2, "{}", errors(&seen.diagnostics));
    let d = &seen.diagnostics[0];
    assert_eq!((d.line, d.code), (78, "unanswered-reply"));
    assert_eq!(d.hint.as_deref(), Some("this is the MSNP7 form of LST (valid in MSNP7)"));
    assert_eq!((seen.diagnostics[1].line, seen.diagnostics[1].code), (73, "list-count-mismatch"));
    // The MSNP8 form of USR OK in the MSNP7 seed: the syntax itself does not fit.
    let seed = String::from_utf8(fixture("seeds/001_0596c011baa3e712.txt")).expect("UTF-8");
    let text = seed.replace(
        "S: USR 7 OK example@hotmail.com example%20user 1",
        "S: USR 7 OK example@hotmail.com example%20user 1 0",
    );
    let (_, seen) = run("msnp8-usr", text.as_bytes());
    let d = seen.diagnostics.iter().find(|d| d.code == "arg-count").expect("an arg-count error");
    assert_eq!(d.hint.as_deref(), Some("this is the MSNP8 form of USR (valid in MSNP8-MSNP9)"));
}

#[test]
fn error_replies_are_checked_against_the_version() {
    let text = "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: CHG 2 NLN\nS: 201 2\nS: 999 2\nS: 911 12\nS: 801 2 5\nhello\n";
    let (summary, seen) = run("errors", text.as_bytes());
    let found: Vec<(usize, &str)> = seen.diagnostics.iter().map(|d| (d.line, d.code)).collect();
    assert_eq!(
        found,
        [(5, "unknown-error-code"), (6, "unanswered-reply"), (7, "error-reply"), (7, "unknown-error-code")],
        "{}",
        errors(&seen.diagnostics)
    );
    assert_eq!(summary.errors, 2);
    assert!(seen.diagnostics[0].hint.is_none(), "999 has no meaning anywhere");
    let unknown_801 = seen.diagnostics.iter().find(|d| d.line == 7 && d.code == "unknown-error-code");
    assert!(unknown_801.and_then(|d| d.hint.as_deref()).is_some_and(|h| h.contains("could not be delivered")));
}

#[test]
fn xml_payloads_are_checked_against_their_form() {
    // MSNP8 NOT: an XML payload whose document element is NOTIFICATION and which holds a MSG element.
    let text = "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\n\
                S: NOT 34\n<NOTIFICATION><MSG></NOTIFICATION>\n\
                S: NOT 29\n<NOTIFICATION></NOTIFICATION>\n\
                S: NOT 8\n<a>x</a>\n\
                S: NOT 36\n<NOTIFICATION>\n\t<MSG />\n</NOTIFICATION>\n\
                S: NOT 36\n<NOTIFICATION><MSG /></NOTIFICATION>\n";
    let (summary, seen) = run("xml", text.as_bytes());
    let found: Vec<(usize, &str)> = seen.diagnostics.iter().map(|d| (d.line, d.code)).collect();
    assert_eq!(
        found,
        [(4, "payload-xml"), (6, "payload-xml"), (8, "payload-xml"), (9, "payload-pretty-printed")],
        "{}",
        errors(&seen.diagnostics)
    );
    assert_eq!((summary.errors, summary.warnings), (3, 1));
    let messages: Vec<&str> = seen.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(messages[0].contains("is not well-formed XML"), "{}", messages[0]);
    assert!(messages[1].contains("has no <MSG> element"), "{}", messages[1]);
    assert!(messages[2].contains("document element <a>"), "{}", messages[2]);
}

#[test]
fn every_notation_for_the_direction_reads_the_same() {
    // The wiki's `C: `/`S: `, the long `Client: `/`Server: `, and the arrows of logs and the knowledge base.
    let seed = String::from_utf8(fixture("seeds/000_966a299fc87d526b.txt")).expect("UTF-8");
    let (_, wiki) = run("wiki", seed.as_bytes());
    for (client, server) in [("Client: ", "Server: "), (">>> ", "<<< "), ("> ", "< ")] {
        let text: String = seed
            .lines()
            .map(|l| match (l.strip_prefix("C: "), l.strip_prefix("S: ")) {
                (Some(rest), _) => format!("{client}{rest}\n"),
                (_, Some(rest)) => format!("{server}{rest}\n"),
                _ => format!("{l}\n"),
            })
            .collect();
        let (summary, seen) = run("variant", text.as_bytes());
        assert_eq!(summary.errors, 0, "{client:?}: {}", errors(&seen.diagnostics));
        let texts =
            |c: &msnp_tests::Collect| c.commands.iter().map(|c| (c.line, c.dir, c.text.clone())).collect::<Vec<_>>();
        assert_eq!(texts(&seen), texts(&wiki), "{client:?}");
        // A diagnostic's column counts the prefix as written.
        let broken = text.replacen(&format!("{client}CHG 9 NLN 0"), &format!("{client}CHG x9 NLN 0"), 1);
        assert_ne!(broken, text, "{client:?}: the seed has `CHG 9 NLN 0`");
        let (_, seen) = run("variant", broken.as_bytes());
        let d = seen.diagnostics.iter().find(|d| d.severity == Severity::Error).expect("the bad TrID is reported");
        assert_eq!(d.column, client.len() + 5, "{client:?}: {}", errors(&seen.diagnostics));
        assert!(d.source.starts_with(client), "{:?}", d.source);
    }
}

#[test]
fn a_literal_crlf_written_at_the_end_of_a_line_is_not_part_of_it() {
    let text = "C: VER 1 MSNP8 CVR0\\r\\n\nS: VER 1 MSNP8\\r\\n\n";
    let (summary, seen) = run("escaped", text.as_bytes());
    assert_eq!(summary.errors + summary.warnings, 0, "{}", errors(&seen.diagnostics));
    assert_eq!(seen.commands[1].text, "VER 1 MSNP8");
}

/// A diagnostic as the counter cases expect it: line, column and code.
type At = (usize, usize, &'static str);

/// Sessions whose list counters disagree (and consistent ones), each with every diagnostic it must give.
const COUNTER_CASES: &[(&str, &str, &[At])] = &[
    (
        "consistent MSNP7 lists, groups and an empty list",
        "C: VER 1 MSNP7 CVR0\nS: VER 1 MSNP7\nC: SYN 5 0\nS: SYN 5 1\n\
         S: LSG 5 1 1 2 0 Other%20Contacts 0\nS: LSG 5 1 2 2 1 Friends 0\n\
         S: LST 5 FL 1 1 2 bob@example.com Bob 0,1\nS: LST 5 FL 1 2 2 carol@example.com Carol 1\n\
         S: LST 5 AL 1 1 1 bob@example.com Bob\nS: LST 5 BL 1 0 0\nS: LST 5 RL 1 1 1 bob@example.com Bob\n\
         C: CHG 6 NLN\nS: CHG 6 NLN\n",
        &[],
    ),
    (
        "consistent MSNP2 lists without groups",
        "C: VER 1 MSNP2\nS: VER 1 MSNP2\nC: SYN 5 0\nS: SYN 5 1\n\
         S: LST 5 FL 1 1 2 bob@example.com Bob\nS: LST 5 FL 1 2 2 carol@example.com Carol\nS: LST 5 RL 1 0 0\n",
        &[],
    ),
    (
        "consistent MSNP8 counts",
        "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: SYN 5 0\nS: SYN 5 1 2 1\nS: GTC A\nS: BLP AL\n\
         S: LSG 0 Other%20Contacts 0\nS: LST bob@example.com Bob 11 0\nS: LST carol@example.com Carol 4\n\
         C: CHG 6 NLN 0\nS: CHG 6 NLN 0\n",
        &[],
    ),
    (
        "consistent MSNP12 counts with GUIDs",
        "C: VER 1 MSNP12 CVR0\nS: VER 1 MSNP12\nC: SYN 5 0 0\nS: SYN 5 1 1 1 1\n\
         S: LSG Friends d6deeacd-7849-4de4-93c5-d130915d0042\n\
         S: LST N=bob@example.com F=Bob C=bob@example.com 11 1 d6deeacd-7849-4de4-93c5-d130915d0042\n",
        &[],
    ),
    (
        "an index above its total",
        "C: VER 1 MSNP7 CVR0\nS: VER 1 MSNP7\nC: SYN 5 0\nS: SYN 5 1\nS: LST 5 RL 1 2 1 bob@example.com Bob\n",
        &[(5, 15, "list-index-above-total")],
    ),
    (
        "a total that changes inside one SYN, per list",
        "C: VER 1 MSNP7 CVR0\nS: VER 1 MSNP7\nC: SYN 5 0\nS: SYN 5 1\n\
         S: LST 5 RL 1 1 2 bob@example.com Bob\nS: LST 5 AL 1 1 1 bob@example.com Bob\n\
         S: LST 5 RL 1 2 3 carol@example.com Carol\n",
        &[(7, 17, "list-total-changed")],
    ),
    (
        "a list short of its total, reported at the next SYN",
        "C: VER 1 MSNP5\nS: VER 1 MSNP5\nC: SYN 5 0\nS: SYN 5 1\nS: LST 5 FL 1 1 2 bob@example.com Bob\n\
         C: SYN 6 1\nS: SYN 6 1\n",
        &[(5, 17, "list-count-mismatch")],
    ),
    (
        "a list with a line beyond its total",
        "C: VER 1 MSNP5\nS: VER 1 MSNP5\nC: SYN 5 0\nS: SYN 5 1\nS: LST 5 FL 1 1 1 bob@example.com Bob\n\
         S: LST 5 FL 1 1 1 carol@example.com Carol\n",
        &[(6, 15, "list-count-mismatch")],
    ),
    (
        "MSNP8: fewer LST lines than announced, reported at the end of the connection",
        "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: SYN 5 0\nS: SYN 5 1 2 0\nS: LST bob@example.com Bob 11\n\
         C: OUT\nS: OUT\nClient disconnects from server.\n",
        &[(4, 12, "list-count-mismatch")],
    ),
    (
        "MSNP10: an LSG line beyond the announced groups",
        "C: VER 1 MSNP10 CVR0\nS: VER 1 MSNP10\nC: SYN 5 0 0\nS: SYN 5 1 1 0 1\nS: LSG Friends 1\n\
         S: LSG Work 2\n",
        &[(6, 4, "list-count-mismatch")],
    ),
    (
        "an LST naming a group no LSG of the answer defined",
        "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: SYN 5 0\nS: SYN 5 1 1 1\nS: LSG 0 Other%20Contacts 0\n\
         S: LST bob@example.com Bob 11 0,4\n",
        &[(6, 33, "undefined-id")],
    ),
    (
        "MSNP8: groups announced as none, and a contact in a group",
        "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: SYN 5 0\nS: SYN 5 1 1 0\nS: LST bob@example.com Bob 11 2\n",
        &[(5, 31, "undefined-id")],
    ),
    (
        "groups unknown to an answer without LSG lines or counts are not checked",
        "C: VER 1 MSNP7 CVR0\nS: VER 1 MSNP7\nC: LST 5 FL\nS: LST 5 FL 1 1 1 bob@example.com Bob 3\n",
        &[],
    ),
];

#[test]
fn list_counters_are_held_to_what_they_announce() {
    for (name, text, expected) in COUNTER_CASES {
        let (_, seen) = run(name, text.as_bytes());
        let got: Vec<(usize, usize, &str)> = seen.diagnostics.iter().map(|d| (d.line, d.column, d.code)).collect();
        assert_eq!(&got, expected, "{name}:\n{}", errors(&seen.diagnostics));
        assert!(seen.diagnostics.iter().all(|d| d.severity == Severity::Error), "{name}");
    }
}

/// A diagnostic as the allowed-shape cases expect it: line and code.
type Code = (usize, &'static str);

/// Shapes the wiki allows or real servers sent, which the spec accepts: (name, version of a fragment that has no VER,
/// transcript, every diagnostic it must give). Handles and names are invented; the shapes are the sources'.
const ALLOWED_SHAPES: &[(&str, Option<&str>, &str, &[Code])] = &[
    (
        "MSNP12 LST without F= for a contact only on the allow list (real server, 2010): undocumented",
        None,
        "C: VER 1 MSNP12 CVR0\nS: VER 1 MSNP12\nC: SYN 2 0 0\n\
         S: SYN 2 2010-02-11T09:25:15.117-08:00 2009-06-21T11:55:14.32-07:00 1 0\n\
         S: LST N=someone@example.es 2 1\n",
        &[(5, "undocumented-form")],
    ),
    (
        "MSNP10 LST without F= (the MSNP12 shape without its network ID): undocumented",
        None,
        "C: VER 1 MSNP10 CVR0\nS: VER 1 MSNP10\nC: SYN 2 0 0\nS: SYN 2 3 0 1 0\nS: LST N=someone@example.com 2\n",
        &[(5, "undocumented-form")],
    ),
    (
        "MSNP16 NLN with capabilities but no extended capabilities (nln.md)",
        None,
        "C: VER 1 MSNP16 CVR0\nS: VER 1 MSNP16\nS: NLN NLN someone@example.com 1 Name 268435500\n\
         S: FLN someone@example.com 1 268435500\n",
        &[],
    ),
    (
        "MSNP16 CHG and ILN with plain capabilities (chg.md, iln.md)",
        None,
        "C: VER 1 MSNP16 CVR0\nS: VER 1 MSNP16\nC: CHG 2 NLN 0\nS: CHG 2 NLN 0\n\
         S: ILN 2 NLN someone@example.com 1 Name 268435500\n",
        &[],
    ),
    (
        "MSNP18 presence with plain capabilities (iln.md, nln.md, fln.md)",
        None,
        "C: VER 1 MSNP18 CVR0\nS: VER 1 MSNP18\nC: CHG 2 NLN 0\nS: CHG 2 NLN 0\n\
         S: ILN 2 NLN 1:someone@example.com Name 268435500\nS: NLN BSY 1:someone@example.com Name 268435500\n\
         S: FLN 1:someone@example.com 0\n",
        &[],
    ),
    (
        "MSNP10 PRP reply with its list version (prp.md; msnp10.md drops it)",
        None,
        "C: VER 0 MSNP10 CVR0\nS: VER 0 MSNP10\nC: PRP 1 PHH 555%20555\nS: PRP 1 256 PHH 555%20555\n",
        &[(4, "tolerated-form")],
    ),
    (
        "MSNP10 BLP reply with its list version (blp.md; msnp10.md drops it)",
        None,
        "C: VER 0 MSNP10 CVR0\nS: VER 0 MSNP10\nC: BLP 1 AL\nS: BLP 1 256 AL\n",
        &[(4, "tolerated-form")],
    ),
    (
        "MSNP16 switchboard USR with a plain handle (usr.md)",
        Some("MSNP16"),
        "C: USR 1 someone@example.com 17262740.1050826919.32308\nS: USR 1 OK someone@example.com Some%20Name\n",
        &[],
    ),
    (
        "MSNP18 switchboard USR naming the endpoint (NINA's MSNP16 page, WLM 2009 traffic)",
        Some("MSNP18"),
        "C: USR 0 someone@example.com;{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0} 17262740.1050826919.32308\n\
         S: USR 0 OK someone@example.com;{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0} someone@example.com\n",
        &[],
    ),
    (
        "MSNP8 ILN and NLN without capabilities (iln.md, nln.md: \"Optional?\")",
        None,
        "C: VER 0 MSNP8 CVR0\nS: VER 0 MSNP8\nC: CHG 1 NLN\nS: CHG 1 NLN\n\
         S: ILN 1 NLN anotheruser@example.com another%20user\nS: NLN NLN anotheruser@example.com another%20user\n",
        &[],
    ),
    (
        "MSNP2 client XFR NS, the pre-release Beta 2 request (xfr.md)",
        None,
        "C: VER 1 MSNP2 CVR0\nS: VER 1 MSNP2\nC: XFR 2 NS\nS: XFR 2 NS 10.0.0.5:1863\n",
        &[(3, "tolerated-form")],
    ),
    ("MSNP3 has no client XFR NS", None, "C: VER 1 MSNP3 CVR0\nS: VER 1 MSNP3\nC: XFR 2 NS\n", &[(3, "literal")]),
    (
        "VER reply echoing the client's whole list (real server, 2006)",
        None,
        "C: VER 1 MSNP9 MSNP8 CVR0\nS: VER 1 MSNP9 MSNP8 CVR0\n",
        &[],
    ),
];

#[test]
fn shapes_the_wiki_allows_or_real_servers_sent_are_accepted() {
    for (name, version, text, expected) in ALLOWED_SHAPES {
        let mut options = msnp_tests::options();
        options.version = version.and_then(|v| msnp::SPEC.version(v));
        let (_, seen) = msnp_tests::run_with(name, text.as_bytes(), &options);
        let got: Vec<(usize, &str)> = seen.diagnostics.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(&got, expected, "{name}:\n{}", errors(&seen.diagnostics));
    }
}
