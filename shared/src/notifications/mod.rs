//! In-app notifications: department staff hear of new requests, guests of every change to
//! theirs. Those written by `deliver` are also queued for web push (`push::enqueue`). A member
//! sees the hotel's notifications only while their membership of it is active (`visible`).

pub mod list;
pub mod model;
pub mod read;
pub mod read_all;
pub mod unread_count;

use std::collections::BTreeSet;

use jiff::Timestamp;

use crate::ids::{DepartmentSlug, HotelSlug, UserId};
use crate::members::{Membership, Role};
use crate::requests::ServiceRequest;

pub use model::{Notification, NotificationKind, RETENTION};

/// Of `notices` to `user`, those they may see now: a guest's news of their own requests, and
/// the rest only while `user` is an active member of the notification's hotel (one consistent
/// read per hotel, in parallel).
pub async fn visible(
    app: &crate::app::App,
    user: UserId,
    notices: Vec<Notification>,
) -> crate::error::Result<Vec<Notification>> {
    let hotels: BTreeSet<&HotelSlug> = notices
        .iter()
        .filter(|n| !n.kind.is_for_guest())
        .map(|n| &n.hotel)
        .collect();
    let memberships = futures_util::future::try_join_all(
        hotels.iter().map(|hotel| app.store.membership(hotel, user)),
    )
    .await?;
    let active: BTreeSet<HotelSlug> = memberships
        .into_iter()
        .flatten()
        .filter(|m| m.active)
        .map(|m| m.hotel)
        .collect();
    Ok(notices
        .into_iter()
        .filter(|n| n.kind.is_for_guest() || active.contains(&n.hotel))
        .collect())
}

/// Why a request expired, in its history and in the guest's notification.
pub const EXPIRED_REASON: &str =
    "Nobody could answer in time. Ask again, or call reception if it is urgent.";

/// The notification to the guest about a change to their request: a decline's reason, an
/// expiry's, or what they asked.
pub fn to_guest(request: &ServiceRequest, now: Timestamp) -> Notification {
    let what = request.experience_name.as_deref().unwrap_or("Your request");
    let status = match request.status {
        crate::requests::Status::New => "was received",
        crate::requests::Status::Acknowledged => "was seen by our team",
        crate::requests::Status::InProgress => "is being taken care of",
        crate::requests::Status::Completed => "is done",
        crate::requests::Status::Confirmed => "is confirmed",
        crate::requests::Status::Declined => "could not be accepted",
        crate::requests::Status::Cancelled => "was cancelled",
        crate::requests::Status::Expired => "expired without an answer",
    };
    Notification::new(
        request.guest,
        request,
        NotificationKind::RequestUpdated,
        format!("{what} {status}"),
        match (request.status, &request.confirmation_reason) {
            (crate::requests::Status::Expired, _) => EXPIRED_REASON.to_owned(),
            (_, Some(reason)) => reason.clone(),
            (_, None) => request.details.chars().take(140).collect(),
        },
        now,
    )
}

/// Writes a notification about `request` to each recipient. The change it announces is already
/// recorded, so a failure here is logged rather than undoing it.
pub async fn send(
    app: &crate::app::App,
    request: &ServiceRequest,
    recipients: &[crate::ids::UserId],
    kind: NotificationKind,
    title: &str,
    now: Timestamp,
) {
    let notices: Vec<Notification> = recipients
        .iter()
        .map(|user| {
            Notification::new(
                *user,
                request,
                kind,
                title.to_owned(),
                request.details.chars().take(140).collect(),
                now,
            )
        })
        .collect();
    deliver(app, &notices).await;
}

/// Writes notifications (one write each, in parallel), logging failures, then queues the
/// written ones to be pushed to their recipients' browsers.
pub async fn deliver(app: &crate::app::App, notices: &[Notification]) {
    let writes = notices.iter().map(|n| async move {
        app.store
            .transact(&[crate::store::Write::InsertNotification(n)])
            .await
    });
    let mut written = Vec::with_capacity(notices.len());
    for (result, notice) in futures_util::future::join_all(writes)
        .await
        .into_iter()
        .zip(notices)
    {
        match result {
            Ok(()) => written.push(notice.clone()),
            Err(err) => {
                tracing::error!(%err, recipient = %notice.recipient, "a notification was not written");
            }
        }
    }
    crate::push::enqueue(app, &written).await;
}

/// Tells the staff who acknowledged or were assigned `request` (no one when neither).
pub async fn to_workers(
    app: &crate::app::App,
    request: &ServiceRequest,
    kind: NotificationKind,
    title: &str,
    now: Timestamp,
) {
    let mut workers: Vec<UserId> = request.acknowledged_by.into_iter().collect();
    workers.extend(request.assignee.filter(|a| !workers.contains(a)));
    send(app, request, &workers, kind, title, now).await;
}

/// Who hears of a request at its first level (new, reminded, first escalation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipients {
    pub users: Vec<UserId>,
    /// Nobody works the department (nor is its contact): the hotel's admins hear instead.
    pub admins_instead: bool,
}

/// The active members who work `department` or are among `also` (its escalation contacts, a
/// request's assignee), or, when that is nobody, the hotel's active admins: a request never
/// reaches nobody while the hotel has an admin.
pub fn recipients(
    members: &[Membership],
    department: &DepartmentSlug,
    also: &[UserId],
) -> Recipients {
    let users: Vec<UserId> = members
        .iter()
        .filter(|m| m.active && (m.departments.contains(department) || also.contains(&m.user)))
        .map(|m| m.user)
        .collect();
    if users.is_empty() {
        Recipients {
            users: admins(members),
            admins_instead: true,
        }
    } else {
        Recipients {
            users,
            admins_instead: false,
        }
    }
}

/// The hotel's active admins and superadmins.
pub fn admins(members: &[Membership]) -> Vec<UserId> {
    members
        .iter()
        .filter(|m| m.active && m.role >= Role::Admin)
        .map(|m| m.user)
        .collect()
}

/// How many active members receive `department`'s new requests (0: its admins do).
pub fn receivers(members: &[Membership], department: &DepartmentSlug) -> usize {
    members
        .iter()
        .filter(|m| m.active && m.departments.contains(department))
        .count()
}

/// Notifications of a new request to those who receive its department's requests, titled with
/// the experience or the department's name; a booked time is given in the hotel's zone.
pub fn to_department(
    request: &ServiceRequest,
    department_name: &str,
    members: &[Membership],
    zone: &crate::hotels::TimeZoneName,
    now: Timestamp,
) -> Vec<Notification> {
    let what = request
        .experience_name
        .as_deref()
        .unwrap_or(department_name);
    let title = match request.requested_for {
        Some(at) => format!(
            "New request from {} ({what}) for {}",
            request.location,
            zone.local_text(at)
        ),
        None => format!("New request from {} ({what})", request.location),
    };
    recipients(members, &request.department, &[])
        .users
        .into_iter()
        .map(|user| {
            Notification::new(
                user,
                request,
                NotificationKind::NewRequest,
                title.clone(),
                request.details.chars().take(140).collect(),
                now,
            )
        })
        .collect()
}
