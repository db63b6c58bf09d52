//! The `rst` fuzz target: the bytes go to `msnp_tests::fuzz::rst`, which says what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| msnp_tests::fuzz::rst(data));
