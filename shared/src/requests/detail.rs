//! `GET /api/v1/hotels/{hotel}/admin/requests/{request}`: one request with its whole history,
//! for staff who work its department.

use lambda_http::Request;
use serde::Serialize;

use super::{Activity, StaffView};
use crate::app::App;
use crate::error::Error;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, RequestId};
use crate::members::Role;
use crate::session::Session;

#[derive(Serialize)]
struct Detail<'a> {
    request: StaffView<'a>,
    activity: &'a [Activity],
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let id: RequestId = http::path(&req, "request")?;
    let session = Session::required(&app.config, &req)?;
    let membership = guards::member(app, &session, &hotel, Role::Staff).await?;
    let (request, activity) = app
        .store
        .request_with_activity(id)
        .await?
        .filter(|(request, _)| {
            request.hotel == hotel && guards::works_department(&membership, &request.department)
        })
        .ok_or(Error::NotFound("Request"))?;
    http::ok(&Detail {
        request: StaffView::new(&request, app.clock.now()),
        activity: &activity,
    })
}
