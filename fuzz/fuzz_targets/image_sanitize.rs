//! The `image_sanitize` target; what it checks is `concierge_fuzz::image_sanitize`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| concierge_fuzz::image_sanitize::run(data));
