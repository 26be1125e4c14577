//! `GET /api/v1/health`: the service answers, its table is reachable, and every job ran
//! recently and well. A job with no heartbeat for three of its periods, or whose last run
//! failed, makes the answer 503, so an uptime check notices a dead schedule.

pub mod operator;

use lambda_http::Request;
use lambda_http::http::StatusCode;
use serde::Serialize;

use crate::app::App;
use crate::error::Result;
use crate::http::{self, HandlerResult};
use crate::jobs::{self, Heartbeat, JOBS, JobState};

/// One job as the health routes show it.
#[derive(Debug, Serialize)]
pub struct JobHealth {
    pub job: &'static str,
    pub state: JobState,
    /// Its last heartbeat (only the operator route shows it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<Heartbeat>,
}

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub jobs: Vec<JobHealth>,
}

impl Health {
    pub fn status_code(&self) -> StatusCode {
        if self.status == "ok" {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// Every deployed job's state from its heartbeat, with the heartbeat when `detailed`.
pub async fn check(app: &App, detailed: bool) -> Result<Health> {
    let mut heartbeats = app.store.heartbeats().await?;
    let now = app.clock.now();
    let jobs: Vec<JobHealth> = JOBS
        .iter()
        .map(|job| {
            let heartbeat = heartbeats
                .iter()
                .position(|h| h.job == job.name)
                .map(|at| heartbeats.swap_remove(at));
            JobHealth {
                job: job.name,
                state: jobs::state(job, heartbeat.as_ref(), now),
                heartbeat: heartbeat.filter(|_| detailed),
            }
        })
        .collect();
    let healthy = jobs.iter().all(|j| j.state.is_healthy());
    Ok(Health {
        status: if healthy { "ok" } else { "degraded" },
        jobs,
    })
}

pub async fn handle(app: &App, _req: Request) -> HandlerResult {
    let health = check(app, false).await?;
    http::json_response(health.status_code(), &health)
}
