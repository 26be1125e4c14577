//! `POST /api/v1/hotels/{hotel}/admin/experiences` `{department, name, description?,
//! category?, price_text?, requires_confirmation?, sort_order?}` (ADMIN).

use ::http::StatusCode;
use lambda_http::Request;
use serde::Deserialize;

use super::Experience;
use super::admin::Changes;
use crate::app::App;
use crate::departments::admin as departments;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{DepartmentSlug, ExperienceId, HotelSlug};
use crate::members::Role;
use crate::session::Session;
use crate::store::Write;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewExperience {
    department: DepartmentSlug,
    name: String,
    description: Option<String>,
    category: Option<String>,
    price_text: Option<String>,
    #[serde(default)]
    requires_confirmation: bool,
    #[serde(default)]
    sort_order: u32,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let input: NewExperience = http::json(&req, app.config.max_json_body_bytes)?;
    let changes = Changes {
        department: None,
        name: Some(input.name),
        description: input.description,
        category: input.category,
        price_text: input.price_text,
        requires_confirmation: Some(input.requires_confirmation),
        sort_order: Some(input.sort_order),
        active: None,
    }
    .checked()?;
    let department =
        departments::to_give(app.store.as_ref(), &hotel, &input.department, "department").await?;
    let now = app.clock.now();
    let mut experience = Experience {
        hotel: hotel.clone(),
        id: ExperienceId::generate(),
        department: department.slug.clone(),
        name: String::new(),
        description: String::new(),
        category: String::new(),
        image_url: None,
        price_text: None,
        requires_confirmation: false,
        sort_order: 0,
        active: true,
        department_active: department.active,
        created_at: now,
        updated_at: now,
    };
    changes.apply(&mut experience, department.active);
    // The department must still be as read, or the mirrored state could be stale.
    app.store
        .transact(&[
            Write::InsertExperience(&experience),
            Write::CheckDepartment(&department),
        ])
        .await?;
    http::json_response(StatusCode::CREATED, &experience)
}
