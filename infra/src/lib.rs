//! The local stack and the operator's tools. Nothing here is deployed: the Lambdas are the
//! `functions/` binaries, built from the `concierge` crate alone.

pub mod bootstrap;
pub mod demo;
pub mod emulator;
pub mod local_api;
pub mod template;

use concierge::App;
use concierge::config::Config;

/// Browser origins the local stack trusts: the local API itself and a Vite dev server.
pub const LOCAL_ORIGINS: [&str; 3] = [
    "http://localhost:3000",
    "http://127.0.0.1:3000",
    "http://localhost:5173",
];

/// The configuration of the local stack for a table.
pub fn local_config(table: &str) -> Config {
    let mut config = Config::new(table);
    config.allowed_origins = LOCAL_ORIGINS.iter().map(|o| (*o).to_owned()).collect();
    config
}

/// An `App` talking to the emulator at `endpoint`, with its table created from
/// `template.yaml`.
pub async fn local_app(endpoint: &str, config: Config) -> Result<App, String> {
    let sdk = emulator::sdk_config(endpoint).await;
    bootstrap::create_table(&sdk, &config.table_name).await?;
    Ok(App::new(config, &sdk))
}
