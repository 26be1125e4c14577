//! `GET /api/v1/health`: the service answers and its table is reachable; each job's last run.

use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::jobs::Heartbeat;

#[derive(Serialize)]
struct Health {
    status: &'static str,
    jobs: Vec<Heartbeat>,
}

pub async fn handle(app: &App, _req: Request) -> HandlerResult {
    let jobs = app.store.heartbeats().await?;
    http::ok(&Health { status: "ok", jobs })
}
