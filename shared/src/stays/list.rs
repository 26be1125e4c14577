//! `GET /api/v1/hotels/{hotel}/admin/stays[?limit=&cursor=]`: the hotel's guest stays, latest
//! check-in first (STAFF and above).

use lambda_http::Request;
use serde::Serialize;

use super::StaffStayView;
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;
use crate::members::Role;
use crate::session::Session;
use crate::store::Cursor;

#[derive(Serialize)]
struct Listing<'a> {
    items: Vec<StaffStayView<'a>>,
    next_cursor: Option<Cursor>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let page = http::page(&req)?;
    let session = Session::required(&app.config, &req)?;
    let viewer = guards::member(app, &session, &hotel, Role::Staff).await?;
    let stays = app.store.hotel_stays(&hotel, &page).await?;
    let now = app.clock.now();
    http::ok(&Listing {
        items: stays
            .items
            .iter()
            .map(|stay| StaffStayView::new(stay, now, viewer.role))
            .collect(),
        next_cursor: stays.next_cursor,
    })
}
