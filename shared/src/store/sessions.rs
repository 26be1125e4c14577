//! Session families (refresh-token rotation).

use async_trait::async_trait;
use jiff::Timestamp;

use crate::error::Result;
use crate::ids::{SessionId, TokenId, UserId};
use crate::session::model::SessionFamily;

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn session_family(&self, id: SessionId) -> Result<Option<SessionFamily>>;

    /// Replaces the family's current refresh token `presented` with `next`, if `presented` is
    /// current and the family is neither revoked nor expired; `false` otherwise.
    async fn rotate_session(
        &self,
        id: SessionId,
        presented: TokenId,
        next: TokenId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool>;

    /// Revokes a session family (no-op when it does not exist).
    async fn revoke_session(&self, id: SessionId) -> Result<()>;

    /// Every session family of a user, revoked or not.
    async fn sessions_of(&self, user: UserId) -> Result<Vec<SessionFamily>>;
}
