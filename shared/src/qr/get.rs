//! `GET /api/v1/qr/{code}`: what a scanned room code stands for. Counts the scan.

use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::error::Error;
use crate::hotels::{self, PublicHotel};
use crate::http::{self, HandlerResult};
use crate::ids::QrCode;

#[derive(Serialize)]
struct Scanned<'a> {
    code: &'a QrCode,
    location: &'a str,
    label: &'a str,
    hotel: PublicHotel<'a>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let code: QrCode = http::path(&req, "code")?;
    let Some(qr) = app.store.scan_qr_code(&code).await? else {
        // Not counted: unknown, or deactivated (one more read, on this path only, to say which).
        return Err(match app.store.qr_code(&code).await? {
            Some(_) => super::withdrawn(),
            None => Error::NotFound("QR code"),
        });
    };
    // A code of a closed hotel leads nowhere, like an unknown one.
    let hotel = hotels::require_active(app.store.hotel(&qr.hotel).await?)
        .map_err(|_| Error::NotFound("QR code"))?;
    http::ok(&Scanned {
        code: &qr.code,
        location: &qr.location,
        label: &qr.label,
        hotel: PublicHotel::from(&hotel),
    })
}
