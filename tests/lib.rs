//! Helpers shared by the integration tests: fixture paths, a validator sink that keeps everything, and the fuzz
//! targets (`fuzz`), which the fuzz crate and the replay test both call.

pub mod alloc;
pub mod fuzz;
pub mod strategies;

use std::path::PathBuf;

use msnp::frame::Limits;
use msnp::spec::{Dir, VersionDef};
use msnp::validate::{Command, Diagnostic, Options, Severity, Sink, Summary, validate};

/// Every fixture whose version the spec has, relative to `fixtures/`: the suites replay and mutate each.
pub const ALL_FIXTURES: &[&str] = &[
    "seeds/000_966a299fc87d526b.txt",
    "seeds/001_0596c011baa3e712.txt",
    "wiki/cvr0.txt",
    "wiki/msnp2.txt",
    "wiki/msnp3.txt",
    "wiki/msnp3-newer-rendered.txt",
    "wiki/msnp4.txt",
    "wiki/msnp5.txt",
    "wiki/msnp6.txt",
    "wiki/msnp7.txt",
    "wiki/msnp8.txt",
    "wiki/msnp9.txt",
    "wiki/msnp10.txt",
    "wiki/msnp11.txt",
    "wiki/msnp12.txt",
    "wiki/msnp13.txt",
    "wiki/msnp14.txt",
    "wiki/msnp15.txt",
    "wiki/msnp18.txt",
    "wiki/msnp21.txt",
    "wiki/msnp21-ns-prefixed.txt",
];

/// The fixtures that are fragments without VER, with the version they are checked as (`--version`).
pub const FRAGMENTS: &[(&str, &str)] =
    &[("wiki/msnp15.txt", "MSNP15"), ("wiki/msnp18.txt", "MSNP18"), ("wiki/msnp21-ns-prefixed.txt", "MSNP21")];

/// The known slips of the fixtures that are errors (file, line): payload lengths that are off (MSNP13, MSNP21), an
/// argument on the wrong line and an elided value (MSNP18), a reply whose request the excerpt leaves out (MSNP21).
/// The suites expect exactly these errors; `tests/transcripts.rs` says what each is.
pub const KNOWN_ERRORS: &[(&str, usize)] = &[
    ("wiki/msnp13.txt", 45),
    ("wiki/msnp18.txt", 11),
    ("wiki/msnp18.txt", 12),
    ("wiki/msnp21.txt", 5),
    ("wiki/msnp21-ns-prefixed.txt", 2),
    ("wiki/msnp21-ns-prefixed.txt", 52),
    ("wiki/msnp21-ns-prefixed.txt", 69),
    ("wiki/msnp21-ns-prefixed.txt", 144),
    ("wiki/msnp21-ns-prefixed.txt", 158),
    ("wiki/msnp21-ns-prefixed.txt", 175),
    ("wiki/msnp21-ns-prefixed.txt", 193),
];

/// Runs `msnp ARGS` in process with `stdin`; returns (exit status, stdout, stderr).
pub fn msnp(args: &[&str], stdin: &[u8]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut input = stdin;
    let status = msnp_cli::status(std::iter::once("msnp").chain(args.iter().copied()), &mut input, &mut out, &mut err);
    (status, String::from_utf8(out).expect("UTF-8 output"), String::from_utf8(err).expect("UTF-8 errors"))
}

/// The path of a fixture.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// The bytes of a fixture.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Validation options with the compiled-in spec and default limits.
pub fn options() -> Options {
    Options { spec: &msnp::SPEC, version: None, limits: Limits::default() }
}

/// A command the validator passed on, owned.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The line it starts on.
    pub line: usize,
    /// Who sent it.
    pub dir: Dir,
    /// The connection's version.
    pub version: Option<&'static VersionDef>,
    /// The command line.
    pub text: String,
    /// The payload.
    pub payload: Vec<u8>,
}

/// Keeps every diagnostic and command.
#[derive(Debug, Default)]
pub struct Collect {
    /// The diagnostics, in order.
    pub diagnostics: Vec<Diagnostic>,
    /// The commands, in order.
    pub commands: Vec<Seen>,
}

impl Sink for Collect {
    fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn wants_commands(&self) -> bool {
        true
    }

    fn command(&mut self, c: Command<'_>) {
        self.commands.push(Seen {
            line: c.line,
            dir: c.dir,
            version: c.version,
            text: c.text.to_string(),
            payload: c.payload.to_vec(),
        });
    }
}

/// Validates `bytes` with `options`, keeping everything.
pub fn run_with(name: &str, bytes: &[u8], options: &Options) -> (Summary, Collect) {
    let mut collect = Collect::default();
    let summary = validate(name, bytes, options, &mut collect).expect("reading from memory cannot fail");
    (summary, collect)
}

/// Validates `bytes` with the default options; a fragment fixture (see [`FRAGMENTS`]) is checked as its version.
pub fn run(name: &str, bytes: &[u8]) -> (Summary, Collect) {
    let mut options = options();
    options.version = FRAGMENTS.iter().find(|f| f.0 == name).and_then(|f| msnp::SPEC.version(f.1));
    run_with(name, bytes, &options)
}

/// The errors among `diagnostics`, rendered, for assertion messages.
pub fn errors(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(msnp::validate::render_human)
        .collect::<Vec<_>>()
        .join("")
}
