//! `GET /api/v1/hotels/{hotel}/admin/departments`: every department of the hotel, closed ones
//! too, by name, each with how many members receive its requests (ADMIN).

use lambda_http::Request;
use serde::Serialize;

use super::Department;
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;
use crate::members::Role;
use crate::notifications;
use crate::session::Session;

#[derive(Serialize)]
struct Listing {
    items: Vec<Listed>,
}

/// A department as admins list it: with how many members receive its requests.
#[derive(Serialize)]
struct Listed {
    #[serde(flatten)]
    department: Department,
    /// Active members who work it; 0 means its new requests, reminders and first escalations
    /// go to the hotel's admins.
    receivers: usize,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let (mut departments, members) =
        tokio::try_join!(app.store.departments(&hotel), app.store.members(&hotel),)?;
    departments.sort_by_cached_key(|department| department.name.to_lowercase());
    let items = departments
        .into_iter()
        .map(|department| Listed {
            receivers: notifications::receivers(&members, &department.slug),
            department,
        })
        .collect();
    http::ok(&Listing { items })
}
