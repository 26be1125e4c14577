//! Guests' stays.

use async_trait::async_trait;
use jiff::Timestamp;

use super::page::{Page, PageRequest};
use crate::error::Result;
use crate::ids::{HotelSlug, StayId, UserId};
use crate::stays::model::GuestStay;

#[async_trait]
pub trait StayStore: Send + Sync {
    /// Every stay of a guest, oldest first.
    async fn stays_of(&self, guest: UserId) -> Result<Vec<GuestStay>>;

    /// Up to `limit` active stays whose check-out is past by `now`, earliest first.
    async fn stays_ending_by(&self, now: Timestamp, limit: u16) -> Result<Vec<GuestStay>>;

    /// A hotel's stays, latest check-in first.
    async fn hotel_stays(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<GuestStay>>;

    /// One stay, by its id alone.
    async fn stay(&self, id: StayId) -> Result<Option<GuestStay>>;
}
