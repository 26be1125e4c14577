//! `GET /api/v1/hotels/{hotel}/admin/qr-codes[?limit=&cursor=]`: the hotel's QR codes,
//! inactive ones too, by location (ADMIN).

use lambda_http::Request;

use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;
use crate::members::Role;
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let page = http::page(&req)?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    http::ok(&app.store.qr_codes(&hotel, &page).await?)
}
