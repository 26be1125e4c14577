//! The `json_bodies` target; what it checks is `concierge_fuzz::json_bodies`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| concierge_fuzz::json_bodies::run(data));
