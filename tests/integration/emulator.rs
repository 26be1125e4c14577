//! The emulator refuses what DynamoDB refuses (SPEC §11, `docs/emulator.md`). Each rule is sent
//! raw, with the SDK's client, to the emulator the tests run on: it must come back as DynamoDB's
//! `ValidationException` in the service's words and write nothing. Beside each refusal a
//! well-formed request of the same kind must pass, so an emulator stricter than DynamoDB fails
//! these tests too.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::delete_item::builders::DeleteItemFluentBuilder;
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, DeleteRequest, KeysAndAttributes, Put, PutRequest,
    TransactWriteItem, Update, WriteRequest,
};
use concierge_infra::{bootstrap, emulator::sdk_config};

use crate::support::{emulator, unique_table};

type Item = HashMap<String, AttributeValue>;

const VALIDATION: &str = "com.amazonaws.dynamodb.v20120810#ValidationException";

/// A table of the template's shape, and the raw client.
struct Table {
    client: Client,
    name: String,
}

async fn table() -> Table {
    let sdk = sdk_config(emulator()).await;
    let name = unique_table();
    bootstrap::create_table(&sdk, &name).await.expect("table");
    Table {
        client: Client::new(&sdk),
        name,
    }
}

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.into())
}

fn n(number: i64) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

fn key(pk: &str, sk: &str) -> Item {
    HashMap::from([("PK".into(), s(pk)), ("SK".into(), s(sk))])
}

fn item(pk: &str, sk: &str, attributes: &[(&str, AttributeValue)]) -> Item {
    let mut item = key(pk, sk);
    for (name, value) in attributes {
        item.insert((*name).into(), value.clone());
    }
    item
}

/// Asserts DynamoDB's answer to a request it refuses: 400, `ValidationException` as the
/// service types it, and exactly `message`.
#[track_caller]
fn refused<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<T, SdkError<E, HttpResponse>>,
    message: &str,
) {
    let err = match result {
        Ok(answer) => panic!("accepted, DynamoDB refuses it ({message}): {answer:?}"),
        Err(err) => err,
    };
    let raw = err
        .raw_response()
        .unwrap_or_else(|| panic!("no answer from the emulator: {err:?}"));
    assert_eq!(raw.status().as_u16(), 400, "{err:?}");
    let body: serde_json::Value =
        serde_json::from_slice(raw.body().bytes().expect("a buffered body")).expect("JSON");
    assert_eq!(body["__type"], VALIDATION, "{body}");
    let service = err.as_service_error().expect("a service error");
    assert_eq!(service.code(), Some("ValidationException"));
    assert_eq!(service.message(), Some(message));
}

impl Table {
    fn put_item(&self) -> PutItemFluentBuilder {
        self.client.put_item().table_name(&self.name)
    }

    fn update_item(&self) -> UpdateItemFluentBuilder {
        self.client.update_item().table_name(&self.name)
    }

    fn delete_item(&self) -> DeleteItemFluentBuilder {
        self.client.delete_item().table_name(&self.name)
    }

    fn get_item(&self) -> GetItemFluentBuilder {
        self.client.get_item().table_name(&self.name)
    }

    fn query(&self) -> QueryFluentBuilder {
        self.client.query().table_name(&self.name)
    }

    fn scan(&self) -> ScanFluentBuilder {
        self.client.scan().table_name(&self.name)
    }

    async fn get(&self, key: Item) -> Option<Item> {
        self.get_item()
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .expect("get")
            .item
    }

    async fn put(&self, item: Item) {
        self.put_item()
            .set_item(Some(item))
            .send()
            .await
            .expect("put");
    }

    /// How many items the partition `pk` holds.
    async fn count(&self, pk: &str) -> i32 {
        self.query()
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", s(pk))
            .consistent_read(true)
            .send()
            .await
            .expect("query")
            .count
    }

