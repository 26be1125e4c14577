//! `PATCH /api/v1/hotels/{hotel}/admin/departments/{department}`: changes any of a
//! department's settings, or reopens it with `{"active": true}` (ADMIN). Closing it hides its
//! experiences too.

use lambda_http::Request;

use super::admin::{self, Changes, check_contacts};
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{DepartmentSlug, HotelSlug};
use crate::members::Role;
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let slug: DepartmentSlug = http::path(&req, "department")?;
    let session = Session::required(&app.config, &req)?;
    let actor = guards::member(app, &session, &hotel, Role::Admin).await?;
    let changes = http::changes::<Changes>(&req, app.config.max_json_body_bytes)?.checked()?;
    let store = app.store.as_ref();
    let previous = admin::of_hotel(store, &hotel, &slug).await?;
    let mut next = previous.clone();
    if let Some(contacts) = &changes.escalation_contacts {
        check_contacts(store, &hotel, contacts).await?;
    }
    changes.apply(&mut next);
    next.updated_at = app.clock.now();
    admin::save(store, &previous, &next, actor.user, next.updated_at).await?;
    http::ok(&next)
}
