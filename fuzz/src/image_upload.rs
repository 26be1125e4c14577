//! Image uploads end to end: a `Content-Type` line, then any body, read as a multipart form by
//! `images::read_file_field` and the file sanitized, as the upload handlers do.
//!
//! A refusal is a 4xx; a file read out of the form is never over the limit; what is accepted
//! keeps the rules of `image_sanitize`.

use super::{FUZZ_IMAGE_LIMITS, assert_client_error, assert_sanitized, block_on, split_line};
use concierge::images::{read_file_field, sanitize};

pub fn run(data: &[u8]) {
    let (content_type, body) = split_line(data);
    let Ok(content_type) = std::str::from_utf8(content_type) else {
        return;
    };
    let limits = FUZZ_IMAGE_LIMITS;
    match block_on(read_file_field(
        content_type,
        body,
        "image",
        limits.max_bytes,
    )) {
        Ok(file) => {
            assert!(file.len() <= limits.max_bytes, "{} bytes read", file.len());
            assert_sanitized(sanitize(&file, &limits));
        }
        Err(err) => assert_client_error(&err),
    }
}
