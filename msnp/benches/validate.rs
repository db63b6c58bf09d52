//! Throughput of the validator, in process: the MSNP8 seed session repeated into a 32 MiB transcript, read from
//! memory. (`cargo bench -p msnp-cli --bench validate_file` measures the real command on a 100 MiB file, with its
//! peak memory.)

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use msnp::frame::Limits;
use msnp::validate::{Options, validate};

const SEED: &[u8] = include_bytes!("../../tests/fixtures/seeds/000_966a299fc87d526b.txt");

fn transcript(bytes: usize) -> Vec<u8> {
    SEED.repeat(bytes / SEED.len() + 1)
}

fn bench(c: &mut Criterion) {
    let input = transcript(32 << 20);
    let options = Options { spec: &msnp::SPEC, version: None, limits: Limits::default() };
    let mut group = c.benchmark_group("validate");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.sample_size(10);
    group.bench_function("msnp8_seed_32MiB", |b| {
        b.iter(|| {
            let summary = validate("bench", &input[..], &options, &mut |_| {}).expect("in memory");
            assert_eq!(summary.errors, 0);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
