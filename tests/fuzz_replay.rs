//! Replays the fuzz corpus and every crash input the fuzzers found through the fuzz targets, on the stable
//! toolchain: an input that once broke a property, or that reached a corner of the code, keeps being checked by
//! `cargo test` without nightly or libFuzzer. Also: the client on a paused clock ends at once, since its deadlines
//! and the timeouts they set run on the same clock.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use msnp_tests::fuzz;

/// A fuzz target: it panics when its property does not hold for the input.
type Target = fn(&[u8]);

/// Every target, by the name of its directory under `fuzz/corpus/` and `fuzz/artifacts/`.
const TARGETS: &[(&str, Target)] = &[
    ("framing", fuzz::framing),
    ("parse", fuzz::parse),
    ("validate", fuzz::validate),
    ("client", fuzz::client),
    ("server", fuzz::server),
    ("rst", fuzz::rst),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("fuzz")
}

/// The files of `fuzz/KIND/NAME/`, sorted (none when the directory does not exist).
fn inputs(kind: &str, name: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(fuzz_dir().join(kind).join(name)) else { return Vec::new() };
    let mut files: Vec<PathBuf> =
        entries.map(|e| e.expect("a directory entry").path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

/// Every directory under `fuzz/corpus/` and `fuzz/artifacts/` names a target: a new target's inputs are not
/// silently left out.
#[test]
fn every_input_directory_has_a_target() {
    for kind in ["corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(fuzz_dir().join(kind)) else { continue };
        for entry in entries {
            let name = entry.expect("a directory entry").file_name();
            let name = name.to_string_lossy();
            assert!(TARGETS.iter().any(|t| t.0 == name), "fuzz/{kind}/{name} has no entry in TARGETS");
        }
    }
}

fn replay(name: &str) {
    let target = TARGETS.iter().find(|t| t.0 == name).expect("a target").1;
    let files: Vec<PathBuf> = inputs("corpus", name).into_iter().chain(inputs("artifacts", name)).collect();
    assert!(!files.is_empty(), "fuzz/corpus/{name} holds no inputs");
    for file in files {
        let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        // The panic of a failing input names the target's property; this names the file.
        eprintln!("replaying {}", file.display());
        target(&data);
    }
}

#[test]
fn framing_corpus() {
    replay("framing");
}

#[test]
fn parse_corpus() {
    replay("parse");
}

#[test]
fn validate_corpus() {
    replay("validate");
}

#[test]
fn client_corpus() {
    replay("client");
}

#[test]
fn server_corpus() {
    replay("server");
}

#[test]
fn rst_corpus() {
    replay("rst");
}

/// An MSNP7 login that succeeds, on a connection the server then keeps open: synchronising and setting the status
/// time out, and watching must end after its 100 s on the paused clock, not after 100 s of real time.
#[test]
fn a_client_on_a_paused_clock_finishes_at_once() {
    let mut input = vec![0x10 | 5 | (6 << 5)];
    input.extend_from_slice(
        b"VER 1 MSNP7\r\nINF 2 MD5\r\nUSR 3 MD5 S 1013928519.693957190\r\nUSR 4 OK alice@example.com Alice 1\r\n",
    );
    let start = Instant::now();
    fuzz::client(&input);
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
}
