//! Live streams (server-sent events) of request activity: what both streams share, for the
//! Lambda response stream and the local API alike.
//!
//! A stream reads its activity log every `poll_interval` from where it is, sends what is new as
//! events, keeps the line open with heartbeats, and ends after `max_duration` (sooner when the
//! access token expires); the client reconnects with `Last-Event-ID` and goes on where it was.
//!
//! Where it is, its `Position`, is what every event's `id` carries: a floor (every entry at or
//! below it was handled) and the ids above the floor already sent. Entries of the hotel's log
//! come from an index that is eventually consistent, so one may show up a moment after newer
//! ones; the floor therefore trails the clock by `lookback`, and the ids above it keep what was
//! sent from being sent twice. Resuming from any event's id neither repeats nor loses an entry.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use http_body::Frame;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use jiff::{SignedDuration, Timestamp};
use lambda_http::Request;
use serde::Serialize;
use tokio::time::Instant;

use crate::config::StreamSettings;
use crate::error::{Error, Result};
use crate::ids::ActivityId;
use crate::session::Session;

/// A response body sent piece by piece.
pub type Body = UnsyncBoxBody<Bytes, Infallible>;
pub type StreamResponse = http::Response<Body>;
/// A stream handler's result before `respond` turns errors into the JSON error shape.
pub type StreamResult = Result<StreamResponse>;

/// Ids above the floor a position carries at most; older ones are dropped from the id (an
/// entry might then be sent twice after a reconnect, never lost).
const MAX_ABOVE: usize = 32;

/// Reads failing in a row after which a stream ends (the client reconnects and resumes).
const MAX_FAILURES: u32 = 3;

/// Where a stream is in an activity log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    floor: ActivityId,
    above: BTreeSet<ActivityId>,
}

impl Position {
    /// Nothing handled after `time`.
    pub fn at(time: Timestamp) -> Self {
        Self {
            floor: ActivityId::first_at(time),
            above: BTreeSet::new(),
        }
    }

    /// Where a reconnecting client left off: the `Last-Event-ID` it sends, if any.
    pub fn resumed(req: &Request) -> Result<Option<Self>> {
        req.headers()
            .get("last-event-id")
            .map(|value| {
                value
                    .to_str()
                    .map_err(|_| invalid_last_event_id())
                    .and_then(Self::parse)
            })
            .transpose()
    }

    /// A lookback before now: a new stream of an index starts there, so that what happened as
    /// the client connected is not missed.
    pub fn lookback(settings: &StreamSettings) -> Self {
        Self::at(trailing(Timestamp::now(), settings.lookback))
    }

    /// A position as `encode` writes it: the floor, then the ids sent above it, joined by `.`.
    pub fn parse(text: &str) -> Result<Self> {
        let mut ids = text.split('.').map(|id| {
            id.parse::<ActivityId>()
                .map_err(|_| invalid_last_event_id())
        });
        let floor = ids.next().ok_or_else(invalid_last_event_id)??;
        let above = ids.collect::<Result<Vec<_>>>()?;
        // As `encode` writes them: few, each above the one before, the first above the floor.
        let increasing = std::iter::once(&floor)
            .chain(&above)
            .zip(&above)
            .all(|(a, b)| a < b);
        if above.len() > MAX_ABOVE || !increasing {
            return Err(invalid_last_event_id());
        }
        Ok(Self {
            floor,
            above: above.into_iter().collect(),
        })
    }

    pub fn encode(&self) -> String {
        let mut text = self.floor.to_string();
        let skip = self.above.len().saturating_sub(MAX_ABOVE);
        for id in self.above.iter().skip(skip) {
            text.push('.');
            text.push_str(&id.to_string());
        }
        text
    }

    /// Reads continue after this id.
    pub fn floor(&self) -> ActivityId {
        self.floor
    }

    /// Whether an entry still has to be handled.
    pub fn is_new(&self, id: ActivityId) -> bool {
        id > self.floor && !self.above.contains(&id)
    }

    /// Records an entry as sent.
    pub fn sent(&mut self, id: ActivityId) {
        if id > self.floor {
            self.above.insert(id);
        }
    }

    /// Declares everything up to `to` handled.
    pub fn raise(&mut self, to: ActivityId) {
        if to > self.floor {
            self.floor = to;
            self.above.retain(|id| *id > to);
        }
    }
}

fn invalid_last_event_id() -> Error {
    Error::field(
        "Last-Event-ID",
        "not an id this stream sent; reconnect without it",
    )
}

/// `lookback` before `now`.
fn trailing(now: Timestamp, lookback: Duration) -> Timestamp {
    SignedDuration::try_from(lookback)
        .ok()
        .and_then(|lookback| now.checked_sub(lookback).ok())
        .unwrap_or(now)
}

/// One event of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The entry it reports, if any (marked sent in the position as the event goes out).
    pub entry: Option<ActivityId>,
    pub name: &'static str,
    /// One line of JSON.
    pub data: String,
}

