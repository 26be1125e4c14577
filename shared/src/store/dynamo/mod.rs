//! The DynamoDB store: one table, keys from `keys`, items mapped with `serde_dynamo`.

mod cursor;
mod errors;
mod ops;

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use jiff::{SignedDuration, Timestamp};
use serde::de::DeserializeOwned;

use super::keys::{
    self, GSI1, GSI1PK, GSI1SK, GSI2, GSI2PK, GSI2SK, GSI3, GSI3PK, GSI3SK, GSI4, GSI4PK, GSI4SK,
    Key, PK, SK,
};
use super::{
    Listed, OtpDelivery, Page, PageRequest, Part, Position, RequestFilter, RequestListing, Store,
    Tries, Write,
};
use crate::departments::Department;
use crate::error::{Error, Result};
use crate::experiences::Experience;
use crate::hotels::Hotel;
use crate::idempotency::IdempotencyRecord;
use crate::ids::{
    ActivityId, DepartmentSlug, ExperienceId, HotelSlug, NotificationId, OtpId, QrCode, RequestId,
    SessionId, StayId, TokenId, UserId,
};
use crate::jobs::Heartbeat;
use crate::members::Membership;
use crate::notifications::Notification;
use crate::otp::{Channel, DeliveryStatus, OtpCode, OtpScope};
use crate::push::Subscriptions;
use crate::push::deliver::PushClaim;
use crate::qr::QrCodeRecord;
use crate::requests::{Activity, ServiceRequest, Status};
use crate::session::SessionFamily;
use crate::stays::GuestStay;
use crate::timers::{Timer, TimerKind};
use crate::users::{Email, Phone, User};
use errors::{sdk_error, transaction_error};
use ops::{Claim, Condition, Conditional, Op, held, key_map, ops_of};

pub type Item = HashMap<String, AttributeValue>;

pub struct DynamoStore {
    client: Client,
    table: String,
}

/// Which global secondary index, and its key attributes.
#[derive(Clone, Copy)]
pub(crate) struct Index {
    name: &'static str,
    pk: &'static str,
    sk: &'static str,
}

pub(crate) const INDEX1: Index = Index {
    name: GSI1,
    pk: GSI1PK,
    sk: GSI1SK,
};
pub(crate) const INDEX2: Index = Index {
    name: GSI2,
    pk: GSI2PK,
    sk: GSI2SK,
};
pub(crate) const INDEX3: Index = Index {
    name: GSI3,
    pk: GSI3PK,
    sk: GSI3SK,
};
pub(crate) const INDEX4: Index = Index {
    name: GSI4,
    pk: GSI4PK,
    sk: GSI4SK,
};

/// Pages a filtered request listing reads at most per call: the bound on its read cost.
const MAX_PAGES_PER_LISTING: usize = 4;

fn from_item<T: DeserializeOwned>(item: Item) -> Result<T> {
    serde_dynamo::from_item(item).map_err(|e| Error::internal_msg(format!("unreadable item: {e}")))
}

/// Every item of a page of results, read.
fn all_from<T: DeserializeOwned>(items: Option<Vec<Item>>) -> Result<Vec<T>> {
    items
        .unwrap_or_default()
        .into_iter()
        .map(from_item)
        .collect()
}

/// Up to `limit` items of `query` from `start`, reading at most `max_pages` pages (a filtered
/// query's pages may hold fewer items than asked for), and where the next page would start.
async fn pages_up_to<T: DeserializeOwned>(
    query: &QueryFluentBuilder,
    limit: u16,
    mut start: Option<Item>,
    max_pages: usize,
) -> Result<(Vec<T>, Option<Item>)> {
    let mut items = Vec::new();
    for _ in 0..max_pages {
        let remaining = usize::from(limit).saturating_sub(items.len());
        if remaining == 0 {
            break;
        }
        let output = query
            .clone()
            .limit(i32::try_from(remaining).unwrap_or(i32::MAX))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(sdk_error)?;
        items.extend(all_from(output.items)?);
        start = output.last_evaluated_key;
        if start.is_none() {
            break;
        }
    }
    Ok((items, start))
}

