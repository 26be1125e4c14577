//! Service requests: what a guest asks for, worked by the staff of one department.

pub mod acknowledge;
pub mod cancel;
pub mod create;
pub mod dashboard;
pub mod detail;
pub mod events;
pub mod figures;
pub mod list;
pub mod mine;
pub mod mine_detail;
pub mod mine_events;
pub mod notes;
pub mod state;
pub mod update;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::{Error, Result};
use crate::ids::{ActivityId, DepartmentSlug, ExperienceId, HotelSlug, RequestId, StayId, UserId};
use crate::store::Store;
use crate::timers::{Timer, TimerKind};
pub use state::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl std::str::FromStr for Priority {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        serde_json::from_value(serde_json::Value::from(s))
            .map_err(|_| Error::field("priority", "use LOW, NORMAL, HIGH or URGENT"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRequest {
    pub id: RequestId,
    pub hotel: HotelSlug,
    pub stay: StayId,
    pub guest: UserId,
    /// The guest's name and room as they were at creation, for staff lists.
    pub guest_name: String,
    pub location: String,
    pub department: DepartmentSlug,
    pub experience: Option<ExperienceId>,
    pub experience_name: Option<String>,
    /// Staff confirm or decline it before working it (from the experience).
    pub needs_confirmation: bool,
    pub details: String,
    pub requested_for: Option<Timestamp>,
    pub priority: Priority,
    pub status: Status,
    /// Made inside one of the department's after-hours windows.
    pub after_hours: bool,
    /// When it must be acknowledged by; stored as epoch seconds so jobs can compare it.
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub response_due_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub acknowledged_by: Option<UserId>,
    /// Who acknowledged and who is assigned, by name as they were then: colleagues who may not
    /// read the hotel's members see a name, never a phone or an email.
    #[serde(default)]
    pub acknowledged_by_name: Option<String>,
    pub assignee: Option<UserId>,
    #[serde(default)]
    pub assignee_name: Option<String>,
    pub confirmation_reason: Option<String>,
    #[serde(default)]
    pub escalation_level: u8,
    pub escalated_at: Option<Timestamp>,
    /// When the guest's stay ended while the request was open (it was cancelled, or flagged to
    /// the staff working it, and is no longer reminded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_left_at: Option<Timestamp>,
    /// Bumped by every change; every write is conditional on the version it read.
    pub version: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl ServiceRequest {
    /// Unacknowledged past its deadline.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.status == Status::New && now > self.response_due_at
    }

    /// The next version of this request, changed at `now`.
    pub fn next(&self, now: Timestamp) -> Self {
        let mut next = self.clone();
        next.version += 1;
        next.updated_at = now;
        next
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActivityKind {
    Created,
    Acknowledged,
    StatusChanged,
    Assigned,
    PriorityChanged,
    Note,
    Escalated,
    Reminder,
    /// The guest's stay ended while staff were working the request.
    GuestLeft,
}

/// One entry of a request's history, written in the same transaction as the change it records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: ActivityId,
    pub request: RequestId,
    pub hotel: HotelSlug,
    /// The request's department: the staff stream shows STAFF only their departments' entries.
    pub department: DepartmentSlug,
    pub kind: ActivityKind,
    /// Who did it; `None` for the system (jobs).
    pub actor: Option<UserId>,
    pub actor_name: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    /// A reason or a note's text.
    pub text: Option<String>,
    /// Whether the guest sees it in their request's history (staff notes stay internal).
    pub visible_to_guest: bool,
    pub at: Timestamp,
}

impl Activity {
    pub fn new(
        request: &ServiceRequest,
        kind: ActivityKind,
        actor: Option<(UserId, &str)>,
        at: Timestamp,
    ) -> Self {
        Self {
            id: ActivityId::generate(),
            request: request.id,
            hotel: request.hotel.clone(),
            department: request.department.clone(),
            kind,
            actor: actor.map(|(id, _)| id),
            actor_name: actor.map_or_else(|| "Concierge".to_owned(), |(_, name)| name.to_owned()),
            from_status: None,
            to_status: None,
            text: None,
            // Notes, escalations and reminders are the staff's business.
            visible_to_guest: matches!(
                kind,
                ActivityKind::Created | ActivityKind::Acknowledged | ActivityKind::StatusChanged
            ),
            at,
        }
    }

    pub fn status_change(mut self, from: Status, to: Status) -> Self {
        self.from_status = Some(from);
        self.to_status = Some(to);
        self
    }

    /// The first status of a request: it came from none.
    pub fn entering(mut self, status: Status) -> Self {
        self.to_status = Some(status);
        self
    }

    pub fn text(mut self, text: Option<String>) -> Self {
        self.text = text;
        self
    }
}

/// What staff see of a request.
#[derive(Debug, Serialize)]
pub struct StaffView<'a> {
    #[serde(flatten)]
    pub request: &'a ServiceRequest,
    pub overdue: bool,
}

impl<'a> StaffView<'a> {
    pub fn new(request: &'a ServiceRequest, now: Timestamp) -> Self {
        Self {
            request,
            overdue: request.is_overdue(now),
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

/// Optional free text: trimmed, at most `max` characters, blank means none.
pub fn optional_text(field: &str, value: Option<String>, max: usize) -> Result<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        return Err(Error::field(field, format!("use at most {max} characters")));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}
