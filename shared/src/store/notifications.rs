//! Users' notifications and their web push.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

use super::page::{Page, PageRequest};
use crate::error::Result;
use crate::ids::{NotificationId, UserId};
use crate::notifications::model::Notification;
use crate::push::model::{PushClaim, Subscriptions};

#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// A user's notifications, newest first.
    async fn notifications(&self, user: UserId, page: &PageRequest) -> Result<Page<Notification>>;

    /// A user's unread notifications, oldest first.
    async fn unread_notifications(&self, user: UserId) -> Result<Vec<Notification>>;

    /// One of `user`'s notifications, read consistently.
    async fn notification(&self, user: UserId, id: NotificationId) -> Result<Option<Notification>>;

    /// Marks one of `user`'s notifications read; `false` when they have no such notification.
    async fn mark_notification_read(&self, user: UserId, id: NotificationId) -> Result<bool>;

    /// A user's web push subscriptions, read consistently (changes are conditional on it).
    async fn push_subscriptions(&self, user: UserId) -> Result<Subscriptions>;

    /// Claims the push of a notification: free, or claimed more than `timeout` before `now`.
    async fn claim_push(
        &self,
        user: UserId,
        notification: NotificationId,
        now: Timestamp,
        timeout: SignedDuration,
    ) -> Result<PushClaim>;

    /// Records the subscriptions pushed to and ends the claim taken at `claimed_at`: `done`
    /// marks the notification pushed, else it may be claimed again. Nothing happens when the
    /// claim is no longer ours (it went stale and was taken over).
    async fn finish_push(
        &self,
        user: UserId,
        notification: NotificationId,
        claimed_at: Timestamp,
        pushed_to: &[String],
        done: bool,
    ) -> Result<()>;
}
