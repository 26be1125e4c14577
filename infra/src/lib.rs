//! The local stack and the operator's tools. Nothing here is deployed: the Lambdas are the
//! `functions/` binaries, built from the `concierge` crate alone.

pub mod bootstrap;
pub mod demo;
pub mod emulator;
pub mod local_api;
pub mod login;
pub mod outbox;
pub mod runner;
pub mod site;
pub mod sse;
pub mod template;

use std::time::Duration;

use concierge::App;
use concierge::config::{Config, GupshupSettings, PushSettings, SchedulerSettings};

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
/// at `api_base/scan`. `local_app` adds the fallback queue it creates.
pub fn local_config(table: &str, api_base: &str, secret: &[u8]) -> Result<Config, String> {
    let mut config = Config::new(table, secret).map_err(|e| e.to_string())?;
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
    config.gupshup = Some(GupshupSettings {
        api_url: format!("{api_base}{}", outbox::GUPSHUP_PREFIX),
        api_key: "local".into(),
        source: "15550000000".into(),
        app_name: "concierge-local".into(),
        otp_template_id: "local-otp-template".into(),
        timeout: Duration::from_secs(2),
    });
    config.delivery.gupshup_webhook_secret = Some(LOCAL_WEBHOOK_SECRET.into());
    config.scheduler = Some(SchedulerSettings {
        group: table.to_owned(),
        role_arn: "arn:aws:iam::000000000000:role/local-scheduler".into(),
        escalation_function_arn: local_function_arn("escalation"),
        reminder_function_arn: local_function_arn("reminder"),
    });
    config.push = Some(PushSettings {
        vapid_private_key: LOCAL_VAPID_PRIVATE_KEY.into(),
        subject: "mailto:dev@concierge.test".into(),
        timeout: Duration::from_secs(2),
        allow_loopback_endpoints: true,
    });
    Ok(config)
}

/// An `App` talking to the emulator at `endpoint`, with its table, fallback queue and
/// schedule group created as `template.yaml` declares them.
pub async fn local_app(endpoint: &str, mut config: Config) -> Result<App, String> {
    let sdk = emulator::sdk_config(endpoint).await;
    bootstrap::create_table(&sdk, &config.table_name).await?;
    if config.delivery.sms_fallback_queue_url.is_none() {
        let url = bootstrap::create_fallback_queue(&sdk, &config.table_name).await?;
        config.delivery.sms_fallback_queue_url = Some(url);
    }
    if let Some(scheduler) = &config.scheduler {
        bootstrap::create_schedule_group(&sdk, &scheduler.group).await?;
    }
    bootstrap::create_bucket(&sdk, &config.images.bucket).await?;
    Ok(App::new(config, &sdk))
}
