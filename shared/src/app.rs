//! What every handler gets: configuration, the store and the clock, built once per cold start
//! and shared by every invocation. Building it touches no network.

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, SdkConfig};

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::error::BoxError;
use crate::store::Store;
use crate::store::dynamo::DynamoStore;

pub struct App {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
}

impl App {
    /// The deployed shape: configuration from the environment, AWS clients from the Lambda
    /// environment's credentials and region.
    pub async fn from_env() -> Result<Self, BoxError> {
        let config = Config::from_env()?;
        let sdk = aws_config::defaults(BehaviorVersion::latest())
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .operation_attempt_timeout(Duration::from_secs(3))
                    .operation_timeout(Duration::from_secs(8))
                    .build(),
            )
            .load()
            .await;
        Ok(Self::new(config, &sdk))
    }

    pub fn new(config: Config, sdk: &SdkConfig) -> Self {
        let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name);
        Self {
            config,
            store: Arc::new(store),
            clock: Arc::new(SystemClock),
        }
    }
}
