//! The `server` fuzz target's seeds, replayed on stable: each session ends at once on the paused clock.

use std::time::{Duration, Instant};

#[test]
fn server_seeds_end_at_once() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/server");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("the server corpus") {
        let path = entry.expect("an entry").path();
        let input = std::fs::read(&path).expect("a seed");
        let start = Instant::now();
        msnp_tests::fuzz::server(&input);
        assert!(start.elapsed() < Duration::from_secs(10), "{}: took {:?}", path.display(), start.elapsed());
        count += 1;
    }
    assert!(count >= 3, "{count} seeds");
}
