//! The daily digest, hourly: once a hotel's morning has come (08:00 hotel time), its admins get
//! the figures of the hotel's yesterday — requests by department, SLA breaches, time to
//! acknowledge — with the backlog open now and a link to the dashboard. A morning the job
//! missed (it was down) is sent late, once, by the next run after it, for up to a week back. A
//! marker per hotel and day, written in the same transaction as the notifications, makes each
//! digest once however often and however concurrently the job runs; a hotel gets none for a
//! day before it existed.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use super::run::{Job, JobEvent, JobReport};
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::hotels::Hotel;
use crate::members::{Membership, Role};
use crate::notifications::{Notification, NotificationKind, RETENTION};
use crate::requests::ServiceRequest;
use crate::requests::figures::{Figures, made_between};
use crate::store::{PageRequest, WRITES_PER_TRANSACTION, Write};

pub const JOB: Job = Job {
    name: "digest",
    every: SignedDuration::from_hours(1),
    run: |app, event| Box::pin(run(app, event)),
};

/// The hotel's hour from which its digest goes out.
const MORNING_HOUR: i8 = 8;
/// Mornings before today a run still sends when they were missed.
const CATCH_UP_DAYS: i32 = 6;
/// Requests of a day the digest adds up at most (the bound on its reads).
const MAX_REQUESTS: usize = 20_000;
/// Open requests counted at most.
const MAX_OPEN: usize = 1000;

pub async fn run(app: &App, _event: JobEvent) -> Result<JobReport> {
    let mut report = JobReport::default();
    let mut page = PageRequest::default();
    loop {
        let hotels = app.store.all_hotels(&page).await?;
        for hotel in hotels.items.iter().filter(|h| h.active) {
            digest(app, hotel, &mut report).await?;
        }
        match hotels.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => return Ok(report),
        }
    }
}

/// Sends the hotel's digests that are due: this morning's and any missed since the catch-up
/// window began, oldest first.
async fn digest(app: &App, hotel: &Hotel, report: &mut JobReport) -> Result<()> {
    let now = app.clock.now();
    let zone = hotel.timezone.zone();
    let local = now.to_zoned_datetime(zone.clone());
    if local.hour() < MORNING_HOUR {
        report.count("not_yet");
        return Ok(());
    }
    let today = local.date();
    // A morning's digest counts the day before it, which the hotel has to have seen.
    let first_morning = hotel
        .created_at
        .to_zoned_datetime(zone.clone())
        .date()
        .tomorrow()
        .map_err(Error::internal)?;
    let earliest = today
        .checked_sub(CATCH_UP_DAYS.days())
        .map_err(Error::internal)?
        .max(first_morning);
    if earliest > today {
        report.count("too_new");
        return Ok(());
    }
    let sent = app.store.digests_sent_since(&hotel.slug, earliest).await?;
    let mornings: Vec<Date> = earliest
        .series(1.day())
        .take_while(|day| *day <= today)
        .filter(|day| !sent.contains(day))
        .collect();
    if mornings.is_empty() {
        report.count("already_sent");
        return Ok(());
    }
    let (members, departments, open) = tokio::try_join!(
        app.store.members(&hotel.slug),
        app.store.departments(&hotel.slug),
        app.store.open_requests(&hotel.slug, MAX_OPEN as u16 + 1),
    )?;
    let names: BTreeMap<String, String> = departments
        .into_iter()
        .map(|d| (d.slug.to_string(), d.name))
        .collect();
    let admins: Vec<&Membership> = members
        .iter()
        .filter(|m| m.active && m.role >= Role::Admin)
        .collect();
    let backlog = backlog(&open, now);
    let link = format!(
        "Dashboard: {}/staff/hotels/{}/dashboard",
        app.config.site_url(),
        hotel.slug
    );
    for morning in mornings {
        let day = morning.yesterday().map_err(Error::internal)?;
        let requests = requests_of(app, hotel, &zone, day).await?;
        let when = day.strftime("%A %-d %B %Y");
        let (title, late) = if morning == today {
            (format!("{}: yesterday, {when}", hotel.name), None)
        } else {
            (
                format!("{}: {when}", hotel.name),
                Some("Sent late: the digest could not go out that morning."),
            )
        };
        let title = format!("{title} ({})", hotel.timezone.as_str());
        let export = export_link(app, hotel, day);
        let body = late
            .into_iter()
            .map(str::to_owned)
            .chain([
                describe(&Figures::of(&requests, start_of(&zone, morning)?)),
                by_department(&requests, &names, start_of(&zone, morning)?),
                backlog.clone(),
                link.clone(),
                export,
            ])
            .collect::<Vec<_>>()
            .join("\n");
        report.count(send(app, hotel, morning, &admins, title, body, now).await?);
    }
    Ok(())
}

