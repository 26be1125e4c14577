//! Pagination with opaque cursors.

use serde::Serialize;

use crate::error::{Error, Result};

pub const DEFAULT_LIMIT: u16 = 50;
pub const MAX_LIMIT: u16 = 100;
/// Cursors we hand out are far shorter; anything longer is not one of ours.
const MAX_CURSOR_LEN: usize = 1024;

/// Where a page continues. Callers never look inside: the store encodes the position of the
/// last item it returned, and checks a cursor it receives before using it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Cursor(String);

impl Cursor {
    pub(crate) fn new(encoded: String) -> Self {
        Self(encoded)
    }

    pub fn parse(raw: &str) -> Result<Self> {
        if raw.is_empty() || raw.len() > MAX_CURSOR_LEN {
            return Err(invalid_cursor());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub(crate) fn invalid_cursor() -> Error {
    Error::field(
        "cursor",
        "this cursor is not valid here; start again without it",
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u16,
    pub cursor: Option<Cursor>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            cursor: None,
        }
    }
}

impl PageRequest {
    /// From the `limit` and `cursor` query parameters.
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Self> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<u16>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    Error::field("limit", format!("use a number from 1 to {MAX_LIMIT}"))
                })?,
        };
        let cursor = cursor.map(Cursor::parse).transpose()?;
        Ok(Self { limit, cursor })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<Cursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_default_and_are_bounded() {
        assert_eq!(PageRequest::parse(None, None).unwrap().limit, DEFAULT_LIMIT);
        assert_eq!(PageRequest::parse(Some("7"), None).unwrap().limit, 7);
        for bad in ["0", "101", "-1", "ten", ""] {
            assert!(PageRequest::parse(Some(bad), None).is_err(), "{bad}");
        }
        assert!(PageRequest::parse(None, Some("")).is_err());
        assert!(PageRequest::parse(None, Some(&"a".repeat(2000))).is_err());
    }
}
