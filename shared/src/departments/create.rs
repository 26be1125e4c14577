//! `POST /api/v1/hotels/{hotel}/admin/departments` `{slug, name, response_sla_minutes,
//! after_hours_sla_minutes, description?, after_hours?, escalation_contacts?}` (ADMIN).

use ::http::StatusCode;
use lambda_http::Request;
use serde::Deserialize;

use super::Department;
use super::admin::{Changes, check_contacts};
use super::hours::AfterHoursWindow;
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{DepartmentSlug, HotelSlug, UserId};
use crate::members::Role;
use crate::session::Session;
use crate::store::Write;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDepartment {
    slug: DepartmentSlug,
    name: String,
    description: Option<String>,
    response_sla_minutes: u32,
    after_hours_sla_minutes: u32,
    booking_lead_minutes: Option<u32>,
    #[serde(default)]
    after_hours: Vec<AfterHoursWindow>,
    #[serde(default)]
    escalation_contacts: Vec<UserId>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let input: NewDepartment = http::json(&req, app.config.max_json_body_bytes)?;
    let changes = Changes {
        name: Some(input.name),
        description: input.description,
        response_sla_minutes: Some(input.response_sla_minutes),
        after_hours_sla_minutes: Some(input.after_hours_sla_minutes),
        booking_lead_minutes: Some(
            input
                .booking_lead_minutes
                .unwrap_or(super::DEFAULT_BOOKING_LEAD_MINUTES),
        ),
        after_hours: Some(input.after_hours),
        escalation_contacts: Some(input.escalation_contacts),
        active: None,
    }
    .checked()?;
    let now = app.clock.now();
    let mut department = Department {
        hotel: hotel.clone(),
        slug: input.slug,
        name: String::new(),
        description: String::new(),
        response_sla_minutes: 0,
        after_hours_sla_minutes: 0,
        booking_lead_minutes: 0,
        after_hours: Vec::new(),
        escalation_contacts: Vec::new(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    changes.apply(&mut department);
    check_contacts(app.store.as_ref(), &hotel, &department.escalation_contacts).await?;
    app.store
        .transact(&[Write::InsertDepartment(&department)])
        .await?;
    http::json_response(StatusCode::CREATED, &department)
}
