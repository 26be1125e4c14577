//! OTP cleanup, daily: deletes code records past their retention. DynamoDB's TTL deletes most
//! of them already (hours late); this removes the rest, so no old code lingers.

use jiff::SignedDuration;

use super::run::{Job, JobEvent, JobReport, drop_timer, handle_due};
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::otp::parse_key;
use crate::store::Write;
use crate::timers::{Timer, TimerKind};

pub const JOB: Job = Job {
    name: "otp-cleanup",
    every: SignedDuration::from_hours(24),
    run: |app, event| Box::pin(run(app, event)),
};

pub async fn run(app: &App, event: JobEvent) -> Result<JobReport> {
    handle_due(app, TimerKind::OtpCleanup, &event, clean).await
}

async fn clean(app: &App, timer: Timer) -> Result<&'static str> {
    let (phone, scope, id) = parse_key(&timer.target)?;
    let Some(otp) = app.store.otp(&phone, &scope, id).await? else {
        // TTL was first.
        return drop_timer(app, &timer).await;
    };
    match app
        .store
        .transact(&[Write::DeleteOtp(&otp), Write::DeleteTimer(&timer)])
        .await
    {
        Ok(()) => Ok("deleted"),
        Err(Error::Conflict(Conflict::TimerGone, _)) => Ok("skipped"),
        Err(err) => Err(err),
    }
}
