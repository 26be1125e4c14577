//! What AWS does around the functions, done locally through the same handlers: EventBridge
//! Scheduler running each job on its period and firing the one-time schedules of requests when
//! due, and Lambda's SQS poller handing the fallback and push queues' messages to their
//! consumers (deleting those that succeeded, leaving the failures to come back). Plus a clock
//! the local stack can fast-forward, to see escalations and expiries without waiting.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::MessageSystemAttributeName;
use concierge::App;
use concierge::clock::{Clock, ManualClock};
use concierge::jobs::{JOBS, Job, JobEvent, JobReport};
use concierge::lambda::consume_batch;
use jiff::{SignedDuration, Timestamp};

use crate::local_function_arn;

/// The real time plus an offset that only grows: `advance` moves the whole local stack into
/// the future.
#[derive(Default)]
pub struct OffsetClock {
    offset: Mutex<SignedDuration>,
}

impl OffsetClock {
    pub fn advance(&self, by: SignedDuration) {
        let mut offset = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        *offset = offset.saturating_add(by.abs());
    }
}

/// A clock the local stack can move forward: the developer's offset clock, or a test's
/// manual one.
pub trait MovableClock: Clock {
    fn advance(&self, by: SignedDuration);
}

impl MovableClock for OffsetClock {
    fn advance(&self, by: SignedDuration) {
        OffsetClock::advance(self, by);
    }
}

impl MovableClock for ManualClock {
    fn advance(&self, by: SignedDuration) {
        ManualClock::advance(self, by.abs());
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Timestamp {
        let offset = *self.offset.lock().unwrap_or_else(|p| p.into_inner());
        Timestamp::now()
            .saturating_add(offset)
            .unwrap_or_else(|_| Timestamp::now())
    }
}

pub struct Runner {
    app: &'static App,
    sqs: aws_sdk_sqs::Client,
    scheduler: aws_sdk_scheduler::Client,
    clock: Option<Arc<dyn MovableClock>>,
    /// When each periodic job runs next, by the stack's clock (absent: right away).
    next_runs: Mutex<BTreeMap<&'static str, Timestamp>>,
}

/// What went wrong in a step of the runner; its details go to the log, never to a response.
#[derive(Debug)]
pub struct RunnerError {
    /// What the runner was doing, in words fit for a response ("listing schedules").
    pub step: &'static str,
}

impl std::fmt::Display for RunnerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the emulator failed while {}", self.step)
    }
}

/// Logs an AWS SDK error with its whole chain of causes (the SDKs share the display type) and
/// gives the step it failed in.
fn sdk_error(step: &'static str, err: impl std::error::Error) -> RunnerError {
    tracing::warn!(err = %aws_sdk_sqs::error::DisplayErrorContext(err), "{step} failed");
    RunnerError { step }
}

