//! Session families (refresh-token rotation).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;

use super::ops::{Condition, Conditional, key_map, to_item, with_index, with_key};
use super::{DynamoStore, INDEX1, Item, applied, n, s};
use crate::error::Result;
use crate::ids::{SessionId, TokenId, UserId};
use crate::session::model::SessionFamily;
use crate::store::{SessionStore, keys};

#[async_trait]
impl SessionStore for DynamoStore {
    async fn session_family(&self, id: SessionId) -> Result<Option<SessionFamily>> {
        self.get_consistent(keys::session(id)).await
    }

    async fn rotate_session(
        &self,
        id: SessionId,
        presented: TokenId,
        next: TokenId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::session(id))))
            .update_expression(
                "SET previous_jti = current_jti, current_jti = :next, rotated_at = :now, expires_at = :expires",
            )
            .condition(
                Condition::new(
                    "current_jti = :presented AND revoked = :false AND expires_at > :now_secs",
                )
                .value(":next", s(next.to_string()))
                .value(":presented", s(presented.to_string()))
                .value(":now", s(now.to_string()))
                .value(":now_secs", n(now.as_second()))
                .value(":expires", n(expires_at.as_second()))
                .value(":false", AttributeValue::Bool(false)),
            )
            .send()
            .await;
        applied(result)
    }

    async fn revoke_session(&self, id: SessionId) -> Result<()> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::session(id))))
            .update_expression("SET revoked = :true")
            .condition(
                Condition::new("attribute_exists(PK)").value(":true", AttributeValue::Bool(true)),
            )
            .send()
            .await;
        applied(result).map(drop)
    }

    async fn sessions_of(&self, user: UserId) -> Result<Vec<SessionFamily>> {
        self.query_all(
            Some(INDEX1),
            keys::user_pk(user),
            Some(keys::SESSION_PREFIX),
        )
        .await
    }
}

pub fn session_item(session: &SessionFamily) -> Result<Item> {
    Ok(with_index(
        with_key(to_item(session)?, keys::session(session.id)),
        INDEX1,
        keys::user_sessions(session.user, session.id),
    ))
}
