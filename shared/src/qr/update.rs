//! `PATCH /api/v1/hotels/{hotel}/admin/qr-codes/{qr}` `{label?, location?, active?}` (ADMIN).
//! The scan count is left to the scans.

use lambda_http::Request;

use super::admin::{self, Changes};
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, QrCode};
use crate::members::Role;
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let code: QrCode = http::path(&req, "qr")?;
    let session = Session::required(&app.config, &req)?;
    let actor = guards::member(app, &session, &hotel, Role::Admin).await?;
    let changes = http::changes::<Changes>(&req, app.config.max_json_body_bytes)?.checked()?;
    let store = app.store.as_ref();
    let previous = admin::of_hotel(store, &hotel, &code).await?;
    let mut qr = previous.clone();
    changes.apply(&mut qr);
    admin::save(store, &previous, &qr, actor.user, app.clock.now()).await?;
    http::ok(&qr)
}
