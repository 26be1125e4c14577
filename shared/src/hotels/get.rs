//! `GET /api/v1/hotels/{hotel}`: a hotel's public profile.

use lambda_http::Request;

use super::{PublicHotel, active_hotel};
use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let slug: HotelSlug = http::path(&req, "hotel")?;
    let hotel = active_hotel(app.store.as_ref(), &slug).await?;
    Ok(http::cache_publicly(
        http::ok(&PublicHotel::from(&hotel))?,
        60,
    ))
}
