//! Service requests and their history.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

use super::errors::sdk_error;
use super::ops::{key_map, to_item, with_index, with_key};
use super::{
    DynamoStore, INDEX1, INDEX2, INDEX3, INDEX4, Index, Item, MAX_PAGES_PER_LISTING, all_from,
    from_item, is_activity, n, pages_up_to, s,
};
use crate::error::{Error, Result};
use crate::ids::{ActivityId, HotelSlug, RequestId};
use crate::requests::model::{Activity, ServiceRequest};
use crate::requests::state::Status;
use crate::store::{Listed, Position, RequestFilter, RequestListing, RequestStore, keys};

#[async_trait]
impl RequestStore for DynamoStore {
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

/// A request, in its hotel's, its department's and its guest's listings, with the lowercase
/// text its search filter looks in.
pub fn request_item(request: &ServiceRequest) -> Result<Item> {
    let position = keys::request_position(request.created_at.as_millisecond(), request.id);
    let mut item = with_key(to_item(request)?, keys::request(request.id));
    item = with_index(
        item,
        INDEX1,
        (keys::hotel_requests(&request.hotel), position.clone()),
    );
    item = with_index(
        item,
        INDEX2,
        (
            keys::department_requests(&request.hotel, &request.department),
            position.clone(),
        ),
    );
    item = with_index(
        item,
        INDEX3,
        (keys::guest_requests(request.guest), position.clone()),
    );
    if !request.status.is_final() {
        item = with_index(
            item,
            INDEX4,
            (keys::open_requests(&request.hotel), position),
        );
    }
    let search = [
        request.details.as_str(),
        request.guest_name.as_str(),
        request.location.as_str(),
        request.experience_name.as_deref().unwrap_or(""),
    ]
    .join(" ")
    .to_lowercase();
    item.insert("search_text".into(), s(search));
    Ok(item)
}
