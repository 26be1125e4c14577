//! Users, and their memberships of hotels.

use async_trait::async_trait;

use crate::error::Result;
use crate::ids::{HotelSlug, UserId};
use crate::members::Membership;
use crate::users::{Email, Phone, User};

#[async_trait]
pub trait UserStore: Send + Sync {
    async fn user(&self, id: UserId) -> Result<Option<User>>;

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>>;

    async fn user_by_phone(&self, phone: &Phone) -> Result<Option<User>>;

    async fn membership(&self, hotel: &HotelSlug, user: UserId) -> Result<Option<Membership>>;

    /// A membership and its user, in one strongly consistent read (what every staff route's
    /// guard decides on).
    async fn membership_and_user(
        &self,
        hotel: &HotelSlug,
        user: UserId,
    ) -> Result<(Option<Membership>, Option<User>)>;

    /// Every hotel membership of a user.
    async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>>;

    /// Every membership of a hotel, active or not.
    async fn members(&self, hotel: &HotelSlug) -> Result<Vec<Membership>>;

    /// The users with these ids, in one batched read; unknown ids are left out.
    async fn users(&self, ids: &[UserId]) -> Result<Vec<User>>;
}
