//! Escalation, every minute and at each request's deadline: a request nobody acknowledged by
//! its `response_due_at` escalates to level 1 (the department's staff and its escalation
//! contacts hear of it); still unacknowledged one SLA later, to level 2 (the hotel's admins).
//! Each level is recorded once: the request's version and the timer's deletion are conditions
//! of the one transaction that records it.

use jiff::SignedDuration;

use super::{Job, JobEvent, JobReport, drop_timer, handle_due};
use crate::app::App;
use crate::error::{Error, Result};
use crate::members::Role;
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
    let mut next = request.next(now);
    next.escalation_level = level;
    next.escalated_at = Some(now);
    let activity = Activity::new(&next, ActivityKind::Escalated, None, now).text(Some(format!(
        "Escalated to level {level}: not acknowledged in time."
    )));
    // Level 2 comes one more SLA after the deadline.
    let sla = request.response_due_at.duration_since(request.created_at);
    let next_level = (level < TOP_LEVEL).then(|| {
        Timer::new(
            TimerKind::Escalate,
            request
                .response_due_at
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
        Err(Error::Conflict {
            code: "timer_gone" | "request_changed",
            ..
        }) => return Ok("skipped"),
        Err(err) => return Err(err),
    }
    let members = store.members(&next.hotel).await?;
    let department = store.department(&next.hotel, &next.department).await?;
    let contacts = department
        .map(|d| d.escalation_contacts)
        .unwrap_or_default();
    let recipients: Vec<_> = members
        .iter()
        .filter(|m| m.active)
        .filter(|m| match level {
            1 => m.departments.contains(&next.department) || contacts.contains(&m.user),
            _ => m.role >= Role::Admin,
        })
        .map(|m| m.user)
        .collect();
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
