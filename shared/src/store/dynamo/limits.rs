//! Rate-limit counters and idempotency records.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use super::errors::sdk_error;
use super::ops::{Condition, Conditional, key_map};
use super::{DynamoStore, applied, n};
use crate::error::{Error, Result};
use crate::idempotency::model::{IdempotencyRecord, State};
use crate::ids::UserId;
use crate::store::{LimitStore, keys};

#[async_trait]
impl LimitStore for DynamoStore {
    async fn idempotency_record(
        &self,
        user: UserId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>> {
        self.get(keys::idempotency(user, key)).await
    }

    async fn release_idempotency(&self, record: &IdempotencyRecord) -> Result<()> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::idempotency(record.user, &record.key))))
            .condition(held(record)?)
            .send()
            .await;
        // A failed condition: someone took the claim over meanwhile, it is theirs now.
        applied(result).map(drop)
    }

    async fn increment_counter(
        &self,
        name: &str,
        window_start: i64,
        expires_at: i64,
    ) -> Result<u64> {
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::counter(name, window_start))))
            .update_expression("ADD hits :one SET expires_at = :expires")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":expires", n(expires_at))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(sdk_error)?;
        output
            .attributes
            .as_ref()
            .and_then(|a| a.get("hits"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Error::internal_msg("counter missing after update"))
    }
}

/// The condition that an idempotency claim is still the one `record` took.
pub fn held(record: &IdempotencyRecord) -> Result<Condition> {
    Ok(
        Condition::new("#state = :in_flight AND claimed_at = :claimed")
            .name("#state", "state")
            .value(
                ":in_flight",
                serde_dynamo::to_attribute_value(State::InFlight).map_err(Error::internal)?,
            )
            .value(
                ":claimed",
                AttributeValue::N(record.claimed_at.as_second().to_string()),
            ),
    )
}
