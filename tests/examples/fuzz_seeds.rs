//! Writes seed inputs for the fuzz targets from the test fixtures into `fuzz/corpus/NAME/` (or the directory
//! given as the first argument): whole transcripts for `validate`, their command lines for `parse`, their framed
//! byte streams for `framing`, and the server's side of their MSNP2-14 sessions for `client`.
//!
//! `cargo run -p msnp-tests --example fuzz_seeds`, then `cargo fuzz cmin NAME` keeps the seeds that add coverage.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use msnp::spec::Dir;
use msnp_tests::{ALL_FIXTURES, Seen, fixture, run};

fn main() {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("fuzz").join("corpus"));
    let mut seeds: Vec<(&str, String, Vec<u8>)> = Vec::new();
    for name in ALL_FIXTURES {
        let bytes = fixture(name);
        let stem = name.trim_end_matches(".txt").replace('/', "-");
        seeds.push(("validate", stem.clone(), bytes.clone()));
        let (_, seen) = run(name, &bytes);
        for command in &seen.commands {
            seeds.push(("parse", format!("{stem}-{}", command.line), frame(command)));
        }
        let Some(version) = seen.commands.iter().find_map(|c| c.version) else { continue };
        let index = msnp::SPEC.versions.iter().position(|v| v.name == version.name).expect("a compiled-in version");
        for (dir, bit) in [(Dir::Server, 0u8), (Dir::Client, 0x80)] {
            // Three cuts, at a quarter, half and three quarters of the stream.
            let mut input = vec![index as u8 | bit, 3, 64, 128, 192];
            seen.commands.iter().filter(|c| c.dir == dir).for_each(|c| input.extend(frame(c)));
            seeds.push(("framing", format!("{stem}-{dir:?}"), input));
        }
        let number = version.number();
        if (2..=14).contains(&number) {
            // The server's lines, connection by connection (a client's VER opens one), NUL between connections.
            let mut server = Vec::new();
            for (i, command) in seen.commands.iter().enumerate() {
                if command.dir == Dir::Client && command.text.starts_with("VER ") && i > 0 {
                    server.push(0);
                }
                if command.dir == Dir::Server {
                    server.extend(frame(command));
                }
            }
            // Closed after the server's bytes, in 64-byte writes; and kept open, in 17-byte writes.
            for select in [(number - 2) as u8 | (4 << 5), (number - 2) as u8 | 0x10 | (3 << 5)] {
                let mut input = vec![select];
                input.extend(&server);
                seeds.push(("client", format!("{stem}-{select:02x}"), input));
            }
        }
    }
    let mut written = BTreeSet::new();
    for (target, name, bytes) in seeds {
        if !written.insert((target, bytes.clone())) {
            continue;
        }
        let dir = out.join(target);
        std::fs::create_dir_all(&dir).expect("a corpus directory");
        std::fs::write(dir.join(format!("seed-{name}")), bytes).expect("a seed file");
    }
    println!("{} seeds in {}", written.len(), out.display());
}

/// The command as sent: its line, CRLF and its payload.
fn frame(command: &Seen) -> Vec<u8> {
    let mut bytes = command.text.as_bytes().to_vec();
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(&command.payload);
    bytes
}
