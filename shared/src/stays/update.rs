//! `PATCH /api/v1/hotels/{hotel}/admin/stays/{stay}` `{"action": "end"}` or
//! `{"action": "extend", "check_out": "<RFC 3339>"}`: staff end a guest's stay now, or move its
//! check-out later (STAFF and above). Ending it sets its check-out to now and closes its open
//! requests (`departure`).

use jiff::{SignedDuration, Timestamp};
use lambda_http::Request;
use serde::Deserialize;

use super::{StaffStayView, departure};
use crate::app::App;
use crate::error::{Conflict, Error, Result};
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, StayId};
use crate::members::Role;
use crate::session::Session;
use crate::store::Write;

/// The furthest a check-out may be moved: a year from now.
const MAX_EXTENSION: SignedDuration = SignedDuration::from_hours(366 * 24);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    action: Action,
    check_out: Option<Timestamp>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Action {
    End,
    Extend,
}

enum Change {
    End,
    Extend { check_out: Timestamp },
}

impl Body {
    /// The change asked for: `end` alone, or `extend` with its `check_out`.
    fn change(self) -> Result<Change> {
        match (self.action, self.check_out) {
            (Action::End, None) => Ok(Change::End),
            (Action::End, Some(_)) => Err(Error::field(
                "check_out",
                "send it only to extend a stay; ending one sets it to now",
            )),
            (Action::Extend, Some(check_out)) => Ok(Change::Extend { check_out }),
            (Action::Extend, None) => {
                Err(Error::field("check_out", "is required to extend a stay"))
            }
        }
    }
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let id: StayId = http::path(&req, "stay")?;
    let session = Session::required(&app.config, &req)?;
    let viewer = guards::member(app, &session, &hotel, Role::Staff).await?;
    let change = http::changes::<Body>(&req, app.config.max_json_body_bytes)?.change()?;
    let now = app.clock.now();
    if let Change::Extend { check_out } = change {
        check_extension(check_out, now)?;
    }
    let mut stay = app
        .store
        .stay(id)
        .await?
        .filter(|stay| stay.hotel == hotel)
        .ok_or(Error::NotFound("Stay"))?;
    if !stay.is_current(now) {
        return Err(Error::conflict(
            Conflict::StayEnded,
            "This stay has already ended; the guest starts a new one by scanning the room's QR code.",
        ));
    }
    match change {
        Change::End => {
            app.store
                .transact(&[Write::EndStay {
                    stay: &stay,
                    at: now,
                }])
                .await?;
            stay.active = false;
            stay.check_out = now;
            departure::close_requests(app, &stay, now).await?;
        }
        Change::Extend { check_out } => {
            if check_out <= stay.check_out {
                return Err(Error::field(
                    "check_out",
                    "to extend a stay, give a check-out later than the current one",
                ));
            }
            app.store
                .transact(&[Write::ExtendStay {
                    stay: &stay,
                    check_out,
                }])
                .await?;
            stay.check_out = check_out;
        }
    }
    http::ok(&StaffStayView::new(&stay, now, viewer.role))
}

fn check_extension(check_out: Timestamp, now: Timestamp) -> Result<()> {
    let latest = now.saturating_add(MAX_EXTENSION).unwrap_or(now);
    if check_out <= now || check_out > latest {
        return Err(Error::field(
            "check_out",
            "give a time in the future, at most a year ahead",
        ));
    }
    Ok(())
}
