//! Escalation, every minute and at each request's deadline: a request nobody acknowledged by
//! its `response_due_at` escalates to level 1 (the department's staff and its escalation
//! contacts hear of it, or the hotel's admins when that is nobody); still unacknowledged one SLA
//! later, to level 2 (the hotel's admins). An escalation nobody could be told of is not recorded.
//! Each level is recorded once: the request's version and the timer's deletion are conditions
//! of the one transaction that records it.

use jiff::SignedDuration;

use super::run::{Job, JobEvent, JobReport, drop_timer, handle_due};
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::notifications::{self, NotificationKind};
use crate::requests::{Activity, ActivityKind, Status};
use crate::store::Write;
use crate::timers::{Timer, TimerKind};

pub const JOB: Job = Job {
    name: "escalation",
    every: SignedDuration::from_mins(1),
    run: |app, event| Box::pin(run(app, event)),
};

/// The highest level: after it there is no one left to tell.
pub const TOP_LEVEL: u8 = 2;

/// How long an escalation with nobody to tell waits before it is tried again.
const NOBODY_RETRY: SignedDuration = SignedDuration::from_mins(15);

pub async fn run(app: &App, event: JobEvent) -> Result<JobReport> {
    handle_due(app, TimerKind::Escalate, &event, escalate).await
}

async fn escalate(app: &App, timer: Timer) -> Result<&'static str> {
    let store = app.store.as_ref();
    let request = store.request(timer.request()?).await?;
    let Some(request) =
        request.filter(|r| r.status == Status::New && r.escalation_level < TOP_LEVEL)
    else {
        return drop_timer(app, &timer).await;
    };
    let now = app.clock.now();
    let level = request.escalation_level + 1;
    // Who is told decides what the history says, so they are found before anything is written.
    let (members, department) = tokio::try_join!(
        store.members(&request.hotel),
        store.department(&request.hotel, &request.department),
    )?;
    let (recipients, told) = match level {
        1 => {
            let contacts = department
                .as_ref()
                .map(|d| d.escalation_contacts.as_slice())
                .unwrap_or_default();
            let found = notifications::recipients(&members, &request.department, contacts);
            let told = if found.admins_instead {
                "nobody receives this department's requests, so the hotel's admins were told"
            } else {
                "the department's staff were told"
            };
            (found.users, told)
        }
        _ => (
            notifications::admins(&members),
            "the hotel's admins were told",
        ),
    };
    if recipients.is_empty() {
        // Only a hotel without an active admin gets here: nothing is recorded as told, and the
        // escalation is tried again later.
        tracing::error!(request = %request.id, level, "an escalation has nobody to tell");
        let retry = Timer::new(
            TimerKind::Escalate,
            now.saturating_add(NOBODY_RETRY).unwrap_or(now),
            request.id.to_string(),
        );
        return match store
            .transact(&[Write::DeleteTimer(&timer), Write::InsertTimer(&retry)])
            .await
        {
            Ok(()) | Err(Error::Conflict(Conflict::TimerGone, _)) => Ok("nobody_to_tell"),
            Err(err) => Err(err),
        };
    }
    let mut next = request.next(now);
    next.escalation_level = level;
    next.escalated_at = Some(now);
    let activity = Activity::new(&next, ActivityKind::Escalated, None, now).text(Some(format!(
        "Escalated to level {level}: not acknowledged in time; {told} ({}).",
        people(recipients.len())
    )));
    // Level 2 comes one more SLA after the deadline.
    let sla = department
        .as_ref()
        .map(|d| {
            SignedDuration::from_mins(i64::from(if request.after_hours {
                d.after_hours_sla_minutes
            } else {
                d.response_sla_minutes
            }))
        })
        .unwrap_or_else(|| request.response_due_at.duration_since(request.created_at));
    let next_level = (level < TOP_LEVEL).then(|| {
        Timer::new(
            TimerKind::Escalate,
            request
                .response_due_at
                .max(now)
                .saturating_add(sla)
                .unwrap_or(request.response_due_at),
            request.id.to_string(),
        )
    });
    let mut writes = vec![
        Write::ReplaceRequest {
            request: &next,
            expected_version: request.version,
        },
        Write::InsertActivity(&activity),
        Write::DeleteTimer(&timer),
    ];
    writes.extend(next_level.iter().map(Write::InsertTimer));
    match store.transact(&writes).await {
        Ok(()) => {}
        // Another run escalated it, or staff acknowledged it meanwhile: nothing to do now.
        Err(Error::Conflict(Conflict::TimerGone | Conflict::RequestChanged, _)) => {
            return Ok("skipped");
        }
        Err(err) => return Err(err),
    }
    let title = format!(
        "Level {level} escalation: request from {} waiting",
        next.location
    );
    notifications::send(
        app,
        &next,
        &recipients,
        NotificationKind::Escalation,
        &title,
        now,
    )
    .await;
    Ok("escalated")
}

/// "1 person", "3 people".
fn people(count: usize) -> String {
    if count == 1 {
        "1 person".to_owned()
    } else {
        format!("{count} people")
    }
}
