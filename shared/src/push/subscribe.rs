//! `POST /api/v1/push/subscriptions`: the signed-in user's browser registers for web push with
//! what `PushManager.subscribe()` gave it: `{"endpoint", "keys": {"p256dh", "auth"}}`.
//! Subscribing the same endpoint again refreshes it; a user's eleventh browser replaces the
//! oldest. An endpoint whose host resolves to a private, loopback or link-local address is
//! refused. The answer names the subscription.

use lambda_http::Request;
use lambda_http::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{PushSubscription, check_destination, check_endpoint, check_keys, subscription_id};
use crate::app::App;
use crate::error::Error;
use crate::http::{self, HandlerResult};
use crate::session::Session;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    endpoint: String,
    keys: Keys,
    /// Browsers send it (usually null); it changes nothing here.
    #[serde(default, rename = "expirationTime")]
    _expiration_time: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Keys {
    p256dh: String,
    auth: String,
}

#[derive(Serialize)]
struct Subscribed {
    id: String,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let settings = app
        .config
        .push
        .as_ref()
        .ok_or(Error::NotFound("Web push"))?;
    let push = app.push().ok_or(Error::NotFound("Web push"))?;
    let input: Input = http::json(&req, app.config.max_json_body_bytes)?;
    let endpoint = check_endpoint(&input.endpoint, settings.allow_loopback_endpoints)?;
    check_keys(&input.keys.p256dh, &input.keys.auth)?;
    check_destination(push, &endpoint).await?;
    let id = subscription_id(&input.endpoint);
    let subscription = PushSubscription {
        id: id.clone(),
        endpoint: input.endpoint,
        p256dh: input.keys.p256dh,
        auth: input.keys.auth,
        created_at: app.clock.now(),
    };
    super::add(app, session.user, subscription).await?;
    http::json_response(StatusCode::CREATED, &Subscribed { id })
}