    fn put_of(&self, item: Item) -> TransactWriteItem {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(&self.name)
                    .set_item(Some(item))
                    .build()
                    .unwrap(),
            )
            .build()
    }

    fn write_of(&self, item: Item) -> WriteRequest {
        WriteRequest::builder()
            .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
            .build()
    }
}

#[tokio::test]
async fn an_empty_expression_is_refused_whichever_it_is() {
    let t = table().await;
    t.put(key("held", "1")).await;
    let put = t
        .put_item()
        .set_item(Some(key("new", "1")))
        .condition_expression("")
        .send()
        .await;
    refused(
        put,
        "Invalid ConditionExpression: The expression can not be empty;",
    );
    assert!(t.get(key("new", "1")).await.is_none());

    // What deleting a push subscription sent before every condition took one road.
    let delete = t
        .delete_item()
        .set_key(Some(key("held", "1")))
        .condition_expression("")
        .send()
        .await;
    refused(
        delete,
        "Invalid ConditionExpression: The expression can not be empty;",
    );
    assert!(t.get(key("held", "1")).await.is_some());

    let update = t
        .update_item()
        .set_key(Some(key("held", "1")))
        .update_expression("  ")
        .send()
        .await;
    refused(
        update,
        "Invalid UpdateExpression: The expression can not be empty;",
    );

    let key_condition = t.query().key_condition_expression("").send().await;
    refused(
        key_condition,
        "Invalid KeyConditionExpression: The expression can not be empty;",
    );

    let filter = t
        .query()
        .key_condition_expression("PK = :pk")
        .filter_expression("")
        .expression_attribute_values(":pk", s("held"))
        .send()
        .await;
    refused(
        filter,
        "Invalid FilterExpression: The expression can not be empty;",
    );

    let projection = t
        .get_item()
        .set_key(Some(key("held", "1")))
        .projection_expression("")
        .send()
        .await;
    refused(
        projection,
        "Invalid ProjectionExpression: The expression can not be empty;",
    );

    let check = t
        .client
        .transact_write_items()
        .transact_items(t.put_of(key("new", "2")))
        .transact_items(
            TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name(&t.name)
                        .set_key(Some(key("held", "1")))
                        .condition_expression("")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await;
    refused(
        check,
        "Invalid ConditionExpression: The expression can not be empty;",
    );
    assert!(t.get(key("new", "2")).await.is_none());
}

#[tokio::test]
async fn every_placeholder_used_is_defined() {
    let t = table().await;
    let value = t
        .put_item()
        .set_item(Some(key("new", "1")))
        .condition_expression("attribute_not_exists(PK) OR hits < :missing")
        .send()
        .await;
    refused(
        value,
        "Invalid ConditionExpression: An expression attribute value used in expression is not \
         defined; attribute value: :missing",
    );
    let name = t
        .update_item()
        .set_key(Some(key("new", "1")))
        .update_expression("SET #missing = :one")
        .expression_attribute_values(":one", n(1))
        .send()
        .await;
    refused(
        name,
        "Invalid UpdateExpression: An expression attribute name used in the document path is \
         not defined; attribute name: #missing",
    );
    assert!(t.get(key("new", "1")).await.is_none());
}

#[tokio::test]
async fn every_placeholder_defined_is_used() {
    let t = table().await;
    let value = t
        .put_item()
        .set_item(Some(key("new", "1")))
        .condition_expression("attribute_not_exists(PK)")
        .expression_attribute_values(":spare", s("x"))
        .send()
        .await;
    refused(
        value,
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:spare}",
    );
    let without_expression = t
        .put_item()
        .set_item(Some(key("new", "1")))
        .expression_attribute_values(":spare", s("x"))
        .send()
        .await;
    refused(
        without_expression,
        "ExpressionAttributeValues can only be specified when using expressions: \
         ConditionExpression is null",
    );
    assert!(t.get(key("new", "1")).await.is_none());

    let name = t
        .query()
        .key_condition_expression("PK = :pk")
        .filter_expression("hits > :none")
        .expression_attribute_names("#spare", "hits")
        .expression_attribute_values(":pk", s("new"))
        .expression_attribute_values(":none", n(0))
        .send()
        .await;
    refused(
        name,
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#spare}",
    );

    // In a transaction each action has its own placeholders.
    let in_transaction = t
        .client
        .transact_write_items()
        .transact_items(t.put_of(key("new", "2")))
        .transact_items(
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(&t.name)
                        .set_key(Some(key("new", "3")))
                        .update_expression("SET hits = :one")
                        .expression_attribute_values(":one", n(1))
                        .expression_attribute_values(":two", n(2))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await;
    refused(
        in_transaction,
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:two}",
    );
    assert_eq!(t.count("new").await, 0);
}

