//! Guests' stays.

use async_trait::async_trait;
use jiff::Timestamp;

use super::errors::sdk_error;
use super::{DynamoStore, INDEX1, INDEX2, INDEX3, all_from, s};
use crate::error::Result;
use crate::ids::{HotelSlug, StayId, UserId};
use crate::stays::GuestStay;
use crate::store::StayStore;
use crate::store::keys;
use crate::store::{Page, PageRequest};

#[async_trait]
impl StayStore for DynamoStore {
    async fn stays_of(&self, guest: UserId) -> Result<Vec<GuestStay>> {
        self.query_all_consistent(keys::user_pk(guest), keys::STAY_PREFIX)
            .await
    }

    async fn stays_ending_by(&self, now: Timestamp, limit: u16) -> Result<Vec<GuestStay>> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX2.name)
            .key_condition_expression("GSI2PK = :pk AND GSI2SK <= :due")
            .expression_attribute_values(":pk", s(keys::ACTIVE_STAYS))
            .expression_attribute_values(":due", s(format!("{}#~", keys::sortable(now))))
            .limit(i32::from(limit))
            .send()
            .await
            .map_err(sdk_error)?;
        all_from(output.items)
    }

    async fn hotel_stays(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<GuestStay>> {
        self.query_page(Some(INDEX1), keys::hotel_stays_pk(hotel), None, page, true)
            .await
    }

    async fn stay(&self, id: StayId) -> Result<Option<GuestStay>> {
        let (partition, _) = keys::stay_by_id(id);
        let stays: Vec<GuestStay> = self.query_all(Some(INDEX3), partition, None).await?;
        Ok(stays.into_iter().next())
    }
}
