//! `GET /api/v1/hotels/{hotel}/admin/requests`: the hotel's requests for staff, newest first.
//! Filters: `status` (comma-separated), `department`, `priority`, `after_hours`, `overdue`,
//! `created_from`, `created_to`, `q`; pages with `limit` and `cursor`.
//!
//! STAFF see only their departments' requests, ADMIN and above the whole hotel (F17). Each
//! department's requests are their own index partition; a STAFF member of several departments
//! gets the partitions merged, and the cursor (a position in creation order) continues every one
//! of them. Filters are applied while reading, and a call reads at most a bounded number of
//! pages per partition: a page may come back short, with a cursor to continue.

use jiff::Timestamp;
use lambda_http::Request;
use serde::Serialize;

use super::{Priority, ServiceRequest, StaffView, Status};
use crate::app::App;
use crate::error::{Error, Result};
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{DepartmentSlug, HotelSlug};
use crate::members::Role;
use crate::session::Session;
use crate::store::{Cursor, Position, RequestFilter, RequestListing, Store};

#[derive(Serialize)]
struct Listing<'a> {
    items: Vec<StaffView<'a>>,
    next_cursor: Option<Cursor>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let filter = filter(&req, app.clock.now())?;
    let department: Option<DepartmentSlug> = http::query_as(&req, "department")?;
    let page = http::page(&req)?;
    let after = page.cursor.as_ref().map(decode).transpose()?;
    let session = Session::required(&app.config, &req)?;
    let membership = guards::member(app, &session, &hotel, Role::Staff).await?;

    let listings = match department {
        Some(department) if guards::works_department(&membership, &department) => {
            vec![RequestListing::Department(hotel, department)]
        }
        Some(_) => return Err(Error::Forbidden),
        None if membership.role >= Role::Admin => vec![RequestListing::Hotel(hotel)],
        None => membership
            .departments
            .iter()
            .map(|d| RequestListing::Department(hotel.clone(), d.clone()))
            .collect(),
    };
    // A selective filter may find nothing in one bounded read: read on rather than hand back an
    // empty page that only says "ask again".
    let (mut items, mut next) =
        merged(app.store.as_ref(), &listings, &filter, page.limit, after).await?;
    while items.is_empty()
        && let Some(position) = next
    {
        (items, next) = merged(
            app.store.as_ref(),
            &listings,
            &filter,
            page.limit,
            Some(position),
        )
        .await?;
    }
    let now = app.clock.now();
    http::ok(&Listing {
        items: items.iter().map(|r| StaffView::new(r, now)).collect(),
        next_cursor: next.map(encode),
    })
}

/// Reads every listing from `after` and merges them newest first. Only what every listing has
/// examined can be returned (a listing that stopped early may hold newer items than another's
/// last ones), so the page ends at the newest place any listing stopped.
pub async fn merged(
    store: &dyn Store,
    listings: &[RequestListing],
    filter: &RequestFilter,
    limit: u16,
    after: Option<Position>,
) -> Result<(Vec<ServiceRequest>, Option<Position>)> {
    let reads = listings
        .iter()
        .map(|l| store.requests(l, filter, limit, after));
    let listed = futures_util::future::try_join_all(reads).await?;
    let boundary = listed.iter().filter_map(|l| l.frontier).max();
    let mut items: Vec<ServiceRequest> = listed
        .into_iter()
        .flat_map(|l| l.items)
        .filter(|r| boundary.is_none_or(|b| Position::of(r) >= b))
        .collect();
    items.sort_by_key(|r| std::cmp::Reverse(Position::of(r)));
    let limit = usize::from(limit);
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(Position::of)
    } else {
        boundary
    };
    Ok((items, next))
}

/// The list's filters from the query (the export reads the same).
pub fn filter(req: &Request, now: Timestamp) -> Result<RequestFilter> {
    let statuses = match http::query(req, "status")? {
        Some(list) => list
            .split(',')
            .map(str::parse::<Status>)
            .collect::<Result<_>>()?,
        None => Vec::new(),
    };
    let flag = |name: &str| -> Result<Option<bool>> {
        match http::query(req, name)? {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(Error::field(name, "use true or false")),
        }
    };
    let time = |name: &str| -> Result<Option<Timestamp>> {
        http::query(req, name)?
            .map(|t| rfc3339(name, t))
            .transpose()
    };
    let created_from = time("created_from")?;
    let created_to = time("created_to")?;
    if let (Some(from), Some(to)) = (created_from, created_to)
        && from > to
    {
        return Err(Error::field(
            "created_to",
            "must not be before created_from; swap them",
        ));
    }
    let text = http::query(req, "q")?
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    if text.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(Error::field("q", "use at most 100 characters"));
    }
    Ok(RequestFilter {
        statuses,
        priority: http::query_as::<Priority>(req, "priority")?,
        after_hours: flag("after_hours")?,
        overdue_at: flag("overdue")?.filter(|overdue| *overdue).map(|_| now),
        created_from,
        created_to,
        text,
    })
}

/// Any RFC 3339 time: offsets and fractional seconds too. An offset's `+` left unencoded in a
/// query string arrives as a space, so a space before the offset is read as the `+` it was.
fn rfc3339(name: &str, text: &str) -> Result<Timestamp> {
    let invalid = || {
        Error::field(
            name,
            "use an RFC 3339 time such as 2026-11-25T09:00:00Z or 2026-11-25T14:30:00+05:30",
        )
    };
    if let Ok(at) = text.parse() {
        return Ok(at);
    }
    let (time, offset) = text.rsplit_once(' ').ok_or_else(invalid)?;
    format!("{time}+{offset}").parse().map_err(|_| invalid())
}

/// A position as an opaque cursor.
pub fn encode(position: Position) -> Cursor {
    Cursor::new(
        data_encoding::BASE64URL_NOPAD
            .encode(format!("{}.{}", position.created_ms, position.id).as_bytes()),
    )
}

/// A cursor back to a position; anything else is a 400.
pub fn decode(cursor: &Cursor) -> Result<Position> {
    let invalid = || {
        Error::field(
            "cursor",
            "this cursor is not valid here; start again without it",
        )
    };
    let text = data_encoding::BASE64URL_NOPAD
        .decode(cursor.as_str().as_bytes())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(invalid)?;
    let (created, id) = text.split_once('.').ok_or_else(invalid)?;
    Ok(Position {
        created_ms: created.parse().map_err(|_| invalid())?,
        id: id.parse().map_err(|_| invalid())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_rfc_3339_time_is_accepted() {
        let at = |text: &str| rfc3339("created_from", text).unwrap();
        let utc: Timestamp = "2026-11-25T09:00:00Z".parse().unwrap();
        assert_eq!(at("2026-11-25T09:00:00Z"), utc);
        assert_eq!(at("2026-11-25T14:30:00+05:30"), utc);
        assert_eq!(
            at("2026-11-25T14:30:00 05:30"),
            utc,
            "a + decoded as a space"
        );
        assert_eq!(at("2026-11-25T04:00:00-05:00"), utc);
        assert_eq!(at("2026-11-25T09:00:00.000Z"), utc);
        assert_eq!(
            at("2026-11-25T09:00:00.123456789Z").subsec_nanosecond(),
            123_456_789
        );
        assert_eq!(at("2026-11-25t09:00:00z"), utc);
        for bad in [
            "yesterday",
            "2026-11-25",
            "2026-11-25T09:00:00",
            "2026-11-25 09:00:00 x",
        ] {
            assert!(rfc3339("created_from", bad).is_err(), "{bad}");
        }
    }
}
