//! Validating a transcript in the wiki's notation against the spec, as `msnp validate` does.

use msnp::frame::Limits;
use msnp::validate::{Options, Severity, render_human, validate_bytes};

fn main() {
    let transcript = "\
C: VER 1 MSNP8 CVR0
S: VER 1 MSNP8 CVR0
C: CVR 2 0x0409 win 4.10 i386 MSNMSGR 5.0.0544 MSMSGS example@passport.com
S: CVR 2 5.0.0544 5.0.0544 1.0.0000 http://download.microsoft.com/ http://messenger.msn.com
C: USR 3 TWN I example@passport.com
S: USR 3 TWN S lc=1033,id=507
C: USR 4 TWN S t=ticket&p=profile
S: USR 4 OK example@passport.com Example%20Name 1 0
C: CHG 5 NLN 0
S: CHG 5 NLN
C: OUT
";
    let options = Options { spec: &msnp::SPEC, version: None, limits: Limits::default() };
    let (summary, diagnostics) = validate_bytes("session.txt", transcript.as_bytes(), &options);
    for diagnostic in &diagnostics {
        print!("{}", render_human(diagnostic));
    }
    assert_eq!(summary.versions, ["MSNP8"]);
    assert!(diagnostics.iter().all(|d| d.severity != Severity::Error), "{diagnostics:?}");

    // A TrID-less CHG is a deviation, reported where it is (the column counts from the start of the transcript's
    // line, `C: ` included), with the form the spec expects.
    let (_, diagnostics) =
        validate_bytes("bad.txt", b"C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8 CVR0\nC: CHG NLN\n", &options);
    let error = diagnostics.iter().find(|d| d.severity == Severity::Error).expect("an error");
    assert_eq!((error.line, error.column), (3, 8));
    print!("{}", render_human(error));
}
