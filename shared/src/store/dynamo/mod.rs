//! The DynamoDB store: one table, keys from `keys`, items mapped with `serde_dynamo`.

mod cursor;
mod errors;
mod hotels;
mod item;
mod limits;
mod notifications;
mod ops;
mod otp;
/// Requests as stored (`request_item`: seeding tests write such items in batches).
pub mod requests;
mod sessions;
mod stays;
mod timers;
mod users;
mod write;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use errors::sdk_error;
pub use item::Item;
use item::{INDEX1, INDEX2, INDEX3, INDEX4, Index, s};
use ops::{Conditional, Op, key_map};
use serde::de::DeserializeOwned;

use super::keys::{Key, PK, SK};
use super::{Page, PageRequest, Part, Write, keys};
use crate::error::{Error, Result};

pub struct DynamoStore {
    client: Client,
    table: String,
}

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
}
