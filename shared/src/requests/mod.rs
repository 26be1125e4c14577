//! Service requests: what a guest asks for, worked by the staff of one department.

pub mod acknowledge;
pub mod cancel;
pub mod create;
pub mod detail;
pub mod list;
pub mod mine;
pub mod mine_detail;
pub mod notes;
pub mod state;
pub mod update;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{ActivityId, DepartmentSlug, ExperienceId, HotelSlug, RequestId, StayId, UserId};
use crate::store::Store;
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
    pub assignee: Option<UserId>,
    pub confirmation_reason: Option<String>,
    #[serde(default)]
    pub escalation_level: u8,
    pub escalated_at: Option<Timestamp>,
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
}

/// One entry of a request's history, written in the same transaction as the change it records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: ActivityId,
    pub request: RequestId,
    pub hotel: HotelSlug,
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
            kind,
            actor: actor.map(|(id, _)| id),
            actor_name: actor.map_or_else(|| "Concierge".to_owned(), |(_, name)| name.to_owned()),
            from_status: None,
            to_status: None,
            text: None,
            visible_to_guest: kind != ActivityKind::Note,
            at,
        }
    }

    pub fn status_change(mut self, from: Status, to: Status) -> Self {
        self.from_status = Some(from);
        self.to_status = Some(to);
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

/// What the guest sees of one history entry.
#[derive(Debug, Serialize)]
pub struct GuestActivity<'a> {
    pub kind: ActivityKind,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub text: Option<&'a str>,
    pub at: Timestamp,
}

impl<'a> From<&'a Activity> for GuestActivity<'a> {
    fn from(a: &'a Activity) -> Self {
        Self {
            kind: a.kind,
            from_status: a.from_status,
            to_status: a.to_status,
            text: a.text.as_deref(),
            at: a.at,
        }
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
