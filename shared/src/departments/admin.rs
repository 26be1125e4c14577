//! What admins change on departments, checked, and the write that keeps a department's
//! experiences in step with its state.

use jiff::Timestamp;
use serde::Deserialize;

use super::Department;
use super::hours::AfterHoursWindow;
use crate::audit::model::{Change, Subject};
use crate::error::{Error, Result};
use crate::experiences::Experience;
use crate::ids::{DepartmentSlug, HotelSlug, UserId};
use crate::store::{PageRequest, Store, WRITES_PER_TRANSACTION, Write};
use crate::text;

/// A week: the longest response time a department may promise.
const MAX_SLA_MINUTES: u32 = 7 * 24 * 60;
/// A day: the longest a department may ask to be told ahead of a booked time.
const MAX_BOOKING_LEAD_MINUTES: u32 = 24 * 60;
const MAX_WINDOWS: usize = 28;
const MAX_CONTACTS: usize = 20;

/// The settable fields; each left out stays as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    pub name: Option<String>,
    pub description: Option<String>,
    pub response_sla_minutes: Option<u32>,
    pub after_hours_sla_minutes: Option<u32>,
    pub booking_lead_minutes: Option<u32>,
    pub after_hours: Option<Vec<AfterHoursWindow>>,
    pub escalation_contacts: Option<Vec<UserId>>,
    pub active: Option<bool>,
}

impl Changes {
    /// The changes checked and normalised (text trimmed, contacts without repeats).
    pub fn checked(self) -> Result<Self> {
        let name = self.name.map(|name| text::name("name", name)).transpose()?;
        let description = self
            .description
            .map(|description| {
                text::optional("description", Some(description), 1000, text::Form::Lines)
                    .map(Option::unwrap_or_default)
            })
            .transpose()?;
        let response_sla_minutes = self
            .response_sla_minutes
            .map(|minutes| sla("response_sla_minutes", minutes))
            .transpose()?;
        let after_hours_sla_minutes = self
            .after_hours_sla_minutes
            .map(|minutes| sla("after_hours_sla_minutes", minutes))
            .transpose()?;
        if self
            .booking_lead_minutes
            .is_some_and(|minutes| minutes > MAX_BOOKING_LEAD_MINUTES)
        {
            return Err(Error::field(
                "booking_lead_minutes",
                format!("use 0 to {MAX_BOOKING_LEAD_MINUTES} minutes"),
            ));
        }
        if self
            .after_hours
            .as_ref()
            .is_some_and(|windows| windows.len() > MAX_WINDOWS)
        {
            return Err(Error::field(
                "after_hours",
                format!("use at most {MAX_WINDOWS} windows"),
            ));
        }
        let escalation_contacts = self.escalation_contacts.map(|mut contacts| {
            contacts.sort();
            contacts.dedup();
            contacts
        });
        if escalation_contacts
            .as_ref()
            .is_some_and(|contacts| contacts.len() > MAX_CONTACTS)
        {
            return Err(Error::field(
                "escalation_contacts",
                format!("name at most {MAX_CONTACTS} people"),
            ));
        }
        Ok(Self {
            name,
            description,
            response_sla_minutes,
            after_hours_sla_minutes,
            booking_lead_minutes: self.booking_lead_minutes,
            after_hours: self.after_hours,
            escalation_contacts,
            active: self.active,
        })
    }

    /// Applies checked changes to `department`.
    pub fn apply(self, department: &mut Department) {
        if let Some(name) = self.name {
            department.name = name;
        }
        if let Some(description) = self.description {
            department.description = description;
        }
        if let Some(minutes) = self.response_sla_minutes {
            department.response_sla_minutes = minutes;
        }
        if let Some(minutes) = self.after_hours_sla_minutes {
            department.after_hours_sla_minutes = minutes;
        }
        if let Some(minutes) = self.booking_lead_minutes {
            department.booking_lead_minutes = minutes;
        }
        if let Some(windows) = self.after_hours {
            department.after_hours = windows;
        }
        if let Some(contacts) = self.escalation_contacts {
            department.escalation_contacts = contacts;
        }
        if let Some(active) = self.active {
            department.active = active;
        }
    }
}

