//! The one pipeline for uploaded images (hotel logos, experience images).
//!
//! An upload handler reads the file out of the multipart body, sanitizes it, and stores what
//! comes out:
//!
//! ```ignore
//! let limits = ImageLimits::default();
//! let upload = images::read_file_field(content_type, body, "image", limits.max_bytes).await?;
//! let image = images::sanitize(&upload, &limits)?;
//! // put `image.bytes` in the bucket with `Content-Type: image.content_type`
//! ```
//!
//! Every refusal is a 4xx `Error` that says what to fix; hostile files (huge declared sizes,
//! decompression bombs, truncated or disguised files) are refused before their pixels are
//! decoded whenever the header already tells, and never panic or exhaust memory.

pub mod bucket;
mod jpeg;
mod multipart;
mod png;
pub mod sanitize;

#[cfg(test)]
mod corpus;

use http::header;
use lambda_http::Request;

use crate::app::App;
use crate::error::{Error, Result};
use crate::ids::HotelSlug;
pub use multipart::read_file_field;
pub use sanitize::{ImageLimits, SanitizedImage, sanitize};

/// The multipart form field that carries the file.
pub const FIELD: &str = "image";

/// Runs the upload in `req` through the pipeline and stores it under
/// `hotels/<hotel>/<folder>/`, returning its public URL. Every new upload gets a new key.
pub async fn store_upload(
    app: &App,
    req: &Request,
    hotel: &HotelSlug,
    folder: &str,
) -> Result<String> {
    let limits = ImageLimits {
        max_bytes: app.config.images.max_bytes,
        ..ImageLimits::default()
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let upload =
        read_file_field(content_type, req.body().as_ref(), FIELD, limits.max_bytes).await?;
    // Decoding is CPU-bound: keep it off the threads that serve other requests.
    let image = tokio::task::spawn_blocking(move || sanitize(&upload, &limits))
        .await
        .map_err(Error::internal)??;
    let extension = if image.content_type == "image/png" {
        "png"
    } else {
        "jpg"
    };
    let name = ulid::Ulid::generate().to_string().to_ascii_lowercase();
    let key = format!("hotels/{hotel}/{folder}/{name}.{extension}");
    app.images().put(&key, image).await?;
    Ok(app.config.images.url_of(&key))
}
