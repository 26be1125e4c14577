//! `POST /api/v1/hotels/{hotel}/admin/qr-codes` `{label, location}`: a new code for a room or
//! place, 128 bits from the operating system's CSPRNG (ADMIN).

use ::http::StatusCode;
use lambda_http::Request;
use serde::Deserialize;

use super::QrCodeRecord;
use super::admin::{self, Changes};
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, QrCode};
use crate::members::Role;
use crate::session::Session;
use crate::store::Write;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewQrCode {
    label: String,
    location: String,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    let actor = guards::member(app, &session, &hotel, Role::Admin).await?;
    let input: NewQrCode = http::json(&req, app.config.max_json_body_bytes)?;
    let changes = Changes {
        label: Some(input.label),
        location: Some(input.location),
        active: None,
    }
    .checked()?;
    let mut qr = QrCodeRecord {
        hotel,
        code: QrCode::generate(),
        label: String::new(),
        location: String::new(),
        active: true,
        scan_count: 0,
        created_at: app.clock.now(),
    };
    changes.apply(&mut qr);
    let mut writes = vec![Write::InsertQrCode(&qr)];
    let entry = admin::audited(None, &qr, actor.user, qr.created_at)?;
    writes.extend(entry.as_ref().map(Write::InsertAudit));
    app.store.transact(&writes).await?;
    http::json_response(StatusCode::CREATED, &qr)
}
