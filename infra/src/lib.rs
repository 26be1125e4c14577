//! The local stack and the operator's tools. Nothing here is deployed: the Lambdas are the
//! `functions/` binaries, built from the `concierge` crate alone.

pub mod backfill;
pub mod bootstrap;
pub mod demo;
pub mod emulator;
pub mod events;
pub mod local_api;
pub mod login;
pub mod outbox;
pub mod package;
pub mod runner;
pub mod site;
pub mod sse;
pub mod template;

use std::time::Duration;

use concierge::App;
use concierge::config::{Config, GupshupSettings, PushSettings, SchedulerSettings};
use concierge::secrets::{Secret, SecretStore, Secrets};
use concierge::users::CountryCode;

/// Browser origins the local stack trusts: the local API itself and Vite's dev server
/// (`make web-dev`, on 127.0.0.1:5173), by either name.
pub const LOCAL_ORIGINS: [&str; 4] = [
    "http://localhost:3000",
    "http://127.0.0.1:3000",
    "http://localhost:5173",
    "http://127.0.0.1:5173",
];

/// The local stack's secret. Local only: deployments take theirs from Secrets Manager.
pub const LOCAL_SECRET: &[u8] = b"concierge-local-development-secret-never-deployed";

/// The local stack's VAPID key for web push. Local only: deployments configure their own.
pub const LOCAL_VAPID_PRIVATE_KEY: &str = "iJdmmitFQRdTp1rCk64wVPzacCY4EhHp9pUAJTJl92A";

/// The secret the local Gupshup stand-in sends with its delivery events.
pub const LOCAL_WEBHOOK_SECRET: &str = "local-webhook-secret";

/// The local Gupshup stand-in's API key (it checks none).
pub const LOCAL_GUPSHUP_API_KEY: &str = "local";

/// The function ARNs the local one-time schedules target; the local runner maps them back
/// to the jobs.
pub fn local_function_arn(job: &str) -> String {
    format!("arn:aws:lambda:us-east-1:000000000000:function:local-jobs-{job}")
}

/// The configuration of the local stack for a table, served at `api_base` (e.g.
/// `http://127.0.0.1:3000`): plain-http cookies, bearer tokens allowed for curl, WhatsApp
/// through the Gupshup stand-in (which reports delivery to the webhook), web push to any
/// loopback endpoint, one-time schedules in a group named after the table, images in a
/// bucket of the table's name served at `api_base/images`, room codes opening the guest app
/// at `api_base/scan`. `local_app` adds the queues it creates.
pub fn local_config(table: &str, api_base: &str, secret: &[u8]) -> Result<Config, String> {
    let mut secrets = Secrets::new(secret).map_err(|e| e.to_string())?;
    secrets.gupshup_api_key = Some(Secret::new(LOCAL_GUPSHUP_API_KEY));
    secrets.vapid_private_key = Some(Secret::new(LOCAL_VAPID_PRIVATE_KEY));
    secrets.gupshup_webhook_secret = Some(Secret::new(LOCAL_WEBHOOK_SECRET));
    let mut config = Config::with_secrets(table, SecretStore::given(secrets));
    config.allowed_origins = LOCAL_ORIGINS.iter().map(|o| (*o).to_owned()).collect();
    if !config.allowed_origins.iter().any(|o| o == api_base) {
        config.allowed_origins.push(api_base.to_owned());
    }
    config.cookies.secure = false;
    config.allow_bearer = true;
    config.images.bucket = format!("{table}-images");
    config.images.path_style = true;
    config.images.public_url = Some(format!("{api_base}{}", site::IMAGES_PATH));
    config.guest_entry_url = format!("{api_base}/scan");
    // The demo hotels are in Portugal; their demo guests and staff have US and UK numbers.
    config.otp_countries = ["US", "GB"]
        .into_iter()
        .map(CountryCode::parse)
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    config.gupshup = Some(GupshupSettings {
        api_url: format!("{api_base}{}", outbox::GUPSHUP_PREFIX),
        source: "15550000000".into(),
        app_name: "concierge-local".into(),
        otp_template_id: "local-otp-template".into(),
        timeout: Duration::from_secs(2),
    });
    config.scheduler = Some(SchedulerSettings {
        group: table.to_owned(),
        role_arn: "arn:aws:iam::000000000000:role/local-scheduler".into(),
        escalation_function_arn: local_function_arn("escalation"),
        reminder_function_arn: local_function_arn("reminder"),
    });
    config.push = Some(PushSettings {
        subject: "mailto:dev@concierge.test".into(),
        timeout: Duration::from_secs(2),
        allow_loopback_endpoints: true,
    });
    Ok(config)
}

