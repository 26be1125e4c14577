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
use crate::store::Write;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let code: QrCode = http::path(&req, "qr")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let changes = http::changes::<Changes>(&req, app.config.max_json_body_bytes)?.checked()?;
    let mut qr = admin::of_hotel(app.store.as_ref(), &hotel, &code).await?;
    changes.apply(&mut qr);
    app.store.transact(&[Write::UpdateQrCode(&qr)]).await?;
    http::ok(&qr)
}
