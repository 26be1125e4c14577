//! `POST /api/v1/hotels/{hotel}/admin/experiences/{experience}/image` (multipart, field
//! `image`): the experience's picture, through the image pipeline into the hotel's part of the
//! bucket (ADMIN). Answers the experience with its new `image_url`.

use lambda_http::Request;

use super::admin;
use crate::app::App;
use crate::error::Conflict;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{ExperienceId, HotelSlug};
use crate::images;
use crate::members::Role;
use crate::session::Session;
use crate::store::{Retry, Write};

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let id: ExperienceId = http::path(&req, "experience")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let store = app.store.as_ref();
    admin::of_hotel(store, &hotel, id).await?;
    let url = images::store_upload(app, &req, &hotel, "experiences").await?;
    // Again when the experience changed between reading it and saving the image's URL.
    let retry = Retry::on(
        Conflict::ConcurrentUpdate,
        "This experience keeps changing. Try again.",
    );
    let mut attempts = retry.begin();
    let saved = loop {
        let previous = admin::of_hotel(store, &hotel, id).await?;
        let mut next = previous.clone();
        next.image_url = Some(url.clone());
        next.updated_at = app.clock.now();
        let written = store
            .transact(&[Write::ReplaceExperience {
                experience: &next,
                previous: &previous,
            }])
            .await;
        if attempts.settle(written)?.is_some() {
            break next;
        }
    };
    http::ok(&saved)
}
