//! Departments: who handles what (housekeeping, spa…), with their response SLAs and the
//! after-hours windows that change them.

pub mod admin;
pub mod admin_list;
pub mod create;
pub mod deactivate;
pub mod hours;
pub mod list;
pub mod update;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ids::{DepartmentSlug, HotelSlug, UserId};
use hours::{AfterHoursWindow, ResponseSla};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub hotel: HotelSlug,
    pub slug: DepartmentSlug,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Minutes staff have to acknowledge a request in normal hours.
    pub response_sla_minutes: u32,
    /// Minutes staff have to acknowledge a request made inside an after-hours window.
    pub after_hours_sla_minutes: u32,
    /// How long before a booked time (`requested_for`) a request must be acknowledged, at the
    /// latest: its deadline is the earlier of the SLA's and this.
    #[serde(default = "default_booking_lead")]
    pub booking_lead_minutes: u32,
    /// Windows in the hotel's time zone; a window may run past midnight.
    #[serde(default)]
    pub after_hours: Vec<AfterHoursWindow>,
    /// Members notified, besides the department's staff, when a request escalates.
    #[serde(default)]
    pub escalation_contacts: Vec<UserId>,
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Department {
    /// The SLA of a request made to this department at `now`.
    pub fn response_sla(&self, zone: &TimeZone, now: Timestamp) -> ResponseSla {
        let after_hours = hours::is_after_hours(&self.after_hours, zone, now);
        let minutes = if after_hours {
            self.after_hours_sla_minutes
        } else {
            self.response_sla_minutes
        };
        ResponseSla {
            after_hours,
            response_due_at: now
                .saturating_add(SignedDuration::from_mins(i64::from(minutes)))
                .unwrap_or(now),
        }
    }
}

/// The booking lead of a department that was not given one.
pub const DEFAULT_BOOKING_LEAD_MINUTES: u32 = 15;

fn default_booking_lead() -> u32 {
    DEFAULT_BOOKING_LEAD_MINUTES
}

/// What anyone may see of a department.
#[derive(Debug, Serialize)]
pub struct PublicDepartment<'a> {
    pub slug: &'a DepartmentSlug,
    pub name: &'a str,
    pub description: &'a str,
    pub response_sla_minutes: u32,
    pub after_hours_sla_minutes: u32,
    pub after_hours: &'a [AfterHoursWindow],
}

impl<'a> From<&'a Department> for PublicDepartment<'a> {
    fn from(d: &'a Department) -> Self {
        Self {
            slug: &d.slug,
            name: &d.name,
            description: &d.description,
            response_sla_minutes: d.response_sla_minutes,
            after_hours_sla_minutes: d.after_hours_sla_minutes,
            after_hours: &d.after_hours,
        }
    }
}
