//! `GET /api/v1/hotels/{hotel}/departments`: a hotel's active departments, by name.

use lambda_http::Request;
use serde::Serialize;

use super::PublicDepartment;
use crate::app::App;
use crate::hotels;
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;

#[derive(Serialize)]
struct Listing<'a> {
    items: Vec<PublicDepartment<'a>>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let slug: HotelSlug = http::path(&req, "hotel")?;
    let store = app.store.as_ref();
    let (hotel, mut departments) = tokio::try_join!(store.hotel(&slug), store.departments(&slug))?;
    hotels::require_active(hotel)?;
    departments.retain(|department| department.active);
    departments.sort_by_cached_key(|department| department.name.to_lowercase());
    let items = departments.iter().map(PublicDepartment::from).collect();
    Ok(http::cache_publicly(http::ok(&Listing { items })?, 60))
}