impl Runner {
    /// A runner for `app`, whose AWS calls go to the emulator at `endpoint`; `clock` is the
    /// app's clock when it can be fast-forwarded.
    pub async fn new(
        app: &'static App,
        endpoint: &str,
        clock: Option<Arc<dyn MovableClock>>,
    ) -> Self {
        let sdk = crate::emulator::sdk_config(endpoint).await;
        Self {
            app,
            sqs: aws_sdk_sqs::Client::new(&sdk),
            scheduler: aws_sdk_scheduler::Client::new(&sdk),
            clock,
            next_runs: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn app(&self) -> &'static App {
        self.app
    }

    /// Moves the stack's clock forward (when it has a movable one), then runs the periodic
    /// jobs that came due meanwhile, as their schedules would have; the new time and the jobs
    /// run.
    pub async fn advance(&self, by: SignedDuration) -> Option<(Timestamp, Vec<&'static str>)> {
        let clock = self.clock.as_ref()?;
        clock.advance(by);
        let mut ran = Vec::new();
        for job in JOBS {
            if self.claim_periodic_run(&job) {
                if let Err(err) = job.run_once(self.app, JobEvent::default()).await {
                    tracing::warn!(%err, job = job.name, "a scheduled run failed");
                }
                ran.push(job.name);
            }
        }
        Some((clock.now(), ran))
    }

    /// Whether `job`'s periodic run is due by the stack's clock; if so, the next one is set a
    /// period later, so that of two callers only one runs it.
    fn claim_periodic_run(&self, job: &Job) -> bool {
        let now = self.app.clock.now();
        let mut next_runs = self.next_runs.lock().unwrap_or_else(|p| p.into_inner());
        if next_runs.get(job.name).is_some_and(|next| *next > now) {
            return false;
        }
        next_runs.insert(job.name, now.saturating_add(job.every).unwrap_or(now));
        true
    }

    /// Runs the job named `name` now, heartbeat included; `None` when there is no such job.
    pub async fn run_job(
        &self,
        name: &str,
        event: JobEvent,
    ) -> Option<concierge::Result<JobReport>> {
        let job = JOBS.iter().find(|job| job.name == name)?;
        Some(job.run_once(self.app, event).await)
    }

    /// One poll of the fallback queue (see `poll`).
    pub async fn poll_queue(&self) -> Result<usize, RunnerError> {
        let url = self.app.config.delivery.sms_fallback_queue_url.as_deref();
        self.poll(url, concierge::otp::fallback::consume).await
    }

    /// One poll of the push queue (see `poll`).
    pub async fn poll_push_queue(&self) -> Result<usize, RunnerError> {
        let url = self.app.config.delivery.push_queue_url.as_deref();
        self.poll(url, concierge::push::deliver::consume).await
    }

    /// One poll of the queue at `url`, as Lambda's poller does it: up to ten visible messages
    /// to the consumer, the successes deleted. How many messages were handled.
    async fn poll<H, F>(&self, url: Option<&str>, consume: H) -> Result<usize, RunnerError>
    where
        H: Fn(&'static App, String) -> F,
        F: std::future::Future<Output = concierge::Result<()>>,
    {
        let Some(url) = url else {
            return Ok(0);
        };
        let received = self
            .sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .map_err(|e| sdk_error("receiving queue messages", e))?;
        let messages = received.messages.unwrap_or_default();
        if messages.is_empty() {
            return Ok(0);
        }
        let mut batch = SqsEvent::default();
        for message in &messages {
            let mut record = SqsMessage::default();
            record.message_id = message.message_id.clone();
            record.receipt_handle = message.receipt_handle.clone();
            record.body = message.body.clone();
            record.event_source = Some("aws:sqs".into());
            if let Some(attributes) = &message.attributes {
                for (name, value) in attributes {
                    record
                        .attributes
                        .insert(name.as_str().to_owned(), value.clone());
                }
            }
            batch.records.push(record);
        }
        let answer = consume_batch(self.app, batch, consume).await;
        for message in &messages {
            let failed = answer
                .batch_item_failures
                .iter()
                .any(|f| Some(&f.item_identifier) == message.message_id.as_ref());
            if let (false, Some(handle)) = (failed, message.receipt_handle.as_deref()) {
                self.sqs
                    .delete_message()
                    .queue_url(url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .map_err(|e| sdk_error("deleting a queue message", e))?;
            }
        }
        Ok(messages.len())
    }

    /// Fires the one-time schedules due by the stack's clock, as EventBridge Scheduler does:
    /// the targeted job gets the schedule's input, then the schedule is deleted. A schedule that
    /// another runner fired and deleted meanwhile is skipped. How many this call fired.
    pub async fn fire_due_schedules(&self) -> Result<usize, RunnerError> {
        let Some(settings) = self.app.config.scheduler.as_ref() else {
            return Ok(0);
        };
        let now = self.app.clock.now();
        let listed = self
            .scheduler
            .list_schedules()
            .group_name(&settings.group)
            .send()
            .await
            .map_err(|e| sdk_error("listing schedules", e))?;
        let mut fired = 0;
        for summary in listed.schedules() {
            let Some(name) = summary.name() else { continue };
            let schedule = match self
                .scheduler
                .get_schedule()
                .group_name(&settings.group)
                .name(name)
                .send()
                .await
            {
                Ok(schedule) => schedule,
                Err(err)
                    if err
                        .as_service_error()
                        .is_some_and(|e| e.is_resource_not_found_exception()) =>
                {
                    continue;
                }
                Err(err) => return Err(sdk_error("reading a schedule", err)),
            };
            let due = schedule
                .schedule_expression()
                .and_then(one_time)
                .is_some_and(|at| at <= now);
            if !due {
                continue;
            }
            if let Some(target) = schedule.target() {
                let job = JOBS
                    .iter()
                    .find(|job| local_function_arn(job.name) == target.arn());
                let event: JobEvent = target
                    .input()
                    .and_then(|input| serde_json::from_str(input).ok())
                    .unwrap_or_default();
                match job {
                    Some(job) => {
                        if let Err(err) = job.run_once(self.app, event).await {
                            tracing::error!(%err, schedule = name, "a one-time schedule's job failed");
                        }
                    }
                    None => tracing::error!(target = target.arn(), "a schedule targets no job"),
                }
            }
            match self
                .scheduler
                .delete_schedule()
                .group_name(&settings.group)
                .name(name)
                .send()
                .await
            {
                Ok(_) => fired += 1,
                // Another runner fired it too; the jobs are idempotent, so that did no harm.
                Err(err)
                    if err
                        .as_service_error()
                        .is_some_and(|e| e.is_resource_not_found_exception()) => {}
                Err(err) => return Err(sdk_error("deleting a schedule", err)),
            }
        }
        Ok(fired)
    }

    /// Runs until the process ends: the queues and the one-time schedules every second, each
    /// job on its period (first run right away). The push queue has its own loop, so a push
    /// service that hangs holds up nothing else.
    pub async fn run(self: Arc<Self>) {
        for job in JOBS {
            tokio::spawn(Arc::clone(&self).every_period(job));
        }
        tokio::spawn(Arc::clone(&self).push_every_second());
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if let Err(err) = self.poll_queue().await {
                tracing::warn!(%err, "polling the fallback queue failed");
            }
            if let Err(err) = self.fire_due_schedules().await {
                tracing::warn!(%err, "firing one-time schedules failed");
            }
        }
    }

    async fn push_every_second(self: Arc<Self>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if let Err(err) = self.poll_push_queue().await {
                tracing::warn!(%err, "polling the push queue failed");
            }
        }
    }

    /// Runs `job` each time its period has passed on the stack's clock (looked at every
    /// second), so a clock moved forward brings the runs it owes, one each.
    async fn every_period(self: Arc<Self>, job: Job) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if self.claim_periodic_run(&job)
                && let Err(err) = job.run_once(self.app, JobEvent::default()).await
            {
                tracing::warn!(%err, job = job.name, "a scheduled run failed");
            }
        }
    }
}

/// The moment of a one-time schedule expression, `at(2026-11-25T09:30:00)` (UTC).
fn one_time(expression: &str) -> Option<Timestamp> {
    let inner = expression.strip_prefix("at(")?.strip_suffix(')')?;
    let civil: jiff::civil::DateTime = inner.parse().ok()?;
    jiff::tz::TimeZone::UTC.to_timestamp(civil).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_expressions_are_utc_moments() {
        assert_eq!(
            one_time("at(2026-11-25T09:30:00)"),
            Some("2026-11-25T09:30:00Z".parse().unwrap())
        );
        assert_eq!(one_time("rate(1 minute)"), None);
        assert_eq!(one_time("at(soon)"), None);
    }
}
