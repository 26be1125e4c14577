//! The live streams (SSE) end to end over the local API, which streams as the Function URLs
//! do: what each side sees, resuming with `Last-Event-ID` without repeats or gaps, entries the
//! index shows late, heartbeats and the bounded duration, failing reads, and who may listen.

use std::time::Duration;

use concierge::requests::{Activity, ActivityKind};
use concierge::store::Write;
use concierge_infra::sse::{Block, Parser};
use futures::future::join_all;
use http::Method;
use serde_json::{Value, json};

use crate::support::{Browser, Stack, assert_error, read};

/// An open stream, read block by block.
struct Sse {
    /// The request that opened it, to reconnect as an `EventSource` does.
    opening: reqwest::RequestBuilder,
    response: reqwest::Response,
    parser: Parser,
    /// The id of the last block that carried one: what a reconnecting browser sends.
    last_id: Option<String>,
    /// The `Last-Event-ID` of each reconnect so far, in order: a test sees every one.
    resumed_from: Vec<String>,
}

/// How long a test waits for something a stream must deliver (a poll is 100 ms here).
const PATIENCE: Duration = Duration::from_secs(15);

impl Sse {
    async fn open(browser: &Browser, path: &str, last_event_id: Option<&str>) -> Sse {
        let (status, sse) = Self::try_open(browser, path, last_event_id).await;
        assert_eq!(status, 200);
        sse.expect("a stream")
    }

    /// The status, and the stream when it is one.
    async fn try_open(
        browser: &Browser,
        path: &str,
        last_event_id: Option<&str>,
    ) -> (u16, Option<Sse>) {
        let opening = browser
            .request(Method::GET, path)
            .header("accept", "text/event-stream");
        let mut request = opening.try_clone().expect("a plain GET");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let streams = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v == "text/event-stream");
        if !streams {
            return (status, None);
        }
        assert_eq!(response.headers()["cache-control"], "no-store");
        let sse = Sse {
            opening,
            response,
            parser: Parser::default(),
            last_id: None,
            resumed_from: Vec::new(),
        };
        (status, Some(sse))
    }

    /// The next block, or `None` when the stream ended. Panics after `PATIENCE`.
    async fn block(&mut self) -> Option<Block> {
        tokio::time::timeout(PATIENCE, self.next_block())
            .await
            .expect("the stream said nothing in time")
    }

    async fn next_block(&mut self) -> Option<Block> {
        loop {
            if let Some(block) = self.parser.next_block().expect("a well-formed stream") {
                if block.id.is_some() {
                    self.last_id.clone_from(&block.id);
                }
                return Some(block);
            }
            match self.response.chunk().await.expect("the stream broke") {
                Some(chunk) => self
                    .parser
                    .push(std::str::from_utf8(&chunk).expect("UTF-8")),
                None => {
                    assert!(self.parser.is_drained(), "the stream ended within a block");
                    return None;
                }
            }
        }
    }

    /// The next event (name and data), skipping ids alone and comments; `None` at the end.
    async fn event(&mut self) -> Option<(String, Value)> {
        loop {
            let block = self.block().await?;
            if let (Some(name), Some(data)) = (block.event, block.data) {
                return Some((name, data));
            }
        }
    }

    /// Events until one satisfies `wanted`, that one included; panics when none came within
    /// `PATIENCE` (heartbeats alone do not keep it waiting). A stream that ends meanwhile (its
    /// reads failed, say, on a loaded machine) is resumed from its last id, as an `EventSource`
    /// does: what it delivers must still be whole and without repeats.
    async fn events_until(
        &mut self,
        wanted: impl Fn(&str, &Value) -> bool,
    ) -> Vec<(String, Value)> {
        let mut seen = Vec::new();
        let waited = tokio::time::timeout(PATIENCE, async {
            loop {
                let Some((name, data)) = self.event().await else {
                    self.reconnect().await;
                    continue;
                };
                let done = wanted(&name, &data);
                seen.push((name, data));
                if done {
                    return;
                }
            }
        })
        .await;
        assert!(
            waited.is_ok(),
            "the wanted event did not come; seen: {seen:?}"
        );
        seen
    }

    /// Reopens the stream from the last id it delivered, as an `EventSource` does, and
    /// records that id in `resumed_from`.
    async fn reconnect(&mut self) {
        let last = self.last_id.clone().expect("an id to resume from");
        let request = self.opening.try_clone().expect("a plain GET");
        let response = request
            .header("last-event-id", &last)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
        self.resumed_from.push(last);
        self.response = response;
        self.parser = Parser::default();
    }

    /// The events until the stream ends by itself (no reconnect).
    async fn events_to_the_end(&mut self) -> Vec<(String, Value)> {
        let mut seen = Vec::new();
        while let Some(event) = self.event().await {
            seen.push(event);
        }
        seen
    }

    /// The events that arrive within `quiet` (the stream stays open).
    async fn events_for(&mut self, quiet: Duration) -> Vec<(String, Value)> {
        let mut seen = Vec::new();
        let _ = tokio::time::timeout(quiet, async {
            while let Some((name, data)) = self.event().await {
                seen.push((name, data));
            }
        })
        .await;
        seen
    }
}

