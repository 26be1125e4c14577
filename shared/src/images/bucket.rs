//! Where sanitized images go (S3 in `delivery::s3`), each hotel's under its own prefix.

use async_trait::async_trait;

use super::sanitize::SanitizedImage;
use crate::error::Result;

#[async_trait]
pub trait ImageBucket: Send + Sync {
    /// Stores `image` at `key`, replacing whatever was there.
    async fn put(&self, key: &str, image: SanitizedImage) -> Result<()>;
}
