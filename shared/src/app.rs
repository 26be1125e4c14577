//! What every handler gets: configuration, the store and the clock, built once per cold start
//! and shared by every invocation. Building it touches no network; delivery clients are built
//! on first use, so a function that never sends a message neither builds nor links them.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_config::{BehaviorVersion, SdkConfig};

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::delivery::gupshup::Gupshup;
use crate::delivery::queue::{Queue, SqsQueue};
use crate::delivery::s3::S3Bucket;
use crate::delivery::scheduler::{EventBridgeSchedules, Schedules};
use crate::delivery::sns::SnsSms;
use crate::delivery::webpush::{Push, WebPush};
use crate::delivery::{NoWhatsApp, Sms, WhatsApp};
use crate::error::BoxError;
use crate::images::bucket::ImageBucket;
use crate::store::Store;
use crate::store::dynamo::DynamoStore;

pub struct App {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    aws: SdkConfig,
    whatsapp: OnceLock<Arc<dyn WhatsApp>>,
    sms: OnceLock<Arc<dyn Sms>>,
    fallback_queue: OnceLock<Option<Arc<dyn Queue>>>,
    push_queue: OnceLock<Option<Arc<dyn Queue>>>,
    schedules: OnceLock<Option<Arc<dyn Schedules>>>,
    push: OnceLock<Option<Arc<dyn Push>>>,
    images: OnceLock<Arc<dyn ImageBucket>>,
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
            aws: sdk.clone(),
            whatsapp: OnceLock::new(),
            sms: OnceLock::new(),
            fallback_queue: OnceLock::new(),
            push_queue: OnceLock::new(),
            schedules: OnceLock::new(),
            push: OnceLock::new(),
            images: OnceLock::new(),
        }
    }

    /// Fetches the secrets on the first invocation (Secrets Manager, `SECRETS_ID`) and keeps
    /// them: start-up makes no network call, and later invocations make none for secrets.
    /// Every entry point (the Lambda runtimes, the local API and runner) calls it before the
    /// handler; given secrets make it a no-op.
    ///
    /// Boxed, so that the entry points' futures, which all await it, stay small.
    pub fn ready(&self) -> Pin<Box<dyn Future<Output = crate::error::Result<()>> + Send + '_>> {
        Box::pin(self.resolve_secrets())
    }

    async fn resolve_secrets(&self) -> crate::error::Result<()> {
        let store = &self.config.secrets;
        if store.secret_id().is_none() || store.get().is_ok() {
            return store.get().map(drop);
        }
        let client = aws_sdk_secretsmanager::Client::new(&self.aws);
        store
            .resolve(|id| {
                let client = client.clone();
                async move {
                    let answer = client
                        .get_secret_value()
                        .secret_id(id)
                        .send()
                        .await
                        .map_err(|err| {
                            crate::error::Error::Unavailable(
                                aws_sdk_secretsmanager::error::DisplayErrorContext(err)
                                    .to_string()
                                    .into(),
                            )
                        })?;
                    answer.secret_string.ok_or_else(|| {
                        crate::error::Error::internal_msg("the secret has no string value")
                    })
                }
            })
            .await
            .map(drop)
    }

    /// WhatsApp delivery: Gupshup when configured with its key, else a channel that always
    /// declines (codes then go by SMS).
    pub fn whatsapp(&self) -> &dyn WhatsApp {
        self.whatsapp
            .get_or_init(|| {
                let settings = self.config.gupshup.clone();
                let api_key = self.config.secrets.get().ok().and_then(|s| s.gupshup_api_key.clone());
                match settings.zip(api_key).map(|(settings, key)| Gupshup::new(settings, key)) {
                    Some(Ok(gupshup)) => Arc::new(gupshup),
                    Some(Err(err)) => {
                        tracing::error!(%err, "WhatsApp client could not be built; codes go by SMS");
                        Arc::new(NoWhatsApp)
                    }
                    None => Arc::new(NoWhatsApp),
                }
            })
            .as_ref()
    }

    /// SMS delivery through SNS.
    pub fn sms(&self) -> &dyn Sms {
        self.sms
            .get_or_init(|| {
                let client = aws_sdk_sns::Client::new(&self.aws);
                Arc::new(SnsSms::new(client, self.config.sms_sender_id.clone()))
            })
            .as_ref()
    }

    /// The queue of delayed SMS fallbacks, when one is configured.
    pub fn fallback_queue(&self) -> Option<&dyn Queue> {
        self.fallback_queue
            .get_or_init(|| self.sqs_queue(self.config.delivery.sms_fallback_queue_url.clone()))
            .as_deref()
    }

    /// The queue of web pushes, when one is configured.
    pub fn push_queue(&self) -> Option<&dyn Queue> {
        self.push_queue
            .get_or_init(|| self.sqs_queue(self.config.delivery.push_queue_url.clone()))
            .as_deref()
    }

    fn sqs_queue(&self, url: Option<String>) -> Option<Arc<dyn Queue>> {
        let url = url?;
        let client = aws_sdk_sqs::Client::new(&self.aws);
        Some(Arc::new(SqsQueue::new(client, url)) as Arc<dyn Queue>)
    }

    /// One-time schedules, when configured.
    pub fn schedules(&self) -> Option<&dyn Schedules> {
        self.schedules
            .get_or_init(|| {
                let settings = self.config.scheduler.clone()?;
                let client = aws_sdk_scheduler::Client::new(&self.aws);
                Some(Arc::new(EventBridgeSchedules::new(client, settings)) as Arc<dyn Schedules>)
            })
            .as_deref()
    }

    /// Web push, when a VAPID key is configured.
    pub fn push(&self) -> Option<&dyn Push> {
        self.push
            .get_or_init(|| {
                let key = self.config.secrets.get().ok()?.vapid_private_key.as_ref()?;
                WebPush::new(self.config.push.as_ref()?, key).map_or_else(
                    |err| {
                        tracing::error!(%err, "web push could not be set up; nothing is pushed");
                        None
                    },
                    |push| Some(Arc::new(push) as Arc<dyn Push>),
                )
            })
            .as_deref()
    }

    /// The bucket of uploaded images.
    pub fn images(&self) -> &dyn ImageBucket {
        self.images
            .get_or_init(|| {
                let s3 = aws_sdk_s3::config::Builder::from(&self.aws)
                    .force_path_style(self.config.images.path_style)
                    .build();
                let client = aws_sdk_s3::Client::from_conf(s3);
                Arc::new(S3Bucket::new(client, self.config.images.bucket.clone()))
            })
            .as_ref()
    }

    /// Uses `sms` instead of SNS (tests that make SMS fail).
    pub fn with_sms(self, sms: Arc<dyn Sms>) -> Self {
        let _ = self.sms.set(sms);
        self
    }

    /// Uses `push` for web push (tests whose push client resolves names from a table).
    pub fn with_push(self, push: Arc<dyn Push>) -> Self {
        let _ = self.push.set(Some(push));
        self
    }
}