impl Event {
    pub fn json<T: Serialize>(
        name: &'static str,
        entry: Option<ActivityId>,
        value: &T,
    ) -> Result<Self> {
        // Compact JSON escapes every line break, so the data is one SSE line.
        let data = serde_json::to_string(value).map_err(Error::internal)?;
        Ok(Self { entry, name, data })
    }
}

/// What one read of a log found.
#[derive(Debug, Default)]
pub struct Batch {
    pub events: Vec<Event>,
    /// The newest entry read, when the read stopped at its limit and more may follow; `None`
    /// when the read went to the end of the log.
    pub stopped_at: Option<ActivityId>,
    /// Nothing more can happen: the stream ends after these events.
    pub finished: bool,
}

/// An activity log a stream follows.
#[async_trait]
pub trait Source: Send {
    /// What is new after `position` (see `Position::is_new`), oldest first.
    async fn read(&mut self, position: &Position) -> Result<Batch>;
}

/// A stream's first read, which its handler makes itself: a missing or forbidden thing is then
/// an HTTP error, not an event.
pub struct First {
    pub batch: Batch,
    started: Timestamp,
}

impl First {
    pub async fn read<S: Source>(source: &mut S, position: &Position) -> Result<Self> {
        let started = Timestamp::now();
        let batch = source.read(position).await?;
        Ok(Self { batch, started })
    }
}

/// The response of a stream that starts at `position` with what its first read found.
pub fn open<S: Source + 'static>(
    settings: &StreamSettings,
    session: &Session,
    source: S,
    position: Position,
    first: First,
) -> StreamResult {
    let until_expiry = session
        .expires_at
        .duration_since(Timestamp::now())
        .try_into()
        .unwrap_or(Duration::ZERO);
    let now = Instant::now();
    let driver = Driver {
        source,
        position,
        settings: settings.clone(),
        ends_at: now + settings.max_duration.min(until_expiry),
        last_sent: now,
        failures: 0,
        state: State::Opening(first),
    };
    let chunks = futures_util::stream::unfold(driver, |mut driver| async move {
        let chunk = driver.next_chunk().await?;
        Some((Ok(Frame::data(Bytes::from(chunk))), driver))
    });
    http::Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-store")
        // Proxies must pass each event on at once.
        .header("x-accel-buffering", "no")
        .body(StreamBody::new(chunks).boxed_unsync())
        .map_err(Error::internal)
}

/// 204: the stream has nothing more to say, ever (an EventSource stops reconnecting on it).
pub fn finished() -> StreamResult {
    http::Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(empty())
        .map_err(Error::internal)
}

