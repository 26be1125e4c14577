//! `GET /api/v1/operator/health`: the platform operator's view of the jobs, with each one's
//! last heartbeat (when, outcome, what it touched).

use lambda_http::Request;

use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    guards::operator(app, &session).await?;
    let health = super::check(app, true).await?;
    http::json_response(health.status_code(), &health)
}
