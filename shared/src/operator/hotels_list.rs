//! `GET /api/v1/operator/hotels[?limit=&cursor=]`: every hotel, closed ones too, by slug
//! (platform operators).

use lambda_http::Request;

use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let page = http::page(&req)?;
    let session = Session::required(&app.config, &req)?;
    guards::operator(app, &session).await?;
    http::ok(&app.store.all_hotels(&page).await?)
}
