//! `GET /api/v1/me/requests/{request}`: one of the caller's requests with the history they may
//! see. Anyone else's request is not found.

use lambda_http::Request;
use serde::Serialize;

use super::{GuestActivity, GuestView};
use crate::app::App;
use crate::error::Error;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::RequestId;
use crate::session::Session;

#[derive(Serialize)]
struct Detail<'a> {
    request: GuestView<'a>,
    activity: Vec<GuestActivity<'a>>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let id: RequestId = http::path(&req, "request")?;
    let session = Session::required(&app.config, &req)?;
    let (found, _) = tokio::try_join!(
        app.store.request_with_activity(id),
        guards::active_user(app, &session),
    )?;
    let (request, activity) = found
        .filter(|(request, _)| request.guest == session.user)
        .ok_or(Error::NotFound("Request"))?;
    http::ok(&Detail {
        request: GuestView::from(&request),
        activity: activity
            .iter()
            .filter(|a| a.visible_to_guest)
            .map(GuestActivity::from)
            .collect(),
    })
}
