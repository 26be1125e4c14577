//! One-time codes and their delivery, and the networks phones logged in from.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use jiff::{SignedDuration, Timestamp};

use super::errors::sdk_error;
use super::ops::{Condition, Conditional, key_map};
use super::{DynamoStore, INDEX1, applied, attribute, failed_condition, from_item, n, s};
use crate::error::{Error, Result};
use crate::ids::OtpId;
use crate::otp::model::{Channel, DeliveryStatus, OtpCode, OtpScope, Tries};
use crate::store::{OtpDelivery, OtpStore, keys};
use crate::users::Phone;

#[async_trait]
impl OtpStore for DynamoStore {
    async fn latest_otp(&self, phone: &Phone, scope: &OtpScope) -> Result<Option<OtpCode>> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", s(keys::otp_pk(phone)))
            .expression_attribute_values(":prefix", s(keys::otp_prefix(scope)))
            .scan_index_forward(false)
            .consistent_read(true)
            .limit(1)
            .send()
            .await
            .map_err(sdk_error)?;
        output
            .items
            .unwrap_or_default()
            .into_iter()
            .next()
            .map(from_item)
            .transpose()
    }

    async fn count_wrong_otp(
        &self,
        otp: &OtpCode,
        tries: Tries,
        max_attempts: u32,
    ) -> Result<Option<u32>> {
        let attribute = tries.attribute();
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::otp(&otp.phone, &otp.scope, otp.id))))
            .update_expression("ADD #tries :one")
            .condition(
                Condition::new("used = :false AND (attribute_not_exists(#tries) OR #tries < :max)")
                    .name("#tries", attribute)
                    .value(":one", n(1))
                    .value(":false", AttributeValue::Bool(false))
                    .value(":max", n(max_attempts)),
            )
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let attempts = output
                    .attributes
                    .as_ref()
                    .and_then(|a| a.get(attribute))
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| Error::internal_msg("attempts missing after update"))?;
                Ok(Some(attempts))
            }
            Err(err) if err.as_service_error().is_some_and(failed_condition) => Ok(None),
            Err(err) => Err(sdk_error(err)),
        }
    }

    async fn known_network(&self, phone: &Phone, network: &str, now: Timestamp) -> Result<bool> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::known_network(phone, network))))
            .projection_expression("expires_at")
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        // DynamoDB's TTL deletes late, so the expiry is checked here.
        Ok(output
            .item
            .and_then(|item| item.get("expires_at")?.as_n().ok()?.parse::<i64>().ok())
            .is_some_and(|expires_at| expires_at > now.as_second()))
    }

    async fn record_otp_delivery(&self, otp: &OtpCode, delivery: &OtpDelivery) -> Result<()> {
        let mut update =
            "SET channel = :channel, delivery_status = :status, delivery_rank = :rank, \
             provider_message_id = :message_id"
                .to_owned();
        let mut condition = Condition::new("attribute_exists(PK)")
            .value(":channel", attribute(delivery.channel)?)
            .value(":status", attribute(delivery.status)?)
            .value(":rank", n(delivery.status.rank()))
            .value(
                ":message_id",
                delivery
                    .provider_message_id
                    .clone()
                    .map_or(AttributeValue::Null(true), AttributeValue::S),
            );
        if delivery.burn {
            update.push_str(", used = :true");
            condition = condition.value(":true", AttributeValue::Bool(true));
        }
        // A WhatsApp message id leads delivery events back to the code (GSI1).
        if let (Channel::Whatsapp, Some(message_id)) =
            (delivery.channel, &delivery.provider_message_id)
        {
            let (pk, sk) = keys::otp_message(message_id);
            update.push_str(", GSI1PK = :message_pk, GSI1SK = :message_sk");
            condition = condition
                .value(":message_pk", s(pk))
                .value(":message_sk", s(sk));
        }
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::otp(&otp.phone, &otp.scope, otp.id))))
            .update_expression(update)
            .condition(condition)
            .send()
            .await
            .map(drop)
            .map_err(sdk_error)
    }

    async fn otp(&self, phone: &Phone, scope: &OtpScope, id: OtpId) -> Result<Option<OtpCode>> {
        self.get_consistent(keys::otp(phone, scope, id)).await
    }

    async fn otp_by_message(&self, message_id: &str) -> Result<Option<OtpCode>> {
        let (pk, _) = keys::otp_message(message_id);
        let found: Vec<OtpCode> = self.query_all(Some(INDEX1), pk, None).await?;
        Ok(found.into_iter().next())
    }

    async fn claim_sms_fallback(
        &self,
        otp: &OtpCode,
        now: Timestamp,
        timeout: SignedDuration,
    ) -> Result<bool> {
        let stale_before = now.saturating_sub(timeout).unwrap_or(now);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::otp(&otp.phone, &otp.scope, otp.id))))
            .update_expression("SET sms_fallback_claimed_at = :now")
            // `NOT claimed >= stale` holds for a missing or null claim and for a stale one.
            .condition(
                Condition::new(
                    "used = :false AND sms_fallback_sent = :false AND channel = :whatsapp \
                     AND delivery_rank < :reached AND NOT sms_fallback_claimed_at >= :stale",
                )
                .value(":now", n(now.as_second()))
                .value(":false", AttributeValue::Bool(false))
                .value(":whatsapp", attribute(Channel::Whatsapp)?)
                .value(":reached", n(DeliveryStatus::Delivered.rank()))
                .value(":stale", n(stale_before.as_second())),
            )
            .send()
            .await;
        applied(result)
    }

    async fn complete_sms_fallback(
        &self,
        otp: &OtpCode,
        claimed_at: Timestamp,
        new_hash: &str,
        message_id: Option<&str>,
        valid_until: Timestamp,
    ) -> Result<bool> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::otp(&otp.phone, &otp.scope, otp.id))))
            .update_expression(
                "SET code_hash = :hash, channel = :sms, sms_fallback_sent = :true, \
                 delivery_status = :status, delivery_rank = :rank, provider_message_id = :message_id, \
                 valid_until = :valid_until REMOVE GSI1PK, GSI1SK",
            )
            .condition(
                Condition::new("sms_fallback_claimed_at = :claimed AND used = :false")
                    .value(":hash", s(new_hash))
                    .value(":sms", attribute(Channel::Sms)?)
                    .value(":true", AttributeValue::Bool(true))
                    .value(":false", AttributeValue::Bool(false))
                    .value(":status", attribute(DeliveryStatus::Submitted)?)
                    .value(":rank", n(DeliveryStatus::Submitted.rank()))
                    .value(":message_id", message_id.map_or(AttributeValue::Null(true), s))
                    .value(":valid_until", n(valid_until.as_second()))
                    .value(":claimed", n(claimed_at.as_second())),
            )
            .send()
            .await;
        applied(result)
    }

    async fn release_sms_fallback(&self, otp: &OtpCode, claimed_at: Timestamp) -> Result<()> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::otp(&otp.phone, &otp.scope, otp.id))))
            .update_expression("REMOVE sms_fallback_claimed_at")
            .condition(
                Condition::new("sms_fallback_claimed_at = :claimed")
                    .value(":claimed", n(claimed_at.as_second())),
            )
            .send()
            .await;
        // A failed condition: taken over after it went stale, no longer ours to release.
        applied(result).map(drop)
    }

    async fn advance_delivery(&self, otp: &OtpCode, status: DeliveryStatus) -> Result<bool> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::otp(&otp.phone, &otp.scope, otp.id))))
            .update_expression("SET delivery_status = :status, delivery_rank = :rank")
            .condition(
                Condition::new("attribute_exists(PK) AND NOT delivery_rank >= :rank")
                    .value(":status", attribute(status)?)
                    .value(":rank", n(status.rank())),
            )
            .send()
            .await;
        applied(result)
    }
}
