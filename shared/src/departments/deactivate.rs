//! `DELETE /api/v1/hotels/{hotel}/admin/departments/{department}`: closes a department (ADMIN).
//! It and its experiences vanish from public routes; its requests and history stay.

use lambda_http::Request;

use super::admin;
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
    let store = app.store.as_ref();
    let previous = admin::of_hotel(store, &hotel, &slug).await?;
    if previous.active {
        let mut next = previous.clone();
        next.active = false;
        next.updated_at = app.clock.now();
        admin::save(store, &previous, &next, actor.user, next.updated_at).await?;
    }
    http::no_content()
}
