//! `GET /api/v1/push/vapid-public-key`: the key a browser subscribes with
//! (`applicationServerKey`). 404 when this deployment does not push.

use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::error::Error;
use crate::http::{self, HandlerResult};

#[derive(Serialize)]
struct VapidKey<'a> {
    key: &'a str,
}

pub async fn handle(app: &App, _req: Request) -> HandlerResult {
    let push = app.push().ok_or(Error::NotFound("Web push"))?;
    let response = http::ok(&VapidKey {
        key: push.public_key(),
    })?;
    Ok(http::cache_publicly(response, 3600))
}
