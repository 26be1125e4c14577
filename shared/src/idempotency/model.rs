//! Idempotency records as stored: a key's claim and the response it replays.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// How long a key is remembered.
pub const RETENTION: SignedDuration = SignedDuration::from_hours(24);

/// A claim older than this was left by an invocation that died; it may be taken over.
pub const ABANDONED_AFTER: SignedDuration = SignedDuration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    InFlight,
    Done,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub user: UserId,
    pub key: String,
    /// SHA-256 of the request body.
    pub body_hash: String,
    pub state: State,
    /// When this claim was taken (epoch seconds); also proves who holds it.
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub claimed_at: Timestamp,
    pub response_status: Option<u16>,
    pub response_body: Option<String>,
    /// DynamoDB's TTL attribute (epoch seconds).
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub expires_at: Timestamp,
}
