//! Service requests: what a guest asks for, worked by the staff of one department.

pub mod acknowledge;
pub mod cancel;
pub mod create;
pub mod dashboard;
pub mod detail;
pub mod events;
pub mod export;
pub mod figures;
pub mod list;
pub mod mine;
pub mod mine_detail;
pub mod mine_events;
pub mod model;
pub mod notes;
pub mod state;
pub mod update;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::app::App;
use crate::error::{Error, Result};
use crate::ids::{ActivityId, DepartmentSlug, ExperienceId, HotelSlug, RequestId, StayId, UserId};
use crate::store::Store;
use crate::timers::{Timer, TimerKind};
pub use state::Status;

pub use model::{Activity, ActivityKind, Priority, ServiceRequest};

/// What staff see of a request: its own serialisation, so every time is RFC 3339 whatever the
/// stored shape (`response_due_at` is stored as epoch seconds for the jobs' comparisons).
#[derive(Debug, Serialize)]
pub struct StaffView<'a> {
    pub id: RequestId,
    pub hotel: &'a HotelSlug,
    pub stay: StayId,
    pub guest: UserId,
    pub guest_name: &'a str,
    pub location: &'a str,
    pub department: &'a DepartmentSlug,
    pub experience: Option<ExperienceId>,
    pub experience_name: Option<&'a str>,
    pub needs_confirmation: bool,
    pub details: &'a str,
    pub requested_for: Option<Timestamp>,
    pub priority: Priority,
    pub status: Status,
    pub after_hours: bool,
    pub response_due_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub acknowledged_by: Option<UserId>,
    pub acknowledged_by_name: Option<&'a str>,
    pub assignee: Option<UserId>,
    pub assignee_name: Option<&'a str>,
    pub confirmation_reason: Option<&'a str>,
    pub escalation_level: u8,
    pub escalated_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_left_at: Option<Timestamp>,
    pub version: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub overdue: bool,
}

impl<'a> StaffView<'a> {
    pub fn new(r: &'a ServiceRequest, now: Timestamp) -> Self {
        Self {
            id: r.id,
            hotel: &r.hotel,
            stay: r.stay,
            guest: r.guest,
            guest_name: &r.guest_name,
            location: &r.location,
            department: &r.department,
            experience: r.experience,
            experience_name: r.experience_name.as_deref(),
            needs_confirmation: r.needs_confirmation,
            details: &r.details,
            requested_for: r.requested_for,
            priority: r.priority,
            status: r.status,
            after_hours: r.after_hours,
            response_due_at: r.response_due_at,
            acknowledged_at: r.acknowledged_at,
            acknowledged_by: r.acknowledged_by,
            acknowledged_by_name: r.acknowledged_by_name.as_deref(),
            assignee: r.assignee,
            assignee_name: r.assignee_name.as_deref(),
            confirmation_reason: r.confirmation_reason.as_deref(),
            escalation_level: r.escalation_level,
            escalated_at: r.escalated_at,
            guest_left_at: r.guest_left_at,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            overdue: r.is_overdue(now),
        }
    }
}

/// What the guest sees of their request: no staff ids, no escalation.
#[derive(Debug, Serialize)]
pub struct GuestView<'a> {
    pub id: RequestId,
    pub hotel: &'a HotelSlug,
    pub location: &'a str,
    pub department: &'a DepartmentSlug,
    pub experience: Option<ExperienceId>,
    pub experience_name: Option<&'a str>,
    pub details: &'a str,
    pub requested_for: Option<Timestamp>,
    pub priority: Priority,
    pub status: Status,
    pub confirmation_reason: Option<&'a str>,
    pub response_due_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl<'a> From<&'a ServiceRequest> for GuestView<'a> {
    fn from(r: &'a ServiceRequest) -> Self {
        Self {
            id: r.id,
            hotel: &r.hotel,
            location: &r.location,
            department: &r.department,
            experience: r.experience,
            experience_name: r.experience_name.as_deref(),
            details: &r.details,
            requested_for: r.requested_for,
            priority: r.priority,
            status: r.status,
            confirmation_reason: r.confirmation_reason.as_deref(),
            response_due_at: r.response_due_at,
            acknowledged_at: r.acknowledged_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// What the guest sees of one history entry; its id lets a page that read the history and
/// then follows the stream show each entry once.
#[derive(Debug, Serialize)]
pub struct GuestActivity<'a> {
    pub id: ActivityId,
    pub kind: ActivityKind,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub text: Option<&'a str>,
    pub at: Timestamp,
}

impl<'a> From<&'a Activity> for GuestActivity<'a> {
    fn from(a: &'a Activity) -> Self {
        Self {
            id: a.id,
            kind: a.kind,
            from_status: a.from_status,
            to_status: a.to_status,
            text: a.text.as_deref(),
            at: a.at,
        }
    }
}

