//! The fuzz targets' checks, one module each (`fuzz_targets/<name>.rs` only hands libFuzzer's
//! input to `<name>::run`), and what they share: requests built the way API Gateway hands them
//! to a Lambda, and the one rule every input must keep — a refusal is the client's fault (4xx),
//! never a crash and never a 500.
//!
//! `tests/fuzz_replay.rs` includes this file as a module of the main workspace, so `make test`
//! runs every check over the seeds and their mutants in the ordinary build, while `make fuzz`
//! runs them coverage-guided.

pub mod after_hours;
pub mod cookies_csrf;
pub mod gupshup_webhook;
pub mod image_sanitize;
pub mod image_upload;
pub mod json_bodies;

use std::sync::OnceLock;

use concierge::Error;
use concierge::images::{ImageLimits, SanitizedImage, sanitize};
use http::{HeaderName, HeaderValue, Method};
use lambda_http::{Body, Request};

/// A request with `body` and, of `headers`, those that are valid header values (API Gateway
/// never delivers invalid ones).
pub fn request(method: Method, headers: &[(&str, &[u8])], body: &[u8]) -> Request {
    let mut req = Request::new(Body::Binary(body.to_vec()));
    *req.method_mut() = method;
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            req.headers_mut().append(name, value);
        }
    }
    req
}

/// A POST of `body` with `content_type`.
pub fn post(content_type: &[u8], body: &[u8]) -> Request {
    request(Method::POST, &[("content-type", content_type)], body)
}

/// Panics unless `err` is a client error: malformed input must never be a 500.
pub fn assert_client_error(err: &Error) {
    assert!(
        err.status().is_client_error(),
        "input refused as {}: {err:?}",
        err.status()
    );
}

/// Runs an async function of ours to completion; those fuzzed here never wait on anything.
pub fn block_on<F: Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a current-thread runtime")
        })
        .block_on(future)
}

/// Splits `data` at the first `\n`: a header line and the rest. Lets a plain file in the corpus
/// carry both a header and a body.
pub fn split_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&byte| byte == b'\n') {
        Some(end) => (&data[..end], &data[end + 1..]),
        None => (data, &[]),
    }
}

/// Upload limits scaled down from the defaults, keeping their proportions: big enough for the
/// decoders' interesting paths, small enough for thousands of runs a second.
pub const FUZZ_IMAGE_LIMITS: ImageLimits = ImageLimits {
    max_bytes: 256 * 1024,
    max_dimension: 1024,
    output_long_side: 200,
    max_decode_bytes: 3 * 1024 * 1024,
};

/// Panics unless `result` is a 4xx refusal or an image that keeps the pipeline's promises: a
/// JPEG or PNG, its type what its bytes say, within the output size, and accepted again as is.
pub fn assert_sanitized(result: concierge::Result<SanitizedImage>) {
    let image = match result {
        Ok(image) => image,
        Err(err) => return assert_client_error(&err),
    };
    let limits = FUZZ_IMAGE_LIMITS;
    let longer = image.width.max(image.height);
    assert!(
        image.width >= 1 && image.height >= 1 && longer <= limits.output_long_side,
        "{}×{} out",
        image.width,
        image.height
    );
    let format = image::guess_format(&image.bytes).expect("the output has a known format");
    let expected = match image.content_type {
        "image/jpeg" => image::ImageFormat::Jpeg,
        "image/png" => image::ImageFormat::Png,
        other => panic!("stored as {other}"),
    };
    assert_eq!(format, expected);
    let again = sanitize(&image.bytes, &limits).expect("our own output is accepted");
    assert_eq!((again.width, again.height), (image.width, image.height));
}

/// A target's check of one input: it panics when a rule is broken.
pub type Check = fn(&[u8]);

/// Every target, by the name cargo-fuzz and `fuzz/seeds.py` give it.
pub const TARGETS: [(&str, Check); 6] = [
    ("after_hours", after_hours::run),
    ("cookies_csrf", cookies_csrf::run),
    ("gupshup_webhook", gupshup_webhook::run),
    ("image_sanitize", image_sanitize::run),
    ("image_upload", image_upload::run),
    ("json_bodies", json_bodies::run),
];
