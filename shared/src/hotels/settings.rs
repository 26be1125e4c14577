//! `PATCH /api/v1/hotels/{hotel}/admin/settings` `{name?, timezone?, contact?, accent_color?,
//! default_stay_nights?}` (SUPERADMIN). Answers the hotel as stored.

use lambda_http::Request;

use super::admin::{self, HotelChanges};
use crate::app::App;
use crate::error::Error;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;
use crate::members::Role;
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let slug: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    let actor = guards::member(app, &session, &slug, Role::Superadmin).await?;
    let changes = http::changes::<HotelChanges>(&req, app.config.max_json_body_bytes)?.checked()?;
    if changes.active.is_some() {
        return Err(Error::field(
            "active",
            "only the platform operator opens or closes a hotel",
        ));
    }
    let hotel = admin::update(
        app.store.as_ref(),
        &slug,
        actor.user,
        app.clock.now(),
        |hotel| changes.apply(hotel),
    )
    .await?;
    http::ok(&hotel)
}
