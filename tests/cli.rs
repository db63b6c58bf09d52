//! The `msnp` command, driven in process: exit statuses, the human and JSON reports, `spec show`.

use msnp_tests::{fixture, fixture_path, msnp};

fn path(name: &str) -> String {
    fixture_path(name).display().to_string()
}

#[test]
fn clean_transcripts_exit_0_and_say_which_version() {
    let seed = path("seeds/000_966a299fc87d526b.txt");
    let (status, out, _) = msnp(&["validate", &seed], b"");
    assert_eq!(status, 0, "{out}");
    assert!(out.ends_with(&format!("{seed}: MSNP8 (2 connections), 0 errors, 0 warnings\n")), "{out}");
}

#[test]
fn warnings_do_not_fail() {
    let (status, out, _) = msnp(&["validate", &path("seeds/001_0596c011baa3e712.txt")], b"");
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("MSNP7 (2 connections), 0 errors, 3 warnings"), "{out}");
    assert!(out.contains(":39:4: warning: USR: the package is MD5"), "{out}");
}

#[test]
fn errors_exit_1_with_location_underline_expected_form_and_hint() {
    // The MSNP7 seed with the MSNP8 form of USR OK (an extra restricted flag).
    let text = String::from_utf8(fixture("seeds/001_0596c011baa3e712.txt")).unwrap();
    let text = text.replace(
        "S: USR 7 OK example@hotmail.com example%20user 1",
        "S: USR 7 OK example@hotmail.com example%20user 1 0",
    );
    let (status, out, _) = msnp(&["validate", "-"], text.as_bytes());
    assert_eq!(status, 1, "{out}");
    let expected = "\
-:41:50: error: USR: unexpected argument `0`: the form ends before it
   |
41 | S: USR 7 OK example@hotmail.com example%20user 1 0
   |                                                  ^
   = expected: USR TrID OK handle friendly-name verified
   = hint: this is the MSNP8 form of USR (valid in MSNP8-MSNP9)
";
    assert!(out.contains(expected), "{out}");
}

#[test]
fn json_reports_one_document() {
    let text = b"C: VER 1 MSNP8 CVR0\r\nS: VER 1 MSNP8\r\nC: CHG x NLN 0\r\n";
    let (status, out, _) = msnp(&["validate", "--format", "json", "-"], text);
    assert_eq!(status, 1);
    let json: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    let file = &json["files"][0];
    assert_eq!(file["summary"]["errors"], 1);
    assert_eq!(file["summary"]["connections"][0]["version"], "MSNP8");
    let d = &file["diagnostics"][0];
    assert_eq!((d["line"].as_u64(), d["column"].as_u64(), d["code"].as_str()), (Some(3), Some(8), Some("trid")));
    assert_eq!(d["severity"], "error");
    assert_eq!(d["expected"], "CHG TrID status {caps}");
}

#[test]
fn version_flag_checks_every_connection_as_that_version() {
    let seed = path("seeds/000_966a299fc87d526b.txt");
    let (status, out, _) = msnp(&["validate", "--version", "MSNP7", &seed], b"");
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("the server chose MSNP8; the connection is checked as MSNP7 (--version)"), "{out}");
    assert!(out.contains("= hint: this is the MSNP8 form of CVR"), "{out}");
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(msnp(&["validate"], b"").0, 2);
    assert_eq!(msnp(&["validate", "--version", "MSNP99", "-"], b"").0, 2);
    let (status, _, err) = msnp(&["validate", "/nonexistent/transcript.txt"], b"");
    assert_eq!(status, 2);
    assert!(err.contains("/nonexistent/transcript.txt"), "{err}");
    assert_eq!(msnp(&["spec", "show", "MSNP99"], b"").0, 2);
}

#[test]
fn spec_show_prints_the_resolved_command_set() {
    let (status, out, _) = msnp(&["spec", "show", "MSNP8"], b"");
    assert_eq!(status, 0);
    insta::assert_snapshot!("spec_show_msnp8", out);
}
