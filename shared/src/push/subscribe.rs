//! `POST /api/v1/push/subscriptions`: the signed-in user's browser registers for web push with
//! what `PushManager.subscribe()` gave it: `{"endpoint", "keys": {"p256dh", "auth"}}`.
//! Subscribing the same endpoint again replaces it; the answer names the subscription.

use lambda_http::Request;
use lambda_http::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{PushSubscription, check_endpoint, check_keys, subscription_id};
use crate::app::App;
use crate::error::Error;
use crate::http::{self, HandlerResult};
use crate::session::Session;
use crate::store::Write;

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
    let push = app
        .config
        .push
        .as_ref()
        .ok_or(Error::NotFound("Web push"))?;
    let input: Input = http::json(&req, app.config.max_json_body_bytes)?;
    check_endpoint(&input.endpoint, push.allow_loopback_endpoints)?;
    check_keys(&input.keys.p256dh, &input.keys.auth)?;
    let subscription = PushSubscription {
        user: session.user,
        id: subscription_id(&input.endpoint),
        endpoint: input.endpoint,
        p256dh: input.keys.p256dh,
        auth: input.keys.auth,
        created_at: app.clock.now(),
    };
    app.store
        .transact(&[Write::PutPushSubscription(&subscription)])
        .await?;
    http::json_response(
        StatusCode::CREATED,
        &Subscribed {
            id: subscription.id,
        },
    )
}
