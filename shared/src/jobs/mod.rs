//! Scheduled jobs. Each runs on its EventBridge schedule (and some also at the exact moment a
//! one-time schedule names), reads only what is due, is safe to run twice at once, tolerates an
//! empty table (F8), and writes a heartbeat that the health routes report.

pub mod digest;
pub mod escalation;
pub mod expiry;
pub mod model;
pub mod otp_cleanup;
pub mod otp_sweep;
pub mod reminder;
pub mod run;

use jiff::Timestamp;
use serde::Serialize;

pub use model::Heartbeat;

pub use run::{Job, JobEvent, JobReport, Run, drop_timer, handle_due};

/// Every job, as deployed in template.yaml.
pub const JOBS: [Job; 6] = [
    escalation::JOB,
    expiry::JOB,
    reminder::JOB,
    otp_sweep::JOB,
    otp_cleanup::JOB,
    digest::JOB,
];

/// How a job looks from its heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Ok,
    /// Deployed but not run yet (a fresh stack).
    NeverRun,
    /// Its last run failed.
    Failing,
    /// No run for more than three periods.
    Stale,
}

impl JobState {
    pub fn is_healthy(self) -> bool {
        matches!(self, JobState::Ok | JobState::NeverRun)
    }
}

pub fn state(job: &Job, heartbeat: Option<&Heartbeat>, now: Timestamp) -> JobState {
    let Some(heartbeat) = heartbeat else {
        return JobState::NeverRun;
    };
    let allowance = job.every.checked_mul(3).unwrap_or(job.every);
    if now.duration_since(heartbeat.last_run_at) > allowance {
        JobState::Stale
    } else if heartbeat.last_outcome.starts_with("failed") {
        JobState::Failing
    } else {
        JobState::Ok
    }
}
