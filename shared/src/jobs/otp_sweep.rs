//! The OTP sweep, every minute: the backstop of the SMS fallback. Every code sent by WhatsApp
//! has a sweep timer a little after its fallback delay; if the queue message or the webhook
//! already handled the code, the sweep finds nothing to do.

use jiff::SignedDuration;

use super::run::{Job, JobEvent, JobReport, drop_timer, handle_due};
use crate::app::App;
use crate::error::Result;
use crate::otp::fallback::{Fallback, fall_back};
use crate::timers::{Timer, TimerKind};

pub const JOB: Job = Job {
    name: "otp-sweep",
    every: SignedDuration::from_mins(1),
    run: |app, event| Box::pin(run(app, event)),
};

pub async fn run(app: &App, event: JobEvent) -> Result<JobReport> {
    handle_due(app, TimerKind::SmsFallback, &event, sweep).await
}

async fn sweep(app: &App, timer: Timer) -> Result<&'static str> {
    match fall_back(app, &timer.target).await? {
        // Someone is sending right now; if they fail, the next run tries again.
        Fallback::Busy => Ok("busy"),
        Fallback::Sent => drop_timer(app, &timer).await.map(|_| "sent"),
        Fallback::NotNeeded => drop_timer(app, &timer).await.map(|_| "not_needed"),
    }
}
