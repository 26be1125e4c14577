//! `GET /api/v1/hotels/{hotel}/admin/events` (SSE): the hotel's request activity as it
//! happens, for its staff — an `activity` event for each history entry (STAFF: of their
//! departments only), carrying the request it belongs to. The membership is checked again every
//! few seconds (`MEMBERSHIP_RECHECK`); a member who lost access sees the stream end within
//! them, and reconnecting is refused.

use std::time::Duration;

use async_trait::async_trait;
use lambda_http::Request;
use tokio::time::Instant;

use crate::app::App;
use crate::error::{Error, Result};
use crate::guards;
use crate::http;
use crate::ids::HotelSlug;
use crate::members::{Membership, Role};
use crate::session::Session;
use crate::stream::{self, Batch, Event, First, Position, Source, StreamResult};

/// Entries read at most per poll; the next poll goes on from there.
const PAGE: u16 = 100;

/// How often a stream checks that its member still belongs to the hotel: one strongly
/// consistent BatchGetItem of the membership and the account (2 read units), a fifth of the
/// reads of the activity poll itself (every second).
const MEMBERSHIP_RECHECK: Duration = Duration::from_secs(5);

pub async fn handle(app: &'static App, req: Request) -> StreamResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    let position =
        Position::resumed(&req)?.unwrap_or_else(|| Position::lookback(&app.config.streams));
    let membership = guards::member(app, &session, &hotel, Role::Staff).await?;
    let mut source = HotelActivity {
        app,
        session: session.clone(),
        hotel,
        membership,
        checked_at: Instant::now(),
    };
    let first = First::read(&mut source, &position).await?;
    stream::open(&app.config.streams, &session, source, position, first)
}

/// A hotel's activity, read from its index (eventually consistent).
struct HotelActivity {
    app: &'static App,
    session: Session,
    hotel: HotelSlug,
    membership: Membership,
    checked_at: Instant,
}

#[async_trait]
impl Source for HotelActivity {
    async fn read(&mut self, position: &Position) -> Result<Batch> {
        if self.checked_at.elapsed() >= MEMBERSHIP_RECHECK {
            match guards::member(self.app, &self.session, &self.hotel, Role::Staff).await {
                Ok(membership) => {
                    self.membership = membership;
                    self.checked_at = Instant::now();
                }
                // Removed, demoted below STAFF, or the account disabled: the stream ends.
                Err(Error::Forbidden | Error::Unauthenticated | Error::Denied { .. }) => {
                    return Ok(Batch {
                        finished: true,
                        ..Batch::default()
                    });
                }
                Err(err) => return Err(err),
            }
        }
        let entries = self
            .app
            .store
            .hotel_activity_since(&self.hotel, position.floor(), PAGE)
            .await?;
        let stopped_at = (entries.len() == usize::from(PAGE))
            .then(|| entries.last().map(|a| a.id))
            .flatten();
        let events = entries
            .iter()
            .filter(|a| {
                position.is_new(a.id) && guards::works_department(&self.membership, &a.department)
            })
            .map(|a| Event::json("activity", Some(a.id), a))
            .collect::<Result<_>>()?;
        Ok(Batch {
            events,
            stopped_at,
            finished: false,
        })
    }
}
