//! The image bucket in S3: each hotel's images under its own prefix.

use async_trait::async_trait;
use aws_sdk_s3::primitives::ByteStream;

use crate::error::{Error, Result};
use crate::images::bucket::ImageBucket;
use crate::images::sanitize::SanitizedImage;

pub struct S3Bucket {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3Bucket {
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }
}

#[async_trait]
impl ImageBucket for S3Bucket {
    async fn put(&self, key: &str, image: SanitizedImage) -> Result<()> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(image.content_type)
            // Keys are never reused: a new upload gets a new key, so caches may keep it forever.
            .cache_control("public, max-age=31536000, immutable")
            .body(ByteStream::from(image.bytes))
            .send()
            .await
            .map_err(|err| {
                Error::Unavailable(
                    aws_sdk_s3::error::DisplayErrorContext(err)
                        .to_string()
                        .into(),
                )
            })?;
        Ok(())
    }
}
