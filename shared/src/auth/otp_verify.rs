//! `POST /api/v1/auth/otp/verify` `{phone, code, hotel?, qr?, name?}`: logs in with a code.
//! With a QR code it is a guest login that opens (or continues) a stay in that room.

use lambda_http::Request;
use serde::Deserialize;

use super::logged_in;
use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, QrCode};
use crate::otp::verify::{VerifyRequest, verify};
use crate::session::csrf;
use crate::text;
use crate::users::Phone;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    phone: Phone,
    code: String,
    hotel: Option<HotelSlug>,
    qr: Option<QrCode>,
    name: Option<String>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    csrf::check_origin(&app.config, &req, false)?;
    let body: Body = http::json(&req, app.config.max_json_body_bytes)?;
    let verified = verify(
        app,
        VerifyRequest {
            phone: body.phone,
            code: body.code,
            hotel: body.hotel,
            qr: body.qr,
            name: text::optional("name", body.name, 100, text::Form::Line)?,
            client_ip: http::client_ip(&req, app.config.origin_secret()),
        },
    )
    .await?;
    logged_in(
        app,
        &verified.user,
        verified.stay.as_ref(),
        &verified.issued,
    )
}
