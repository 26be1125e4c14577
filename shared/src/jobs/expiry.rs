//! Expiry, every five minutes: requests still NEW when their expiry timer comes due become
//! EXPIRED (the guest is told), and stays past their check-out end, closing their open requests
//! (`stays::departure`).

use jiff::SignedDuration;

use super::run::{Job, JobEvent, JobReport, drop_timer, handle_due};
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::notifications;
use crate::requests::state::{Actor, allowed};
use crate::requests::{Activity, ActivityKind, Status};
use crate::stays::departure;
use crate::store::Write;
use crate::timers::{Timer, TimerKind};

pub const JOB: Job = Job {
    name: "expiry",
    every: SignedDuration::from_mins(5),
    run: |app, event| Box::pin(run(app, event)),
};

/// Stays ended per run (the rest wait for the next run).
const STAYS_PER_RUN: u16 = 200;

pub async fn run(app: &App, event: JobEvent) -> Result<JobReport> {
    let mut report = handle_due(app, TimerKind::Expire, &event, expire).await?;
    if event.timer.is_none() {
        for stay in app
            .store
            .stays_ending_by(app.clock.now(), STAYS_PER_RUN)
            .await?
        {
            match app
                .store
                .transact(&[Write::EndStay {
                    stay: &stay,
                    at: stay.check_out,
                }])
                .await
            {
                Ok(()) => {
                    report.count("stays_ended");
                    let closed = departure::close_requests(app, &stay, app.clock.now()).await?;
                    report.add("requests_cancelled", closed.cancelled);
                    report.add("requests_flagged", closed.flagged);
                }
                // Ended or extended meanwhile.
                Err(Error::Conflict(Conflict::StayChanged, _)) => report.count("skipped"),
                Err(err) => return Err(err),
            }
        }
    }
    Ok(report)
}

async fn expire(app: &App, timer: Timer) -> Result<&'static str> {
    let store = app.store.as_ref();
    let request = store.request(timer.request()?).await?;
    let Some(request) = request.filter(|r| {
        allowed(
            r.status,
            Status::Expired,
            r.needs_confirmation,
            Actor::System,
        )
    }) else {
        return drop_timer(app, &timer).await;
    };
    let now = app.clock.now();
    let mut next = request.next(now);
    next.status = Status::Expired;
    let activity = Activity::new(&next, ActivityKind::StatusChanged, None, now)
        .status_change(request.status, Status::Expired)
        .text(Some(notifications::EXPIRED_REASON.to_owned()));
    let notice = notifications::to_guest(&next, now);
    let written = store
        .transact(&[
            Write::ReplaceRequest {
                request: &next,
                expected_version: request.version,
            },
            Write::InsertActivity(&activity),
            Write::InsertNotification(&notice),
            Write::DeleteTimer(&timer),
        ])
        .await;
    match written {
        Ok(()) => Ok("expired"),
        Err(Error::Conflict(Conflict::TimerGone | Conflict::RequestChanged, _)) => Ok("skipped"),
        Err(err) => Err(err),
    }
}
