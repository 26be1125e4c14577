//! `GET /api/v1/notifications[?limit=&cursor=]`: the caller's notifications, newest first; a
//! hotel's only while the caller is an active member of it (a page may come out short).

use jiff::Timestamp;
use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, NotificationId, RequestId, UserId};
use crate::notifications::{Notification, NotificationKind, visible};
use crate::session::Session;
use crate::store::Page;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let page = http::page(&req)?;
    let listed = app.store.notifications(session.user, &page).await?;
    let items = visible(app, session.user, listed.items).await?;
    http::ok(&Page {
        items: items.iter().map(View::from).collect(),
        next_cursor: listed.next_cursor,
    })
}

/// A notification as its recipient reads it: every time RFC 3339 (`expires_at` is stored as
/// epoch seconds, DynamoDB's TTL shape).
#[derive(Serialize)]
struct View<'a> {
    recipient: UserId,
    id: NotificationId,
    hotel: &'a HotelSlug,
    kind: NotificationKind,
    title: &'a str,
    body: &'a str,
    request: Option<RequestId>,
    read: bool,
    created_at: Timestamp,
    expires_at: Timestamp,
}

impl<'a> From<&'a Notification> for View<'a> {
    fn from(n: &'a Notification) -> Self {
        Self {
            recipient: n.recipient,
            id: n.id,
            hotel: &n.hotel,
            kind: n.kind,
            title: &n.title,
            body: &n.body,
            request: n.request,
            read: n.read,
            created_at: n.created_at,
            expires_at: n.expires_at,
        }
    }
}
