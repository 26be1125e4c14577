//! `PATCH /api/v1/operator/hotels/{hotel}` `{name?, timezone?, contact?, accent_color?,
//! default_stay_nights?, active?}`: the operator's changes to a hotel, opening and closing it
//! included (platform operators). A closed hotel vanishes from public routes.

use lambda_http::Request;

use crate::app::App;
use crate::guards;
use crate::hotels::admin::{self, HotelChanges};
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let slug: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    let operator = guards::operator(app, &session).await?;
    let changes = http::changes::<HotelChanges>(&req, app.config.max_json_body_bytes)?.checked()?;
    let hotel = admin::update(
        app.store.as_ref(),
        &slug,
        operator.id,
        app.clock.now(),
        |hotel| changes.apply(hotel),
    )
    .await?;
    http::ok(&hotel)
}
