//! `GET /api/v1/notifications/unread-count`: how many of the caller's notifications are unread.

use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::session::Session;

#[derive(Serialize)]
struct Unread {
    unread: u64,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let unread = app.store.unread_notifications(session.user).await?;
    http::ok(&Unread { unread })
}
