//! The `after_hours` target; what it checks is `concierge_fuzz::after_hours`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| concierge_fuzz::after_hours::run(data));
