//! `POST /api/v1/auth/otp/send` `{phone, hotel?, qr?, purpose?}`: sends a login code, or, with
//! `"purpose": "new_phone"` and a session, a code that proves a new phone of the caller's
//! (`PATCH /auth/profile` `{phone, code}` then changes it).

use lambda_http::Request;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::Error;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, QrCode};
use crate::otp::Channel;
use crate::otp::send::{Purpose, SendRequest, send};
use crate::session::{Session, csrf};
use crate::users::Phone;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    phone: Phone,
    hotel: Option<HotelSlug>,
    qr: Option<QrCode>,
    #[serde(default)]
    purpose: BodyPurpose,
}

#[derive(Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum BodyPurpose {
    #[default]
    Login,
    NewPhone,
}

#[derive(Serialize)]
struct Answer {
    sent: bool,
    channel: Channel,
    expires_in: i64,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    csrf::check_origin(&app.config, &req, false)?;
    let body: Body = http::json(&req, app.config.max_json_body_bytes)?;
    let purpose = match body.purpose {
        BodyPurpose::Login => Purpose::Login {
            hotel: body.hotel,
            qr: body.qr,
        },
        BodyPurpose::NewPhone => {
            let session = Session::required(&app.config, &req)?;
            if body.hotel.is_some() || body.qr.is_some() {
                return Err(Error::invalid(
                    "A code for a new phone is not for a hotel: send only the phone.",
                ));
            }
            Purpose::NewPhone(session.user)
        }
    };
    let sent = send(
        app,
        SendRequest {
            phone: body.phone,
            purpose,
            client_ip: http::client_ip(&req, app.config.origin_secret()),
        },
    )
    .await?;
    http::ok(&Answer {
        sent: true,
        channel: sent.channel,
        expires_in: sent.expires_in_secs,
    })
}
