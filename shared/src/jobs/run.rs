//! What every job is and how one runs: its report, its heartbeat, the due timers it works through.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use super::model::Heartbeat;
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::store::Write;
use crate::timers::{Timer, TimerKind};

/// What fired a run: its recurring schedule (no timer), or a one-time schedule naming the
/// timer (its position) to handle now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobEvent {
    #[serde(default)]
    pub timer: Option<String>,
}

/// Timers read per page, and pages per run: a run handles at most their product, the rest wait
/// for the next run (which is a minute away at most).
const PAGE: u16 = 100;
const MAX_PAGES: usize = 10;

/// A job's work, uniformly typed so the local runner can hold them all.
pub type Run =
    fn(&'static App, JobEvent) -> Pin<Box<dyn Future<Output = Result<JobReport>> + Send>>;

/// A job: its name, how often it runs (a heartbeat older than three periods is stale), and its
/// work.
#[derive(Clone, Copy)]
pub struct Job {
    pub name: &'static str,
    pub every: SignedDuration,
    pub run: Run,
}

impl Job {
    /// The Lambda function (and binary) of the job, e.g. `jobs-otp-sweep`.
    pub fn function_name(&self) -> String {
        format!("jobs-{}", self.name)
    }

    /// The rate expression of its recurring schedule, e.g. `rate(5 minutes)`.
    pub fn rate_expression(&self) -> String {
        let minutes = self.every.as_mins();
        let (count, unit) = if minutes % (24 * 60) == 0 {
            (minutes / (24 * 60), "day")
        } else if minutes % 60 == 0 {
            (minutes / 60, "hour")
        } else {
            (minutes, "minute")
        };
        let plural = if count == 1 { "" } else { "s" };
        format!("rate({count} {unit}{plural})")
    }

    /// Runs the job once and writes its heartbeat, whatever happened.
    pub async fn run_once(&self, app: &'static App, event: JobEvent) -> Result<JobReport> {
        // A failed fetch of the secrets is a failed run: recorded, and retried by the schedule.
        let result = match app.ready().await {
            Ok(()) => (self.run)(app, event).await,
            Err(err) => Err(err),
        };
        if let Err(err) = record(app, self, &result).await {
            tracing::error!(%err, job = self.name, "the heartbeat was not written");
        }
        result
    }
}

/// What a run did, by kind of outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JobReport {
    pub counts: BTreeMap<String, u64>,
}

impl JobReport {
    pub fn count(&mut self, outcome: &str) {
        self.add(outcome, 1);
    }

    /// Counts `n` of an outcome (none: nothing is recorded).
    pub fn add(&mut self, outcome: &str, n: u64) {
        if n > 0 {
            *self.counts.entry(outcome.to_owned()).or_default() += n;
        }
    }

    pub fn get(&self, outcome: &str) -> u64 {
        self.counts.get(outcome).copied().unwrap_or(0)
    }
}

/// Handles the due timers of `kind` (or the one timer `event` names, when due) with `work`,
/// which says what it did. A timer that fails is counted and left for the next run.
pub async fn handle_due<'a, F, Fut>(
    app: &'a App,
    kind: TimerKind,
    event: &JobEvent,
    work: F,
) -> Result<JobReport>
where
    F: Fn(&'a App, Timer) -> Fut,
    Fut: Future<Output = Result<&'static str>>,
{
    let mut report = JobReport::default();
    let now = app.clock.now();
    if let Some(position) = &event.timer {
        if let Some(timer) = app
            .store
            .timer(kind, position)
            .await?
            .filter(|t| t.due_at <= now)
        {
            settle(&mut report, kind, work(app, timer).await);
        }
        return Ok(report);
    }
    let mut after: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let due = app
            .store
            .due_timers(kind, now, PAGE, after.as_deref())
            .await?;
        let page_was_full = due.len() == usize::from(PAGE);
        after = due.last().map(Timer::position);
        for timer in due {
            settle(&mut report, kind, work(app, timer).await);
        }
        if !page_was_full {
            break;
        }
    }
    Ok(report)
}

fn settle(report: &mut JobReport, kind: TimerKind, outcome: Result<&'static str>) {
    match outcome {
        Ok(what) => report.count(what),
        Err(err) => {
            tracing::error!(%err, %kind, "a timer failed; the next run retries it");
            report.count("failed");
        }
    }
}

/// Deletes a timer whose work no longer applies. Another run deleting it first is fine.
pub async fn drop_timer(app: &App, timer: &Timer) -> Result<&'static str> {
    match app.store.transact(&[Write::DeleteTimer(timer)]).await {
        Ok(()) | Err(Error::Conflict(Conflict::TimerGone, _)) => Ok("obsolete"),
        Err(err) => Err(err),
    }
}

/// Writes the heartbeat of a run.
async fn record(app: &App, job: &Job, result: &Result<JobReport>) -> Result<()> {
    let (last_outcome, counts) = match result {
        Ok(report) if report.get("failed") == 0 => ("ok".to_owned(), report.counts.clone()),
        Ok(report) => (
            format!("{} failed", report.get("failed")),
            report.counts.clone(),
        ),
        Err(err) => (format!("failed: {}", err.code()), BTreeMap::new()),
    };
    let heartbeat = Heartbeat {
        job: job.name.to_owned(),
        last_run_at: app.clock.now(),
        last_outcome,
        counts,
    };
    app.store.transact(&[Write::PutHeartbeat(&heartbeat)]).await
}