/// A stream handler's result as the response to send: errors become the JSON error shape, as
/// for every other route.
pub fn respond(result: StreamResult) -> StreamResponse {
    match result {
        Ok(mut response) => {
            response.headers_mut().insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        Err(err) => {
            let (parts, body) = crate::http::respond(Err(err)).into_parts();
            http::Response::from_parts(parts, full(crate::http::body_bytes(body)))
        }
    }
}

/// A body sent in one piece.
pub fn full(bytes: Bytes) -> Body {
    Full::new(bytes).boxed_unsync()
}

fn empty() -> Body {
    full(Bytes::new())
}

enum State {
    Opening(First),
    Open,
    Closed,
}

struct Driver<S> {
    source: S,
    position: Position,
    settings: StreamSettings,
    ends_at: Instant,
    last_sent: Instant,
    failures: u32,
    state: State,
}

impl<S: Source> Driver<S> {
    /// The next piece of the body, waiting for one; `None` ends the stream.
    async fn next_chunk(&mut self) -> Option<String> {
        loop {
            match std::mem::replace(&mut self.state, State::Open) {
                State::Closed => {
                    self.state = State::Closed;
                    return None;
                }
                State::Opening(first) => {
                    let mut chunk = format!("retry: {}\n\n", self.settings.retry.as_millis());
                    self.write(&mut chunk, first.batch, first.started);
                    return Some(chunk);
                }
                State::Open => {
                    let now = Instant::now();
                    if now >= self.ends_at {
                        self.state = State::Closed;
                        return Some(self.id_line());
                    }
                    tokio::time::sleep(self.settings.poll_interval.min(self.ends_at - now)).await;
                    let mut chunk = self.poll().await;
                    if chunk.is_empty()
                        && self.last_sent.elapsed() >= self.settings.heartbeat_interval
                    {
                        chunk = format!(": keep-alive\n{}", self.id_line());
                    }
                    if !chunk.is_empty() {
                        self.last_sent = Instant::now();
                        return Some(chunk);
                    }
                }
            }
        }
    }

    /// Reads once; the events found, written out.
    async fn poll(&mut self) -> String {
        let started = Timestamp::now();
        let mut chunk = String::new();
        match self.source.read(&self.position).await {
            Ok(batch) => {
                self.failures = 0;
                self.write(&mut chunk, batch, started);
            }
            Err(err) => {
                self.failures += 1;
                if self.failures >= MAX_FAILURES {
                    tracing::error!(%err, "a stream ends after {MAX_FAILURES} failed reads");
                    self.state = State::Closed;
                } else {
                    tracing::warn!(%err, failures = self.failures, "a stream's read failed");
                }
            }
        }
        chunk
    }

    /// Writes a batch's events, each with the position right after it, then moves the floor
    /// up to what the read (started at `started`) covered for sure.
    fn write(&mut self, chunk: &mut String, batch: Batch, started: Timestamp) {
        for event in &batch.events {
            if let Some(entry) = event.entry {
                self.position.sent(entry);
            }
            chunk.push_str(&self.id_line_without_end());
            chunk.push_str("event: ");
            chunk.push_str(event.name);
            chunk.push_str("\ndata: ");
            chunk.push_str(&event.data);
            chunk.push_str("\n\n");
        }
        let covered = ActivityId::first_at(trailing(started, self.settings.lookback));
        self.position
            .raise(batch.stopped_at.map_or(covered, |stop| stop.min(covered)));
        if batch.finished {
            self.state = State::Closed;
        }
    }

    /// The position alone: a client that reconnects sends it back (an `id` without data
    /// updates the client's last event id and dispatches nothing).
    fn id_line(&self) -> String {
        format!("{}\n", self.id_line_without_end())
    }

    fn id_line_without_end(&self) -> String {
        format!("id: {}\n", self.position.encode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_at(ms: i64, random: u8) -> ActivityId {
        let mut bytes = [random; 16];
        bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
        ActivityId::from_bytes(bytes)
    }

    fn time(ms: i64) -> Timestamp {
        Timestamp::from_millisecond(ms).unwrap()
    }

    #[test]
    fn positions_round_trip_through_their_encoding() {
        let mut position = Position::at(time(1_000_000));
        assert_eq!(Position::parse(&position.encode()).unwrap(), position);
        position.sent(id_at(1_000_500, 7));
        position.sent(id_at(1_000_200, 9));
        let text = position.encode();
        assert_eq!(text.matches('.').count(), 2);
        assert_eq!(Position::parse(&text).unwrap(), position);
    }

    #[test]
    fn sent_entries_are_not_new_and_raising_the_floor_forgets_them() {
        let mut position = Position::at(time(1_000_000));
        let (early, late) = (id_at(1_000_100, 1), id_at(1_000_900, 1));
        assert!(!position.is_new(id_at(999_999, 1)));
        assert!(position.is_new(early) && position.is_new(late));
        position.sent(late);
        assert!(position.is_new(early), "an entry the index showed late");
        assert!(!position.is_new(late));
        position.raise(ActivityId::first_at(time(1_000_500)));
        assert!(!position.is_new(early));
        assert!(!position.is_new(late));
        assert_eq!(position.encode().matches('.').count(), 1, "late is kept");
        position.raise(ActivityId::first_at(time(1_000_400)));
        assert_eq!(position.floor(), ActivityId::first_at(time(1_000_500)));
    }

    #[test]
    fn a_position_keeps_at_most_its_newest_ids() {
        let mut position = Position::at(time(1_000_000));
        for i in 0..40 {
            position.sent(id_at(1_000_001 + i, 3));
        }
        let reread = Position::parse(&position.encode()).unwrap();
        assert!(reread.is_new(id_at(1_000_001, 3)), "dropped: sent again");
        assert!(!reread.is_new(id_at(1_000_040, 3)));
    }

    #[test]
    fn ids_the_stream_never_sent_are_refused() {
        let floor = Position::at(time(2_000_000)).encode();
        let below = id_at(1_000_000, 1).to_string();
        let too_many = (1..=MAX_ABOVE as i64 + 1)
            .map(|i| id_at(2_000_000 + i, 1).to_string())
            .collect::<Vec<_>>()
            .join(".");
        let later = id_at(2_000_002, 1).to_string();
        let earlier = id_at(2_000_001, 1).to_string();
        for bad in [
            String::new(),
            "x".into(),
            format!("{floor}."),
            format!("{floor}.{below}"),
            format!("{floor} "),
            format!("{floor}.{too_many}"),
            format!("{floor}.{later}.{earlier}"),
            format!("{floor}.{later}.{later}"),
        ] {
            let err = Position::parse(&bad).unwrap_err();
            assert_eq!(err.status(), 400, "{bad}");
        }
    }

    #[test]
    fn a_new_index_stream_starts_a_lookback_before_now() {
        let settings = crate::config::Config::new("t", b"0123456789abcdef0123456789abcdef")
            .unwrap()
            .streams;
        let lookback = SignedDuration::try_from(settings.lookback).unwrap();
        let earliest = Timestamp::now() - lookback - SignedDuration::from_millis(1);
        let floor = Position::lookback(&settings).floor().time();
        assert!(earliest <= floor && floor <= Timestamp::now() - lookback);
        assert_eq!(Position::resumed(&Request::default()).unwrap(), None);
    }
}
