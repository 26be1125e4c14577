//! `POST /api/v1/notifications/{notification}/read`: marks one of the caller's notifications
//! read. Someone else's notification, or one of a hotel the caller no longer works for, is
//! simply not found.

use lambda_http::Request;

use crate::app::App;
use crate::error::Error;
use crate::http::{self, HandlerResult};
use crate::ids::NotificationId;
use crate::notifications::visible;
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let id: NotificationId = http::path(&req, "notification")?;
    let session = Session::required(&app.config, &req)?;
    let found = app.store.notification(session.user, id).await?;
    let seen = visible(app, session.user, found.into_iter().collect()).await?;
    if seen.is_empty() || !app.store.mark_notification_read(session.user, id).await? {
        return Err(Error::NotFound("Notification"));
    }
    http::no_content()
}