/// The digest of `morning` to every admin, with its marker; "already_sent" when another run
/// sent it first. The marker goes in one transaction with the first admins' notifications, so
/// only the run that inserts it writes any; any admins beyond one transaction's worth follow in
/// further transactions (a failure there fails the run, logged, and those admins miss that
/// morning: the marker already says it was sent).
async fn send(
    app: &App,
    hotel: &Hotel,
    morning: Date,
    admins: &[&Membership],
    title: String,
    body: String,
    now: Timestamp,
) -> Result<&'static str> {
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
    let (first, rest) = notices.split_at(notices.len().min(WRITES_PER_TRANSACTION - 1));
    let mut writes = vec![Write::InsertDigest {
        hotel: &hotel.slug,
        date: morning,
        at: now,
    }];
    writes.extend(first.iter().map(Write::InsertNotification));
    match app.store.transact(&writes).await {
        Ok(()) => {}
        Err(Error::Conflict(Conflict::DigestSent, _)) => return Ok("already_sent"),
        Err(err) => return Err(err),
    }
    for chunk in rest.chunks(WRITES_PER_TRANSACTION) {
        let writes: Vec<Write> = chunk.iter().map(Write::InsertNotification).collect();
        app.store.transact(&writes).await?;
    }
    Ok("sent")
}

fn start_of(zone: &TimeZone, date: Date) -> Result<Timestamp> {
    Ok(date
        .to_zoned_datetime(zone.clone())
        .map_err(Error::internal)?
        .timestamp())
}

/// The staff app's page that downloads the CSV export of the hotel's `day` (the export itself
/// is an API route behind the session, which a plain link from a notification cannot open; the
/// page turns the day into its bounds in the hotel's time zone).
fn export_link(app: &App, hotel: &Hotel, day: Date) -> String {
    format!(
        "Export (CSV): {}/staff/hotels/{}/export?day={day}",
        app.config.site_url(),
        hotel.slug,
    )
}

/// The requests made on the hotel's `day`.
async fn requests_of(
    app: &App,
    hotel: &Hotel,
    zone: &TimeZone,
    day: Date,
) -> Result<Vec<ServiceRequest>> {
    let end = start_of(zone, day.tomorrow().map_err(Error::internal)?)?;
    let (requests, complete) = made_between(
        app.store.as_ref(),
        &hotel.slug,
        start_of(zone, day)?,
        Some(
            end.saturating_sub(SignedDuration::from_millis(1))
                .map_err(Error::internal)?,
        ),
        MAX_REQUESTS,
    )
    .await?;
    if !complete {
        tracing::warn!(hotel = %hotel.slug, "the digest counts only the day's last {MAX_REQUESTS} requests");
    }
    Ok(requests)
}

fn describe(figures: &Figures) -> String {
    let minutes = |d: Option<SignedDuration>| {
        d.map_or_else(
            || "—".to_owned(),
            |d| format!("{} min", (d.as_secs() + 59) / 60),
        )
    };
    format!(
        "{}, {}. Time to acknowledge: median {}, 90th percentile {}.",
        counted(figures.requests, "request"),
        counted(figures.breaches(), "SLA breach"),
        minutes(figures.median_ack()),
        minutes(figures.p90_ack())
    )
}

/// "By department: Housekeeping 3 (1 SLA breach), Spa 1." judged at `at`, the day's end.
fn by_department(
    requests: &[ServiceRequest],
    names: &BTreeMap<String, String>,
    at: Timestamp,
) -> String {
    let mut groups: BTreeMap<String, Vec<&ServiceRequest>> = BTreeMap::new();
    for request in requests {
        let slug = request.department.to_string();
        let name = names.get(&slug).cloned().unwrap_or(slug);
        groups.entry(name).or_default().push(request);
    }
    if groups.is_empty() {
        return "By department: none.".to_owned();
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(name, requests)| {
            let figures = Figures::of(requests.iter().copied(), at);
            match figures.breaches() {
                0 => format!("{name} {}", figures.requests),
                n => format!("{name} {} ({})", figures.requests, counted(n, "SLA breach")),
            }
        })
        .collect();
    format!("By department: {}.", parts.join(", "))
}

/// "Open now: 4, 1 of them overdue." (of the hotel's open requests, whenever made).
fn backlog(open: &[ServiceRequest], now: Timestamp) -> String {
    let overdue = open
        .iter()
        .take(MAX_OPEN)
        .filter(|r| r.is_overdue(now))
        .count();
    let total = if open.len() > MAX_OPEN {
        format!("more than {MAX_OPEN}")
    } else {
        open.len().to_string()
    };
    format!("Open now: {total}, {overdue} of them overdue.")
}

/// "1 request", "3 requests", "2 SLA breaches".
fn counted(n: usize, what: &str) -> String {
    match (n, what.ends_with("ch")) {
        (1, _) => format!("1 {what}"),
        (_, true) => format!("{n} {what}es"),
        (_, false) => format!("{n} {what}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(counted(1, "request"), "1 request");
        assert_eq!(counted(0, "request"), "0 requests");
        assert_eq!(counted(2, "SLA breach"), "2 SLA breaches");
        assert_eq!(counted(1, "SLA breach"), "1 SLA breach");
    }
}
