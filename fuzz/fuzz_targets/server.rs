//! The `server` fuzz target: the bytes go to `msnp_tests::fuzz::server`, which says what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| msnp_tests::fuzz::server(data));
