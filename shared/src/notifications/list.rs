//! `GET /api/v1/notifications[?limit=&cursor=]`: the caller's notifications, newest first; a
//! hotel's only while the caller is an active member of it (a page may come out short).

use lambda_http::Request;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::notifications::visible;
use crate::session::Session;
use crate::store::Page;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let page = http::page(&req)?;
    let listed = app.store.notifications(session.user, &page).await?;
    http::ok(&Page {
        items: visible(app, session.user, listed.items).await?,
        next_cursor: listed.next_cursor,
    })
}
