//! Configuration, read once per cold start from the environment the deployment sets.

use std::env;

use crate::error::{BoxError, Result};

#[derive(Debug, Clone)]
pub struct Config {
    /// The single DynamoDB table (`TABLE_NAME`).
    pub table_name: String,
    /// Browser origins allowed to call the API with credentials (`ALLOWED_ORIGINS`,
    /// comma-separated).
    pub allowed_origins: Vec<String>,
    /// Largest JSON request body accepted, in bytes (`MAX_JSON_BODY_BYTES`).
    pub max_json_body_bytes: usize,
}

impl Config {
    /// A configuration with defaults for everything but the table.
    pub fn new(table_name: impl Into<String>) -> Self {
        Self {
            table_name: table_name.into(),
            allowed_origins: Vec::new(),
            max_json_body_bytes: 64 * 1024,
        }
    }

    pub fn from_env() -> Result<Self, BoxError> {
        let mut config = Self::new(required("TABLE_NAME")?);
        if let Some(origins) = optional("ALLOWED_ORIGINS") {
            config.allowed_origins = list(&origins);
        }
        if let Some(bytes) = optional("MAX_JSON_BODY_BYTES") {
            config.max_json_body_bytes = bytes
                .parse()
                .map_err(|_| "MAX_JSON_BODY_BYTES must be a number of bytes")?;
        }
        Ok(config)
    }
}

fn required(name: &str) -> Result<String, BoxError> {
    optional(name).ok_or_else(|| format!("{name} must be set").into())
}

fn optional(name: &str) -> Option<String> {
    env::var(name).ok().filter(|value| !value.trim().is_empty())
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}
