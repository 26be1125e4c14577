//! `GET /api/v1/notifications/unread-count`: how many of the caller's notifications are unread
//! (of those they may see).

use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::notifications::visible;
use crate::session::Session;

#[derive(Serialize)]
struct Unread {
    unread: usize,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let unread = app.store.unread_notifications(session.user).await?;
    let unread = visible(app, session.user, unread).await?.len();
    http::ok(&Unread { unread })
}
