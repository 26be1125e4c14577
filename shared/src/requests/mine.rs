//! `GET /api/v1/me/requests[?limit=&cursor=]`: the caller's own requests, newest first.

use lambda_http::Request;
use serde::Serialize;

use super::GuestView;
use super::list::{decode, encode, merged};
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::session::Session;
use crate::store::{Cursor, RequestFilter, RequestListing};

#[derive(Serialize)]
struct Listing<'a> {
    items: Vec<GuestView<'a>>,
    next_cursor: Option<Cursor>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let page = http::page(&req)?;
    let after = page.cursor.as_ref().map(decode).transpose()?;
    let session = Session::required(&app.config, &req)?;
    let listing = [RequestListing::Guest(session.user)];
    let filter = RequestFilter::default();
    let ((items, next), _) = tokio::try_join!(
        merged(app.store.as_ref(), &listing, &filter, page.limit, after),
        guards::active_user(app, &session),
    )?;
    http::ok(&Listing {
        items: items.iter().map(GuestView::from).collect(),
        next_cursor: next.map(encode),
    })
}
