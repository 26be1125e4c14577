//! `GET /api/v1/notifications[?limit=&cursor=]`: the caller's notifications, newest first.

use lambda_http::Request;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let page = http::page(&req)?;
    http::ok(&app.store.notifications(session.user, &page).await?)
}
