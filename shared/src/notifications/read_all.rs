//! `POST /api/v1/notifications/read-all`: marks every unread notification the caller may see
//! read.

use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::notifications::visible;
use crate::session::Session;

#[derive(Serialize)]
struct Marked {
    marked: usize,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let unread = app.store.unread_notifications(session.user).await?;
    let unread = visible(app, session.user, unread).await?;
    let marks = unread
        .iter()
        .map(|n| app.store.mark_notification_read(session.user, n.id));
    let marked = futures_util::future::try_join_all(marks).await?;
    http::ok(&Marked {
        marked: marked.into_iter().filter(|done| *done).count(),
    })
}
