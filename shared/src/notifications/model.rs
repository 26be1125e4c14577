//! Notifications as stored.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ids::{HotelSlug, NotificationId, RequestId, UserId};
use crate::requests::model::ServiceRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationKind {
    NewRequest,
    /// To the guest: their request changed.
    RequestUpdated,
    Escalation,
    Reminder,
    Digest,
    /// To the staff who acknowledged or were assigned a request: it was cancelled.
    RequestCancelled,
    /// To the staff working a request: its guest checked out.
    GuestLeft,
    /// To a member: a request was assigned to them.
    Assigned,
}

impl NotificationKind {
    /// Whether it tells a guest of their own request; every other kind is hotel business,
    /// seen only through an active membership of its hotel.
    pub fn is_for_guest(self) -> bool {
        self == NotificationKind::RequestUpdated
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub recipient: UserId,
    pub id: NotificationId,
    pub hotel: HotelSlug,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub request: Option<RequestId>,
    pub read: bool,
    pub created_at: Timestamp,
    /// DynamoDB's TTL attribute (epoch seconds).
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub expires_at: Timestamp,
}

impl Notification {
    pub fn new(
        recipient: UserId,
        request: &ServiceRequest,
        kind: NotificationKind,
        title: String,
        body: String,
        now: Timestamp,
    ) -> Self {
        Self {
            recipient,
            id: NotificationId::generate(),
            hotel: request.hotel.clone(),
            kind,
            title,
            body,
            request: Some(request.id),
            read: false,
            created_at: now,
            expires_at: now.saturating_add(RETENTION).unwrap_or(now),
        }
    }
}

/// How long a notification is kept before DynamoDB's TTL removes it.
pub const RETENTION: SignedDuration = SignedDuration::from_hours(90 * 24);
