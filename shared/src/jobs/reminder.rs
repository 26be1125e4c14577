//! Reminders, every five minutes and at each reminder's moment: shortly before a request's
//! requested-for time, its department's staff (and its assignee) are reminded, once; the
//! hotel's admins when nobody works the department. A time already past is not reminded.

use jiff::SignedDuration;

use super::run::{Job, JobEvent, JobReport, drop_timer, handle_due};
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::notifications::{self, NotificationKind};
use crate::requests::{Activity, ActivityKind};
use crate::store::Write;
use crate::timers::{Timer, TimerKind};

pub const JOB: Job = Job {
    name: "reminder",
    every: SignedDuration::from_mins(5),
    run: |app, event| Box::pin(run(app, event)),
};

pub async fn run(app: &App, event: JobEvent) -> Result<JobReport> {
    handle_due(app, TimerKind::Remind, &event, remind).await
}

async fn remind(app: &App, timer: Timer) -> Result<&'static str> {
    let store = app.store.as_ref();
    let request = store.request(timer.request()?).await?;
    let now = app.clock.now();
    // A reminder of a time already past (the job was late) would only mislead.
    let Some(request) = request.filter(|r| {
        !r.status.is_final()
            && r.guest_left_at.is_none()
            && r.requested_for.is_none_or(|at| at > now)
    }) else {
        return drop_timer(app, &timer).await;
    };
    let (hotel, members) =
        tokio::try_join!(store.hotel(&request.hotel), store.members(&request.hotel),)?;
    let Some(zone) = hotel.map(|h| h.timezone) else {
        return drop_timer(app, &timer).await;
    };
    let activity = Activity::new(&request, ActivityKind::Reminder, None, now).text(
        request
            .requested_for
            .map(|at| format!("Requested for {}.", zone.local_text(at))),
    );
    let written = store
        .transact(&[
            Write::CheckRequest(&request),
            Write::InsertActivity(&activity),
            Write::DeleteTimer(&timer),
        ])
        .await;
    match written {
        Ok(()) => {}
        Err(Error::Conflict(Conflict::TimerGone, _)) => return Ok("skipped"),
        // The request changed: look again next run.
        Err(Error::Conflict(Conflict::RequestChanged, _)) => return Ok("retry"),
        Err(err) => return Err(err),
    }
    let assignee: Vec<_> = request.assignee.into_iter().collect();
    let recipients = notifications::recipients(&members, &request.department, &assignee).users;
    let title = match request.requested_for {
        Some(at) => format!(
            "Coming up at {}: request from {}",
            zone.local_text(at),
            request.location
        ),
        None => format!("Coming up: request from {}", request.location),
    };
    notifications::send(
        app,
        &request,
        &recipients,
        NotificationKind::Reminder,
        &title,
        now,
    )
    .await;
    Ok("reminded")
}
