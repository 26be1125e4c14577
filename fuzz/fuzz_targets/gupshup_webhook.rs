//! The `gupshup_webhook` target; what it checks is `concierge_fuzz::gupshup_webhook`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| concierge_fuzz::gupshup_webhook::run(data));
