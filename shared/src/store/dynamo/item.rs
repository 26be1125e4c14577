//! What an item is: its attributes, the global secondary indexes it may be in, a string value.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::store::keys::{
    GSI1, GSI1PK, GSI1SK, GSI2, GSI2PK, GSI2SK, GSI3, GSI3PK, GSI3SK, GSI4, GSI4PK, GSI4SK,
};

pub type Item = HashMap<String, AttributeValue>;

/// Which global secondary index, and its key attributes.
#[derive(Clone, Copy)]
pub struct Index {
    pub(super) name: &'static str,
    pub(super) pk: &'static str,
    pub(super) sk: &'static str,
}

pub const INDEX1: Index = Index {
    name: GSI1,
    pk: GSI1PK,
    sk: GSI1SK,
};
pub const INDEX2: Index = Index {
    name: GSI2,
    pk: GSI2PK,
    sk: GSI2SK,
};
pub const INDEX3: Index = Index {
    name: GSI3,
    pk: GSI3PK,
    sk: GSI3SK,
};
pub const INDEX4: Index = Index {
    name: GSI4,
    pk: GSI4PK,
    sk: GSI4SK,
};

pub fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}
