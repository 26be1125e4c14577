//! `DELETE /api/v1/push/subscriptions/{subscription}`: the user's browser stops being pushed
//! to. Only the caller's own subscriptions can be named; deleting one twice is fine.

use lambda_http::Request;

use super::SubscriptionId;
use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let id: SubscriptionId = http::path(&req, "subscription")?;
    super::remove(app, session.user, &[id.as_str()]).await?;
    http::no_content()
}
