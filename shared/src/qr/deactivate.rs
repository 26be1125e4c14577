//! `DELETE /api/v1/hotels/{hotel}/admin/qr-codes/{qr}`: retires a code (ADMIN). Scanning it
//! leads nowhere from now on; stays begun with it keep it in their history.

use lambda_http::Request;

use super::admin;
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
    let store = app.store.as_ref();
    let previous = admin::of_hotel(store, &hotel, &code).await?;
    let mut qr = previous.clone();
    qr.active = false;
    admin::save(store, &previous, &qr, actor.user, app.clock.now()).await?;
    http::no_content()
}
