//! Users' notifications and their web push.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use jiff::{SignedDuration, Timestamp};

use super::errors::sdk_error;
use super::ops::{Condition, Conditional, key_map, to_item, with_index, with_key};
use super::{
    DynamoStore, INDEX2, Item, applied, attribute, attribute_value, failed_condition, from_item, n,
};
use crate::error::Result;
use crate::ids::{NotificationId, UserId};
use crate::notifications::model::Notification;
use crate::push::model::PushClaim;
use crate::push::model::Subscriptions;
use crate::store::{NotificationStore, Page, PageRequest, keys};

#[async_trait]
impl NotificationStore for DynamoStore {
    async fn notifications(&self, user: UserId, page: &PageRequest) -> Result<Page<Notification>> {
        self.query_page(
            None,
            keys::user_pk(user),
            Some(keys::NOTIFICATION_PREFIX),
            page,
            true,
        )
        .await
    }

    async fn unread_notifications(&self, user: UserId) -> Result<Vec<Notification>> {
        self.query_all(Some(INDEX2), keys::unread_notifications(user), None)
            .await
    }

    async fn notification(&self, user: UserId, id: NotificationId) -> Result<Option<Notification>> {
        self.get_consistent(keys::notification(user, id)).await
    }

    async fn mark_notification_read(&self, user: UserId, id: NotificationId) -> Result<bool> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::notification(user, id))))
            .update_expression("SET #read = :true REMOVE GSI2PK, GSI2SK")
            .condition(
                Condition::new("attribute_exists(PK)")
                    .name("#read", "read")
                    .value(":true", AttributeValue::Bool(true)),
            )
            .send()
            .await;
        applied(result)
    }

    async fn push_subscriptions(&self, user: UserId) -> Result<Subscriptions> {
        let found = self.get_consistent(keys::push_subscriptions(user)).await?;
        Ok(found.unwrap_or_else(|| Subscriptions::none(user)))
    }

    async fn claim_push(
        &self,
        user: UserId,
        notification: NotificationId,
        now: Timestamp,
        timeout: SignedDuration,
    ) -> Result<PushClaim> {
        let key = keys::notification(user, notification);
        let stale_before = now.saturating_sub(timeout).unwrap_or(now);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(key.clone())))
            .update_expression("SET push_claimed_at = :now")
            // `NOT x = v` and `NOT x >= v` hold for a missing attribute as well.
            .condition_expression(
                "attribute_exists(PK) AND NOT pushed = :true AND NOT push_claimed_at >= :stale",
            )
            .expression_attribute_values(":now", n(now.as_second()))
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .expression_attribute_values(":stale", n(stale_before.as_second()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let item = output.attributes.unwrap_or_default();
                let pushed_to = match item.get("pushed_to") {
                    Some(list) => attribute_value(list.clone())?,
                    None => Vec::new(),
                };
                Ok(PushClaim::Claimed {
                    notification: from_item(item)?,
                    pushed_to,
                })
            }
            Err(err) if err.as_service_error().is_some_and(failed_condition) => {
                // Rare (a copy of a message): whether it was pushed, or is being pushed now.
                #[derive(serde::Deserialize)]
                struct State {
                    #[serde(default)]
                    pushed: bool,
                }
                let state: Option<State> = self.get_consistent(key).await?;
                Ok(match state {
                    Some(State { pushed: false }) => PushClaim::Busy,
                    Some(State { pushed: true }) | None => PushClaim::Done,
                })
            }
            Err(err) => Err(sdk_error(err)),
        }
    }

    async fn finish_push(
        &self,
        user: UserId,
        notification: NotificationId,
        claimed_at: Timestamp,
        pushed_to: &[String],
        done: bool,
    ) -> Result<()> {
        let update = if done {
            "SET pushed_to = :pushed_to, pushed = :true REMOVE push_claimed_at"
        } else {
            "SET pushed_to = :pushed_to REMOVE push_claimed_at"
        };
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::notification(user, notification))))
            .update_expression(update)
            .condition_expression("push_claimed_at = :claimed")
            .expression_attribute_values(":pushed_to", attribute(pushed_to)?)
            .expression_attribute_values(":claimed", n(claimed_at.as_second()));
        if done {
            request = request.expression_attribute_values(":true", AttributeValue::Bool(true));
        }
        if !applied(request.send().await)? {
            tracing::warn!(%user, %notification, "a push claim went stale and was taken over");
        }
        Ok(())
    }
}

/// A notification, in its recipient's unread index while unread.
pub fn notification_item(notification: &Notification) -> Result<Item> {
    let item = with_key(
        to_item(notification)?,
        keys::notification(notification.recipient, notification.id),
    );
    Ok(if notification.read {
        item
    } else {
        with_index(
            item,
            INDEX2,
            (
                keys::unread_notifications(notification.recipient),
                notification.id.to_string(),
            ),
        )
    })
}