/// Whether an item of a request's partition is one of its history entries.
fn is_activity(item: &Item) -> bool {
    item.get(SK)
        .and_then(|sk| sk.as_s().ok())
        .is_some_and(|sk| sk.starts_with(keys::ACTIVITY_PREFIX))
}

fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

fn n(number: impl ToString) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

/// A value as DynamoDB stores it (e.g. an enum as its name).
fn attribute<T: serde::Serialize>(value: T) -> Result<AttributeValue> {
    serde_dynamo::to_attribute_value(value).map_err(Error::internal)
}

/// A value read back from DynamoDB's representation.
fn attribute_value<T: DeserializeOwned>(value: AttributeValue) -> Result<T> {
    serde_dynamo::from_attribute_value(value)
        .map_err(|e| Error::internal_msg(format!("unreadable attribute: {e}")))
}

fn failed_condition<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(err: &E) -> bool {
    err.code() == Some("ConditionalCheckFailedException")
}

/// Whether a conditional write was applied: `false` when its condition failed.
fn applied<T, E, R>(result: std::result::Result<T, SdkError<E, R>>) -> Result<bool>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(err) if err.as_service_error().is_some_and(failed_condition) => Ok(false),
        Err(err) => Err(sdk_error(err)),
    }
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn get<T: DeserializeOwned>(&self, key: Key) -> Result<Option<T>> {
        self.read(key, false).await
    }

    /// `get`, strongly consistent: for the reads that decide a security outcome (who someone
    /// is, whether they may, whether a session or code is still good; `docs/security.md`).
    async fn get_consistent<T: DeserializeOwned>(&self, key: Key) -> Result<Option<T>> {
        self.read(key, true).await
    }

    async fn read<T: DeserializeOwned>(&self, key: Key, consistent: bool) -> Result<Option<T>> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .set_consistent_read(consistent.then_some(true))
            .send()
            .await
            .map_err(sdk_error)?;
        output.item.map(from_item).transpose()
    }

    /// Every item of a partition (whose sort key starts with `prefix`, when given), following
    /// pages; on `index` when given, else on the table.
    async fn query_all<T: DeserializeOwned>(
        &self,
        index: Option<Index>,
        partition: String,
        prefix: Option<&str>,
    ) -> Result<Vec<T>> {
        self.query_items(index, partition, prefix, false)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// `query_all` on the table, strongly consistent (see `get_consistent`).
    async fn query_all_consistent<T: DeserializeOwned>(
        &self,
        partition: String,
        prefix: &str,
    ) -> Result<Vec<T>> {
        self.query_items(None, partition, Some(prefix), true)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// `query_all`, as raw items.
    async fn query_items(
        &self,
        index: Option<Index>,
        partition: String,
        prefix: Option<&str>,
        consistent: bool,
    ) -> Result<Vec<Item>> {
        let (pk, sk) = index.map_or((PK, SK), |index| (index.pk, index.sk));
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(index.map(|index| index.name.to_owned()))
                .expression_attribute_names("#pk", pk)
                .expression_attribute_values(":pk", s(partition.clone()));
            query = match prefix {
                Some(prefix) => query
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expression_attribute_names("#sk", sk)
                    .expression_attribute_values(":prefix", s(prefix)),
                None => query.key_condition_expression("#pk = :pk"),
            };
            let output = query
                .set_consistent_read(consistent.then_some(true))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(sdk_error)?;
            items.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// One page of a partition (of `index`, or of the table when `None`), in sort order or,
    /// when `newest_first`, in reverse; only sort keys starting with `prefix` when given.
    async fn query_page<T: DeserializeOwned>(
        &self,
        index: Option<Index>,
        partition: String,
        prefix: Option<&str>,
        page: &PageRequest,
        newest_first: bool,
    ) -> Result<Page<T>> {
        let start = page
            .cursor
            .as_ref()
            .map(|cursor| cursor::decode(cursor, index, &partition))
            .transpose()?;
        let (pk, sk) = index.map_or((PK, SK), |index| (index.pk, index.sk));
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(index.map(|index| index.name.to_owned()))
            .expression_attribute_names("#pk", pk)
            .expression_attribute_values(":pk", s(partition));
        query = match prefix {
            Some(prefix) => query
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#sk", sk)
                .expression_attribute_values(":prefix", s(prefix)),
            None => query.key_condition_expression("#pk = :pk"),
        };
        let output = query
            .scan_index_forward(!newest_first)
            .limit(i32::from(page.limit))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(sdk_error)?;
        let items = output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect::<Result<_>>()?;
        let next_cursor = output
            .last_evaluated_key
            .as_ref()
            .map(cursor::encode)
            .transpose()?;
        Ok(Page { items, next_cursor })
    }

    /// Runs one operation outside a transaction; a failed condition is `write`'s conflict.
    async fn execute(&self, op: Op, write: &Write<'_>, part: Part) -> Result<()> {
        let conflict = || write.conflict(part);
        match op {
            Op::Put { item, condition } => self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition(condition)
                .send()
                .await
                .map(drop)
                .map_err(|err| match err.as_service_error() {
                    Some(e) if failed_condition(e) => conflict(),
                    _ => sdk_error(err),
                }),
            Op::Update {
                key,
                update,
                condition,
            } => self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key_map(key)))
                .update_expression(update)
                .condition(condition)
                .send()
                .await
                .map(drop)
                .map_err(|err| match err.as_service_error() {
                    Some(e) if failed_condition(e) => conflict(),
                    _ => sdk_error(err),
                }),
            Op::Delete { key, condition } => self
                .client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(key_map(key)))
                .condition(condition)
                .send()
                .await
                .map(drop)
                .map_err(|err| match err.as_service_error() {
                    Some(e) if failed_condition(e) => conflict(),
                    _ => sdk_error(err),
                }),
            Op::Check { .. } => Err(Error::internal_msg(
                "a condition check only makes sense inside a transaction",
            )),
        }
    }

    async fn user_by_claim(&self, key: Key) -> Result<Option<User>> {
        let claim: Option<Claim> = self.get_consistent(key).await?;
        match claim {
            Some(claim) => self.user(claim.user_id).await,
            None => Ok(None),
        }
    }
}

