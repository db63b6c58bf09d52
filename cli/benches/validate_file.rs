//! End-to-end benchmark of `msnp validate` on large transcripts: the MSNP8 seed session repeated into files
//! of 100 MiB and 1 GiB, validated by the real binary several times each. Reports the median and the fastest
//! wall time with their throughputs, and the peak resident memory of the validating processes. On a shared
//! machine the median moves with the neighbours' load; the fastest run shows what the code does undisturbed.
//!
//! Run with `cargo bench -p msnp-cli --bench validate_file`; `MSNP_BENCH_SIZES_MIB=100` limits the sizes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use nix::sys::resource::{UsageWho, getrusage};

const SEED: &[u8] = include_bytes!("../../tests/fixtures/seeds/000_966a299fc87d526b.txt");

/// Writes `seed` repeated to at least `mib` MiB at `path` (kept between runs when the size matches).
fn transcript(path: &Path, mib: u64) -> std::io::Result<u64> {
    let copies = (mib << 20).div_ceil(SEED.len() as u64);
    let size = copies * SEED.len() as u64;
    if std::fs::metadata(path).map(|m| m.len()).ok() != Some(size) {
        let mut out = BufWriter::new(File::create(path)?);
        for _ in 0..copies {
            out.write_all(SEED)?;
        }
        out.flush()?;
    }
    Ok(size)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let binary = env!("CARGO_BIN_EXE_msnp");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let sizes: Vec<u64> = std::env::var("MSNP_BENCH_SIZES_MIB")
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|_| vec![100, 1024]);
    println!("| input | runs | median time | median throughput | fastest | fastest throughput | peak RSS |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for mib in sizes {
        let path = dir.join(format!("msnp8-seed-{mib}MiB.txt"));
        let bytes = transcript(&path, mib)?;
        let runs = if mib > 200 { 3 } else { 11 };
        let mut times = Vec::new();
        for _ in 0..runs {
            let start = Instant::now();
            let output = Command::new(binary).arg("validate").arg(&path).output()?;
            times.push(start.elapsed().as_secs_f64());
            if !output.status.success() {
                return Err(format!("msnp validate failed: {}", String::from_utf8_lossy(&output.stdout)).into());
            }
        }
        times.sort_by(f64::total_cmp);
        let (median, fastest) = (times[times.len() / 2], times[0]);
        // The largest resident set of any waited-for child so far; the biggest input runs last.
        let peak_kib = getrusage(UsageWho::RUSAGE_CHILDREN)?.max_rss();
        println!(
            "| {mib} MiB ({bytes} bytes) | {runs} | {median:.3} s | {:.0} MB/s | {fastest:.3} s | {:.0} MB/s | {:.1} MiB |",
            bytes as f64 / median / 1e6,
            bytes as f64 / fastest / 1e6,
            peak_kib as f64 / 1024.0
        );
    }
    Ok(())
}
