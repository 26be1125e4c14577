//! The local stack and the operator's tools. Nothing here is deployed: the Lambdas are the
//! `functions/` binaries, built from the `concierge` crate alone.

pub mod bootstrap;
pub mod demo;
pub mod emulator;
pub mod local_api;
pub mod outbox;
pub mod template;

use std::time::Duration;

use concierge::App;
use concierge::config::{Config, GupshupSettings};

/// Browser origins the local stack trusts: the local API itself and a Vite dev server.
pub const LOCAL_ORIGINS: [&str; 3] = [
    "http://localhost:3000",
    "http://127.0.0.1:3000",
    "http://localhost:5173",
];

/// The local stack's secret. Local only: deployments take theirs from Secrets Manager.
pub const LOCAL_SECRET: &[u8] = b"concierge-local-development-secret-never-deployed";

/// Where the local guest app (a Vite dev server) opens a scanned room code.
pub const LOCAL_GUEST_ENTRY_URL: &str = "http://localhost:5173/scan";

/// The configuration of the local stack for a table, served at `api_base` (e.g.
/// `http://127.0.0.1:3000`): plain-http cookies, bearer tokens allowed for curl, WhatsApp
/// through the Gupshup stand-in, and images in a bucket of the table's name.
pub fn local_config(table: &str, api_base: &str, secret: &[u8]) -> Result<Config, String> {
    let mut config = Config::new(table, secret).map_err(|e| e.to_string())?;
    config.allowed_origins = LOCAL_ORIGINS.iter().map(|o| (*o).to_owned()).collect();
    config.cookies.secure = false;
    config.allow_bearer = true;
    config.images.bucket = format!("{table}-images");
    config.images.path_style = true;
    config.guest_entry_url = LOCAL_GUEST_ENTRY_URL.to_owned();
    config.gupshup = Some(GupshupSettings {
        api_url: format!("{api_base}{}", outbox::GUPSHUP_PREFIX),
        api_key: "local".into(),
        source: "15550000000".into(),
        app_name: "concierge-local".into(),
        otp_template_id: "local-otp-template".into(),
        timeout: Duration::from_secs(2),
    });
    Ok(config)
}

/// An `App` talking to the emulator at `endpoint`, with its table created from
/// `template.yaml` and its images bucket, served by the emulator.
pub async fn local_app(endpoint: &str, mut config: Config) -> Result<App, String> {
    let sdk = emulator::sdk_config(endpoint).await;
    bootstrap::create_table(&sdk, &config.table_name).await?;
    bootstrap::create_bucket(&sdk, &config.images.bucket).await?;
    config.images.public_url = Some(format!(
        "{}/{}",
        endpoint.trim_end_matches('/'),
        config.images.bucket
    ));
    Ok(App::new(config, &sdk))
}
