//! Requests as stored: what was asked, its state, and each entry of its history.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{ActivityId, DepartmentSlug, ExperienceId, HotelSlug, RequestId, StayId, UserId};
use crate::requests::state::Status;

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