/// The timers a new request starts: escalation at its deadline, expiry when it has gone stale,
/// and a reminder before its requested-for time (when that is far enough ahead).
pub fn timers_of(
    request: &ServiceRequest,
    settings: &crate::config::RequestSettings,
    now: Timestamp,
) -> Result<Vec<Timer>> {
    let id = request.id.to_string();
    let stale_after = SignedDuration::try_from(settings.stale_after).map_err(Error::internal)?;
    let lead = SignedDuration::try_from(settings.reminder_lead).map_err(Error::internal)?;
    let stale_from = request.requested_for.unwrap_or(now).max(now);
    let mut timers = vec![
        Timer::new(TimerKind::Escalate, request.response_due_at, id.clone()),
        Timer::new(
            TimerKind::Expire,
            stale_from.saturating_add(stale_after).unwrap_or(stale_from),
            id.clone(),
        ),
    ];
    if let Some(at) = request.requested_for
        && let Ok(remind_at) = at.checked_sub(lead)
        && remind_at > now
    {
        timers.push(Timer::new(TimerKind::Remind, remind_at, id));
    }
    Ok(timers)
}

/// The one-time schedule of a request's timer of `kind`.
fn schedule_name(request: RequestId, kind: TimerKind) -> String {
    format!("{}-{request}", kind.as_str().to_lowercase())
}

/// Asks EventBridge to run the escalation and reminder jobs at the exact moments of these
/// timers. Best effort: the recurring runs handle the timers anyway, a minute later at most.
pub async fn schedule(app: &App, request: &ServiceRequest, timers: &[Timer]) {
    let (Some(schedules), Some(settings)) = (app.schedules(), app.config.scheduler.as_ref()) else {
        return;
    };
    for timer in timers {
        let target = match timer.kind {
            TimerKind::Escalate => &settings.escalation_function_arn,
            TimerKind::Remind => &settings.reminder_function_arn,
            _ => continue,
        };
        let input = serde_json::json!({ "timer": timer.position() }).to_string();
        let name = schedule_name(request.id, timer.kind);
        if let Err(err) = schedules.once(&name, timer.due_at, target, &input).await {
            tracing::warn!(%err, request = %request.id, "a one-time schedule was not created");
        }
    }
}

/// Cancels the escalation schedule of a request that no longer needs it (acknowledged or
/// otherwise out of NEW). Best effort: a schedule that fires anyway finds nothing to do.
pub async fn unschedule_escalation(app: &App, request: &ServiceRequest) {
    let Some(schedules) = app.schedules() else {
        return;
    };
    if let Err(err) = schedules
        .cancel(&schedule_name(request.id, TimerKind::Escalate))
        .await
    {
        tracing::warn!(%err, request = %request.id, "an escalation schedule was not cancelled");
    }
}

/// The request `id` of `hotel` (a request of another hotel is not found, F17).
pub async fn of_hotel(
    store: &dyn Store,
    hotel: &HotelSlug,
    id: RequestId,
) -> Result<ServiceRequest> {
    store
        .request(id)
        .await?
        .filter(|request| &request.hotel == hotel)
        .ok_or(Error::NotFound("Request"))
}
