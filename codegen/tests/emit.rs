//! Emission tests: the resolved model and the Rust emitted for a small fixture spec, and the real spec's output.

use std::path::{Path, PathBuf};

use msnp_codegen::emit::emit;
use msnp_codegen::load_spec;
use msnp_codegen::model::{Dir, Spec, Version};

/// The directory of the small fixture spec.
fn small_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small")
}

/// Loads the small fixture spec, failing the test with every diagnostic when it does not load.
fn small() -> Spec {
    load_spec(&small_dir(), "fixtures/small/").unwrap_or_else(|errors| panic!("{}", errors.join("\n")))
}

fn version<'a>(spec: &'a Spec, name: &str) -> &'a Version {
    spec.version(name).unwrap_or_else(|| panic!("no version {name}"))
}

/// The shape index of form `form` of command `command` in `version`.
fn shape_of(version: &Version, command: &str, form: &str) -> usize {
    let command = version.command(command).unwrap_or_else(|| panic!("{} has no {command}", version.name));
    command.forms.iter().find(|f| f.name == form).unwrap_or_else(|| panic!("no form {form}")).shape
}

fn command_names(version: &Version) -> Vec<&str> {
    version.commands.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn small_spec_emits_the_snapshot() {
    let code = emit(&small()).expect("the fixture spec emits");
    insta::assert_snapshot!("small_spec", code);
}

#[test]
fn emission_is_deterministic() {
    let spec = small();
    let first = emit(&spec).expect("the fixture spec emits");
    let second = emit(&spec).expect("the fixture spec emits");
    assert_eq!(first, second);
    // Loading again from disk must not change anything either (no hash order anywhere).
    assert_eq!(small(), spec);
    assert_eq!(emit(&small()).expect("the fixture spec emits"), first);
}

#[test]
fn versions_resolve_their_extends_chain() {
    let spec = small();
    let names: Vec<&str> = spec.versions.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["V1", "V2"]);

    let v1 = version(&spec, "V1");
    assert_eq!(command_names(v1), ["USR", "LST", "MSG"]);
    assert_eq!(v1.errors, [200, 201]);
    assert_eq!(v1.extends, None);

    // V2 removes LST and adds PNG and NFY; inherited commands keep their place.
    let v2 = version(&spec, "V2");
    assert_eq!(command_names(v2), ["USR", "MSG", "PNG", "NFY"]);
    assert_eq!(v2.extends.as_deref(), Some("V1"));
    assert_eq!(v2.errors, [200, 201, 500]);
    assert_eq!(v2.removed.len(), 1);
    assert_eq!(v2.removed[0].name, "LST");
    assert_eq!(v2.removed[0].doc, "The server answers 500.");
    // The client that introduced a version is its own; how it authenticates stays V1's, as V2 does not restate it.
    assert_eq!(v2.client.as_deref(), Some("2.0"));
    assert_eq!(v2.auth.as_deref(), Some("PASS"));

    // `remove_forms` dropped `pass`; the restated `ok` keeps its place and is dated V2.
    let usr = v2.command("USR").expect("V2 has USR");
    let forms: Vec<(&str, &str)> = usr.forms.iter().map(|f| (f.name.as_str(), f.since.as_str())).collect();
    assert_eq!(forms, [("start", "V1"), ("ok", "V2")]);
    assert_eq!(usr.since, "V1");
    assert_eq!(usr.errors, [201]);
}

#[test]
fn unchanged_forms_share_shapes_and_changed_forms_get_new_ones() {
    let spec = small();
    let (v1, v2) = (version(&spec, "V1"), version(&spec, "V2"));

    for (command, form) in [("USR", "start"), ("MSG", "send"), ("MSG", "notice")] {
        assert_eq!(shape_of(v1, command, form), shape_of(v2, command, form), "{command} {form}");
    }

    let old = &spec.shapes[shape_of(v1, "USR", "ok")];
    let new = &spec.shapes[shape_of(v2, "USR", "ok")];
    assert_ne!(old, new);
    assert_eq!(old.rust_name, "UsrOk");
    // The suffix is `V` followed by the version name with an `MSNP` prefix stripped; a version not named
    // MSNPn keeps its whole name, so V2 gives `VV2`.
    assert!(new.rust_name.ends_with("V2"), "{}", new.rust_name);
    assert_eq!(new.rust_name, "UsrOkV2");
    assert_eq!(new.args.len(), 3);

    // The restated form inherits what it leaves out: who sends it, `once`, `answers`, its doc and argument docs.
    let ok = v2.command("USR").unwrap().forms.iter().find(|f| f.name == "ok").unwrap();
    assert_eq!(ok.from, Dir::Server);
    assert!(ok.once);
    assert_eq!(ok.answers, ["USR"]);
    assert_eq!(ok.doc, "Confirms the sign-in.");
    assert_eq!(ok.arg_docs, ["", "The signed-in account.", "Present when the account signed in hidden."]);

    // Every shape is used by some form, and shape names are unique.
    let mut names: Vec<&str> = spec.shapes.iter().map(|s| s.rust_name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), spec.shapes.len());
    for index in 0..spec.shapes.len() {
        let used = spec.versions.iter().flat_map(|v| &v.commands).flat_map(|c| &c.forms).any(|f| f.shape == index);
        assert!(used, "shape {} is unused", spec.shapes[index].rust_name);
    }
}

#[test]
fn answers_default_to_the_own_command_only_for_trid_bearing_server_forms() {
    let spec = small();
    let v2 = version(&spec, "V2");
    let answers = |command: &str, form: &str| {
        v2.command(command).unwrap().forms.iter().find(|f| f.name == form).unwrap().answers.clone()
    };
    // A server push with TrID 0 answers nothing; a client form answers nothing.
    assert!(answers("MSG", "notice").is_empty());
    assert!(answers("MSG", "send").is_empty());
    // A form without TrID answers what it names.
    assert_eq!(answers("PNG", "reply"), ["PNG"]);
}

#[test]
fn real_spec_loads_and_emits_valid_rust() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec");
    let spec = load_spec(Path::new(dir), "spec/").unwrap_or_else(|errors| panic!("{}", errors.join("\n")));
    // The abstract base is not a version of its own.
    assert!(spec.version("common").is_none());
    assert!(spec.version("MSNP8").is_some());
    let code = emit(&spec).expect("the real spec emits");
    assert!(code.starts_with(msnp_codegen::emit::HEADER));
    syn::parse_file(&code).expect("the emitted code parses");
    // `generate_dir` is the same pipeline in one call.
    assert_eq!(msnp_codegen::generate_dir(Path::new(dir), "spec/"), Ok(code));
}

#[test]
fn web_services_keep_their_keys_and_versions() {
    let spec = small();
    let names: Vec<(&str, &str, Option<&str>)> =
        spec.web_services.iter().map(|s| (s.name.as_str(), s.since.as_str(), s.until.as_deref())).collect();
    assert_eq!(names, [("login", "V1", Some("V1")), ("find-all", "V2", None)]);
    let soap = &spec.web_services[1];
    assert_eq!(soap.action.as_deref(), Some("urn:example:FindAll"));
    assert_eq!(soap.request.document.as_deref(), Some("FindAll"));
    assert_eq!(soap.response.elements, ["FindAllResult"]);
    assert_eq!(spec.web_services[0].paths, ["/login", "/login2.srf"]);
}
