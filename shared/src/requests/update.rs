//! `PATCH /api/v1/hotels/{hotel}/admin/requests/{request}` `{status?, reason?, assignee?,
//! priority?}`: staff move a request through its life, assign it, or change its priority. Each
//! change writes its activity in the same transaction, conditional on the version read; a
//! field already as asked changes nothing. `"assignee": null` removes the assignee, who is told
//! when assigned.

use lambda_http::Request;
use serde::Deserialize;

use super::state::{Actor, check};
use super::{Activity, ActivityKind, Priority, ServiceRequest, StaffView, Status, of_hotel};
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, RequestId, UserId};
use crate::members::{Membership, Role};
use crate::notifications::{self, NotificationKind};
use crate::session::Session;
use crate::store::{REQUEST_MOVE, Write};
use crate::text;
use crate::users::User;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    status: Option<Status>,
    /// Why: required to decline, allowed with any status change (F11).
    reason: Option<String>,
    /// A member to assign, or `null` to remove the assignee.
    #[serde(default, deserialize_with = "present")]
    assignee: Option<Option<UserId>>,
    priority: Option<Priority>,
}

/// A field that was sent, `null` included (`Some(None)`), as against one left out (`None`).
fn present<'de, D, T>(deserializer: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let id: RequestId = http::path(&req, "request")?;
    let session = Session::required(&app.config, &req)?;
    let (membership, staff) = guards::member_and_user(app, &session, &hotel, Role::Staff).await?;
    let changes: Changes = http::changes(&req, app.config.max_json_body_bytes)?;
    let reason = text::optional("reason", changes.reason.clone(), 500, text::Form::Lines)?;
    if changes.status.is_none() && changes.assignee.is_none() && changes.priority.is_none() {
        return Err(Error::invalid(
            "Send a status, an assignee or a priority to change.",
        ));
    }
    if reason.is_some() && changes.status.is_none() {
        return Err(Error::field(
            "reason",
            "a reason goes with a change of status",
        ));
    }
    if changes.status == Some(Status::Declined) && reason.is_none() {
        return Err(Error::field("reason", "say why the request is declined"));
    }
    let assignee = match changes.assignee {
        Some(Some(user)) => Some(Some(check_assignee(app, &hotel, user).await?)),
        Some(None) => Some(None),
        None => None,
    };
    let mut attempts = REQUEST_MOVE.begin();
    let updated = loop {
        let request = of_hotel(app.store.as_ref(), &hotel, id).await?;
        if !guards::works_department(&membership, &request.department) {
            return Err(Error::NotFound("Request"));
        }
        let reason = reason.clone();
        let outcome = apply(app, &request, &changes, assignee.as_ref(), reason, &staff).await;
        if let Some(updated) = attempts.settle(outcome)? {
            break updated;
        }
    };
    if changes.status.is_some() {
        super::unschedule_escalation(app, &updated).await;
    }
    http::ok(&StaffView::new(&updated, app.clock.now()))
}

/// An assignee: an active member of the hotel, with the name the hotel knows them by.
struct Assignee {
    membership: Membership,
    name: String,
}

async fn check_assignee(app: &App, hotel: &HotelSlug, assignee: UserId) -> Result<Assignee> {
    match app.store.membership_and_user(hotel, assignee).await? {
        (Some(membership), Some(user)) if membership.active && user.active => Ok(Assignee {
            name: membership.name.clone().unwrap_or(user.name),
            membership,
        }),
        _ => Err(Error::field(
            "assignee",
            "is not an active member of this hotel",
        )),
    }
}

/// Applies the changes that change something; a request already as asked is returned as it is,
/// with no history and no new version.
async fn apply(
    app: &App,
    request: &ServiceRequest,
    changes: &Changes,
    assignee: Option<&Option<Assignee>>,
    reason: Option<String>,
    staff: &User,
) -> Result<ServiceRequest> {
    let now = app.clock.now();
    let mut next = request.next(now);
    let actor = Some((staff.id, staff.name.as_str()));
    let mut activities = Vec::new();
    if let Some(to) = changes.status {
        check(request.status, to, request.needs_confirmation, Actor::Staff)?;
        next.status = to;
        if matches!(
            to,
            Status::Acknowledged | Status::Confirmed | Status::Declined
        ) && next.acknowledged_at.is_none()
        {
            next.acknowledged_at = Some(now);
            next.acknowledged_by = Some(staff.id);
            next.acknowledged_by_name = Some(staff.name.clone());
        }
        if matches!(to, Status::Confirmed | Status::Declined) {
            next.confirmation_reason = reason.clone();
        }
        let kind = if to == Status::Acknowledged {
            ActivityKind::Acknowledged
        } else {
            ActivityKind::StatusChanged
        };
        activities.push(
            Activity::new(&next, kind, actor, now)
                .status_change(request.status, to)
                .text(reason),
        );
    }
    let assigned =
        assignee.filter(|wanted| wanted.as_ref().map(|a| a.membership.user) != request.assignee);
    if let Some(wanted) = assigned {
        if request.status.is_final() {
            return Err(closed(request.status));
        }
        let text = match wanted {
            Some(member) => {
                if !guards::works_department(&member.membership, &request.department) {
                    return Err(Error::field(
                        "assignee",
                        "does not work this request's department",
                    ));
                }
                format!("Assigned to {}.", member.name)
            }
            None => "No longer assigned.".to_owned(),
        };
        next.assignee = wanted.as_ref().map(|a| a.membership.user);
        next.assignee_name = wanted.as_ref().map(|a| a.name.clone());
        activities.push(Activity::new(&next, ActivityKind::Assigned, actor, now).text(Some(text)));
    }
    if let Some(priority) = changes.priority.filter(|p| *p != request.priority) {
        if request.status.is_final() {
            return Err(closed(request.status));
        }
        next.priority = priority;
        activities.push(
            Activity::new(&next, ActivityKind::PriorityChanged, actor, now)
                .text(Some(format!("{priority:?}").to_uppercase())),
        );
    }
    if activities.is_empty() {
        return Ok(request.clone());
    }
    let notice = changes.status.map(|_| notifications::to_guest(&next, now));
    let mut writes = vec![Write::ReplaceRequest {
        request: &next,
        expected_version: request.version,
    }];
    writes.extend(activities.iter().map(Write::InsertActivity));
    writes.extend(notice.iter().map(Write::InsertNotification));
    app.store.transact(&writes).await?;
    if let Some(Some(member)) =
        assigned.filter(|a| a.as_ref().is_some_and(|m| m.membership.user != staff.id))
    {
        let title = format!(
            "Assigned to you: request from {} ({})",
            next.location,
            next.experience_name
                .as_deref()
                .unwrap_or(next.department.as_str())
        );
        notifications::send(
            app,
            &next,
            &[member.membership.user],
            NotificationKind::Assigned,
            &title,
            now,
        )
        .await;
    }
    Ok(next)
}

fn closed(status: Status) -> Error {
    Error::conflict(
        Conflict::RequestClosed,
        format!("This request is {status} and can no longer change."),
    )
}