#[tokio::test]
async fn a_reserved_word_needs_a_placeholder() {
    let t = table().await;
    let condition = t
        .put_item()
        .set_item(Some(key("new", "1")))
        .condition_expression("attribute_not_exists(PK) OR status = :done")
        .expression_attribute_values(":done", s("DONE"))
        .send()
        .await;
    refused(
        condition,
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: \
         status",
    );
    let nested = t
        .update_item()
        .set_key(Some(key("new", "1")))
        .update_expression("SET details.location = :room")
        .expression_attribute_values(":room", s("101"))
        .send()
        .await;
    refused(
        nested,
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: \
         location",
    );
    assert!(t.get(key("new", "1")).await.is_none());
    let filter = t
        .query()
        .key_condition_expression("PK = :pk")
        .filter_expression("read = :no")
        .expression_attribute_values(":pk", s("new"))
        .expression_attribute_values(":no", AttributeValue::Bool(false))
        .send()
        .await;
    refused(
        filter,
        "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: read",
    );
    let projection = t
        .get_item()
        .set_key(Some(key("new", "1")))
        .projection_expression("PK, State")
        .send()
        .await;
    refused(
        projection,
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: \
         State",
    );
}

#[tokio::test]
async fn a_transaction_touches_each_item_once() {
    let t = table().await;
    t.put(key("held", "1")).await;
    let put_and_check = t
        .client
        .transact_write_items()
        .transact_items(t.put_of(item("held", "1", &[("hits", n(1))])))
        .transact_items(
            TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name(&t.name)
                        .set_key(Some(key("held", "1")))
                        .condition_expression("attribute_exists(PK)")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await;
    refused(
        put_and_check,
        "Transaction request cannot include multiple operations on one item",
    );
    let update_and_delete = t
        .client
        .transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(&t.name)
                        .set_key(Some(key("held", "1")))
                        .update_expression("SET hits = :one")
                        .expression_attribute_values(":one", n(1))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(&t.name)
                        .set_key(Some(key("held", "1")))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await;
    refused(
        update_and_delete,
        "Transaction request cannot include multiple operations on one item",
    );
    assert_eq!(t.get(key("held", "1")).await, Some(key("held", "1")));
}

#[tokio::test]
async fn a_transaction_holds_at_most_100_actions() {
    let t = table().await;
    let puts = |count: usize| {
        (0..count)
            .map(|i| t.put_of(key("many", &format!("{i:03}"))))
            .collect::<Vec<_>>()
    };
    let too_many = t
        .client
        .transact_write_items()
        .set_transact_items(Some(puts(101)))
        .send()
        .await;
    let listed = (0..101)
        .map(|i| {
            format!(
                "com.amazonaws.dynamodb.v20120810.TransactWriteItem@{:x}",
                0x1000_0001 + i
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    refused(
        too_many,
        &format!(
            "1 validation error detected: Value '[{listed}]' at 'transactItems' failed to \
             satisfy constraint: Member must have length less than or equal to 100"
        ),
    );
    assert_eq!(t.count("many").await, 0);
    t.client
        .transact_write_items()
        .set_transact_items(Some(puts(100)))
        .send()
        .await
        .expect("100 actions are allowed");
    assert_eq!(t.count("many").await, 100);
}

#[tokio::test]
async fn a_batch_writes_at_most_25_items_and_reads_at_most_100() {
    let t = table().await;
    let writes = |count: usize| {
        (0..count)
            .map(|i| t.write_of(key("batch", &format!("{i:03}"))))
            .collect::<Vec<_>>()
    };
    let too_many = t
        .client
        .batch_write_item()
        .request_items(&t.name, writes(26))
        .send()
        .await;
    let listed = (0..26)
        .map(|i| {
            format!(
                "com.amazonaws.dynamodb.v20120810.WriteRequest@{:x}",
                0x1000_0001 + i
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    refused(
        too_many,
        &format!(
            "1 validation error detected: Value '{{{}=[{listed}]}}' at 'requestItems' failed to \
             satisfy constraint: Map value must satisfy constraint: [Member must have length \
             less than or equal to 25, Member must have length greater than or equal to 1]",
            t.name
        ),
    );
    assert_eq!(t.count("batch").await, 0);
    let written = t
        .client
        .batch_write_item()
        .request_items(&t.name, writes(25))
        .send()
        .await
        .expect("25 writes are allowed");
    assert!(written.unprocessed_items.unwrap_or_default().is_empty());
    assert_eq!(t.count("batch").await, 25);

    let keys = |count: usize| {
        KeysAndAttributes::builder()
            .set_keys(Some(
                (0..count)
                    .map(|i| key("batch", &format!("{i:03}")))
                    .collect(),
            ))
            .build()
            .unwrap()
    };
    let too_many = t
        .client
        .batch_get_item()
        .request_items(&t.name, keys(101))
        .send()
        .await;
    let listed = (0..101)
        .map(|i| format!("com.amazonaws.dynamodb.v20120810.Key@{:x}", 0x1000_0001 + i))
        .collect::<Vec<_>>()
        .join(", ");
    refused(
        too_many,
        &format!(
            "1 validation error detected: Value '[{listed}]' at 'requestItems.{}.member.keys' \
             failed to satisfy constraint: Member must have length less than or equal to 100",
            t.name
        ),
    );
    let read = t
        .client
        .batch_get_item()
        .request_items(&t.name, keys(100))
        .send()
        .await
        .expect("100 reads are allowed");
    assert_eq!(read.responses.unwrap_or_default()[&t.name].len(), 25);
}

#[tokio::test]
async fn a_set_is_never_empty() {
    let t = table().await;
    let strings = t
        .put_item()
        .set_item(Some(item(
            "new",
            "1",
            &[("tags", AttributeValue::Ss(vec![]))],
        )))
        .send()
        .await;
    refused(
        strings,
        "One or more parameter values were invalid: An string set  may not be empty",
    );
    let nested = AttributeValue::M(HashMap::from([(
        "scores".to_owned(),
        AttributeValue::Ns(vec![]),
    )]));
    let numbers = t
        .put_item()
        .set_item(Some(item("new", "1", &[("details", nested)])))
        .send()
        .await;
    refused(
        numbers,
        "One or more parameter values were invalid: An number set  may not be empty",
    );
    assert!(t.get(key("new", "1")).await.is_none());
    let binaries = t
        .update_item()
        .set_key(Some(key("new", "1")))
        .update_expression("ADD blobs :none")
        .expression_attribute_values(":none", AttributeValue::Bs(vec![]))
        .send()
        .await;
    refused(
        binaries,
        "ExpressionAttributeValues contains invalid value: One or more parameter values were \
         invalid: Binary sets should not be empty for key :none",
    );
    assert!(t.get(key("new", "1")).await.is_none());
}

#[tokio::test]
async fn an_item_holds_at_most_400_kb_counted_as_dynamodb_counts() {
    let t = table().await;
    // Names and values in UTF-8 bytes: "PK" "SK" "data" + "big" "item" = 15 bytes.
    let sized = |data: String| item("big", "item", &[("data", AttributeValue::S(data))]);
    let limit = 400 * 1024;
    t.put(sized("x".repeat(limit - 15))).await;
    let over = t
        .put_item()
        .set_item(Some(sized("x".repeat(limit - 14))))
        .send()
        .await;
    refused(over, "Item size has exceeded the maximum allowed size");
    // Half as many characters, nearly all of two bytes in UTF-8: one byte over.
    let wide = t
        .put_item()
        .set_item(Some(sized(format!("{}xx", "é".repeat((limit - 15) / 2)))))
        .send()
        .await;
    refused(wide, "Item size has exceeded the maximum allowed size");
    let stored = t.get(key("big", "item")).await.expect("the largest item");
    assert_eq!(stored["data"].as_s().unwrap().len(), limit - 15);

    let grown = t
        .update_item()
        .set_key(Some(key("big", "item")))
        .update_expression("SET more = :flag")
        .expression_attribute_values(":flag", AttributeValue::Bool(true))
        .send()
        .await;
    refused(
        grown,
        "Item size to update has exceeded the maximum allowed size",
    );
    assert_eq!(t.get(key("big", "item")).await, Some(stored));

    let created = t
        .update_item()
        .set_key(Some(key("big", "new")))
        .update_expression("SET payload = :payload")
        .expression_attribute_values(":payload", AttributeValue::B(Blob::new(vec![0; limit])))
        .send()
        .await;
    refused(
        created,
        "Item size to update has exceeded the maximum allowed size",
    );
    assert!(t.get(key("big", "new")).await.is_none());

    let in_transaction = t
        .client
        .transact_write_items()
        .transact_items(t.put_of(key("big", "small")))
        .transact_items(t.put_of(item(
            "big",
            "huge",
            &[("data", AttributeValue::S("x".repeat(limit)))],
        )))
        .send()
        .await;
    refused(
        in_transaction,
        "Item size has exceeded the maximum allowed size",
    );
    let in_batch = t
        .client
        .batch_write_item()
        .request_items(
            &t.name,
            vec![t.write_of(item(
                "big",
                "huge",
                &[("data", AttributeValue::S("x".repeat(limit)))],
            ))],
        )
        .send()
        .await;
    refused(in_batch, "Item size has exceeded the maximum allowed size");
    assert_eq!(t.count("big").await, 1);
}

#[tokio::test]
async fn a_limit_is_at_least_one() {
    let t = table().await;
    t.put(key("page", "1")).await;
    let query = |limit: i32| {
        t.query()
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", s("page"))
            .limit(limit)
            .send()
    };
    refused(
        query(0).await,
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member \
         must have value greater than or equal to 1",
    );
    refused(
        query(-1).await,
        "1 validation error detected: Value '-1' at 'limit' failed to satisfy constraint: Member \
         must have value greater than or equal to 1",
    );
    assert_eq!(query(1).await.expect("a limit of one").count, 1);
}

/// Every kind of request the store sends, each expression with placeholders, grammar words in
/// either case, functions whose names are reserved words (`size`), and reserved attribute names
/// behind `#names`: all of it DynamoDB accepts, so the emulator must too.
#[tokio::test]
async fn well_formed_requests_of_every_kind_pass() {
    let t = table().await;
    t.put_item()
        .set_item(Some(item(
            "ok",
            "1",
            &[
                ("status", s("NEW")),
                ("hits", n(1)),
                ("tags", AttributeValue::L(vec![s("a")])),
            ],
        )))
        .condition_expression("attribute_not_exists(PK) or #status <> :done")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":done", s("DONE"))
        .send()
        .await
        .expect("put");
    t.update_item()
        .set_key(Some(key("ok", "1")))
        .update_expression(
            "SET #status = if_not_exists(#status, :new), tags = list_append(tags, :more), \
             #location = :room ADD hits :one REMOVE gone",
        )
        .condition_expression(
            "attribute_exists(PK) AND size(tags) < :three AND begins_with(SK, :prefix) \
             AND NOT (hits BETWEEN :big AND :bigger) AND #status IN (:new, :done)",
        )
        .expression_attribute_names("#status", "status")
        .expression_attribute_names("#location", "location")
        .expression_attribute_values(":new", s("NEW"))
        .expression_attribute_values(":done", s("DONE"))
        .expression_attribute_values(":more", AttributeValue::L(vec![s("b")]))
        .expression_attribute_values(":room", s("101"))
        .expression_attribute_values(":one", n(1))
        .expression_attribute_values(":three", n(3))
        .expression_attribute_values(":prefix", s("1"))
        .expression_attribute_values(":big", n(100))
        .expression_attribute_values(":bigger", n(200))
        .send()
        .await
        .expect("update");
    let got = t
        .get_item()
        .set_key(Some(key("ok", "1")))
        .projection_expression("hits, tags, #location")
        .expression_attribute_names("#location", "location")
        .send()
        .await
        .expect("get")
        .item
        .expect("the item");
    assert_eq!(got["hits"], n(2));
    assert_eq!(got["location"], s("101"));
    let page = t
        .query()
        .key_condition_expression("#pk = :pk and SK between :from and :to")
        .filter_expression("contains(tags, :b) AND hits > :one")
        .projection_expression("SK, #status")
        .expression_attribute_names("#pk", "PK")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":pk", s("ok"))
        .expression_attribute_values(":from", s("0"))
        .expression_attribute_values(":to", s("9"))
        .expression_attribute_values(":b", s("b"))
        .expression_attribute_values(":one", n(1))
        .limit(1)
        .send()
        .await
        .expect("query");
    assert_eq!(page.count, 1);
    let scanned = t
        .scan()
        .filter_expression("attribute_type(hits, :number)")
        .expression_attribute_values(":number", s("N"))
        .send()
        .await
        .expect("scan");
    assert_eq!(scanned.count, 1);
    t.put(key("ok", "2")).await;
    t.put(key("ok", "3")).await;
    t.client
        .transact_write_items()
        .transact_items(t.put_of(key("ok", "4")))
        .transact_items(
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(&t.name)
                        .set_key(Some(key("ok", "1")))
                        .update_expression("ADD hits :one")
                        .condition_expression("#status = :new")
                        .expression_attribute_names("#status", "status")
                        .expression_attribute_values(":one", n(1))
                        .expression_attribute_values(":new", s("NEW"))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(&t.name)
                        .set_key(Some(key("ok", "2")))
                        .condition_expression("attribute_exists(PK)")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name(&t.name)
                        .set_key(Some(key("ok", "3")))
                        .condition_expression("attribute_exists(PK)")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .expect("a transaction of four actions on four items");
    t.client
        .batch_write_item()
        .request_items(
            &t.name,
            vec![
                t.write_of(key("ok", "5")),
                WriteRequest::builder()
                    .delete_request(
                        DeleteRequest::builder()
                            .set_key(Some(key("ok", "4")))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            ],
        )
        .send()
        .await
        .expect("batch write");
    t.delete_item()
        .set_key(Some(key("ok", "3")))
        .condition_expression("attribute_exists(#pk)")
        .expression_attribute_names("#pk", "PK")
        .send()
        .await
        .expect("delete");
    let left = t
        .query()
        .key_condition_expression("PK = :pk")
        .expression_attribute_values(":pk", s("ok"))
        .send()
        .await
        .expect("query");
    let sort_keys: Vec<_> = left
        .items
        .unwrap_or_default()
        .iter()
        .map(|item| item["SK"].as_s().unwrap().clone())
        .collect();
    assert_eq!(sort_keys, ["1", "5"]);
    assert_eq!(
        t.get(key("ok", "1")).await.expect("item")["hits"],
        n(3),
        "the transaction's update applied"
    );
}
