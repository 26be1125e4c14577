//! What each `Write` does to the table: the items it puts, updates or deletes, each with its
//! condition, and the part of the write it is (to name the failure).

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::delete_item::builders::DeleteItemFluentBuilder;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::builders::{
    ConditionCheckBuilder, DeleteBuilder, PutBuilder, UpdateBuilder,
};
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update,
};
use serde::Serialize;

use super::item::{Index, Item, s};
use crate::error::{Error, Result};
use crate::store::Part;
use crate::store::keys::{Key, PK, SK};

pub const NOT_EXISTS: &str = "attribute_not_exists(PK)";

/// A condition expression with its names and values (an update's values ride along with them);
/// `Condition::default()` is no condition. It reaches a request only through `Conditional`.
#[derive(Debug, Clone, Default)]
pub struct Condition {
    expression: String,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Condition {
    pub fn new(expression: &str) -> Self {
        Self {
            expression: expression.to_owned(),
            ..Self::default()
        }
    }

    pub fn value(mut self, placeholder: &str, value: AttributeValue) -> Self {
        self.values.insert(placeholder.to_owned(), value);
        self
    }

    /// Names an attribute whose name DynamoDB reserves (`status`, `state`, `read`…).
    pub fn name(mut self, placeholder: &str, attribute: &str) -> Self {
        self.names
            .insert(placeholder.to_owned(), attribute.to_owned());
        self
    }
}

/// A request that can carry a condition: the one way a `Condition` reaches DynamoDB, in and out
/// of transactions. DynamoDB refuses an empty expression and empty name or value maps, so an
/// empty condition sends no expression and empty maps are left out.
pub trait Conditional: Sized {
    fn condition(self, condition: Condition) -> Self;
}

macro_rules! conditional {
    ($($request:ty),*) => {$(
        impl Conditional for $request {
            fn condition(self, condition: Condition) -> Self {
                let Condition { expression, names, values } = condition;
                self.set_condition_expression((!expression.is_empty()).then_some(expression))
                    .set_expression_attribute_names((!names.is_empty()).then_some(names))
                    .set_expression_attribute_values((!values.is_empty()).then_some(values))
            }
        }
    )*};
}

conditional!(
    PutItemFluentBuilder,
    UpdateItemFluentBuilder,
    DeleteItemFluentBuilder,
    PutBuilder,
    UpdateBuilder,
    DeleteBuilder,
    ConditionCheckBuilder
);

/// One item operation.
#[derive(Debug, Clone)]
pub enum Op {
    Put {
        item: Item,
        condition: Condition,
    },
    /// `update` is an update expression; its values share the map with the condition's.
    Update {
        key: Key,
        update: String,
        condition: Condition,
    },
    Delete {
        key: Key,
        condition: Condition,
    },
    /// Only a condition on an item, inside a transaction.
    Check {
        key: Key,
        condition: Condition,
    },
}

impl Op {
    pub fn into_transact_item(self, table: &str) -> Result<TransactWriteItem> {
        let built = match self {
            Op::Put { item, condition } => TransactWriteItem::builder().put(
                Put::builder()
                    .table_name(table)
                    .set_item(Some(item))
                    .condition(condition)
                    .build()
                    .map_err(Error::internal)?,
            ),
            Op::Update {
                key,
                update,
                condition,
            } => TransactWriteItem::builder().update(
                Update::builder()
                    .table_name(table)
                    .set_key(Some(key_map(key)))
                    .update_expression(update)
                    .condition(condition)
                    .build()
                    .map_err(Error::internal)?,
            ),
            Op::Delete { key, condition } => TransactWriteItem::builder().delete(
                Delete::builder()
                    .table_name(table)
                    .set_key(Some(key_map(key)))
                    .condition(condition)
                    .build()
                    .map_err(Error::internal)?,
            ),
            // Without an expression the builder refuses to build: a check needs a condition.
            Op::Check { key, condition } => TransactWriteItem::builder().condition_check(
                ConditionCheck::builder()
                    .table_name(table)
                    .set_key(Some(key_map(key)))
                    .condition(condition)
                    .build()
                    .map_err(Error::internal)?,
            ),
        };
        Ok(built.build())
    }
}

pub fn key_map((pk, sk): Key) -> Item {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(pk)),
        (SK.to_owned(), AttributeValue::S(sk)),
    ])
}

pub fn to_item<T: Serialize>(value: &T) -> Result<Item> {
    serde_dynamo::to_item(value).map_err(|e| Error::internal_msg(format!("unwritable item: {e}")))
}

pub fn with_key(mut item: Item, (pk, sk): Key) -> Item {
    item.insert(PK.into(), AttributeValue::S(pk));
    item.insert(SK.into(), AttributeValue::S(sk));
    item
}

pub fn with_index(mut item: Item, index: Index, (pk, sk): Key) -> Item {
    item.insert(index.pk.into(), AttributeValue::S(pk));
    item.insert(index.sk.into(), AttributeValue::S(sk));
    item
}

pub fn insert(item: Item) -> Vec<(Op, Part)> {
    vec![(
        Op::Put {
            item,
            condition: Condition::new(NOT_EXISTS),
        },
        Part::Main,
    )]
}

/// A put of `item` on condition that the stored one is unchanged since it was read.
pub fn replace(item: Item, previous_updated_at: &jiff::Timestamp) -> (Op, Part) {
    (
        Op::Put {
            item,
            condition: Condition::new("updated_at = :previous")
                .value(":previous", s(previous_updated_at.to_string())),
        },
        Part::Main,
    )
}
