//! Adding a protocol version, end to end: a spec directory with one more version file (a hypothetical MSNP19
//! extending MSNP18 with one new command and one changed argument) is accepted by `spec check`, shown
//! by `spec diff`, used by `validate --spec`, and turned into Rust by the generator.

use msnp_tests::msnp;

/// The version the hypothetical one extends (MSNP21, the newest, extends MSNP18 too).
const BASE: &str = "MSNP18";

/// The new version file: a new command, HYP, and BLP's request with a new type for its one argument.
fn msnp19() -> String {
    format!(
        r#"# A hypothetical version, for the end-to-end test of adding a version.

[version]
name = "MSNP19"
extends = "{BASE}"
doc = "A hypothetical version: one new command and one changed argument."

[command.HYP]
doc = "Asks how long the server has been running (hypothetical)."
services = ["NS"]

[command.HYP.form.request]
from = "client"
args = []

[command.HYP.form.reply]
from = "server"
args = [{{ name = "seconds", type = "count", doc = "Seconds since the server started." }}]

[command.BLP.form.request]
args = [{{ name = "setting", type = "blp-setting-19", doc = "The new setting." }}]
"#
    )
}

const TYPE_19: &str = r#"
[type.blp-setting-19]
doc = "Default privacy in the hypothetical MSNP19: allow, block, or ask each time."
values = [
  { value = "AL", doc = "Allow them." },
  { value = "BL", doc = "Block them." },
  { value = "AS", doc = "Ask each time." },
]
"#;

/// A copy of `spec/` with the new version, in a fresh temporary directory.
fn spec_with_msnp19() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("msnp-new-version-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    for entry in std::fs::read_dir(spec).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let types = std::fs::read_to_string(dir.join("types.toml")).unwrap() + TYPE_19;
    std::fs::write(dir.join("types.toml"), types).unwrap();
    std::fs::write(dir.join("msnp19.toml"), msnp19()).unwrap();
    dir
}

#[test]
fn a_new_version_file_is_checked_diffed_validated_and_generated() {
    let dir = spec_with_msnp19();
    let name = dir.display().to_string();

    let (status, out, err) = msnp(&["spec", "check", &name], b"");
    assert_eq!(status, 0, "{out}{err}");
    assert!(out.contains("MSNP19") && out.contains("no problems"), "{out}");
    // HYP says nothing of where it comes from: a warning, with where.
    assert!(
        out.contains("msnp19.toml:12:19: form `request` of `HYP` has no `evidence` and is not `unverified` (warning)"),
        "{out}"
    );

    let (status, out, _) = msnp(&["--spec", &name, "spec", "diff", BASE, "MSNP19"], b"");
    assert_eq!(status, 0, "{out}");
    // MSNP19 restates neither its authentication nor its contact list: they are MSNP18's, unchanged.
    assert!(!out.contains("authentication:") && !out.contains("contact list:"), "{out}");
    let (_, show, _) = msnp(&["--spec", &name, "spec", "show", "MSNP19"], b"");
    assert!(show.contains("SSO"), "{show}");
    assert!(out.contains("introduced:\n  HYP: Asks how long the server has been running"), "{out}");
    assert!(out.contains("argument 1 `setting`: type blp-setting -> blp-setting-19"), "{out}");

    let session = "C: VER 1 MSNP19\nS: VER 1 MSNP19\nC: HYP 2\nS: HYP 2 3600\nC: BLP 3 AS\nC: OUT\n";
    let (status, out, _) = msnp(&["--spec", &name, "validate", "-"], session.as_bytes());
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("-: MSNP19 (1 connection), 0 errors"), "{out}");

    // The same lines in the base version: HYP does not exist there, and AS is not a setting.
    let older = session.replace("MSNP19", BASE);
    let (status, out, _) = msnp(&["--spec", &name, "validate", "-"], older.as_bytes());
    assert_eq!(status, 1, "{out}");
    assert!(out.contains(&format!("`HYP` is not a command of {BASE}")), "{out}");
    assert!(out.contains("hint: this is the MSNP19 form of BLP"), "{out}");

    // The generator turns the directory into Rust with a Version::Msnp19 and the new command's structs.
    let code = msnp_codegen::generate_dir(&dir, "spec/").expect("the generator accepts the new version");
    assert!(code.contains("Msnp19"), "no Msnp19 in the generated code");
    assert!(code.contains("pub struct HypRequest") || code.contains("HypRequest"), "no struct for HYP");
    std::fs::remove_dir_all(&dir).unwrap();
}
