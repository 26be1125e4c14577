//! `POST /api/v1/auth/token/refresh`: a new access token, and the refresh token rotated.

use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::session;
use crate::users::Profile;

#[derive(Serialize)]
struct Refreshed<'a> {
    user: Profile<'a>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let (user, issued) = session::refresh(app, &req).await?;
    let mut response = http::ok(&Refreshed {
        user: Profile::from(&user),
    })?;
    session::set_cookies(&mut response, &app.config, &issued);
    Ok(response)
}
