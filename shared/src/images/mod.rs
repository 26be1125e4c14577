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

mod jpeg;
mod multipart;
mod png;
mod sanitize;

#[cfg(test)]
mod corpus;

pub use multipart::read_file_field;
pub use sanitize::{ImageLimits, SanitizedImage, sanitize};
