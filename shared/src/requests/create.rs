//! `POST /api/v1/hotels/{hotel}/requests`: a guest with an active stay in the hotel asks for
//! something, of a department or through an experience. Honours `Idempotency-Key`.
//!
//! The request gets its SLA at creation (F34): whether it was made after hours and when it must
//! be acknowledged by, from the department's windows in the hotel's time zone (F40).

use ::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use lambda_http::{Body, Request};
use serde::Deserialize;

use super::{
    Activity, ActivityKind, GuestView, Priority, ServiceRequest, Status, schedule, timers_of,
};
use crate::app::App;
use crate::error::{Error, Result};
use crate::guards;
use crate::hotels::{self, TimeZoneName};
use crate::http::{self, HandlerResult};
use crate::idempotency::{self, Claim, IdempotencyRecord};
use crate::ids::{DepartmentSlug, ExperienceId, HotelSlug, RequestId};
use crate::notifications;
use crate::session::Session;
use crate::store::Write;
use crate::text;

/// Longest request details.
const MAX_DETAILS: usize = 2000;
/// How far ahead a request may be for.
const MAX_AHEAD: SignedDuration = SignedDuration::from_hours(366 * 24);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    department: Option<DepartmentSlug>,
    experience: Option<ExperienceId>,
    details: Option<String>,
    requested_for: Option<Timestamp>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    let body: NewRequest = http::json(&req, app.config.max_json_body_bytes)?;
    let key = idempotency::key(&req)?;
    let now = app.clock.now();
    let details = text::optional(
        "details",
        body.details.clone(),
        MAX_DETAILS,
        text::Form::Lines,
    )?;
    if body.department.is_none() && body.experience.is_none() {
        return Err(Error::invalid(
            "Say which department or experience the request is for.",
        ));
    }
    if body.experience.is_none() && details.is_none() {
        return Err(Error::field("details", "say what you would like"));
    }
    if let Some(at) = body.requested_for {
        let too_late = now.saturating_add(MAX_AHEAD).unwrap_or(now);
        if at
            < now
                .saturating_sub(SignedDuration::from_mins(5))
                .unwrap_or(now)
            || at > too_late
        {
            return Err(Error::field(
                "requested_for",
                "choose a time from now to a year ahead",
            ));
        }
    }

    let record = match key {
        Some(key) => match idempotency::claim(
            app.store.as_ref(),
            session.user,
            key,
            req.body().as_ref(),
            now,
        )
        .await?
        {
            Claim::Replay { status, body } => return replay(status, body),
            Claim::Proceed(record) => Some(record),
        },
        None => None,
    };
    let created = create(app, &session, &hotel, &body, details, now, record.as_ref()).await;
    match (&created, &record) {
        (Err(_), Some(record)) => {
            // The work failed: free the key so the same request can be sent again.
            if let Err(err) = app.store.release_idempotency(record).await {
                tracing::error!(%err, "an idempotency claim could not be released");
            }
        }
        (Ok(made), _) => notify_department(app, made, now).await,
        _ => {}
    }
    http::json_response(StatusCode::CREATED, &GuestView::from(&created?.request))
}

/// A request just made, with what its notifications say: the hotel's zone and the
/// department's name.
struct Made {
    request: ServiceRequest,
    zone: TimeZoneName,
    department_name: String,
}

