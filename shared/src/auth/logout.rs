//! `POST /api/v1/auth/logout`: revokes the session and deletes its cookies (F31).

use lambda_http::Request;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    session::end(app, &req).await?;
    let mut response = http::no_content()?;
    session::clear_cookies(&mut response, &app.config);
    Ok(response)
}
