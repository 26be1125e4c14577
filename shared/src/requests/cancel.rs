//! `POST /api/v1/me/requests/{request}/cancel`: the guest withdraws a request that is still NEW,
//! ACKNOWLEDGED or CONFIRMED. Staff who acknowledged or were assigned it are told.

use lambda_http::Request;

use super::state::{Actor, check};
use super::{Activity, ActivityKind, GuestView, Status};
use crate::app::App;
use crate::error::Error;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::RequestId;
use crate::notifications::{self, NotificationKind};
use crate::session::Session;
use crate::store::{REQUEST_MOVE, Write};

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let id: RequestId = http::path(&req, "request")?;
    let session = Session::required(&app.config, &req)?;
    guards::active_user(app, &session).await?;
    let mut attempts = REQUEST_MOVE.begin();
    let cancelled = loop {
        let request = app
            .store
            .request(id)
            .await?
            .filter(|request| request.guest == session.user)
            .ok_or(Error::NotFound("Request"))?;
        check(
            request.status,
            Status::Cancelled,
            request.needs_confirmation,
            Actor::Guest,
        )?;
        let now = app.clock.now();
        let mut next = request.next(now);
        next.status = Status::Cancelled;
        let activity = Activity::new(
            &next,
            ActivityKind::StatusChanged,
            Some((session.user, &request.guest_name)),
            now,
        )
        .status_change(request.status, Status::Cancelled);
        let written = app
            .store
            .transact(&[
                Write::ReplaceRequest {
                    request: &next,
                    expected_version: request.version,
                },
                Write::InsertActivity(&activity),
            ])
            .await;
        if attempts.settle(written)?.is_some() {
            break next;
        }
    };
    let title = format!(
        "Cancelled by the guest: request from {}",
        cancelled.location
    );
    notifications::to_workers(
        app,
        &cancelled,
        NotificationKind::RequestCancelled,
        &title,
        cancelled.updated_at,
    )
    .await;
    http::ok(&GuestView::from(&cancelled))
}
