//! `GET /api/v1/hotels/{hotel}/admin/members`: the hotel's members, deactivated ones too, by
//! name (ADMIN). Two reads: the memberships, then their users in one batch.

use lambda_http::Request;
use serde::Serialize;

use super::{MemberView, Role};
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, UserId};
use crate::session::Session;

#[derive(Serialize)]
struct Listing<'a> {
    items: Vec<MemberView<'a>>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let memberships = app.store.members(&hotel).await?;
    let ids: Vec<UserId> = memberships.iter().map(|m| m.user).collect();
    let users = app.store.users(&ids).await?;
    let mut items: Vec<MemberView> = memberships
        .iter()
        .filter_map(|m| {
            users
                .iter()
                .find(|u| u.id == m.user)
                .map(|u| MemberView::new(m, u))
        })
        .collect();
    items.sort_by_cached_key(|view| view.name.to_lowercase());
    http::ok(&Listing { items })
}
