//! `PATCH /api/v1/hotels/{hotel}/admin/experiences/{experience}`: changes any of an
//! experience's fields, moves it to another department, or reactivates it (ADMIN).

use lambda_http::Request;

use super::admin::{self, Changes};
use crate::app::App;
use crate::departments::admin as departments;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{ExperienceId, HotelSlug};
use crate::members::Role;
use crate::session::Session;
use crate::store::Write;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let id: ExperienceId = http::path(&req, "experience")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let changes = http::json::<Changes>(&req, app.config.max_json_body_bytes)?.checked()?;
    let store = app.store.as_ref();
    let previous = admin::of_hotel(store, &hotel, id).await?;
    let department_slug = changes
        .department
        .clone()
        .unwrap_or_else(|| previous.department.clone());
    let department = departments::of_hotel(store, &hotel, &department_slug).await?;
    let mut next = previous.clone();
    changes.apply(&mut next, department.active);
    next.updated_at = app.clock.now();
    store
        .transact(&[
            Write::ReplaceExperience {
                experience: &next,
                previous: &previous,
            },
            Write::CheckDepartment(&department),
        ])
        .await?;
    http::ok(&next)
}
