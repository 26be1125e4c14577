//! `POST /api/v1/notifications/{notification}/read`: marks one of the caller's notifications
//! read. Someone else's notification is simply not found.

use lambda_http::Request;

use crate::app::App;
use crate::error::Error;
use crate::http::{self, HandlerResult};
use crate::ids::NotificationId;
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let id: NotificationId = http::path(&req, "notification")?;
    let session = Session::required(&app.config, &req)?;
    if !app.store.mark_notification_read(session.user, id).await? {
        return Err(Error::NotFound("Notification"));
    }
    http::no_content()
}
