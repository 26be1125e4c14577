//! `GET /api/v1/hotels/{hotel}/admin/dashboard`: the hotel at a glance, in its own time zone.
//! Open requests (whenever made) by status and department, and how many are overdue; for today
//! and for the last 7 days (today and the six days before it, from local midnight): requests by
//! status and department, time to acknowledge (median, 90th percentile), deadlines met, and the
//! share made after hours. STAFF see their departments, ADMIN and above the whole hotel.
//!
//! Read cost, bounded: the membership and the hotel in parallel, then in parallel the open
//! requests (`GSI4`, at most `MAX_OPEN`) and the week's requests newest first (`GSI1` by creation
//! time, at most `MAX_WEEK`), pages of up to 1 MB — four calls for a usual week. Past a bound
//! the figures cover the newest requests read and say `"complete": false`.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use lambda_http::Request;
use serde::Serialize;

use super::figures::{Figures, made_between};
use super::{ServiceRequest, Status};
use crate::app::App;
use crate::error::{Error, Result};
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::HotelSlug;
use crate::members::Role;
use crate::session::Session;

/// Open requests read at most.
const MAX_OPEN: usize = 1000;
/// Requests of the last 7 days read at most.
const MAX_WEEK: usize = 5000;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let slug: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    let (membership, hotel) = tokio::join!(
        guards::member(app, &session, &slug, Role::Staff),
        app.store.hotel(&slug)
    );
    let membership = membership?;
    let hotel = hotel?.ok_or(Error::NotFound("Hotel"))?;

    let now = app.clock.now();
    let zone = hotel.timezone.zone();
    let start_of = |date: Date| -> Result<Timestamp> {
        Ok(date
            .to_zoned_datetime(zone.clone())
            .map_err(Error::internal)?
            .timestamp())
    };
    let today = now.to_zoned_datetime(zone.clone()).date();
    let today_from = start_of(today)?;
    let week_from = start_of(today.checked_sub(6.days()).map_err(Error::internal)?)?;

    let (open, (week, week_complete)) = tokio::try_join!(
        app.store.open_requests(&slug, MAX_OPEN as u16 + 1),
        made_between(app.store.as_ref(), &slug, week_from, None, MAX_WEEK)
    )?;
    let visible = |r: &&ServiceRequest| guards::works_department(&membership, &r.department);
    let open_complete = open.len() <= MAX_OPEN;
    let open: Vec<&ServiceRequest> = open.iter().take(MAX_OPEN).filter(visible).collect();
    // Newest first: when the read stopped early, today is whole if it stopped before today.
    let today_complete = week_complete || week.last().is_some_and(|r| r.created_at < today_from);
    let week: Vec<&ServiceRequest> = week.iter().filter(visible).collect();
    let today_requests: Vec<&ServiceRequest> = week
        .iter()
        .copied()
        .filter(|r| r.created_at >= today_from)
        .collect();

    http::ok(&Dashboard {
        hotel: &hotel.slug,
        timezone: hotel.timezone.as_str(),
        generated_at: now,
        open: Open {
            total: open.len(),
            overdue: open.iter().filter(|r| r.is_overdue(now)).count(),
            by_status: by_status(&open, Status::ALL.into_iter().filter(|s| !s.is_final())),
            by_department: by_department(&open),
            complete: open_complete,
        },
        today: Window::of(&today_requests, today_from, now, today_complete),
        last_7_days: Window::of(&week, week_from, now, week_complete),
    })
}

#[derive(Serialize)]
struct Dashboard<'a> {
    hotel: &'a HotelSlug,
    timezone: &'a str,
    generated_at: Timestamp,
    open: Open,
    today: Window,
    last_7_days: Window,
}

#[derive(Serialize)]
struct Open {
    total: usize,
    overdue: usize,
    by_status: BTreeMap<&'static str, usize>,
    by_department: BTreeMap<String, usize>,
    complete: bool,
}

#[derive(Serialize)]
struct Window {
    from: Timestamp,
    requests: usize,
    by_status: BTreeMap<&'static str, usize>,
    by_department: BTreeMap<String, usize>,
    time_to_acknowledge: AckTimes,
    sla: Sla,
    after_hours: Share,
    complete: bool,
}

#[derive(Serialize)]
struct AckTimes {
    acknowledged: usize,
    median_seconds: Option<i64>,
    p90_seconds: Option<i64>,
}

/// Deadlines to acknowledge: those that count by now (see `Figures::sla_due`), and how many
/// were met.
#[derive(Serialize)]
struct Sla {
    due: usize,
    met: usize,
    breached: usize,
    /// `met / due`; `null` while nothing is due.
    compliance: Option<f64>,
}

#[derive(Serialize)]
struct Share {
    count: usize,
    /// Of all requests of the period; `null` when there were none.
    share: Option<f64>,
}

impl Window {
    fn of(requests: &[&ServiceRequest], from: Timestamp, now: Timestamp, complete: bool) -> Self {
        let figures = Figures::of(requests.iter().copied(), now);
        Self {
            from,
            requests: figures.requests,
            by_status: by_status(requests, Status::ALL.into_iter()),
            by_department: by_department(requests),
            time_to_acknowledge: AckTimes {
                acknowledged: figures.acknowledged(),
                median_seconds: figures.median_ack().map(|d| d.as_secs()),
                p90_seconds: figures.p90_ack().map(|d| d.as_secs()),
            },
            sla: Sla {
                due: figures.sla_due,
                met: figures.sla_met,
                breached: figures.breaches(),
                compliance: ratio(figures.sla_met, figures.sla_due),
            },
            after_hours: Share {
                count: figures.after_hours,
                share: ratio(figures.after_hours, figures.requests),
            },
            complete,
        }
    }
}

/// How many of `requests` are in each of `statuses` (every one listed, zeros too).
fn by_status(
    requests: &[&ServiceRequest],
    statuses: impl Iterator<Item = Status>,
) -> BTreeMap<&'static str, usize> {
    statuses
        .map(|status| {
            let count = requests.iter().filter(|r| r.status == status).count();
            (status.as_str(), count)
        })
        .collect()
}

fn by_department(requests: &[&ServiceRequest]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for request in requests {
        *counts.entry(request.department.to_string()).or_default() += 1;
    }
    counts
}

/// `part / whole` to four decimals; `None` for an empty whole.
fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}