/// A demo stack whose streams poll every 100 ms.
async fn stack() -> Stack {
    Stack::demo_with(
        |config| {
            config.streams.poll_interval = Duration::from_millis(100);
            config.streams.heartbeat_interval = Duration::from_secs(1);
            config.streams.max_duration = Duration::from_secs(120);
        },
        |app| app,
    )
    .await
}

fn entry_of(request: &str, kind: &str) -> impl Fn(&str, &Value) -> bool {
    let (request, kind) = (request.to_owned(), kind.to_owned());
    move |name, data| name == "activity" && data["request"] == request && data["kind"] == kind
}

#[tokio::test]
async fn a_guest_sees_their_request_change_live_until_it_is_final() {
    let stack = stack().await;
    let mut guest = stack.guest("demo", "101").await;
    let request = guest.ask("housekeeping").await;
    let path = format!("/me/requests/{request}/events");
    let mut sse = Sse::open(&guest, &path, None).await;
    let (name, first) = sse.event().await.unwrap();
    assert_eq!(
        (name.as_str(), &first["status"]),
        ("request", &json!("NEW"))
    );
    assert!(first.get("guest").is_none() && first.get("escalation_level").is_none());

    let mut staff = stack.staff("staff@demo.test").await;
    let notes = format!("/hotels/demo/admin/requests/{request}/notes");
    let (status, _) = staff.post(&notes, json!({ "text": "internal" })).await;
    assert_eq!(status, 201);
    let ack = format!("/hotels/demo/admin/requests/{request}/acknowledge");
    let (status, _) = staff.post(&ack, json!({})).await;
    assert_eq!(status, 200);
    let seen = sse
        .events_until(|name, data| name == "request" && data["status"] == "ACKNOWLEDGED")
        .await;
    let kinds: Vec<&Value> = seen.iter().map(|(_, data)| &data["kind"]).collect();
    assert_eq!(kinds, [&json!("ACKNOWLEDGED"), &Value::Null], "{seen:?}");
    assert_eq!(seen[0].1["to_status"], "ACKNOWLEDGED");
    assert!(seen[0].1.get("actor").is_none(), "no staff ids: {seen:?}");
    // The entry carries the id the request's history gives it, so a page shows it once.
    let (status, detail) = guest.get(&format!("/me/requests/{request}")).await;
    assert_eq!(status, 200);
    let history: Vec<&Value> = detail["activity"].as_array().unwrap().iter().collect();
    assert_eq!(history.last().unwrap()["id"], seen[0].1["id"], "{detail}");
    assert!(history.iter().all(|entry| entry["id"].is_string()));

    let (status, _) = guest
        .post(&format!("/me/requests/{request}/cancel"), json!({}))
        .await;
    assert_eq!(status, 200);
    let seen = sse
        .events_until(|name, data| name == "request" && data["status"] == "CANCELLED")
        .await;
    assert_eq!(seen[0].1["to_status"], "CANCELLED", "{seen:?}");
    assert!(
        sse.event().await.is_none(),
        "a final request ends the stream"
    );

    // Nothing is left to see: an EventSource reconnecting gets 204 and stops.
    let last = sse.last_id.clone().unwrap();
    let (status, none) = Sse::try_open(&guest, &path, Some(&last)).await;
    assert_eq!((status, none.is_none()), (204, true));
    // A new page still gets the final state once.
    let mut again = Sse::open(&guest, &path, None).await;
    assert_eq!(again.event().await.unwrap().1["status"], "CANCELLED");
    assert!(again.event().await.is_none());
}

