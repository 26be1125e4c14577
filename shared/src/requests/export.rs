//! `GET /api/v1/hotels/{hotel}/admin/exports/requests` (a response stream): the hotel's requests
//! as CSV, newest first, with the staff list's filters (`status`, `department`, `priority`,
//! `after_hours`, `overdue`, `created_from`, `created_to`, `q`), for ADMIN and SUPERADMIN of the
//! hotel: an export is the whole hotel's record, guests' names and words included, which a
//! hotel gives its managers, not every member of staff.
//!
//! The store is read a page at a time (a Query of up to `PAGE` requests; never a Scan) and each page
//! is sent as it comes, so memory holds one page whatever the row count. At most
//! `Config::export_max_rows` rows (50 000): past them the file ends with a line saying it was
//! cut. Times are in the hotel's time zone with their offset (`2026-12-03 14:05 +05:30`); cells
//! are quoted as RFC 4180 says, and a cell that a spreadsheet would run as a formula (starting
//! with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading apostrophe (OWASP).

use std::collections::BTreeMap;
use std::convert::Infallible;

use bytes::Bytes;
use http::{StatusCode, header};
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use lambda_http::Request;

use super::{ServiceRequest, figures, list};
use crate::app::App;
use crate::error::Error;
use crate::guards;
use crate::http as api;
use crate::ids::{DepartmentSlug, HotelSlug};
use crate::members::Role;
use crate::session::Session;
use crate::store::{Position, RequestFilter, RequestListing};
use crate::stream::StreamResult;

/// Requests read per Query, and so the most one piece of the body holds: about 160 kB of CSV,
/// under 1 MB of items (DynamoDB's most for one Query).
pub const PAGE: u16 = 1000;

/// The columns, in order. `rating` stays empty until guests can rate requests (issue 20 item 5).
pub const COLUMNS: [&str; 20] = [
    "id",
    "created",
    "room",
    "department",
    "experience",
    "details",
    "guest",
    "requested_for",
    "priority",
    "status",
    "after_hours",
    "response_due",
    "acknowledged",
    "acknowledged_by",
    "closed",
    "breached",
    "assignee",
    "escalation_level",
    "guest_left",
    "rating",
];

pub async fn handle(app: &'static App, req: Request) -> StreamResult {
    let hotel: HotelSlug = api::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    guards::member(app, &session, &hotel, Role::Admin).await?;
    let now = app.clock.now();
    let filter = list::filter(&req, now)?;
    let department: Option<DepartmentSlug> = api::query_as(&req, "department")?;
    let store = app.store.as_ref();
    let (record, departments) =
        futures_util::future::try_join(store.hotel(&hotel), store.departments(&hotel)).await?;
    let record = record.ok_or(Error::NotFound("Hotel"))?;
    let listing = match department {
        Some(department) => RequestListing::Department(hotel.clone(), department),
        None => RequestListing::Hotel(hotel.clone()),
    };
    let export = Export {
        app,
        listing,
        filter,
        zone: record.timezone.zone(),
        departments: departments.into_iter().map(|d| (d.slug, d.name)).collect(),
        now,
        after: None,
        rows: 0,
        state: State::Header,
    };
    let chunks = futures_util::stream::unfold(export, |mut export| async move {
        let chunk = export.next_chunk().await?;
        Some((Ok::<_, Infallible>(Frame::data(Bytes::from(chunk))), export))
    });
    let day = now.to_zoned_datetime(record.timezone.zone()).date();
    http::Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"requests-{hotel}-{day}.csv\""),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(StreamBody::new(chunks).boxed_unsync())
        .map_err(Error::internal)
}

enum State {
    Header,
    Rows,
    Done,
}

/// Where an export is: what it reads, and how far it got.
struct Export {
    app: &'static App,
    listing: RequestListing,
    filter: RequestFilter,
    zone: TimeZone,
    departments: BTreeMap<DepartmentSlug, String>,
    now: Timestamp,
    after: Option<Position>,
    rows: usize,
    state: State,
}