/// An `App` talking to the emulator at `endpoint`, with its table, queues and schedule group
/// created as `template.yaml` declares them.
pub async fn local_app(endpoint: &str, mut config: Config) -> Result<App, String> {
    let sdk = emulator::sdk_config(endpoint).await;
    let table = config.table_name.clone();
    bootstrap::create_table(&sdk, &table).await?;
    if config.delivery.sms_fallback_queue_url.is_none() {
        let url = bootstrap::create_queue(&sdk, "SmsFallbackQueue", &table).await?;
        config.delivery.sms_fallback_queue_url = Some(url);
    }
    if config.delivery.push_queue_url.is_none() {
        let url = bootstrap::create_queue(&sdk, "PushQueue", &format!("{table}-push")).await?;
        config.delivery.push_queue_url = Some(url);
    }
    if let Some(scheduler) = &config.scheduler {
        bootstrap::create_schedule_group(&sdk, &scheduler.group).await?;
    }
    bootstrap::create_bucket(&sdk, &config.images.bucket).await?;
    Ok(App::new(config, &sdk))
}

/// The environment a function binary needs to act as `config` against the emulator at
/// `endpoint`: what `Config::from_env` reads, and the SDK's endpoint, region and keys. `make dev`
/// writes it to `target/local/lambda.env` for `cargo lambda watch --env-file`.
pub fn lambda_environment(config: &Config, secret: &[u8], endpoint: &str) -> Vec<(String, String)> {
    let mut env = vec![
        ("AWS_ENDPOINT_URL", endpoint.to_owned()),
        ("AWS_REGION", emulator::REGION.to_owned()),
        ("AWS_ACCESS_KEY_ID", "local".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "local".to_owned()),
        ("TABLE_NAME", config.table_name.clone()),
        // The development way to give the secrets (deployed, SECRETS_ID names them instead).
        ("SECRET_KEY", String::from_utf8_lossy(secret).into_owned()),
        ("GUPSHUP_API_KEY", LOCAL_GUPSHUP_API_KEY.to_owned()),
        ("VAPID_PRIVATE_KEY", LOCAL_VAPID_PRIVATE_KEY.to_owned()),
        ("GUPSHUP_WEBHOOK_SECRET", LOCAL_WEBHOOK_SECRET.to_owned()),
        ("ALLOWED_ORIGINS", config.allowed_origins.join(",")),
        ("COOKIE_SECURE", config.cookies.secure.to_string()),
        ("ALLOW_BEARER", config.allow_bearer.to_string()),
        ("IMAGES_BUCKET", config.images.bucket.clone()),
        ("S3_PATH_STYLE", config.images.path_style.to_string()),
        ("GUEST_ENTRY_URL", config.guest_entry_url.clone()),
        ("RUST_LOG", "info".to_owned()),
    ];
    let optional = [
        ("IMAGES_PUBLIC_URL", config.images.public_url.clone()),
        (
            "SMS_FALLBACK_QUEUE_URL",
            config.delivery.sms_fallback_queue_url.clone(),
        ),
    ];
    env.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
    if let Some(gupshup) = &config.gupshup {
        env.extend([
            ("GUPSHUP_API_URL", gupshup.api_url.clone()),
            ("GUPSHUP_SOURCE", gupshup.source.clone()),
            ("GUPSHUP_APP_NAME", gupshup.app_name.clone()),
            ("GUPSHUP_OTP_TEMPLATE_ID", gupshup.otp_template_id.clone()),
        ]);
    }
    if let Some(scheduler) = &config.scheduler {
        env.extend([
            ("SCHEDULE_GROUP", scheduler.group.clone()),
            ("SCHEDULER_ROLE_ARN", scheduler.role_arn.clone()),
            (
                "ESCALATION_FUNCTION_ARN",
                scheduler.escalation_function_arn.clone(),
            ),
            (
                "REMINDER_FUNCTION_ARN",
                scheduler.reminder_function_arn.clone(),
            ),
        ]);
    }
    if let Some(push) = &config.push {
        env.extend([("VAPID_SUBJECT", push.subject.clone())]);
    }
    env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
