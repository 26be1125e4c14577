//! Guests' stays.

use async_trait::async_trait;
use jiff::Timestamp;

use super::errors::sdk_error;
use super::ops::{to_item, with_index, with_key};
use super::{DynamoStore, INDEX1, INDEX2, INDEX3, Item, all_from, s};
use crate::error::Result;
use crate::ids::{HotelSlug, StayId, UserId};
use crate::stays::model::GuestStay;
use crate::store::{Page, PageRequest, StayStore, keys};

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

/// A stay, in its hotel's stays, by its id and, while active, in the active stays.
pub fn stay_item(stay: &GuestStay) -> Result<Item> {
    let item = with_index(
        with_index(
            with_key(to_item(stay)?, keys::stay(stay.guest, stay.id)),
            INDEX1,
            keys::hotel_stays(&stay.hotel, stay.check_in, stay.id),
        ),
        INDEX3,
        keys::stay_by_id(stay.id),
    );
    Ok(if stay.active {
        with_index(item, INDEX2, keys::active_stays(stay.check_out, stay.id))
    } else {
        item
    })
}
