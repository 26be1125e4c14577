//! `GET /api/v1/hotels/{hotel}/admin/audit`: the hotel's audit log, newest first, with the
//! names of who changed what (SUPERADMIN of the hotel; the operator reads no hotel's data).
//! Pages with `limit` and `cursor`. Three reads: the page, the hotel's memberships and the
//! accounts of the page's actors (for the names this hotel knows them by).

use lambda_http::Request;
use serde::Serialize;

use super::model::AuditEntry;
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, UserId};
use crate::members::Role;
use crate::session::Session;
use crate::store::Cursor;

#[derive(Serialize)]
struct Listing<'a> {
    items: Vec<EntryView<'a>>,
    next_cursor: Option<Cursor>,
}

#[derive(Serialize)]
struct EntryView<'a> {
    #[serde(flatten)]
    entry: &'a AuditEntry,
    /// The actor's name as this hotel knows them; `null` if their account is gone.
    actor_name: Option<String>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let page = http::page(&req)?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Superadmin).await?;
    let store = app.store.as_ref();
    let listed = store.audit(&hotel, &page, app.clock.now()).await?;
    let mut actors: Vec<UserId> = listed.items.iter().map(|e| e.actor).collect();
    actors.sort();
    actors.dedup();
    let (members, users) =
        futures_util::future::try_join(store.members(&hotel), store.users(&actors)).await?;
    let name = |actor: UserId| {
        members
            .iter()
            .find(|m| m.user == actor)
            .and_then(|m| m.name.clone())
            .or_else(|| users.iter().find(|u| u.id == actor).map(|u| u.name.clone()))
    };
    http::ok(&Listing {
        items: listed
            .items
            .iter()
            .map(|entry| EntryView {
                entry,
                actor_name: name(entry.actor),
            })
            .collect(),
        next_cursor: listed.next_cursor,
    })
}
