//! `DELETE /api/v1/hotels/{hotel}/admin/experiences/{experience}`: withdraws an experience
//! (ADMIN). It vanishes from public routes; requests made for it keep their history.

use lambda_http::Request;

use super::admin;
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{ExperienceId, HotelSlug};
use crate::members::Role;
use crate::session::Session;
use crate::store::Write;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let id: ExperienceId = http::path(&req, "experience")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let previous = admin::of_hotel(app.store.as_ref(), &hotel, id).await?;
    if previous.active {
        let mut next = previous.clone();
        next.active = false;
        next.updated_at = app.clock.now();
        app.store
            .transact(&[Write::ReplaceExperience {
                experience: &next,
                previous: &previous,
            }])
            .await?;
    }
    http::no_content()
}
