//! `POST /api/v1/operator/hotels` `{slug, name, timezone, contact?, default_stay_nights?,
//! superadmin: {name, phone, email?}}`: a hotel and its first SUPERADMIN, in one transaction
//! (platform operators). A new superadmin has no usable password (F5): they log in by
//! one-time code.

use ::http::StatusCode;
use lambda_http::Request;
use serde::{Deserialize, Serialize};

use super::{NewHotel, NewStaff, create_hotel};
use crate::app::App;
use crate::guards;
use crate::hotels::{Contact, Hotel, TimeZoneName};
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;
use crate::session::Session;
use crate::users::{Email, Phone, Profile};

/// Nights a guest's stay lasts unless the operator says otherwise.
const DEFAULT_STAY_NIGHTS: u16 = 3;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    slug: HotelSlug,
    name: String,
    timezone: TimeZoneName,
    #[serde(default)]
    contact: Contact,
    default_stay_nights: Option<u16>,
    superadmin: Superadmin,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Superadmin {
    name: String,
    phone: Phone,
    email: Option<Email>,
}

#[derive(Serialize)]
struct Created<'a> {
    hotel: &'a Hotel,
    superadmin: Profile<'a>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    guards::operator(app, &session).await?;
    let input: Input = http::json(&req, app.config.max_json_body_bytes)?;
    let hotel = NewHotel {
        slug: input.slug,
        name: input.name,
        timezone: input.timezone,
        contact: input.contact,
        default_stay_nights: input.default_stay_nights.unwrap_or(DEFAULT_STAY_NIGHTS),
    };
    let superadmin = NewStaff {
        name: input.superadmin.name,
        phone: input.superadmin.phone,
        email: input.superadmin.email,
        password_hash: None,
        is_operator: false,
    };
    let (hotel, user) =
        create_hotel(app.store.as_ref(), app.clock.as_ref(), hotel, superadmin).await?;
    http::json_response(
        StatusCode::CREATED,
        &Created {
            hotel: &hotel,
            superadmin: Profile::from(&user),
        },
    )
}
