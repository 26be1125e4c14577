//! `GET /api/v1/hotels/{hotel}/admin/qr-codes/{qr}/image?format=svg|png`: the printable QR
//! code, encoding the guest entry URL of the code (ADMIN).

use ::http::header;
use image::{ImageFormat, Luma};
use lambda_http::{Body, Request};
use qrcode::QrCode as Matrix;
use qrcode::render::svg;

use super::admin;
use crate::app::App;
use crate::error::{Error, Result};
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, QrCode};
use crate::members::Role;
use crate::session::Session;

/// Pixels of one module of the PNG: large enough to print sharply on a room card.
const PNG_MODULE_PIXELS: u32 = 12;

#[derive(Clone, Copy)]
enum Format {
    Svg,
    Png,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let code: QrCode = http::path(&req, "qr")?;
    let format = match http::query(&req, "format")?.unwrap_or("svg") {
        "svg" => Format::Svg,
        "png" => Format::Png,
        _ => return Err(Error::field("format", "use svg or png")),
    };
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let qr = admin::of_hotel(app.store.as_ref(), &hotel, &code).await?;
    let (content_type, bytes) = render(&entry_url(&app.config.guest_entry_url, &qr.code), format)?;
    lambda_http::Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!(
                "inline; filename=\"qr-{}.{}\"",
                qr.code,
                match format {
                    Format::Svg => "svg",
                    Format::Png => "png",
                }
            ),
        )
        .body(Body::Binary(bytes))
        .map_err(Error::internal)
}

/// The page a guest's phone opens on scanning the code.
fn entry_url(base: &str, code: &QrCode) -> String {
    format!("{}/{code}", base.trim_end_matches('/'))
}

fn render(url: &str, format: Format) -> Result<(&'static str, Vec<u8>)> {
    let matrix = Matrix::new(url.as_bytes()).map_err(Error::internal)?;
    Ok(match format {
        Format::Svg => (
            "image/svg+xml",
            matrix
                .render::<svg::Color>()
                .min_dimensions(256, 256)
                .build()
                .into_bytes(),
        ),
        Format::Png => {
            let picture = matrix
                .render::<Luma<u8>>()
                .module_dimensions(PNG_MODULE_PIXELS, PNG_MODULE_PIXELS)
                .build();
            let mut bytes = std::io::Cursor::new(Vec::new());
            picture
                .write_to(&mut bytes, ImageFormat::Png)
                .map_err(Error::internal)?;
            ("image/png", bytes.into_inner())
        }
    })
}