impl Export {
    /// The next piece of the file: the header, a page of rows, or the last line; `None` at the
    /// end. Once the response has begun its status cannot change, so a failed read ends the
    /// file with a line saying so (and the log has the details).
    async fn next_chunk(&mut self) -> Option<String> {
        loop {
            match self.state {
                State::Header => {
                    self.state = State::Rows;
                    return Some(line(COLUMNS.iter().copied()));
                }
                State::Done => return None,
                State::Rows => {}
            }
            let cap = self.app.config.export_max_rows;
            if self.rows >= cap {
                self.state = State::Done;
                return Some(line([format!(
                    "Cut at {cap} rows: more requests match. Narrow the filters (created_from, created_to) to export the rest."
                )]));
            }
            let limit = u16::try_from(cap - self.rows).map_or(PAGE, |left| left.min(PAGE));
            let read = list::merged(
                self.app.store.as_ref(),
                std::slice::from_ref(&self.listing),
                &self.filter,
                limit,
                self.after.take(),
            )
            .await;
            let (items, next) = match read {
                Ok(page) => page,
                Err(err) => {
                    tracing::error!(error = %err, rows = self.rows, "export read failed");
                    self.state = State::Done;
                    return Some(line([
                        "Export incomplete: reading the requests failed. Try again.",
                    ]));
                }
            };
            self.rows += items.len();
            match next {
                Some(position) => self.after = Some(position),
                None => self.state = State::Done,
            }
            if !items.is_empty() {
                return Some(items.iter().map(|r| self.row(r)).collect());
            }
        }
    }

    fn row(&self, r: &ServiceRequest) -> String {
        let time = |t: Option<Timestamp>| t.map(|t| local(t, &self.zone)).unwrap_or_default();
        let closed = r.status.is_final().then_some(r.updated_at);
        let department = self
            .departments
            .get(&r.department)
            .cloned()
            .unwrap_or_else(|| r.department.to_string());
        line([
            r.id.to_string(),
            time(Some(r.created_at)),
            r.location.clone(),
            department,
            r.experience_name.clone().unwrap_or_default(),
            r.details.clone(),
            r.guest_name.clone(),
            time(r.requested_for),
            format!("{:?}", r.priority).to_uppercase(),
            r.status.to_string(),
            yes_no(r.after_hours),
            time(Some(r.response_due_at)),
            time(r.acknowledged_at),
            r.acknowledged_by_name.clone().unwrap_or_default(),
            time(closed),
            yes_no(figures::breached(r, self.now)),
            r.assignee_name.clone().unwrap_or_default(),
            r.escalation_level.to_string(),
            time(r.guest_left_at),
            String::new(),
        ])
    }
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

/// A time in the hotel's zone, to the minute, with its offset: `2026-12-03 14:05 +05:30`.
pub fn local(time: Timestamp, zone: &TimeZone) -> String {
    time.to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%d %H:%M %:z")
        .to_string()
}

/// One CSV record, CRLF-terminated.
pub fn line<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    for (index, value) in cells.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&cell(value.as_ref()));
    }
    out.push_str("\r\n");
    out
}

/// A cell: defused if a spreadsheet would read it as a formula, then quoted when it holds a
/// comma, a quote or a line break (quotes doubled).
pub fn cell(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if defused.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_as_rfc_4180_says_and_formulas_defused() {
        assert_eq!(cell("towels"), "towels");
        assert_eq!(cell("two, please"), "\"two, please\"");
        assert_eq!(cell("a \"big\" one"), "\"a \"\"big\"\" one\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for risky in ["+1", "-1+2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                cell(risky).trim_start_matches('"').starts_with('\''),
                "{risky}"
            );
        }
        assert_eq!(line(["a", "b,c", ""]), "a,\"b,c\",\r\n");
    }

    #[test]
    fn times_are_the_hotels_with_their_offset() {
        let at: Timestamp = "2026-12-03T08:35:00Z".parse().unwrap();
        let kolkata = TimeZone::get("Asia/Kolkata").unwrap();
        assert_eq!(local(at, &kolkata), "2026-12-03 14:05 +05:30");
        let lisbon = TimeZone::get("Europe/Lisbon").unwrap();
        assert_eq!(local(at, &lisbon), "2026-12-03 08:35 +00:00");
    }
}
