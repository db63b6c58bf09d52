//! Lines of real sessions and of the documentation that the spec once rejected: each transcript, written in the
//! shape of the real or documented one (handles and names invented), gives exactly the diagnostics listed, by
//! code and line.

use msnp::validate::Severity;
use msnp_tests::run;

/// (what, transcript, diagnostics as (line, code, severity))
type Case = (&'static str, &'static str, &'static [(usize, &'static str, Severity)]);

const CASES: &[Case] = &[
    (
        // aMSN, 2008, MSNP12: VER, CVR and USR before the VER reply; the server answered all three.
        "pipelined requests, the version then agreed",
        "C: VER 1 MSNP12 CVR0\n\
         C: CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.5.0324 msmsgs someone@example.com\n\
         C: USR 3 TWN I someone@example.com\n\
         S: VER 1 MSNP12 CVR0\n\
         S: CVR 2 7.5.0324 7.5.0324 7.0.0425 http://download.example.com/setup.exe http://messenger.example.com\n\
         S: XFR 3 NS 10.0.0.1:1863 0 10.0.0.2:1863\n",
        &[(2, "pipelined-request", Severity::Warning), (3, "pipelined-request", Severity::Warning)],
    ),
    (
        // The same requests, but the server chose another version than the one they were sent in.
        "pipelined requests in a version the server refused",
        "C: VER 1 MSNP12 MSNP11 CVR0\n\
         C: CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.5.0324 msmsgs someone@example.com\n\
         S: VER 1 MSNP11 CVR0\n\
         S: CVR 2 7.5.0324 7.5.0324 7.0.0425 http://download.example.com/setup.exe http://messenger.example.com\n",
        &[(2, "pipelined-request", Severity::Warning), (2, "ver-first", Severity::Error)],
    ),
    (
        // A real MSNP12 server, 2010: ILN pushed with TrID 0 after CHG and its echo. The form that answers CHG
        // comes first in the spec; the line takes the one whose reply check fits, which only real traffic shows.
        "ILN with TrID 0 after CHG, MSNP12",
        "C: VER 1 MSNP12 CVR0\n\
         S: VER 1 MSNP12\n\
         C: CHG 2 AWY 2789003300\n\
         S: CHG 2 AWY 2789003300\n\
         S: ILN 0 AWY someone@example.com Name 2789003300\n\
         S: ILN 2 NLN other@example.com Other 2789003300\n",
        &[(5, "undocumented-form", Severity::Warning)],
    ),
    (
        // A real MSNP15 server, 2009: the same, with the network ID.
        "ILN with TrID 0 after CHG, MSNP15",
        "C: VER 1 MSNP15 CVR0\n\
         S: VER 1 MSNP15\n\
         C: CHG 2 NLN 2254295084\n\
         S: CHG 2 NLN 2254295084\n\
         S: ILN 0 NLN someone@example.com 1 Name 2254295084\n",
        &[(5, "undocumented-form", Severity::Warning)],
    ),
    (
        // A real MSNP12 server: a contact only on the allow list, without F= or C=, during SYN.
        "LST without F= during SYN, MSNP12",
        "C: VER 1 MSNP12 CVR0\n\
         S: VER 1 MSNP12\n\
         C: SYN 2 0 0\n\
         S: SYN 2 2010-02-11T09:25:15.117-08:00 2009-06-21T11:55:14.32-07:00 1 0\n\
         S: GTC A\n\
         S: BLP AL\n\
         S: LST N=someone@example.es 2 1\n",
        &[(7, "undocumented-form", Severity::Warning)],
    ),
    (
        "a request before VER was answered, with no version offered that the spec knows",
        "C: VER 1 MSNP99\n\
         C: CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.5.0324 msmsgs someone@example.com\n",
        &[(2, "ver-first", Severity::Error)],
    ),
];

#[test]
fn real_and_documented_lines_give_exactly_their_diagnostics() {
    let mut failures = Vec::new();
    for (what, transcript, expected) in CASES {
        let (_, seen) = run(what, transcript.as_bytes());
        let got: Vec<(usize, &str, Severity)> = seen.diagnostics.iter().map(|d| (d.line, d.code, d.severity)).collect();
        let mut want = expected.to_vec();
        let mut sorted = got.clone();
        want.sort_by_key(|d| (d.0, d.1));
        sorted.sort_by_key(|d| (d.0, d.1));
        if sorted != want {
            let rendered: String = seen.diagnostics.iter().map(msnp::validate::render_human).collect();
            failures.push(format!("{what}:\n  expected {want:?}\n  got {sorted:?}\n{rendered}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
