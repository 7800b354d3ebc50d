#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| metiers_fuzz::api::check(data));
