//! The `image_upload` target; what it checks is `concierge_fuzz::image_upload`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| concierge_fuzz::image_upload::run(data));
