//! Timers the jobs work through, the jobs' heartbeats, and the digests sent.

use async_trait::async_trait;
use jiff::Timestamp;

use super::errors::sdk_error;
use super::ops::key_map;
use super::{DynamoStore, all_from, s};
use crate::error::{Error, Result};
use crate::ids::HotelSlug;
use crate::jobs::model::Heartbeat;
use crate::store::TimerStore;
use crate::store::keys::{self, SK};
use crate::timers::{Timer, TimerKind};

#[async_trait]
impl TimerStore for DynamoStore {
    async fn heartbeats(&self) -> Result<Vec<Heartbeat>> {
        self.query_all(None, keys::HEARTBEATS_PK.into(), None).await
    }

    async fn due_timers(
        &self,
        kind: TimerKind,
        now: Timestamp,
        limit: u16,
        after: Option<&str>,
    ) -> Result<Vec<Timer>> {
        let partition = keys::timers_pk(kind);
        let start = after.map(|position| key_map((partition.clone(), position.to_owned())));
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND SK <= :due")
            .expression_attribute_values(":pk", s(partition))
            .expression_attribute_values(":due", s(keys::timers_due_by(now)))
            .limit(i32::from(limit))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(sdk_error)?;
        all_from(output.items)
    }

    async fn timer(&self, kind: TimerKind, position: &str) -> Result<Option<Timer>> {
        self.get((keys::timers_pk(kind), position.to_owned())).await
    }

    async fn digests_sent_since(
        &self,
        hotel: &HotelSlug,
        from: jiff::civil::Date,
    ) -> Result<Vec<jiff::civil::Date>> {
        let (partition, from) = keys::digest(hotel, from);
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND SK >= :from")
            .expression_attribute_values(":pk", s(partition))
            .expression_attribute_values(":from", s(from))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        output
            .items
            .unwrap_or_default()
            .iter()
            .filter_map(|item| item.get(SK)?.as_s().ok())
            .map(|date| date.parse().map_err(Error::internal))
            .collect()
    }
}
