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
use crate::store::Write;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let code: QrCode = http::path(&req, "qr")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let mut qr = admin::of_hotel(app.store.as_ref(), &hotel, &code).await?;
    if qr.active {
        qr.active = false;
        app.store.transact(&[Write::UpdateQrCode(&qr)]).await?;
    }
    http::no_content()
}
