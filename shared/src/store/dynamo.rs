//! The DynamoDB store: one table, keys from `keys`, items mapped with `serde_dynamo`.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem};
use data_encoding::BASE64URL_NOPAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::keys::{self, GSI1, GSI1PK, GSI1SK, GSI2, GSI2PK, GSI2SK, Key, PK, SK};
use super::page::invalid_cursor;
use super::{Cursor, Page, PageRequest, Part, Store, Write};
use crate::departments::Department;
use crate::error::{Error, Result, Unique};
use crate::experiences::Experience;
use crate::hotels::Hotel;
use crate::ids::{DepartmentSlug, ExperienceId, HotelSlug, QrCode, UserId};
use crate::jobs::Heartbeat;
use crate::members::Membership;
use crate::qr::QrCodeRecord;
use crate::users::{Email, Phone, User};

pub type Item = HashMap<String, AttributeValue>;

const NOT_EXISTS: &str = "attribute_not_exists(PK)";

pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn get<T: DeserializeOwned>(&self, (pk, sk): Key) -> Result<Option<T>> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(pk))
            .key(SK, AttributeValue::S(sk))
            .send()
            .await
            .map_err(sdk_error)?;
        output.item.map(from_item).transpose()
    }

    /// Every item of a partition (whose sort key starts with `prefix`, when given), following
    /// pages.
    async fn query_all<T: DeserializeOwned>(
        &self,
        pk: String,
        prefix: Option<&str>,
    ) -> Result<Vec<T>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .expression_attribute_values(":pk", AttributeValue::S(pk.clone()));
            query = match prefix {
                Some(prefix) => query
                    .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                    .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_owned())),
                None => query.key_condition_expression("PK = :pk"),
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
            .map(|cursor| decode_cursor(cursor, index, &partition))
            .transpose()?;
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index.name)
            .key_condition_expression(format!("{} = :pk", index.pk))
            .expression_attribute_values(":pk", AttributeValue::S(partition))
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
            .map(encode_cursor)
            .transpose()?;
        Ok(Page { items, next_cursor })
    }

    async fn put_if_absent(&self, item: Item, write: &Write<'_>, part: Part) -> Result<()> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(NOT_EXISTS)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(write.conflict(part))
            }
            Err(err) => Err(sdk_error(err)),
        }
    }
}

#[async_trait]
impl Store for DynamoStore {
    async fn hotel(&self, slug: &HotelSlug) -> Result<Option<Hotel>> {
        self.get(keys::hotel(slug)).await
    }

