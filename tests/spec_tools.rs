//! `msnp spec versions`, `command`, `diff` and `docs`: what they print, pinned by snapshots, and the changes the
//! wiki's version pages list, pinned item by item.

use msnp_tests::msnp;

fn run(args: &[&str]) -> String {
    let (status, out, err) = msnp(args, b"");
    assert_eq!(status, 0, "msnp {args:?}: {err}");
    out
}

#[test]
fn versions_lists_every_version() {
    let out = run(&["spec", "versions"]);
    insta::assert_snapshot!("spec_versions", out);
    let json: serde_json::Value = serde_json::from_str(&run(&["spec", "versions", "--format", "json"])).unwrap();
    let rows = json.as_array().expect("an array of versions");
    assert_eq!(rows.len(), msnp::SPEC.versions.len());
    let msnp8 = rows.iter().find(|r| r["version"] == "MSNP8").expect("MSNP8");
    assert_eq!(msnp8["auth"], "TWN");
    assert_eq!(msnp8["commands"], msnp::SPEC.version("MSNP8").unwrap().commands.len());
}

#[test]
fn diff_from_msnp7_to_msnp8_lists_what_the_wiki_lists() {
    let out = run(&["spec", "diff", "MSNP7", "MSNP8"]);
    insta::assert_snapshot!("spec_diff_msnp7_msnp8", out);
    let json: serde_json::Value =
        serde_json::from_str(&run(&["spec", "diff", "MSNP7", "MSNP8", "--format", "json"])).unwrap();
    // INF removed.
    let removed: Vec<&str> = json["removed"].as_array().unwrap().iter().filter_map(|r| r["command"].as_str()).collect();
    assert!(removed.contains(&"INF"), "{removed:?}");
    let changed = |name: &str| {
        json["changed"].as_array().unwrap().iter().find(|c| c["command"] == name).cloned().unwrap_or_else(|| {
            panic!("{name} is not among the changed commands");
        })
    };
    let changes_of = |command: &serde_json::Value, form: &str| -> Vec<String> {
        let form = command["forms_changed"].as_array().unwrap().iter().find(|f| f["name"] == form).unwrap();
        form["changes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect()
    };
    let added = |command: &serde_json::Value| -> Vec<String> {
        command["forms_added"].as_array().unwrap().iter().map(|f| f["synopsis"].as_str().unwrap().to_string()).collect()
    };
    // The SYN reply reworked: the contact and group counts.
    let syn = changed("SYN");
    assert_eq!(changes_of(&syn, "reply"), ["argument 2 `contacts` (count) added", "argument 3 `groups` (count) added"]);
    // Its streamed lines without TrID and list version.
    for (command, line) in [
        ("LST", "LST handle friendly-name lists {groups}"),
        ("LSG", "LSG group-id group-name 0"),
        ("GTC", "GTC setting"),
        ("BLP", "BLP setting"),
        ("PRP", "PRP property value"),
        ("BPR", "BPR property value"),
    ] {
        assert!(added(&changed(command)).contains(&line.to_string()), "{command}: {:?}", added(&changed(command)));
    }
    // USR OK's new argument, and TWN authentication instead of MD5.
    let usr = changed("USR");
    assert_eq!(changes_of(&usr, "ok"), ["argument 5 `restricted` (flag) added"]);
    assert!(added(&usr).contains(&"USR TrID TWN I handle".to_string()));
    let removed_forms: Vec<&str> =
        usr["forms_removed"].as_array().unwrap().iter().filter_map(|f| f["name"].as_str()).collect();
    assert!(removed_forms.contains(&"md5-i"), "{removed_forms:?}");
    assert!(json["properties"].as_array().unwrap().iter().any(|p| p == "authentication: MD5 -> TWN"));
    // CVR's new eighth argument.
    assert_eq!(changes_of(&changed("CVR"), "request")[0], "argument 8 `handle` added");
}

#[test]
fn command_prints_a_history_across_versions() {
    insta::assert_snapshot!("spec_command_usr", run(&["spec", "command", "USR"]));
    let out = run(&["spec", "command", "inf"]);
    assert!(out.starts_with("INF [DS NS]: "), "{out}");
    assert!(out.contains("MSNP2: introduced\n") && out.contains("MSNP8: removed: "), "{out}");
    let (status, _, err) = msnp(&["spec", "command", "ZZZ"], b"");
    assert_eq!(status, 2);
    assert!(err.contains("no version of the spec has a command `ZZZ`"), "{err}");
}

#[test]
fn unknown_versions_are_usage_errors() {
    let (status, _, err) = msnp(&["spec", "diff", "MSNP7", "MSNP99"], b"");
    assert_eq!(status, 2);
    assert!(err.contains("unknown version `MSNP99`"), "{err}");
}

#[test]
fn docs_are_generated_deterministically() {
    let base = std::env::temp_dir().join(format!("msnp-docs-{}", std::process::id()));
    let (a, b) = (base.join("a"), base.join("b"));
    for dir in [&a, &b] {
        let out = run(&["spec", "docs", "--out", &dir.display().to_string()]);
        assert!(out.starts_with("wrote "), "{out}");
    }
    let mut files = Vec::new();
    for entry in walk(&a) {
        let relative = entry.strip_prefix(&a).unwrap().to_path_buf();
        let (x, y) = (std::fs::read(&entry).unwrap(), std::fs::read(b.join(&relative)).unwrap());
        assert_eq!(x, y, "{} differs between two runs", relative.display());
        files.push(relative.display().to_string());
    }
    files.sort();
    assert!(files.contains(&"index.md".to_string()) && files.contains(&"errors.md".to_string()));
    assert!(files.contains(&"versions/MSNP8.md".to_string()) && files.contains(&"commands/USR.md".to_string()));
    let msnp8 = std::fs::read_to_string(a.join("versions/MSNP8.md")).unwrap();
    assert!(msnp8.contains("## Known changes") && msnp8.contains("## Command information"), "{msnp8}");
    assert!(msnp8.contains("- removed [INF](../commands/INF.md): "), "{msnp8}");
    insta::assert_snapshot!("spec_docs_index", std::fs::read_to_string(a.join("index.md")).unwrap());
    std::fs::remove_dir_all(&base).unwrap();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

#[test]
fn diff_from_msnp12_to_msnp13_lists_what_the_wiki_lists() {
    let json: serde_json::Value =
        serde_json::from_str(&run(&["spec", "diff", "MSNP12", "MSNP13", "--format", "json"])).unwrap();
    let names = |key: &str| -> Vec<String> {
        json[key].as_array().unwrap().iter().map(|c| c["command"].as_str().unwrap().to_string()).collect()
    };
    let removed = names("removed");
    for command in ["SYN", "ADC", "REM", "ADG", "RMG", "REG", "GTC"] {
        assert!(removed.contains(&command.to_string()), "{command} not removed: {removed:?}");
    }
    let introduced = names("introduced");
    for command in ["ADL", "RML", "UUN", "UBN", "RFS"] {
        assert!(introduced.contains(&command.to_string()), "{command} not introduced: {introduced:?}");
    }
    insta::assert_snapshot!("spec_diff_msnp12_msnp13", run(&["spec", "diff", "MSNP12", "MSNP13"]));
}

#[test]
fn services_lists_the_web_services_with_what_their_exchanges_hold() {
    let text = run(&["spec", "services"]);
    assert!(text.starts_with("nexus (http, GET /rdr/pprdr.asp; MSNP8 to MSNP14)\n"), "{text}");
    assert!(text.contains("\nrst (soap, POST /RST.srf /pp550/RST.srf; MSNP12 on)\n"), "{text}");
    assert!(text.contains("  SOAPAction: http://www.msn.com/webservices/AddressBook/FindMembership\n"), "{text}");
    assert!(text.contains("  response: headers Authentication-Info (in a 2xx answer)\n"), "{text}");
    // The tables read from the directory at run time say the same.
    let spec_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec").display().to_string();
    assert_eq!(run(&["--spec", &spec_dir, "spec", "services"]), text);
    let json: serde_json::Value = serde_json::from_str(&run(&["spec", "services", "--format", "json"])).unwrap();
    let names: Vec<&str> = json.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["nexus", "passport-login", "rst", "find-membership", "ab-find-all"]);
    assert_eq!(
        json[3]["request"]["elements"],
        serde_json::json!(["ABApplicationHeader", "ABAuthHeader", "serviceFilter"])
    );
}
