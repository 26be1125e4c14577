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
    let changes = http::changes::<Changes>(&req, app.config.max_json_body_bytes)?.checked()?;
    let store = app.store.as_ref();
    let previous = admin::of_hotel(store, &hotel, id).await?;
    // A move must be to an open department of the hotel; staying put is fine even when closed.
    let department = match &changes.department {
        Some(slug) if slug != &previous.department => {
            departments::to_give(store, &hotel, slug, "department").await?
        }
        _ => departments::of_hotel(store, &hotel, &previous.department).await?,
    };
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
