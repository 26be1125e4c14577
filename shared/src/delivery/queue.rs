//! Messages to our own consumers (SQS): the delayed SMS fallbacks and the web pushes.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

use super::DeliveryError;

/// SQS takes at most this many messages in one `SendMessageBatch`.
const BATCH: usize = 10;

#[async_trait]
pub trait Queue: Send + Sync {
    /// Sends `body` to be received after `delay` (at most 15 minutes).
    async fn send_delayed(&self, body: &str, delay: Duration) -> Result<(), DeliveryError>;

    /// Sends every one of `bodies`, ten to a call, the calls at once.
    async fn send_all(&self, bodies: &[String]) -> Result<(), DeliveryError>;
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

fn failure(reason: impl ToString) -> DeliveryError {
    DeliveryError {
        provider: "sqs",
        reason: reason.to_string(),
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
            .map_err(|e| failure(aws_sdk_sqs::error::DisplayErrorContext(e)))
    }

    async fn send_all(&self, bodies: &[String]) -> Result<(), DeliveryError> {
        let calls = bodies.chunks(BATCH).map(|chunk| async move {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(n, body)| {
                    SendMessageBatchRequestEntry::builder()
                        .id(n.to_string())
                        .message_body(body)
                        .build()
                        .map_err(failure)
                })
                .collect::<Result<Vec<_>, _>>()?;
            let sent = self
                .client
                .send_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| failure(aws_sdk_sqs::error::DisplayErrorContext(e)))?;
            match sent.failed().len() {
                0 => Ok(()),
                failed => Err(failure(format!(
                    "{failed} of {} messages refused",
                    chunk.len()
                ))),
            }
        });
        futures_util::future::join_all(calls)
            .await
            .into_iter()
            .collect()
    }
}