fn sla(field: &str, minutes: u32) -> Result<u32> {
    if (1..=MAX_SLA_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(Error::field(
            field,
            format!("use 1 to {MAX_SLA_MINUTES} minutes"),
        ))
    }
}

/// Escalation contacts must be active members of the hotel.
pub async fn check_contacts(
    store: &dyn Store,
    hotel: &HotelSlug,
    contacts: &[UserId],
) -> Result<()> {
    if contacts.is_empty() {
        return Ok(());
    }
    let members = store.members(hotel).await?;
    let unknown = contacts
        .iter()
        .any(|contact| !members.iter().any(|m| m.user == *contact && m.active));
    if unknown {
        return Err(Error::field(
            "escalation_contacts",
            "each contact must be an active member of this hotel",
        ));
    }
    Ok(())
}

/// Replaces `previous` with `next`, recording what `actor` changed in the audit log in the same
/// transaction (nothing is written when no setting moved). When the department opens or closes,
/// its experiences follow (they mirror its state), in the same transaction up to 98 of them.
pub async fn save(
    store: &dyn Store,
    previous: &Department,
    next: &Department,
    actor: UserId,
    now: Timestamp,
) -> Result<()> {
    let entry = Change {
        subject: Subject::Department,
        subject_id: next.slug.to_string(),
        subject_label: next.name.clone(),
        before: Some(previous),
        after: next,
        ignore: &["hotel", "slug", "created_at", "updated_at"],
    }
    .entry(&next.hotel, actor, now)?;
    let Some(entry) = entry else {
        return Ok(());
    };
    let followers = if next.active == previous.active {
        Vec::new()
    } else {
        experiences_of(store, next)
            .await?
            .into_iter()
            .filter(|experience| experience.department_active != next.active)
            .map(|experience| {
                let mut followed = experience.clone();
                followed.department_active = next.active;
                followed.updated_at = now;
                (followed, experience)
            })
            .collect()
    };
    let mut writes = vec![
        Write::ReplaceDepartment {
            department: next,
            previous,
        },
        Write::InsertAudit(&entry),
    ];
    writes.extend(
        followers
            .iter()
            .map(|(experience, previous)| Write::ReplaceExperience {
                experience,
                previous,
            }),
    );
    for chunk in writes.chunks(WRITES_PER_TRANSACTION) {
        store.transact(chunk).await?;
    }
    Ok(())
}

/// Every experience of the department, active or not.
async fn experiences_of(store: &dyn Store, department: &Department) -> Result<Vec<Experience>> {
    let mut page = PageRequest {
        limit: crate::store::MAX_LIMIT,
        cursor: None,
    };
    let mut found = Vec::new();
    loop {
        let listed = store.experiences(&department.hotel, &page).await?;
        found.extend(
            listed
                .items
                .into_iter()
                .filter(|experience| experience.department == department.slug),
        );
        match listed.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => return Ok(found),
        }
    }
}

/// The department of `hotel`, active or not.
pub async fn of_hotel(
    store: &dyn Store,
    hotel: &HotelSlug,
    slug: &DepartmentSlug,
) -> Result<Department> {
    store
        .department(hotel, slug)
        .await?
        .ok_or(Error::NotFound("Department"))
}

/// The department a body names for something to be given to (an experience): one of the
/// hotel's, and open. Either failure is a 400 naming `field`, since the body is at fault.
pub async fn to_give(
    store: &dyn Store,
    hotel: &HotelSlug,
    slug: &DepartmentSlug,
    field: &str,
) -> Result<Department> {
    match store.department(hotel, slug).await? {
        Some(department) if department.active => Ok(department),
        Some(_) => Err(closed(field, slug)),
        None => Err(unknown(field, slug)),
    }
}

pub fn unknown(field: &str, slug: &DepartmentSlug) -> Error {
    Error::field(field, format!("{slug} is not a department of this hotel"))
}

pub fn closed(field: &str, slug: &DepartmentSlug) -> Error {
    Error::field(
        field,
        format!("{slug} is closed; reopen it first, or choose an open department"),
    )
}
