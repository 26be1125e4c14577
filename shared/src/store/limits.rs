//! Rate-limit counters and idempotency records.

use async_trait::async_trait;

use crate::error::Result;
use crate::idempotency::model::IdempotencyRecord;
use crate::ids::UserId;

#[async_trait]
pub trait LimitStore: Send + Sync {
    async fn idempotency_record(
        &self,
        user: UserId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>>;

    /// Gives up a claim this invocation holds (its work failed), so the key may be retried.
    async fn release_idempotency(&self, record: &IdempotencyRecord) -> Result<()>;

    /// Adds one to the counter `name` for the window starting `window_start` (epoch seconds)
    /// and returns the new count. The counter expires at `expires_at` (epoch seconds).
    async fn increment_counter(
        &self,
        name: &str,
        window_start: i64,
        expires_at: i64,
    ) -> Result<u64>;
}