#[tokio::test]
async fn a_reconnecting_stream_gets_exactly_what_it_missed() {
    let stack = stack().await;
    let mut guest = stack.guest("demo", "101").await;
    let admin = stack.staff("admin@demo.test").await;
    let mut sse = Sse::open(&admin, "/hotels/demo/admin/events", None).await;
    let first = guest.ask("housekeeping").await;
    sse.events_until(entry_of(&first, "CREATED")).await;
    let resume_at = sse.last_id.clone().unwrap();
    drop(sse);

    // While nobody listens.
    let mut staff = stack.staff("staff@demo.test").await;
    let (status, _) = staff
        .post(
            &format!("/hotels/demo/admin/requests/{first}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = staff
        .post(
            &format!("/hotels/demo/admin/requests/{first}/notes"),
            json!({ "text": "on my way" }),
        )
        .await;
    assert_eq!(status, 201);

    let mut sse = Sse::open(&admin, "/hotels/demo/admin/events", Some(&resume_at)).await;
    let second = guest.ask("spa").await;
    let seen = sse.events_until(entry_of(&second, "CREATED")).await;
    let got: Vec<(String, String)> = seen
        .iter()
        .map(|(_, d)| {
            (
                d["request"].as_str().unwrap().into(),
                d["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        (first.clone(), "ACKNOWLEDGED".to_owned()),
        (first.clone(), "NOTE".to_owned()),
        (second.clone(), "CREATED".to_owned()),
    ];
    assert_eq!(
        got, expected,
        "the missed entries once, in order, then what came next"
    );
    assert!(sse.events_for(Duration::from_millis(1500)).await.is_empty());
}

#[tokio::test]
async fn staff_hear_only_their_departments() {
    let stack = stack().await;
    let mut guest = stack.guest("demo", "102").await;
    let staff = stack.staff("staff@demo.test").await;
    let admin = stack.staff("manager@demo.test").await;
    let mut staff_sse = Sse::open(&staff, "/hotels/demo/admin/events", None).await;
    let mut admin_sse = Sse::open(&admin, "/hotels/demo/admin/events", None).await;
    let spa = guest.ask("spa").await;
    let housekeeping = guest.ask("housekeeping").await;

    let admin_seen = admin_sse
        .events_until(entry_of(&housekeeping, "CREATED"))
        .await;
    assert!(admin_seen.iter().any(|(_, d)| d["request"] == spa));
    let staff_seen = staff_sse
        .events_until(entry_of(&housekeeping, "CREATED"))
        .await;
    assert!(
        staff_seen
            .iter()
            .all(|(_, d)| d["department"] == "housekeeping"),
        "{staff_seen:?}"
    );
    assert!(
        staff_sse
            .events_for(Duration::from_millis(800))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_member_removed_from_the_hotel_hears_the_stream_end_within_seconds() {
    let stack = stack().await;
    let staff = stack.staff("staff@demo.test").await;
    let sam = stack.user("staff@demo.test").await.id;
    let mut manager = stack.staff("manager@demo.test").await;
    let mut sse = Sse::open(&staff, "/hotels/demo/admin/events", None).await;
    let removed = manager
        .send(
            Method::DELETE,
            &format!("/hotels/demo/admin/members/{sam}"),
            json!({}),
        )
        .await;
    assert!(removed.0 < 300, "{}", removed.1);
    let since = std::time::Instant::now();
    while sse.block().await.is_some() {}
    let took = since.elapsed();
    assert!(
        took < Duration::from_secs(7),
        "the stream went on for {took:?}"
    );
    let (status, again) =
        Sse::try_open(&staff, "/hotels/demo/admin/events", sse.last_id.as_deref()).await;
    assert_eq!((status, again.is_some()), (403, false));
}

#[tokio::test]
async fn only_the_hotels_staff_and_the_requests_guest_may_listen() {
    let stack = stack().await;
    let mut guest = stack.guest("demo", "101").await;
    let request = guest.ask("housekeeping").await;
    let other_guest = stack.guest("demo", "102").await;
    let annex_admin = stack.staff("admin@demo-annex.test").await;
    let anonymous = Browser::new(&stack);
    let hotel_stream = "/hotels/demo/admin/events";
    let request_stream = format!("/me/requests/{request}/events");

    let refused = |browser: &Browser, path: String, last: Option<&'static str>| {
        let http = browser.request(Method::GET, &path);
        async move {
            let http = match last {
                Some(id) => http.header("last-event-id", id),
                None => http,
            };
            read(http.send().await.expect("request")).await
        }
    };
    assert_error(
        &refused(&anonymous, hotel_stream.into(), None).await,
        401,
        "unauthenticated",
    );
    assert_error(
        &refused(&guest, hotel_stream.into(), None).await,
        403,
        "forbidden",
    );
    assert_error(
        &refused(&annex_admin, hotel_stream.into(), None).await,
        403,
        "forbidden",
    );
    assert_error(
        &refused(&anonymous, request_stream.clone(), None).await,
        401,
        "unauthenticated",
    );
    assert_error(
        &refused(&other_guest, request_stream.clone(), None).await,
        404,
        "not_found",
    );
    assert_error(
        &refused(&guest, "/me/requests/not-an-id/events".into(), None).await,
        400,
        "invalid",
    );
    assert_error(
        &refused(
            &guest,
            request_stream.clone(),
            Some("01hzx6k2m3n4p5q6r7s8t9v0wy.x"),
        )
        .await,
        400,
        "invalid",
    );
    assert_error(
        &refused(
            &annex_admin,
            "/hotels/demo-annex/admin/events".into(),
            Some("nope"),
        )
        .await,
        400,
        "invalid",
    );
    // The annex's own admin may listen to the annex.
    let (status, sse) = Sse::try_open(&annex_admin, "/hotels/demo-annex/admin/events", None).await;
    assert_eq!((status, sse.is_some()), (200, true));
}

#[tokio::test]
async fn an_entry_the_index_shows_late_is_still_delivered() {
    // The lookback is what bounds how late an entry may show; on a loaded machine the steps
    // below take seconds, so this stack looks back further than the default 5 s.
    let stack = Stack::demo_with(
        |config| {
            config.streams.poll_interval = Duration::from_millis(100);
            config.streams.heartbeat_interval = Duration::from_secs(1);
            config.streams.lookback = Duration::from_secs(60);
        },
        |app| app,
    )
    .await;
    let mut guest = stack.guest("demo", "101").await;
    let request = guest.ask("housekeeping").await;
    let admin = stack.staff("admin@demo.test").await;
    let mut staff = stack.staff("staff@demo.test").await;
    let mut sse = Sse::open(&admin, "/hotels/demo/admin/events", None).await;
    sse.events_until(entry_of(&request, "CREATED")).await;

    // An entry made now that becomes visible only after newer ones were delivered.
    let stored = stack
        .app
        .store
        .request(request.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let late = Activity::new(&stored, ActivityKind::Note, None, stack.app.clock.now())
        .text(Some("late".into()));
    let (status, _) = staff
        .post(
            &format!("/hotels/demo/admin/requests/{request}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    sse.events_until(entry_of(&request, "ACKNOWLEDGED")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stack
        .app
        .store
        .transact(&[Write::InsertActivity(&late)])
        .await
        .unwrap();
    let seen = sse.events_until(entry_of(&request, "NOTE")).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].1["id"], late.id.to_string());
}

#[tokio::test]
async fn a_stream_keeps_the_line_alive_and_ends_in_time() {
    let stack = Stack::demo_with(
        |config| {
            config.streams.poll_interval = Duration::from_millis(100);
            config.streams.heartbeat_interval = Duration::from_millis(400);
            config.streams.max_duration = Duration::from_secs(2);
        },
        |app| app,
    )
    .await;
    let admin = stack.staff("admin@demo.test").await;
    let mut sse = Sse::open(&admin, "/hotels/demo/admin/events", None).await;
    let mut heartbeats = 0;
    let mut blocks = 0;
    while let Some(block) = sse.block().await {
        blocks += 1;
        heartbeats += usize::from(block.comment);
        if let Some(id) = &block.id {
            assert!(concierge::stream::Position::parse(id).is_ok(), "{id}");
        }
        assert!(blocks < 50, "the stream does not end");
    }
    assert!(heartbeats >= 2, "{heartbeats} heartbeats in 2 s");
    // Where it ended is where the next one starts.
    let last = sse.last_id.clone().expect("an id to resume from");
    let (status, sse) = Sse::try_open(&admin, "/hotels/demo/admin/events", Some(&last)).await;
    assert_eq!((status, sse.is_some()), (200, true));
}

#[tokio::test]
async fn a_stream_whose_reads_fail_ends_and_resumes_where_it_was() {
    let stack = stack().await;
    let mut guest = stack.guest("demo", "101").await;
    let admin = stack.staff("admin@demo.test").await;
    let mut sse = Sse::open(&admin, "/hotels/demo/admin/events", None).await;
    let before = guest.ask("spa").await;
    sse.events_until(entry_of(&before, "CREATED")).await;

    stack.calls.fail(Some(|c| c.is("Query", "HOTEL#demo#ACT")));
    let during = guest.ask("spa").await;
    // Three failed reads in a row end the stream cleanly; the client reconnects.
    let rest = sse.events_for(PATIENCE).await;
    assert!(rest.is_empty(), "{rest:?}");
    let last = sse.last_id.clone().unwrap();
    let (status, none) = Sse::try_open(&admin, "/hotels/demo/admin/events", Some(&last)).await;
    assert!(none.is_none());
    assert_eq!(
        status, 503,
        "a failing first read is an error, not a stream"
    );

    stack.calls.fail(None);
    let mut sse = Sse::open(&admin, "/hotels/demo/admin/events", Some(&last)).await;
    let seen = sse.events_until(entry_of(&during, "CREATED")).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
}

#[tokio::test]
async fn many_listeners_on_one_runtime_resume_where_they_ended_and_get_every_entry_once() {
    // Streams that end after 3 s, as a Function URL's does at its limit; a stream opened
    // without `Last-Event-ID` looks back 2 s. Twenty of them, the local API and the writes
    // share this test's one current-thread runtime (F10).
    let lookback = Duration::from_secs(2);
    let stack = Stack::demo_with(
        |config| {
            config.streams.poll_interval = Duration::from_millis(100);
            config.streams.heartbeat_interval = Duration::from_secs(1);
            config.streams.max_duration = Duration::from_secs(3);
            config.streams.lookback = lookback;
        },
        |app| app,
    )
    .await;
    let mut guest = stack.guest("demo", "201").await;
    let admin = stack.staff("admin@demo.test").await;
    let mut streams =
        join_all((0..20).map(|_| Sse::open(&admin, "/hotels/demo/admin/events", None))).await;
    // Late in the streams' life: when they end, this entry is still inside the lookback, and
    // only the ids their `Last-Event-ID` carries keep it from coming twice.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let first = guest.ask("concierge").await;
    let mut seen = join_all(streams.iter_mut().map(|sse| {
        let wanted = entry_of(&first, "CREATED");
        async move {
            let mut seen = sse.events_until(wanted).await;
            seen.extend(sse.events_to_the_end().await);
            seen
        }
    }))
    .await;

    // Every stream has ended. An entry made now, older than any lookback when they come
    // back: only a stream that resumes from its `Last-Event-ID` can deliver it.
    let missed = guest.ask("concierge").await;
    tokio::time::sleep(lookback + Duration::from_secs(1)).await;
    let ended_at: Vec<String> = streams
        .iter()
        .map(|sse| sse.last_id.clone().expect("an id to resume from"))
        .collect();
    join_all(streams.iter_mut().map(Sse::reconnect)).await;
    let last = guest.ask("concierge").await;
    let rest = join_all(streams.iter_mut().map(|sse| {
        let wanted = entry_of(&last, "CREATED");
        async move {
            let mut seen = sse.events_until(wanted).await;
            seen.extend(sse.events_for(Duration::from_millis(500)).await);
            seen
        }
    }))
    .await;

    let ours = [first, missed, last];
    for (n, (sse, rest)) in streams.iter().zip(rest).enumerate() {
        assert!(
            sse.resumed_from.contains(&ended_at[n]),
            "stream {n} resumed from where it ended: {:?} {:?}",
            sse.resumed_from,
            ended_at[n]
        );
        seen[n].extend(rest);
        let delivered: Vec<&str> = seen[n]
            .iter()
            .filter_map(|(_, data)| data["request"].as_str())
            .filter(|request| ours.iter().any(|r| r == request))
            .collect();
        assert_eq!(
            delivered, ours,
            "stream {n}: each entry once, in order, none missing: {:?}",
            seen[n]
        );
    }
}
