//! The delayed queue of SMS fallbacks (SQS).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::Client;

use super::DeliveryError;

#[async_trait]
pub trait Queue: Send + Sync {
    /// Sends `body` to be received after `delay` (at most 15 minutes).
    async fn send_delayed(&self, body: &str, delay: Duration) -> Result<(), DeliveryError>;
}

pub struct SqsQueue {
    client: Client,
    url: String,
}

impl SqsQueue {
    pub fn new(client: Client, url: String) -> Self {
        Self { client, url }
    }
}

#[async_trait]
impl Queue for SqsQueue {
    async fn send_delayed(&self, body: &str, delay: Duration) -> Result<(), DeliveryError> {
        let seconds = i32::try_from(delay.as_secs().min(900)).unwrap_or(900);
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .delay_seconds(seconds)
            .send()
            .await
            .map(drop)
            .map_err(|e| DeliveryError {
                provider: "sqs",
                reason: aws_sdk_sqs::error::DisplayErrorContext(e).to_string(),
            })
    }
}
