//! `GET /api/v1/hotels/{hotel}/experiences/{experience}`: one listed experience.

use lambda_http::Request;

use super::PublicExperience;
use crate::app::App;
use crate::error::Error;
use crate::hotels;
use crate::http::{self, HandlerResult};
use crate::ids::{ExperienceId, HotelSlug};

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let slug: HotelSlug = http::path(&req, "hotel")?;
    let id: ExperienceId = http::path(&req, "experience")?;
    let store = app.store.as_ref();
    let (hotel, experience) = tokio::try_join!(store.hotel(&slug), store.experience(&slug, id))?;
    hotels::require_active(hotel)?;
    let experience = experience
        .filter(|experience| experience.is_listed())
        .ok_or(Error::NotFound("Experience"))?;
    Ok(http::cache_publicly(
        http::ok(&PublicExperience::from(&experience))?,
        60,
    ))
}
