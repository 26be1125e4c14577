//! `POST /api/v1/hotels/{hotel}/admin/requests/{request}/notes` `{text}`: an internal note on a
//! request, for staff only. Written with a check that the request is still the one read.

use ::http::StatusCode;
use lambda_http::Request;
use serde::Deserialize;

use super::{Activity, ActivityKind, of_hotel};
use crate::app::App;
use crate::error::Error;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, RequestId};
use crate::members::Role;
use crate::session::Session;
use crate::store::{REQUEST_MOVE, Write};
use crate::text;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    text: String,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let id: RequestId = http::path(&req, "request")?;
    let session = Session::required(&app.config, &req)?;
    let (membership, staff) = guards::member_and_user(app, &session, &hotel, Role::Staff).await?;
    let note: Note = http::json(&req, app.config.max_json_body_bytes)?;
    let text = text::optional("text", Some(note.text), 2000, text::Form::Lines)?
        .ok_or_else(|| Error::field("text", "write the note"))?;
    let mut attempts = REQUEST_MOVE.begin();
    let activity = loop {
        let request = of_hotel(app.store.as_ref(), &hotel, id).await?;
        if !guards::works_department(&membership, &request.department) {
            return Err(Error::NotFound("Request"));
        }
        let activity = Activity::new(
            &request,
            ActivityKind::Note,
            Some((staff.id, &staff.name)),
            app.clock.now(),
        )
        .text(Some(text.clone()));
        let written = app
            .store
            .transact(&[
                Write::CheckRequest(&request),
                Write::InsertActivity(&activity),
            ])
            .await;
        if attempts.settle(written)?.is_some() {
            break activity;
        }
    };
    http::json_response(StatusCode::CREATED, &activity)
}