#[async_trait]
impl Store for DynamoStore {
    async fn hotel(&self, slug: &HotelSlug) -> Result<Option<Hotel>> {
        self.get(keys::hotel(slug)).await
    }

    async fn departments(&self, hotel: &HotelSlug) -> Result<Vec<Department>> {
        self.query_all(None, keys::hotel_pk(hotel), Some(keys::DEPARTMENT_PREFIX))
            .await
    }

    async fn listed_experiences(
        &self,
        hotel: &HotelSlug,
        department: Option<&DepartmentSlug>,
        page: &PageRequest,
    ) -> Result<Page<Experience>> {
        match department {
            None => {
                self.query_page(
                    Some(INDEX1),
                    keys::listed_experiences(hotel),
                    None,
                    page,
                    false,
                )
                .await
            }
            Some(department) => {
                let partition = keys::listed_department_experiences(hotel, department);
                self.query_page(Some(INDEX2), partition, None, page, false)
                    .await
            }
        }
    }

    async fn experience(&self, hotel: &HotelSlug, id: ExperienceId) -> Result<Option<Experience>> {
        self.get(keys::experience(hotel, id)).await
    }

    async fn scan_qr_code(&self, code: &QrCode) -> Result<Option<QrCodeRecord>> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::qr_code(code))))
            .update_expression("ADD scan_count :one")
            .condition(
                Condition::new("attribute_exists(PK) AND active = :active")
                    .value(":one", n(1))
                    .value(":active", AttributeValue::Bool(true)),
            )
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => output.attributes.map(from_item).transpose(),
            Err(err) if err.as_service_error().is_some_and(failed_condition) => Ok(None),
            Err(err) => Err(sdk_error(err)),
        }
    }

    async fn qr_code(&self, code: &QrCode) -> Result<Option<QrCodeRecord>> {
        self.get_consistent(keys::qr_code(code)).await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.get_consistent(keys::user(id)).await
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        self.user_by_claim(keys::email_claim(email)).await
    }

    async fn user_by_phone(&self, phone: &Phone) -> Result<Option<User>> {
        self.user_by_claim(keys::phone_claim(phone)).await
    }

    async fn membership(&self, hotel: &HotelSlug, user: UserId) -> Result<Option<Membership>> {
        self.get_consistent(keys::membership(hotel, user)).await
    }

    async fn membership_and_user(
        &self,
        hotel: &HotelSlug,
        user: UserId,
    ) -> Result<(Option<Membership>, Option<User>)> {
        let wanted = aws_sdk_dynamodb::types::KeysAndAttributes::builder()
            .keys(key_map(keys::membership(hotel, user)))
            .keys(key_map(keys::user(user)))
            .consistent_read(true)
            .build()
            .map_err(Error::internal)?;
        let mut request = Some(wanted);
        let (mut membership, mut account) = (None, None);
        // BatchGetItem may leave keys unprocessed under load; they are asked for again.
        while let Some(wanted) = request.take() {
            let output = self
                .client
                .batch_get_item()
                .request_items(&self.table, wanted)
                .send()
                .await
                .map_err(sdk_error)?;
            for item in output
                .responses
                .and_then(|mut r| r.remove(&self.table))
                .unwrap_or_default()
            {
                let is_user = item
                    .get(SK)
                    .and_then(|sk| sk.as_s().ok())
                    .map(String::as_str)
                    == Some("USER");
                if is_user {
                    account = Some(from_item(item)?);
                } else {
                    membership = Some(from_item(item)?);
                }
            }
            request = output
                .unprocessed_keys
                .and_then(|mut unprocessed| unprocessed.remove(&self.table));
        }
        Ok((membership, account))
    }

    async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>> {
        self.query_all(Some(INDEX1), keys::user_pk(user), Some(keys::MEMBER_PREFIX))
            .await
    }

    async fn stays_of(&self, guest: UserId) -> Result<Vec<GuestStay>> {
        self.query_all_consistent(keys::user_pk(guest), keys::STAY_PREFIX)
            .await
    }

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

    async fn increment_counter(
        &self,
        name: &str,
        window_start: i64,
        expires_at: i64,
    ) -> Result<u64> {
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::counter(name, window_start))))
            .update_expression("ADD hits :one SET expires_at = :expires")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":expires", n(expires_at))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(sdk_error)?;
        output
            .attributes
            .as_ref()
            .and_then(|a| a.get("hits"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Error::internal_msg("counter missing after update"))
    }

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

    async fn department(
        &self,
        hotel: &HotelSlug,
        slug: &DepartmentSlug,
    ) -> Result<Option<Department>> {
        self.get(keys::department(hotel, slug)).await
    }

    async fn members(&self, hotel: &HotelSlug) -> Result<Vec<Membership>> {
        self.query_all(None, keys::hotel_pk(hotel), Some(keys::MEMBER_PREFIX))
            .await
    }

    async fn request(&self, id: RequestId) -> Result<Option<ServiceRequest>> {
        self.get(keys::request(id)).await
    }

    async fn request_with_activity(
        &self,
        id: RequestId,
    ) -> Result<Option<(ServiceRequest, Vec<Activity>)>> {
        // The request (SK `REQ`) and its activity (SK `ACT#…`) share a partition: one query.
        let items = self
            .query_items(None, keys::request_pk(id), None, false)
            .await?;
        let mut request = None;
        let mut activity = Vec::new();
        for item in items {
            if is_activity(&item) {
                activity.push(from_item(item)?);
            } else {
                request = Some(from_item(item)?);
            }
        }
        Ok(request.map(|request| (request, activity)))
    }

    async fn request_since(
        &self,
        id: RequestId,
        after: ActivityId,
    ) -> Result<Option<(ServiceRequest, Vec<Activity>)>> {
        // The request's SK `REQ` sorts after every `ACT#…`: one range read returns the new
        // entries and the request itself.
        let mut request = None;
        let mut activity = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .key_condition_expression("PK = :pk AND SK > :after")
                .expression_attribute_values(":pk", s(keys::request_pk(id)))
                .expression_attribute_values(":after", s(keys::activity(id, after).1))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(sdk_error)?;
            for item in output.items.unwrap_or_default() {
                if is_activity(&item) {
                    activity.push(from_item(item)?);
                } else {
                    request = Some(from_item(item)?);
                }
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(request.map(|request| (request, activity)));
            }
        }
    }

    async fn hotel_activity_since(
        &self,
        hotel: &HotelSlug,
        after: ActivityId,
        limit: u16,
    ) -> Result<Vec<Activity>> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX1.name)
            .key_condition_expression("GSI1PK = :pk AND GSI1SK > :after")
            .expression_attribute_values(":pk", s(keys::hotel_activity_pk(hotel)))
            .expression_attribute_values(":after", s(after.to_string()))
            .limit(i32::from(limit))
            .send()
            .await
            .map_err(sdk_error)?;
        all_from(output.items)
    }

    async fn open_requests(&self, hotel: &HotelSlug, limit: u16) -> Result<Vec<ServiceRequest>> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX4.name)
            .key_condition_expression("GSI4PK = :pk")
            .expression_attribute_values(":pk", s(keys::open_requests(hotel)));
        let (requests, _) = pages_up_to(&query, limit, None, usize::MAX).await?;
        Ok(requests)
    }

    async fn requests(
        &self,
        listing: &RequestListing,
        filter: &RequestFilter,
        limit: u16,
        after: Option<Position>,
    ) -> Result<Listed> {
        let (index, partition) = match listing {
            RequestListing::Hotel(hotel) => (INDEX1, keys::hotel_requests(hotel)),
            RequestListing::Department(hotel, department) => {
                (INDEX2, keys::department_requests(hotel, department))
            }
            RequestListing::Guest(guest) => (INDEX3, keys::guest_requests(*guest)),
        };
        let query = listing_query(&self.client, &self.table, index, &partition, filter)?;
        let start = after.map(|position| {
            let mut key = key_map(keys::request(position.id));
            key.insert(index.pk.into(), s(partition.clone()));
            key.insert(
                index.sk.into(),
                s(keys::request_position(position.created_ms, position.id)),
            );
            key
        });
        let (items, start) = pages_up_to(&query, limit, start, MAX_PAGES_PER_LISTING).await?;
        let frontier = start
            .as_ref()
            .map(|key| position_of(key, index))
            .transpose()?;
        Ok(Listed { items, frontier })
    }

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

    async fn idempotency_record(
        &self,
        user: UserId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>> {
        self.get(keys::idempotency(user, key)).await
    }

    async fn release_idempotency(&self, record: &IdempotencyRecord) -> Result<()> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::idempotency(record.user, &record.key))))
            .condition(held(record)?)
            .send()
            .await;
        // A failed condition: someone took the claim over meanwhile, it is theirs now.
        applied(result).map(drop)
    }

    async fn due_timers(
        &self,
        kind: TimerKind,
        now: Timestamp,
        limit: u16,
        after: Option<&str>,
    ) -> Result<Vec<Timer>> {
        let partition = keys::timers_pk(kind);
        let start = after.map(|position| key_map((partition.clone(), position.to_owned())));
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND SK <= :due")
            .expression_attribute_values(":pk", s(partition))
            .expression_attribute_values(":due", s(keys::timers_due_by(now)))
            .limit(i32::from(limit))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(sdk_error)?;
        all_from(output.items)
    }

    async fn all_hotels(&self, page: &PageRequest) -> Result<Page<Hotel>> {
        self.query_page(Some(INDEX1), keys::HOTELS_PK.into(), None, page, false)
            .await
    }

    async fn timer(&self, kind: TimerKind, position: &str) -> Result<Option<Timer>> {
        self.get((keys::timers_pk(kind), position.to_owned())).await
    }

    async fn stays_ending_by(&self, now: Timestamp, limit: u16) -> Result<Vec<GuestStay>> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX2.name)
            .key_condition_expression("GSI2PK = :pk AND GSI2SK <= :due")
            .expression_attribute_values(":pk", s(keys::ACTIVE_STAYS))
            .expression_attribute_values(":due", s(format!("{}#~", keys::sortable(now))))
            .limit(i32::from(limit))
            .send()
            .await
            .map_err(sdk_error)?;
        all_from(output.items)
    }

    async fn heartbeats(&self) -> Result<Vec<Heartbeat>> {
        self.query_all(None, keys::HEARTBEATS_PK.into(), None).await
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

    async fn experiences(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<Experience>> {
        self.query_page(
            None,
            keys::hotel_pk(hotel),
            Some(keys::EXPERIENCE_PREFIX),
            page,
            false,
        )
        .await
    }

    async fn qr_codes(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<QrCodeRecord>> {
        self.query_page(
            Some(INDEX1),
            keys::hotel_qr_codes_pk(hotel),
            None,
            page,
            false,
        )
        .await
    }

    async fn hotel_stays(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<GuestStay>> {
        self.query_page(Some(INDEX1), keys::hotel_stays_pk(hotel), None, page, true)
            .await
    }

    async fn stay(&self, id: StayId) -> Result<Option<GuestStay>> {
        let (partition, _) = keys::stay_by_id(id);
        let stays: Vec<GuestStay> = self.query_all(Some(INDEX3), partition, None).await?;
        Ok(stays.into_iter().next())
    }

    async fn users(&self, ids: &[UserId]) -> Result<Vec<User>> {
        let mut users = Vec::with_capacity(ids.len());
        // BatchGetItem takes at most 100 keys; it may leave some unprocessed, to ask again.
        for chunk in ids.chunks(100) {
            let keys = chunk.iter().map(|id| key_map(keys::user(*id))).collect();
            let mut request = Some(
                aws_sdk_dynamodb::types::KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .build()
                    .map_err(Error::internal)?,
            );
            while let Some(wanted) = request.take() {
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, wanted)
                    .send()
                    .await
                    .map_err(sdk_error)?;
                if let Some(items) = output.responses.and_then(|mut r| r.remove(&self.table)) {
                    for item in items {
                        users.push(from_item(item)?);
                    }
                }
                request = output
                    .unprocessed_keys
                    .and_then(|mut unprocessed| unprocessed.remove(&self.table));
            }
        }
        Ok(users)
    }

    async fn sessions_of(&self, user: UserId) -> Result<Vec<SessionFamily>> {
        self.query_all(
            Some(INDEX1),
            keys::user_pk(user),
            Some(keys::SESSION_PREFIX),
        )
        .await
    }

    async fn transact(&self, writes: &[Write<'_>]) -> Result<()> {
        let mut ops = Vec::new();
        for (index, write) in writes.iter().enumerate() {
            for (op, part) in ops_of(write)? {
                ops.push((op, index, part));
            }
        }
        // One item needs no transaction, which would cost twice the write capacity.
        if let [(op, _, _)] = ops.as_slice()
            && !matches!(op, Op::Check { .. })
            && let Some((op, index, part)) = ops.pop()
        {
            return self.execute(op, &writes[index], part).await;
        }
        let mut parts = Vec::with_capacity(ops.len());
        let mut items = Vec::with_capacity(ops.len());
        for (op, index, part) in ops {
            items.push(op.into_transact_item(&self.table)?);
            parts.push((index, part));
        }
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        result.map(drop).map_err(|err| {
            transaction_error(err, |position| {
                parts
                    .get(position)
                    .map(|(index, part)| writes[*index].conflict(*part))
            })
        })
    }

    async fn digests_sent_since(
        &self,
        hotel: &HotelSlug,
        from: jiff::civil::Date,
    ) -> Result<Vec<jiff::civil::Date>> {
        let (partition, from) = keys::digest(hotel, from);
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND SK >= :from")
            .expression_attribute_values(":pk", s(partition))
            .expression_attribute_values(":from", s(from))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        output
            .items
            .unwrap_or_default()
            .iter()
            .filter_map(|item| item.get(SK)?.as_s().ok())
            .map(|date| date.parse().map_err(Error::internal))
            .collect()
    }
}

/// The query of a request listing: its partition, newest first, with the filter's conditions.
fn listing_query(
    client: &Client,
    table: &str,
    index: Index,
    partition: &str,
    filter: &RequestFilter,
) -> Result<QueryFluentBuilder> {
    let mut key_condition = "#pk = :pk".to_owned();
    let mut names = HashMap::from([("#pk".to_owned(), index.pk.to_owned())]);
    let mut values = HashMap::from([(":pk".to_owned(), s(partition))]);
    let from = filter
        .created_from
        .map(|t| keys::request_position_bound(t.as_millisecond(), false));
    let to = filter
        .created_to
        .map(|t| keys::request_position_bound(t.as_millisecond(), true));
    if from.is_some() || to.is_some() {
        names.insert("#sk".into(), index.sk.into());
        match (from, to) {
            (Some(from), Some(to)) => {
                key_condition.push_str(" AND #sk BETWEEN :from AND :to");
                values.insert(":from".into(), s(from));
                values.insert(":to".into(), s(to));
            }
            (Some(from), None) => {
                key_condition.push_str(" AND #sk >= :from");
                values.insert(":from".into(), s(from));
            }
            (None, Some(to)) => {
                key_condition.push_str(" AND #sk <= :to");
                values.insert(":to".into(), s(to));
            }
            (None, None) => {}
        }
    }
    let mut conditions = Vec::new();
    if !filter.statuses.is_empty() {
        names.insert("#status".into(), "status".into());
        let mut placeholders = Vec::new();
        for (i, status) in filter.statuses.iter().enumerate() {
            let placeholder = format!(":status{i}");
            values.insert(placeholder.clone(), s(status.as_str()));
            placeholders.push(placeholder);
        }
        conditions.push(format!("#status IN ({})", placeholders.join(", ")));
    }
    if let Some(priority) = filter.priority {
        values.insert(
            ":priority".into(),
            serde_dynamo::to_attribute_value(priority).map_err(Error::internal)?,
        );
        conditions.push("priority = :priority".into());
    }
    if let Some(after_hours) = filter.after_hours {
        values.insert(":after_hours".into(), AttributeValue::Bool(after_hours));
        conditions.push("after_hours = :after_hours".into());
    }
    if let Some(now) = filter.overdue_at {
        names.insert("#status".into(), "status".into());
        values.insert(":new".into(), s(Status::New.as_str()));
        values.insert(":now".into(), n(now.as_second()));
        conditions.push("#status = :new AND response_due_at < :now".into());
    }
    if let Some(text) = &filter.text {
        values.insert(":text".into(), s(text.clone()));
        conditions.push("contains(search_text, :text)".into());
    }
    Ok(client
        .query()
        .table_name(table)
        .index_name(index.name)
        .key_condition_expression(key_condition)
        .set_filter_expression((!conditions.is_empty()).then(|| conditions.join(" AND ")))
        .set_expression_attribute_names(Some(names))
        .set_expression_attribute_values(Some(values))
        .scan_index_forward(false))
}

/// The listing position of a last evaluated key.
fn position_of(key: &Item, index: Index) -> Result<Position> {
    let position = key
        .get(index.sk)
        .and_then(|value| value.as_s().ok())
        .ok_or_else(|| Error::internal_msg("listing key without its sort value"))?;
    let (created, id) = position
        .split_once('#')
        .ok_or_else(|| Error::internal_msg("malformed listing position"))?;
    Ok(Position {
        created_ms: created.parse().map_err(Error::internal)?,
        id: id.parse()?,
    })
}
