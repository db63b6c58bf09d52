//! The client on a paused clock: its deadlines and the timeouts they set run on the same clock, so a session whose
//! server falls silent ends as soon as nothing else can happen.

use std::time::{Duration, Instant};

use msnp_tests::fuzz;

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
