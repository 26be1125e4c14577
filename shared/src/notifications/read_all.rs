//! `POST /api/v1/notifications/read-all`: marks every unread notification of the caller read.

use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::session::Session;

#[derive(Serialize)]
struct Marked {
    marked: u64,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let marked = app.store.mark_all_notifications_read(session.user).await?;
    http::ok(&Marked { marked })
}
