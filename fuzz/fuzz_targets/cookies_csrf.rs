//! The `cookies_csrf` target; what it checks is `concierge_fuzz::cookies_csrf`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| concierge_fuzz::cookies_csrf::run(data));
