//! `POST /api/v1/auth/otp/send` `{phone, hotel?, qr?}`: sends a login code.

use lambda_http::Request;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, QrCode};
use crate::otp::Channel;
use crate::otp::send::{SendRequest, send};
use crate::session::csrf;
use crate::users::Phone;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    phone: Phone,
    hotel: Option<HotelSlug>,
    qr: Option<QrCode>,
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
    let sent = send(
        app,
        SendRequest {
            phone: body.phone,
            hotel: body.hotel,
            qr: body.qr,
            client_ip: http::client_ip(&req),
        },
    )
    .await?;
    http::ok(&Answer {
        sent: true,
        channel: sent.channel,
        expires_in: sent.expires_in_secs,
    })
}