async fn create(
    app: &App,
    session: &Session,
    hotel: &HotelSlug,
    body: &NewRequest,
    details: Option<String>,
    now: Timestamp,
    record: Option<&IdempotencyRecord>,
) -> Result<Made> {
    let store = app.store.as_ref();
    let (stay, guest) = guards::active_stay(app, session, hotel).await?;
    if body.requested_for.is_some_and(|at| at > stay.check_out) {
        let check_out = store
            .hotel(hotel)
            .await?
            .map(|h| h.timezone.local_text(stay.check_out))
            .unwrap_or_else(|| stay.check_out.to_string());
        return Err(Error::field(
            "requested_for",
            format!("choose a time before your check-out, {check_out}"),
        ));
    }
    let experience = match body.experience {
        Some(id) => Some(
            store
                .experience(hotel, id)
                .await?
                .filter(|e| e.is_listed())
                .ok_or_else(|| Error::field("experience", "not an experience this hotel offers"))?,
        ),
        None => None,
    };
    let department_slug = match (&experience, &body.department) {
        (Some(e), Some(d)) if &e.department != d => {
            return Err(Error::field(
                "department",
                "is not the experience's department",
            ));
        }
        (Some(e), _) => e.department.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => return Err(Error::invalid("Say which department the request is for.")),
    };
    let (hotel_record, department) = tokio::try_join!(
        store.hotel(hotel),
        store.department(hotel, &department_slug),
    )?;
    let hotel_record = hotels::require_active(hotel_record)?;
    let department = department
        .filter(|d| d.active)
        .ok_or_else(|| Error::field("department", "not a department of this hotel"))?;
    let sla = department
        .response_sla(&hotel_record.timezone.zone(), now)
        .before_booking(body.requested_for, department.booking_lead_minutes, now);

    let request = ServiceRequest {
        id: RequestId::generate(),
        hotel: hotel.clone(),
        stay: stay.id,
        guest: guest.id,
        guest_name: guest.name.clone(),
        location: stay.location.clone(),
        department: department.slug.clone(),
        experience: experience.as_ref().map(|e| e.id),
        experience_name: experience.as_ref().map(|e| e.name.clone()),
        needs_confirmation: experience.as_ref().is_some_and(|e| e.requires_confirmation),
        details: details.unwrap_or_default(),
        requested_for: body.requested_for,
        // Priority is staff's to set (SPEC §11): every guest's request starts equal.
        priority: Priority::Normal,
        status: Status::New,
        after_hours: sla.after_hours,
        response_due_at: sla.response_due_at,
        acknowledged_at: None,
        acknowledged_by: None,
        acknowledged_by_name: None,
        assignee: None,
        assignee_name: None,
        confirmation_reason: None,
        escalation_level: 0,
        escalated_at: None,
        guest_left_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let activity = Activity::new(
        &request,
        ActivityKind::Created,
        Some((guest.id, &guest.name)),
        now,
    )
    .entering(Status::New);
    let response = serde_json::to_string(&GuestView::from(&request)).map_err(Error::internal)?;
    let timers = timers_of(&request, &app.config.requests, now)?;
    let mut writes = vec![
        Write::CheckStay(&stay),
        Write::InsertRequest(&request),
        Write::InsertActivity(&activity),
    ];
    writes.extend(timers.iter().map(Write::InsertTimer));
    if let Some(record) = record {
        writes.push(Write::FinishIdempotency {
            record,
            status: StatusCode::CREATED.as_u16(),
            body: &response,
        });
    }
    app.store.transact(&writes).await?;
    schedule(app, &request, &timers).await;
    Ok(Made {
        request,
        zone: hotel_record.timezone,
        department_name: department.name,
    })
}

/// Tells the department's staff. The request already exists and lists show it, so a failure
/// here is logged rather than undoing it.
async fn notify_department(app: &App, made: &Made, now: Timestamp) {
    let request = &made.request;
    match app.store.members(&request.hotel).await {
        Ok(members) => {
            let notices = notifications::to_department(
                request,
                &made.department_name,
                &members,
                &made.zone,
                now,
            );
            notifications::deliver(app, &notices).await;
        }
        Err(err) => {
            tracing::error!(%err, request = %request.id, "department staff could not be listed")
        }
    }
}

fn replay(status: u16, body: String) -> HandlerResult {
    lambda_http::Response::builder()
        .status(status)
        .header(::http::header::CONTENT_TYPE, "application/json")
        .header("idempotent-replay", "true")
        .body(Body::Text(body))
        .map_err(Error::internal)
}
