//! Image validation: any bytes as an uploaded image, through `images::sanitize` with limits
//! scaled down so the fuzzer spends its time on parsing rather than on big pixels.
//!
//! A refusal is a 4xx; what is accepted comes out a JPEG or PNG no larger than the output size,
//! its type what its bytes say, and it passes the same check again unchanged in size.

use super::{FUZZ_IMAGE_LIMITS, assert_sanitized};
use concierge::images::sanitize;

pub fn run(data: &[u8]) {
    assert_sanitized(sanitize(data, &FUZZ_IMAGE_LIMITS));
}
