//! The end of a stay, for its open requests (docs/lifecycle.md): what the guest could still
//! cancel is cancelled for them ("guest checked out"); what staff are already doing is flagged
//! to them and no longer reminded. Escalation stops with NEW.

use jiff::Timestamp;

use super::GuestStay;
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::notifications::{self, NotificationKind};
use crate::requests::state::{Actor, allowed};
use crate::requests::{Activity, ActivityKind, ServiceRequest, Status, unschedule_escalation};
use crate::store::{REQUEST_MOVE, RequestFilter, RequestListing, Write};

/// The reason a departed guest's request was cancelled.
pub const CHECKED_OUT: &str = "guest checked out";

/// What staff read on a request they were doing when its guest checked out.
const IN_PROGRESS_AT_CHECK_OUT: &str =
    "The guest checked out while this was in progress: ask reception before delivering.";

/// Requests examined per stay: far more than a stay makes.
const PER_STAY: u16 = 100;

/// What the end of a stay did to its requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Departure {
    pub cancelled: u64,
    pub flagged: u64,
}

/// Closes the open requests of `stay`, which has just ended. The guest's requests index is
/// eventually consistent: a request made within a moment of the end may be missed (creating one
/// checks the stay is still active, so none is made after it).
pub async fn close_requests(app: &App, stay: &GuestStay, now: Timestamp) -> Result<Departure> {
    let filter = RequestFilter {
        statuses: Status::ALL.into_iter().filter(|s| !s.is_final()).collect(),
        created_from: Some(stay.check_in),
        ..RequestFilter::default()
    };
    let listed = app
        .store
        .requests(&RequestListing::Guest(stay.guest), &filter, PER_STAY, None)
        .await?;
    let mut departure = Departure::default();
    for request in listed.items.into_iter().filter(|r| r.stay == stay.id) {
        match close(app, request, now).await? {
            Some(Status::Cancelled) => departure.cancelled += 1,
            Some(_) => departure.flagged += 1,
            None => {}
        }
    }
    Ok(departure)
}

/// Cancels or flags one request, retrying from a fresh read when it changed meanwhile; the
/// status it ended with, `None` when nothing was left to do.
async fn close(app: &App, mut request: ServiceRequest, now: Timestamp) -> Result<Option<Status>> {
    let mut attempts = REQUEST_MOVE.begin();
    let (next, cancel) = loop {
        if request.status.is_final() || request.guest_left_at.is_some() {
            return Ok(None);
        }
        let mut next = request.next(now);
        next.guest_left_at = Some(now);
        let cancel = allowed(
            request.status,
            Status::Cancelled,
            request.needs_confirmation,
            Actor::Guest,
        );
        let activity = if cancel {
            next.status = Status::Cancelled;
            Activity::new(&next, ActivityKind::StatusChanged, None, now)
                .status_change(request.status, Status::Cancelled)
                .text(Some(CHECKED_OUT.to_owned()))
        } else {
            Activity::new(&next, ActivityKind::GuestLeft, None, now)
                .text(Some(IN_PROGRESS_AT_CHECK_OUT.to_owned()))
        };
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
        match attempts.settle(written) {
            Ok(Some(())) => break (next, cancel),
            Ok(None) => match app.store.request(request.id).await? {
                Some(fresh) => request = fresh,
                None => return Ok(None),
            },
            Err(Error::Conflict(Conflict::RequestChanged, _)) => {
                tracing::warn!(request = %request.id, "a departed guest's request kept changing; left open");
                return Ok(None);
            }
            Err(err) => return Err(err),
        }
    };
    unschedule_escalation(app, &next).await;
    let (kind, title) = if cancel {
        (
            NotificationKind::RequestCancelled,
            format!(
                "Cancelled: request from {} (guest checked out)",
                next.location
            ),
        )
    } else {
        (
            NotificationKind::GuestLeft,
            format!(
                "Guest checked out: request from {} in progress",
                next.location
            ),
        )
    };
    notifications::to_workers(app, &next, kind, &title, now).await;
    Ok(Some(next.status))
}
