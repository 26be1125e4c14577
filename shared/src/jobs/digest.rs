//! The daily digest, hourly: once a hotel's morning has come (08:00 hotel time), its admins get
//! yesterday's figures — requests, SLA breaches, time to acknowledge. A marker written in the
//! same transaction as the notifications makes it once per hotel and day, however often the job
//! runs.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{Job, JobEvent, JobReport};
use crate::app::App;
use crate::error::{Error, Result};
use crate::hotels::Hotel;
use crate::members::Role;
use crate::notifications::{Notification, NotificationKind, RETENTION};
use crate::requests::{ServiceRequest, Status};
use crate::store::{PageRequest, Position, RequestFilter, RequestListing, Write};

pub const JOB: Job = Job {
    name: "digest",
    every: SignedDuration::from_hours(1),
    run: |app, event| Box::pin(run(app, event)),
};

/// The hotel's hour from which its digest goes out.
const MORNING_HOUR: i8 = 8;
/// Requests read per page when adding up a day.
const PAGE: u16 = 100;

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

/// Yesterday in a hotel, as figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub requests: usize,
    pub breaches: usize,
    pub median_ack: Option<SignedDuration>,
    pub p90_ack: Option<SignedDuration>,
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
    let notices: Vec<Notification> = admins
        .iter()
        .map(|m| Notification {
            recipient: m.user,
            id: crate::ids::NotificationId::generate(),
            hotel: hotel.slug.clone(),
            kind: NotificationKind::Digest,
            title: format!("Yesterday at {}", hotel.name),
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
        Err(Error::Conflict {
            code: "digest_sent",
            ..
        }) => Ok("already_sent"),
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
    let filter = RequestFilter {
        created_from: Some(start_of(yesterday)?),
        created_to: Some(
            start_of(today)?
                .saturating_sub(SignedDuration::from_millis(1))
                .map_err(Error::internal)?,
        ),
        ..RequestFilter::default()
    };
    let listing = RequestListing::Hotel(hotel.slug.clone());
    let mut requests: Vec<ServiceRequest> = Vec::new();
    let mut after: Option<Position> = None;
    loop {
        let listed = app.store.requests(&listing, &filter, PAGE, after).await?;
        after = listed.items.last().map(Position::of).or(listed.frontier);
        requests.extend(listed.items);
        if listed.frontier.is_none() {
            break;
        }
    }
    Ok(add_up(&requests, start_of(today)?))
}

/// The figures of a day's requests, judged at `end` (the day's end).
pub fn add_up(requests: &[ServiceRequest], end: Timestamp) -> Figures {
    let mut ack_times: Vec<SignedDuration> = requests
        .iter()
        .filter_map(|r| r.acknowledged_at.map(|at| at.duration_since(r.created_at)))
        .collect();
    ack_times.sort();
    let breaches = requests
        .iter()
        .filter(|r| match r.acknowledged_at {
            Some(at) => at > r.response_due_at,
            // Never acknowledged and not withdrawn before its deadline.
            None => {
                r.response_due_at < end
                    && !(r.status == Status::Cancelled && r.updated_at <= r.response_due_at)
            }
        })
        .count();
    let percentile = |p: usize| -> Option<SignedDuration> {
        (!ack_times.is_empty()).then(|| ack_times[((ack_times.len() - 1) * p).div_ceil(100)])
    };
    Figures {
        requests: requests.len(),
        breaches,
        median_ack: percentile(50),
        p90_ack: percentile(90),
    }
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
        figures.breaches,
        minutes(figures.median_ack),
        minutes(figures.p90_ack)
    )
}
