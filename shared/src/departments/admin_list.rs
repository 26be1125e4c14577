//! `GET /api/v1/hotels/{hotel}/admin/departments`: every department of the hotel, closed ones
//! too, by name (ADMIN).

use lambda_http::Request;
use serde::Serialize;

use super::Department;
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;
use crate::members::Role;
use crate::session::Session;

#[derive(Serialize)]
struct Listing {
    items: Vec<Department>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let mut items = app.store.departments(&hotel).await?;
    items.sort_by_cached_key(|department| department.name.to_lowercase());
    http::ok(&Listing { items })
}
