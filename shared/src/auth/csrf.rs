//! `GET /api/v1/auth/csrf`: a CSRF token bound to the caller's session (or to no session),
//! as the `csrftoken` cookie and in the body.

use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::session::{Session, cookies, csrf};

#[derive(Serialize)]
struct Token<'a> {
    csrf_token: &'a str,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let binding = Session::optional(&app.config, &req)
        .map(|session| session.id.to_string())
        .unwrap_or_else(|| csrf::ANONYMOUS.to_owned());
    let token = csrf::token(app.config.keys()?, &binding);
    let mut response = http::ok(&Token { csrf_token: &token })?;
    let lifetime = app.config.sessions.refresh_ttl.as_secs();
    cookies::set(
        &mut response,
        &app.config.cookies,
        cookies::CSRF_COOKIE,
        &token,
        lifetime,
    );
    Ok(response)
}
