//! `GET /api/v1/me/requests/{request}/events` (SSE): one of the caller's requests as it
//! changes. First a `request` event with its state; then an `activity` event for each history
//! entry the guest may see and a `request` event for each new state. The stream ends once the
//! request is final; a client reconnecting (`Last-Event-ID`) to a final request with nothing
//! left to see gets 204, which stops an EventSource for good. Anyone else's request is not
//! found.

use async_trait::async_trait;
use jiff::Timestamp;
use lambda_http::Request;

use super::{GuestActivity, GuestView};
use crate::app::App;
use crate::error::{Error, Result};
use crate::http;
use crate::ids::{RequestId, UserId};
use crate::session::Session;
use crate::stream::{self, Batch, Event, First, Position, Source, StreamResult};

pub async fn handle(app: &'static App, req: Request) -> StreamResult {
    let id: RequestId = http::path(&req, "request")?;
    let session = Session::required(&app.config, &req)?;
    let resumed = Position::resumed(&req)?;
    let resuming = resumed.is_some();
    // Its first event holds the request as it is now: a new stream starts now.
    let position = resumed.unwrap_or_else(|| Position::at(Timestamp::now()));
    let mut source = Changes {
        app,
        id,
        guest: session.user,
        version: None,
    };
    let first = First::read(&mut source, &position).await?;
    let nothing_new = first.batch.events.iter().all(|e| e.entry.is_none());
    if resuming && first.batch.finished && nothing_new {
        return stream::finished();
    }
    stream::open(&app.config.streams, &session, source, position, first)
}

/// A request's changes, read from its own partition (strongly consistent).
struct Changes {
    app: &'static App,
    id: RequestId,
    guest: UserId,
    /// The version of the request last sent.
    version: Option<u64>,
}

#[async_trait]
impl Source for Changes {
    async fn read(&mut self, position: &Position) -> Result<Batch> {
        let (request, activity) = self
            .app
            .store
            .request_since(self.id, position.floor())
            .await?
            .filter(|(request, _)| request.guest == self.guest)
            .ok_or(Error::NotFound("Request"))?;
        let mut events = Vec::new();
        for entry in activity
            .iter()
            .filter(|a| a.visible_to_guest && position.is_new(a.id))
        {
            let data = GuestActivity::from(entry);
            events.push(Event::json("activity", Some(entry.id), &data)?);
        }
        if self.version != Some(request.version) {
            events.push(Event::json("request", None, &GuestView::from(&request))?);
            self.version = Some(request.version);
        }
        Ok(Batch {
            events,
            stopped_at: None,
            finished: request.status.is_final(),
        })
    }
}
