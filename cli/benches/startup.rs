//! Start-up benchmark: `msnp validate` on a small transcript and `msnp spec show MSNP8`, each run as a fresh
//! process many times, with the compiled-in spec and with `--spec DIR` (the spec directory read, checked and built
//! at run time). Reports the median and the fastest wall time of each.
//!
//! Run with `cargo bench -p msnp-cli --bench startup`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

const RUNS: usize = 51;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let binary = env!("CARGO_BIN_EXE_msnp");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = root.join("spec").display().to_string();
    let seed = root.join("tests/fixtures/seeds/000_966a299fc87d526b.txt").display().to_string();
    let cases: [(&str, Vec<&str>); 4] = [
        ("validate a 2 KiB transcript", vec!["validate", &seed]),
        ("spec show MSNP8", vec!["spec", "show", "MSNP8"]),
        ("validate a 2 KiB transcript, --spec spec/", vec!["--spec", &spec, "validate", &seed]),
        ("spec show MSNP8, --spec spec/", vec!["--spec", &spec, "spec", "show", "MSNP8"]),
    ];
    println!("| command | runs | median | fastest |");
    println!("| --- | --- | --- | --- |");
    for (label, args) in cases {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let start = Instant::now();
            let status = Command::new(binary).args(&args).stdout(Stdio::null()).stderr(Stdio::null()).status()?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            if !status.success() {
                return Err(format!("msnp {args:?} failed: {status}").into());
            }
        }
        times.sort_by(f64::total_cmp);
        println!("| {label} | {RUNS} | {:.2} ms | {:.2} ms |", times[RUNS / 2], times[0]);
    }
    Ok(())
}
