//! `POST /api/v1/hotels/{hotel}/admin/requests/{request}/acknowledge`: a staff member takes
//! the request. One conditional write: of any number of staff acknowledging at once, exactly
//! one wins and the others get 409 (F1).

use lambda_http::Request;

use super::state::{Actor, check};
use super::{Activity, ActivityKind, StaffView, Status};
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, RequestId};
use crate::members::Role;
use crate::notifications;
use crate::requests::{ServiceRequest, of_hotel};
use crate::session::Session;
use crate::store::{REQUEST_MOVE, Write};

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let id: RequestId = http::path(&req, "request")?;
    let session = Session::required(&app.config, &req)?;
    let (membership, staff) = guards::member_and_user(app, &session, &hotel, Role::Staff).await?;
    // Something else (a job, another field) may change the request meanwhile; a change of
    // status by someone else ends the retries.
    let mut attempts = REQUEST_MOVE.begin();
    let acknowledged = loop {
        let request = of_hotel(app.store.as_ref(), &hotel, id).await?;
        if !guards::works_department(&membership, &request.department) {
            return Err(Error::NotFound("Request"));
        }
        match attempts.settle(acknowledge(app, &request, &staff).await) {
            Ok(Some(acknowledged)) => break acknowledged,
            Ok(None) => {}
            Err(Error::Conflict(Conflict::RequestChanged, _)) => {
                let now = of_hotel(app.store.as_ref(), &hotel, id).await?;
                return Err(already(&now, &staff));
            }
            Err(err) => return Err(err),
        }
    };
    super::unschedule_escalation(app, &acknowledged).await;
    http::ok(&StaffView::new(&acknowledged, app.clock.now()))
}

/// The request is past NEW: acknowledged by `staff` themselves (a second tap), or by someone
/// else first.
fn already(request: &ServiceRequest, staff: &crate::users::User) -> Error {
    let message = if request.acknowledged_by == Some(staff.id) {
        "You already acknowledged this request."
    } else {
        "Someone else acknowledged this request first."
    };
    Error::conflict(Conflict::AlreadyAcknowledged, message)
}

async fn acknowledge(
    app: &App,
    request: &ServiceRequest,
    staff: &crate::users::User,
) -> Result<ServiceRequest> {
    if request.status != Status::New {
        return Err(already(request, staff));
    }
    check(
        request.status,
        Status::Acknowledged,
        request.needs_confirmation,
        Actor::Staff,
    )?;
    let now = app.clock.now();
    let mut next = request.next(now);
    next.status = Status::Acknowledged;
    next.acknowledged_at = Some(now);
    next.acknowledged_by = Some(staff.id);
    next.acknowledged_by_name = Some(staff.name.clone());
    let activity = Activity::new(
        &next,
        ActivityKind::Acknowledged,
        Some((staff.id, &staff.name)),
        now,
    )
    .status_change(Status::New, Status::Acknowledged);
    let notice = notifications::to_guest(&next, now);
    app.store
        .transact(&[
            Write::ReplaceRequest {
                request: &next,
                expected_version: request.version,
            },
            Write::InsertActivity(&activity),
            Write::InsertNotification(&notice),
        ])
        .await?;
    Ok(next)
}
