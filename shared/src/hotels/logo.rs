//! `POST /api/v1/hotels/{hotel}/admin/logo` (multipart, field `image`): the hotel's logo,
//! through the image pipeline into the hotel's part of the bucket (SUPERADMIN). Answers the
//! hotel with its new `branding.logo_url`.

use lambda_http::Request;

use super::admin;
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;
use crate::images;
use crate::members::Role;
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let slug: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    let actor = guards::member(app, &session, &slug, Role::Superadmin).await?;
    let url = images::store_upload(app, &req, &slug, "logo").await?;
    let hotel = admin::update(
        app.store.as_ref(),
        &slug,
        actor.user,
        app.clock.now(),
        |hotel| hotel.branding.logo_url = Some(url),
    )
    .await?;
    http::ok(&hotel)
}
