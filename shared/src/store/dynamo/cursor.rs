//! Opaque cursors: the last evaluated key of an index query, as base64url JSON of its string
//! attributes, accepted back only for the index and partition it came from.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use data_encoding::BASE64URL_NOPAD;

use super::item::{Index, Item};
use crate::error::{Error, Result};
use crate::store::Cursor;
use crate::store::keys::{PK, SK};
use crate::store::page::invalid_cursor;

/// A cursor is the last evaluated key of an index query, as base64url JSON of its string
/// attributes.
pub(super) fn encode(key: &Item) -> Result<Cursor> {
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

/// Reads a cursor back, accepting only the key attributes of `index` (of the table when
/// `None`) and only a position inside the partition being queried.
pub(super) fn decode(cursor: &Cursor, index: Option<Index>, partition: &str) -> Result<Item> {
    let json = BASE64URL_NOPAD
        .decode(cursor.as_str().as_bytes())
        .map_err(|_| invalid_cursor())?;
    let plain: HashMap<String, String> =
        serde_json::from_slice(&json).map_err(|_| invalid_cursor())?;
    let (expected, partition_key) = match index {
        Some(index) => (vec![PK, SK, index.pk, index.sk], index.pk),
        None => (vec![PK, SK], PK),
    };
    let shape_ok = plain.len() == expected.len()
        && expected.iter().all(|name| plain.contains_key(*name))
        && plain.get(partition_key).map(String::as_str) == Some(partition);
    if !shape_ok {
        return Err(invalid_cursor());
    }
    Ok(plain
        .into_iter()
        .map(|(name, value)| (name, AttributeValue::S(value)))
        .collect())
}
