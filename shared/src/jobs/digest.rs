//! The daily digest, hourly: once a hotel's morning has come (08:00 hotel time), its admins get
//! yesterday's figures — requests, SLA breaches, time to acknowledge. A marker written in the
//! same transaction as the notifications makes it once per hotel and day, however often the job
//! runs.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{Job, JobEvent, JobReport};
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::hotels::Hotel;
use crate::members::Role;
use crate::notifications::{Notification, NotificationKind, RETENTION};
use crate::requests::figures::{Figures, made_between};
use crate::store::{PageRequest, Write};

pub const JOB: Job = Job {
    name: "digest",
    every: SignedDuration::from_hours(1),
    run: |app, event| Box::pin(run(app, event)),
};

/// The hotel's hour from which its digest goes out.
const MORNING_HOUR: i8 = 8;
/// Requests of a day the digest adds up at most (the bound on its reads).
const MAX_REQUESTS: usize = 20_000;

pub async fn run(app: &App, _event: JobEvent) -> Result<JobReport> {
    let mut report = JobReport::default();
    let mut page = PageRequest::default();
    loop {
        let hotels = app.store.all_hotels(&page).await?;
        for hotel in hotels.items.iter().filter(|h| h.active) {
            report.count(digest(app, hotel).await?);
        }
        match hotels.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => return Ok(report),
        }
    }
}

async fn digest(app: &App, hotel: &Hotel) -> Result<&'static str> {
    let now = app.clock.now();
    let zone = hotel.timezone.zone();
    let local = now.to_zoned_datetime(zone.clone());
    if local.hour() < MORNING_HOUR {
        return Ok("not_yet");
    }
    let today = local.date();
    let figures = figures(app, hotel, &zone, today).await?;
    let members = app.store.members(&hotel.slug).await?;
    let admins: Vec<_> = members
        .iter()
        .filter(|m| m.active && m.role >= Role::Admin)
        .collect();
    let body = describe(&figures);
    let yesterday = today.yesterday().map_err(Error::internal)?;
    let title = format!(
        "{}: yesterday, {} ({})",
        hotel.name,
        yesterday.strftime("%A %-d %B %Y"),
        hotel.timezone.as_str()
    );
    let notices: Vec<Notification> = admins
        .iter()
        .map(|m| Notification {
            recipient: m.user,
            id: crate::ids::NotificationId::generate(),
            hotel: hotel.slug.clone(),
            kind: NotificationKind::Digest,
            title: title.clone(),
            body: body.clone(),
            request: None,
            read: false,
            created_at: now,
            expires_at: now.saturating_add(RETENTION).unwrap_or(now),
        })
        .collect();
    let mut writes = vec![Write::InsertDigest {
        hotel: &hotel.slug,
        date: today,
        at: now,
    }];
    writes.extend(notices.iter().map(Write::InsertNotification));
    match app.store.transact(&writes).await {
        Ok(()) => Ok("sent"),
        Err(Error::Conflict(Conflict::DigestSent, _)) => Ok("already_sent"),
        Err(err) => Err(err),
    }
}

async fn figures(app: &App, hotel: &Hotel, zone: &TimeZone, today: Date) -> Result<Figures> {
    let start_of = |date: Date| -> Result<Timestamp> {
        Ok(date
            .to_zoned_datetime(zone.clone())
            .map_err(Error::internal)?
            .timestamp())
    };
    let yesterday = today.yesterday().map_err(Error::internal)?;
    let (requests, complete) = made_between(
        app.store.as_ref(),
        &hotel.slug,
        start_of(yesterday)?,
        Some(
            start_of(today)?
                .saturating_sub(SignedDuration::from_millis(1))
                .map_err(Error::internal)?,
        ),
        MAX_REQUESTS,
    )
    .await?;
    if !complete {
        tracing::warn!(hotel = %hotel.slug, "the digest counts only the day's last {MAX_REQUESTS} requests");
    }
    // Judged at the day's end.
    Ok(Figures::of(&requests, start_of(today)?))
}

fn describe(figures: &Figures) -> String {
    let minutes = |d: Option<SignedDuration>| {
        d.map_or_else(
            || "—".to_owned(),
            |d| format!("{} min", (d.as_secs() + 59) / 60),
        )
    };
    format!(
        "{} requests, {} SLA breaches. Time to acknowledge: median {}, 90th percentile {}.",
        figures.requests,
        figures.breaches(),
        minutes(figures.median_ack()),
        minutes(figures.p90_ack())
    )
}
