//! Spec directories read at run time (`--spec DIR`): the repository's own `spec/` read that way must give the
//! compiled-in spec's tables and the same diagnostics on every fixture, and a broken directory is reported, not
//! used.

use msnp_tests::{ALL_FIXTURES, fixture_path, msnp};

fn spec_dir() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec").display().to_string()
}

#[test]
fn the_spec_read_at_run_time_shows_the_same_versions() {
    let dir = spec_dir();
    for version in msnp::SPEC.versions {
        let built_in = msnp(&["spec", "show", version.name], b"");
        let read = msnp(&["--spec", &dir, "spec", "show", version.name], b"");
        assert_eq!(built_in.0, 0);
        assert_eq!(read, built_in, "{}", version.name);
    }
}

#[test]
fn the_spec_read_at_run_time_gives_the_same_diagnostics_on_every_fixture() {
    let dir = spec_dir();
    for name in ALL_FIXTURES {
        let path = fixture_path(name).display().to_string();
        for format in ["human", "json"] {
            let built_in = msnp(&["validate", "--format", format, &path], b"");
            let read = msnp(&["--spec", &dir, "validate", "--format", format, &path], b"");
            assert_eq!(read, built_in, "{name}");
        }
    }
}

#[test]
fn the_spec_read_at_run_time_gives_the_same_diagnostics_on_broken_lines() {
    // Lines that fail in many ways take the table walk with both specs; the reports must agree.
    let dir = spec_dir();
    let text = "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: CVR 2 0x0409 win 4.10 i386 MSNMSGR 5.0.0537 MSMSGS a@b.c\n\
                S: CVR 2 5.0.0537\nC: USR 3 TWN X a@b.c\nS: USR 3 OK a@b.c name 1\nC: CHG x NLN\nS: ILN 4 NLN a@b\n\
                S: 911 3\nS: 999 3\nC: LST 5 FL\nS: MSG Hotmail Hotmail 10\nshort\nC: OUT extra\n";
    let built_in = msnp(&["validate", "-"], text.as_bytes());
    let read = msnp(&["--spec", &dir, "validate", "-"], text.as_bytes());
    assert_eq!(built_in.0, 1, "{}", built_in.1);
    assert!(built_in.1.matches("error:").count() >= 6, "{}", built_in.1);
    assert_eq!(read, built_in);
}

#[test]
fn a_spec_directory_with_problems_is_reported_and_not_used() {
    let dir = std::env::temp_dir().join(format!("msnp-broken-spec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(spec_dir()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let msnp8 = dir.join("msnp8.toml");
    let text = std::fs::read_to_string(&msnp8).unwrap().replacen("extends = \"MSNP7\"", "extends = \"MSNP77\"", 1);
    std::fs::write(&msnp8, text).unwrap();
    let dir_name = dir.display().to_string();

    let (status, out, _) = msnp(&["spec", "check", &dir_name], b"");
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("msnp8.toml:") && out.contains("MSNP77"), "{out}");

    let seed = fixture_path("seeds/000_966a299fc87d526b.txt").display().to_string();
    let (status, out, err) = msnp(&["--spec", &dir_name, "validate", &seed], b"");
    assert_eq!(status, 2, "{out}");
    assert!(err.contains("has problems") && err.contains("MSNP77"), "{err}");

    let (status, out, _) = msnp(&["spec", "check", &spec_dir()], b"");
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("no problems"), "{out}");
    // Every form of every version says where it comes from (or what is unverified about it).
    assert!(!out.contains("(warning)") && !out.contains("warnings"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}
