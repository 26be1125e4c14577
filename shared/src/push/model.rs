//! Push subscriptions as stored: at most ten a person.

use data_encoding::BASE64URL_NOPAD;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::delivery::webpush::Endpoint;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::notifications::model::Notification;

/// Subscriptions a user may have; a new one beyond them replaces the oldest.
pub const MAX_SUBSCRIPTIONS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSubscription {
    /// Derived from the endpoint, so subscribing the same browser twice keeps one record.
    pub id: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub created_at: Timestamp,
}

impl PushSubscription {
    pub fn target(&self) -> Endpoint<'_> {
        Endpoint {
            url: &self.endpoint,
            p256dh: &self.p256dh,
            auth: &self.auth,
        }
    }
}

/// A user's subscriptions, oldest first, as one item: every change replaces it on condition
/// that `version` is still the one read, so the cap holds however many changes race.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscriptions {
    pub user: UserId,
    /// 0 while the user never subscribed (no item), then one more per change.
    pub version: u64,
    pub subscriptions: Vec<PushSubscription>,
}

impl Subscriptions {
    pub fn none(user: UserId) -> Self {
        Self {
            user,
            version: 0,
            subscriptions: Vec::new(),
        }
    }
}

/// A subscription id from a path: what `subscription_id` makes, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionId(String);

impl SubscriptionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for SubscriptionId {
    type Err = Error;

    fn from_str(raw: &str) -> Result<Self> {
        match BASE64URL_NOPAD.decode(raw.as_bytes()) {
            Ok(bytes) if bytes.len() == 16 => Ok(Self(raw.to_owned())),
            _ => Err(Error::field("subscription", "not a subscription id")),
        }
    }
}

/// What claiming a notification's push found.
#[derive(Debug, Clone, PartialEq)]
pub enum PushClaim {
    /// This consumer holds the claim; `pushed_to` are the subscriptions an earlier attempt
    /// already pushed to.
    Claimed {
        notification: Notification,
        pushed_to: Vec<String>,
    },
    /// Pushed already, or no such notification (expired): nothing to do.
    Done,
    /// Someone else holds a fresh claim and is pushing right now.
    Busy,
}
