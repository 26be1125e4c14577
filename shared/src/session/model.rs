//! A session family as stored: the refresh tokens of one login.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{SessionId, TokenId, UserId};

/// A session as stored: the family of refresh tokens descending from one login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFamily {
    pub id: SessionId,
    pub user: UserId,
    /// The one refresh token of the family that may be used now.
    pub current_jti: TokenId,
    /// The token it replaced, recognised within the grace window.
    pub previous_jti: Option<TokenId>,
    pub rotated_at: Option<Timestamp>,
    pub revoked: bool,
    pub created_at: Timestamp,
    /// When the current refresh token expires; DynamoDB's TTL attribute (epoch seconds).
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub expires_at: Timestamp,
}
