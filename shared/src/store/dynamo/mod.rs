//! The DynamoDB store: one table, keys from `keys`, items mapped with `serde_dynamo`.

mod cursor;
mod errors;
mod ops;

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use jiff::Timestamp;
use serde::de::DeserializeOwned;

use super::keys::{self, GSI1, GSI1PK, GSI1SK, GSI2, GSI2PK, GSI2SK, Key, PK, SK};
use super::{OtpDelivery, Page, PageRequest, Part, Store, Write};
use crate::departments::Department;
use crate::error::{Error, Result};
use crate::experiences::Experience;
use crate::hotels::Hotel;
use crate::ids::{DepartmentSlug, ExperienceId, HotelSlug, QrCode, SessionId, TokenId, UserId};
use crate::jobs::Heartbeat;
use crate::members::Membership;
use crate::otp::{OtpCode, OtpScope};
use crate::qr::QrCodeRecord;
use crate::session::SessionFamily;
use crate::stays::GuestStay;
use crate::users::{Email, Phone, User};
use errors::{sdk_error, transaction_error};
use ops::{Claim, Op, key_map, ops_of, values};

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

fn from_item<T: DeserializeOwned>(item: Item) -> Result<T> {
    serde_dynamo::from_item(item).map_err(|e| Error::internal_msg(format!("unreadable item: {e}")))
}

fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

fn n(number: impl ToString) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

fn failed_condition<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(err: &E) -> bool {
    err.code() == Some("ConditionalCheckFailedException")
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn get<T: DeserializeOwned>(&self, key: Key) -> Result<Option<T>> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
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
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(sdk_error)?;
            for item in output.items.unwrap_or_default() {
                items.push(from_item(item)?);
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// One page of an index partition, in sort order.
    async fn query_index_page<T: DeserializeOwned>(
        &self,
        index: Index,
        partition: String,
        page: &PageRequest,
    ) -> Result<Page<T>> {
        let start = page
            .cursor
            .as_ref()
            .map(|cursor| cursor::decode(cursor, index, &partition))
            .transpose()?;
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index.name)
            .key_condition_expression(format!("{} = :pk", index.pk))
            .expression_attribute_values(":pk", s(partition))
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
                .condition_expression(condition.expression)
                .set_expression_attribute_values(values(condition.values))
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
                .condition_expression(condition.expression)
                .set_expression_attribute_values(values(condition.values))
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
                .condition_expression(condition.expression)
                .set_expression_attribute_values(values(condition.values))
                .send()
                .await
                .map(drop)
                .map_err(|err| match err.as_service_error() {
                    Some(e) if failed_condition(e) => conflict(),
                    _ => sdk_error(err),
                }),
        }
    }

    async fn user_by_claim(&self, key: Key) -> Result<Option<User>> {
        let claim: Option<Claim> = self.get(key).await?;
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
                self.query_index_page(INDEX1, keys::listed_experiences(hotel), page)
                    .await
            }
            Some(department) => {
                let partition = keys::listed_department_experiences(hotel, department);
                self.query_index_page(INDEX2, partition, page).await
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
            .condition_expression("attribute_exists(PK) AND active = :active")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":active", AttributeValue::Bool(true))
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
        self.get(keys::qr_code(code)).await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.get(keys::user(id)).await
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        self.user_by_claim(keys::email_claim(email)).await
    }

    async fn user_by_phone(&self, phone: &Phone) -> Result<Option<User>> {
        self.user_by_claim(keys::phone_claim(phone)).await
    }

    async fn membership(&self, hotel: &HotelSlug, user: UserId) -> Result<Option<Membership>> {
        self.get(keys::membership(hotel, user)).await
    }

    async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>> {
        self.query_all(
            Some(INDEX1),
            keys::user_pk(user),
            Some(keys::USER_MEMBERSHIP_PREFIX),
        )
        .await
    }

    async fn stays_of(&self, guest: UserId) -> Result<Vec<GuestStay>> {
        self.query_all(None, keys::user_pk(guest), Some(keys::STAY_PREFIX))
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

    async fn count_wrong_otp(&self, otp: &OtpCode, max_attempts: u32) -> Result<Option<u32>> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::otp(&otp.phone, &otp.scope, otp.id))))
            .update_expression("ADD attempts :one")
            .condition_expression("used = :false AND attempts < :max")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .expression_attribute_values(":max", n(max_attempts))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let attempts = output
                    .attributes
                    .as_ref()
                    .and_then(|a| a.get("attempts"))
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
        let channel =
            serde_dynamo::to_attribute_value(delivery.channel).map_err(Error::internal)?;
        let status = serde_dynamo::to_attribute_value(delivery.status).map_err(Error::internal)?;
        let message_id = match &delivery.provider_message_id {
            Some(id) => s(id.clone()),
            None => AttributeValue::Null(true),
        };
        let mut update =
            "SET channel = :channel, delivery_status = :status, provider_message_id = :message_id"
                .to_owned();
        if delivery.burn {
            update.push_str(", used = :true");
        }
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::otp(&otp.phone, &otp.scope, otp.id))))
            .update_expression(update)
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":channel", channel)
            .expression_attribute_values(":status", status)
            .expression_attribute_values(":message_id", message_id);
        if delivery.burn {
            request = request.expression_attribute_values(":true", AttributeValue::Bool(true));
        }
        request.send().await.map(drop).map_err(sdk_error)
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
        self.get(keys::session(id)).await
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
            .condition_expression("current_jti = :presented AND revoked = :false AND expires_at > :now_secs")
            .expression_attribute_values(":next", s(next.to_string()))
            .expression_attribute_values(":presented", s(presented.to_string()))
            .expression_attribute_values(":now", s(now.to_string()))
            .expression_attribute_values(":now_secs", n(now.as_second()))
            .expression_attribute_values(":expires", n(expires_at.as_second()))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if err.as_service_error().is_some_and(failed_condition) => Ok(false),
            Err(err) => Err(sdk_error(err)),
        }
    }

    async fn revoke_session(&self, id: SessionId) -> Result<()> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::session(id))))
            .update_expression("SET revoked = :true")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if err.as_service_error().is_some_and(failed_condition) => Ok(()),
            Err(err) => Err(sdk_error(err)),
        }
    }

    async fn heartbeats(&self) -> Result<Vec<Heartbeat>> {
        self.query_all(None, keys::HEARTBEATS_PK.into(), None).await
    }

    async fn transact(&self, writes: &[Write<'_>]) -> Result<()> {
        let mut ops = Vec::new();
        for (index, write) in writes.iter().enumerate() {
            for (op, part) in ops_of(write)? {
                ops.push((op, index, part));
            }
        }
        // One item needs no transaction, which would cost twice the write capacity.
        if ops.len() == 1
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
}