    async fn departments(&self, hotel: &HotelSlug) -> Result<Vec<Department>> {
        self.query_all(keys::hotel_pk(hotel), Some(keys::DEPARTMENT_PREFIX))
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
        let (pk, sk) = keys::qr_code(code);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(pk))
            .key(SK, AttributeValue::S(sk))
            .update_expression("ADD scan_count :one")
            .condition_expression("attribute_exists(PK) AND active = :active")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":active", AttributeValue::Bool(true))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => output.attributes.map(from_item).transpose(),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(None)
            }
            Err(err) => Err(sdk_error(err)),
        }
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.get(keys::user(id)).await
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        let claim: Option<Claim> = self.get(keys::email_claim(email)).await?;
        match claim {
            Some(claim) => self.user(claim.user_id).await,
            None => Ok(None),
        }
    }

    async fn user_by_phone(&self, phone: &Phone) -> Result<Option<User>> {
        let claim: Option<Claim> = self.get(keys::phone_claim(phone)).await?;
        match claim {
            Some(claim) => self.user(claim.user_id).await,
            None => Ok(None),
        }
    }

    async fn membership(&self, hotel: &HotelSlug, user: UserId) -> Result<Option<Membership>> {
        self.get(keys::membership(hotel, user)).await
    }

    async fn heartbeats(&self) -> Result<Vec<Heartbeat>> {
        self.query_all(keys::HEARTBEATS_PK.into(), None).await
    }

    async fn transact(&self, writes: &[Write<'_>]) -> Result<()> {
        let mut items = Vec::new();
        for (index, write) in writes.iter().enumerate() {
            for (item, part) in items_of(write)? {
                items.push((item, index, part));
            }
        }
        // One item needs no transaction, which would cost twice the write capacity.
        if items.len() == 1
            && let Some((item, index, part)) = items.pop()
        {
            return self.put_if_absent(item, &writes[index], part).await;
        }
        let mut parts = Vec::with_capacity(items.len());
        let mut transact_items = Vec::with_capacity(items.len());
        for (item, index, part) in items {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression(NOT_EXISTS)
                .build()
                .map_err(Error::internal)?;
            transact_items.push(TransactWriteItem::builder().put(put).build());
            parts.push((index, part));
        }
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(transact_items))
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

/// Which global secondary index, and its key attributes.
#[derive(Clone, Copy)]
struct Index {
    name: &'static str,
    pk: &'static str,
    sk: &'static str,
}

const INDEX1: Index = Index {
    name: GSI1,
    pk: GSI1PK,
    sk: GSI1SK,
};
const INDEX2: Index = Index {
    name: GSI2,
    pk: GSI2PK,
    sk: GSI2SK,
};

/// A uniqueness claim: the email or phone item pointing at its user.
#[derive(Serialize, serde::Deserialize)]
struct Claim {
    user_id: UserId,
}

fn from_item<T: DeserializeOwned>(item: Item) -> Result<T> {
    serde_dynamo::from_item(item).map_err(|e| Error::internal_msg(format!("unreadable item: {e}")))
}

fn to_item<T: Serialize>(value: &T) -> Result<Item> {
    serde_dynamo::to_item(value).map_err(|e| Error::internal_msg(format!("unwritable item: {e}")))
}

fn with_key(mut item: Item, (pk, sk): Key) -> Item {
    item.insert(PK.into(), AttributeValue::S(pk));
    item.insert(SK.into(), AttributeValue::S(sk));
    item
}

fn with_index(mut item: Item, index: Index, (pk, sk): Key) -> Item {
    item.insert(index.pk.into(), AttributeValue::S(pk));
    item.insert(index.sk.into(), AttributeValue::S(sk));
    item
}

/// The items one write puts, each with the part of the write it is.
fn items_of(write: &Write<'_>) -> Result<Vec<(Item, Part)>> {
    let main = |item: Item| vec![(item, Part::Main)];
    Ok(match write {
        Write::InsertHotel(hotel) => main(with_index(
            with_key(to_item(hotel)?, keys::hotel(&hotel.slug)),
            INDEX1,
            keys::hotels_index(&hotel.slug),
        )),
        Write::InsertDepartment(department) => main(with_key(
            to_item(department)?,
            keys::department(&department.hotel, &department.slug),
        )),
        Write::InsertExperience(experience) => main(experience_item(experience)?),
        Write::InsertQrCode(qr) => main(with_index(
            with_key(to_item(qr)?, keys::qr_code(&qr.code)),
            INDEX1,
            keys::hotel_qr_codes(&qr.hotel, &qr.location, &qr.code),
        )),
        Write::InsertUser(user) => {
            let mut items = main(with_key(to_item(user)?, keys::user(user.id)));
            let claim = to_item(&Claim { user_id: user.id })?;
            if let Some(email) = &user.email {
                items.push((
                    with_key(claim.clone(), keys::email_claim(email)),
                    Part::Claim(Unique::Email),
                ));
            }
            if let Some(phone) = &user.phone {
                items.push((
                    with_key(claim, keys::phone_claim(phone)),
                    Part::Claim(Unique::Phone),
                ));
            }
            items
        }
        Write::InsertMembership(membership) => main(with_index(
            with_key(
                to_item(membership)?,
                keys::membership(&membership.hotel, membership.user),
            ),
            INDEX1,
            keys::user_memberships(membership.user, &membership.hotel),
        )),
    })
}

/// An experience, in the listing indexes only while it is listed (sparse indexes).
fn experience_item(experience: &Experience) -> Result<Item> {
    let item = with_key(
        to_item(experience)?,
        keys::experience(&experience.hotel, experience.id),
    );
    if !experience.is_listed() {
        return Ok(item);
    }
    let order = keys::experience_order(experience.sort_order, experience.id);
    let item = with_index(
        item,
        INDEX1,
        (keys::listed_experiences(&experience.hotel), order.clone()),
    );
    Ok(with_index(
        item,
        INDEX2,
        (
            keys::listed_department_experiences(&experience.hotel, &experience.department),
            order,
        ),
    ))
}

/// A cursor is the last evaluated key of an index query, as base64url JSON of its string
/// attributes.
fn encode_cursor(key: &Item) -> Result<Cursor> {
    let mut plain = std::collections::BTreeMap::new();
    for (name, value) in key {
        let AttributeValue::S(text) = value else {
            return Err(Error::internal_msg(format!(
                "non-string key attribute {name}"
            )));
        };
        plain.insert(name.as_str(), text.as_str());
    }
    let json = serde_json::to_vec(&plain).map_err(Error::internal)?;
    Ok(Cursor::new(BASE64URL_NOPAD.encode(&json)))
}

/// Reads a cursor back, accepting only the key attributes of `index` and only a position
/// inside the partition being queried.
fn decode_cursor(cursor: &Cursor, index: Index, partition: &str) -> Result<Item> {
    let json = BASE64URL_NOPAD
        .decode(cursor.as_str().as_bytes())
        .map_err(|_| invalid_cursor())?;
    let plain: HashMap<String, String> =
        serde_json::from_slice(&json).map_err(|_| invalid_cursor())?;
    let expected = [PK, SK, index.pk, index.sk];
    let shape_ok = plain.len() == expected.len()
        && expected.iter().all(|name| plain.contains_key(*name))
        && plain.get(index.pk).map(String::as_str) == Some(partition);
    if !shape_ok {
        return Err(invalid_cursor());
    }
    Ok(plain
        .into_iter()
        .map(|(name, value)| (name, AttributeValue::S(value)))
        .collect())
}

/// Maps an SDK failure: throttling and unreachable service become `Unavailable` (the caller may
/// retry), anything else `Internal`. Details are logged by the HTTP edge, never returned.
fn sdk_error<E, R>(err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let retryable = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        SdkError::ServiceError(service) => matches!(
            service.err().code(),
            Some(
                "ProvisionedThroughputExceededException"
                    | "ThrottlingException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
            )
        ),
        _ => false,
    };
    let source = aws_sdk_dynamodb::error::DisplayErrorContext(err).to_string();
    if retryable {
        Error::Unavailable(source.into())
    } else {
        Error::internal_msg(source)
    }
}

/// Maps a failed transaction: the first item whose condition failed decides the error (via
/// `conflict_at`); items held by a concurrent transaction give a retryable conflict.
fn transaction_error<R>(
    err: SdkError<TransactWriteItemsError, R>,
    conflict_at: impl Fn(usize) -> Option<Error>,
) -> Error
where
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
        err.as_service_error()
    {
        let reasons = cancelled.cancellation_reasons();
        let failed = reasons
            .iter()
            .position(|reason| reason.code() == Some("ConditionalCheckFailed"));
        if let Some(error) = failed.and_then(&conflict_at) {
            return error;
        }
        if reasons
            .iter()
            .any(|reason| reason.code() == Some("TransactionConflict"))
        {
            return Error::conflict(
                "concurrent_update",
                "Someone changed this at the same time. Try again.",
            );
        }
    }
    sdk_error(err)
}
