//! Runs the generator over `spec/` and writes the generated Rust into `OUT_DIR/spec.rs`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let spec_dir = manifest.join("..").join("spec");
    println!("cargo::rerun-if-changed={}", spec_dir.display());
    match msnp_codegen::generate_dir(&spec_dir, "spec/") {
        Ok(code) => {
            let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("spec.rs");
            if let Err(err) = std::fs::write(&out, code) {
                println!("cargo::error={}: {err}", out.display());
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for error in &errors {
                println!("cargo::error={error}");
            }
            ExitCode::FAILURE
        }
    }
}
