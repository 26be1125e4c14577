//! `GET /api/v1/hotels/{hotel}/experiences[?department=&limit=&cursor=]`: a hotel's listed
//! experiences in display order, a page at a time.

use lambda_http::Request;

use super::PublicExperience;
use crate::app::App;
use crate::hotels;
use crate::http::{self, HandlerResult};
use crate::ids::{DepartmentSlug, HotelSlug};
use crate::store::Page;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let slug: HotelSlug = http::path(&req, "hotel")?;
    let department: Option<DepartmentSlug> = http::query_as(&req, "department")?;
    let page = http::page(&req)?;
    let store = app.store.as_ref();
    let (hotel, experiences) = tokio::try_join!(
        store.hotel(&slug),
        store.listed_experiences(&slug, department.as_ref(), &page)
    )?;
    hotels::require_active(hotel)?;
    let listing = Page {
        items: experiences
            .items
            .iter()
            .map(PublicExperience::from)
            .collect::<Vec<_>>(),
        next_cursor: experiences.next_cursor,
    };
    Ok(http::cache_publicly(http::ok(&listing)?, 60))
}
