//! What each function asks of AWS, seen where it happens: the local stack's AWS clients talk to
//! the emulator through a recording proxy (`sdk_calls`), so a store method that pages, batches
//! or retries counts what it really costs, and every SQS, SNS, S3 and Scheduler call is seen
//! too. One walk through every route, stream, job and queue consumer then checks two things:
//! - each route's DynamoDB round trips against the "Calls" column of the access-pattern table
//!   in `docs/data-model.md`, read from the document itself: editing a figure there without
//!   changing the code (or the reverse) fails this test;
//! - each function's IAM policy in `template.yaml` against the calls it made: nothing it needs
//!   is missing, nothing it never needs is granted (DynamoDB per table and index).
//!
//! A route, stream, job or consumer the walk does not reach fails it, unless `NOT_DRIVEN` names
//! it with the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use concierge::App;
use concierge::clock::{Clock, ManualClock};
use concierge::jobs::{JOBS, Job, JobEvent, otp_sweep, reminder};
use concierge::otp::OtpScope;
use concierge::routes::{self, CONSUMERS, ROUTES, STREAMS};
use concierge::users::Phone;
use concierge::webhooks::gupshup;
use concierge_infra::template::Template;
use http::Method;
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::iam::{self, Grant, Names};
use crate::sdk_calls::{Call, SdkCalls};
use crate::support::{Browser, Stack, emulator, read, unique_phone};

const DATA_MODEL: &str = include_str!("../../docs/data-model.md");

/// Access-pattern rows this test does not drive through a route, and why.
const NOT_MEASURED: [(&str, &str); 11] = [
    (
        "create a hotel with its first superadmin",
        "the operator CLI; the same calls as `POST /operator/hotels` without the operator check",
    ),
    (
        "`GET /me/requests/{id}/events` (SSE)",
        "a stream: a read per second for as long as it is open",
    ),
    (
        "`GET …/admin/events` (SSE)",
        "a stream: a read per second for as long as it is open",
    ),
    (
        "a user by email / phone",
        "a building block of the routes above",
    ),
    (
        "a member of a hotel, and the caller's account",
        "a building block of the routes above",
    ),
    ("a user's hotels", "a building block of the routes above"),
    ("what is due", "a job (tests/integration/jobs.rs)"),
    ("stays past check-out", "a job"),
    ("yesterday per hotel, and mornings missed", "a job"),
    (
        "the code of a message",
        "Gupshup's webhook, driven by the delivery tests",
    ),
    ("claim, send, store", "the SMS fallback, a queue consumer"),
];

/// One row of the access-pattern table.
#[derive(Debug, Clone)]
struct Row {
    pattern: String,
    calls: String,
}

/// The rows of `docs/data-model.md`'s "Access patterns" table.
fn access_patterns() -> Vec<Row> {
    let section = DATA_MODEL
        .split("\n## Access patterns")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("an \"Access patterns\" section in docs/data-model.md");
    section
        .lines()
        .filter(|line| line.starts_with('|') && !line.starts_with("|---"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 4, "a row of four cells: {line}");
            Row {
                pattern: cells[1].to_owned(),
                calls: cells[3].to_owned(),
            }
        })
        .filter(|row| row.pattern != "Pattern")
        .collect()
}

/// `3`, `1–4` (or `1-4`): the bounds.
fn count(word: &str) -> Option<(u64, u64)> {
    match word.split_once(['–', '-']) {
        Some((lo, hi)) => Some((lo.parse().ok()?, hi.parse().ok()?)),
        None => word.parse().ok().map(|n| (n, n)),
    }
}

/// The calls a "Calls" cell allows, given the values of the names it uses (`members`,
/// `partition`, …): the figure before any comment (a parenthesis, a comma or a semicolon),
/// a sum of terms such as `3 parallel`, `0–2`, `1–4 per partition` or `unread`.
fn allowed(calls: &str, names: &[(&str, u64)]) -> Result<(u64, u64), String> {
    let figure = calls.split(['(', ',', ';']).next().unwrap_or_default();
    let value = |name: &str| {
        names
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("`{calls}` counts per `{name}`: give its value"))
    };
    let (mut lo, mut hi) = (0, 0);
    for term in figure.split('+') {
        let words: Vec<&str> = term.split_whitespace().collect();
        let Some(first) = words.first() else {
            return Err(format!("`{calls}`: an empty term"));
        };
        let ((a, b), rest) = match count(first) {
            Some(bounds) => (bounds, &words[1..]),
            None => ((1, 1), &words[..]),
        };
        let factor = match (count(first), rest.iter().position(|w| *w == "per")) {
            (None, _) => value(first)?,
            (Some(_), Some(at)) => value(rest.get(at + 1).copied().unwrap_or_default())?,
            (Some(_), None) => 1,
        };
        lo += a * factor;
        hi += b * factor;
    }
    Ok((lo, hi))
}

/// A demo stack whose AWS calls go through `calls`, its streams short, its clock the test's.
async fn counted_stack(calls: &SdkCalls) -> (Stack, Arc<ManualClock>) {
    let (stack, clock) = Stack::clocked_at(&calls.endpoint, |config| {
        // A stream ends by itself within a second, its reads all counted.
        config.streams.poll_interval = Duration::from_millis(200);
        config.streams.heartbeat_interval = Duration::from_secs(1);
        config.streams.max_duration = Duration::from_secs(1);
        // The SMS fallback's message is due at once, for its consumer to be driven.
        config.delivery.sms_fallback_delay = Duration::ZERO;
    })
    .await;
    // Delivery reports would reach the webhook while other routes are being counted.
    stack.whatsapp_mode("silent").await;
    (stack, clock)
}

/// What one request cost.
struct Measured {
    pattern: String,
    what: String,
    calls: String,
    operations: Vec<String>,
    most_in_flight: usize,
}

/// A request to make, and the function that serves it.
struct Req<'a> {
    function: String,
    answer: Pin<Box<dyn Future<Output = (u16, Value)> + 'a>>,
}

/// The function of the route or stream that serves `method` `path` (under `/api/v1`).
fn function_of(method: &Method, path: &str) -> String {
    let path = format!("/api/v1{}", path.split('?').next().unwrap_or_default());
    routes::find(method.as_str(), &path)
        .map(|(index, _)| ROUTES[index].function_name())
        .or_else(|| {
            routes::find_stream(method.as_str(), &path)
                .map(|(index, _)| STREAMS[index].function_name())
        })
        .unwrap_or_else(|| panic!("no route serves {method} {path}"))
}

fn get<'a>(browser: &'a Browser, path: &str) -> Req<'a> {
    let path = path.to_owned();
    Req {
        function: function_of(&Method::GET, &path),
        answer: Box::pin(async move { browser.get(&path).await }),
    }
}

/// Sends JSON as `browser` does (keeping a CSRF token the answer carries).
fn send<'a>(browser: &'a mut Browser, method: Method, path: &str, body: Value) -> Req<'a> {
    let path = path.to_owned();
    Req {
        function: function_of(&method, &path),
        answer: Box::pin(async move { browser.send(method, &path, body).await }),
    }
}

fn post<'a>(browser: &'a mut Browser, path: &str, body: Value) -> Req<'a> {
    send(browser, Method::POST, path, body)
}

fn delete<'a>(browser: &'a Browser, path: &str) -> Req<'a> {
    let path = path.to_owned();
    Req {
        function: function_of(&Method::DELETE, &path),
        answer: Box::pin(async move {
            let request = browser.request(Method::DELETE, &path);
            read(request.send().await.expect("request")).await
        }),
    }
}

/// Posts a 4×4 PNG as the multipart form the upload routes take.
fn upload<'a>(browser: &'a Browser, path: &str) -> Req<'a> {
    let path = path.to_owned();
    Req {
        function: function_of(&Method::POST, &path),
        answer: Box::pin(async move {
            let request = browser
                .request(Method::POST, &path)
                .header("content-type", "multipart/form-data; boundary=b")
                .body(tiny_png_form());
            read(request.send().await.expect("request")).await
        }),
    }
}

/// Opens a live stream and reads it to its end (a second here): every read it made is counted.
fn stream<'a>(browser: &'a Browser, path: &str) -> Req<'a> {
    let path = path.to_owned();
    Req {
        function: function_of(&Method::GET, &path),
        answer: Box::pin(async move {
            let request = browser
                .request(Method::GET, &path)
                .header("accept", "text/event-stream");
            let response = request.send().await.expect("request");
            let status = response.status().as_u16();
            let body = tokio::time::timeout(Duration::from_secs(10), response.text())
                .await
                .expect("the stream ends by itself")
                .expect("the stream's body");
            (status, Value::String(body))
        }),
    }
}

/// Work outside the HTTP API: a job or a queue's consumer, by its function's name.
fn function<'a>(name: String, work: impl Future<Output = (u16, Value)> + 'a) -> Req<'a> {
    Req {
        function: name,
        answer: Box::pin(work),
    }
}

/// Runs `job` once, answering 200 with its report.
fn job(job: Job, app: &'static App) -> Req<'static> {
    function(job.function_name(), async move {
        match job.run_once(app, JobEvent::default()).await {
            Ok(report) => (200, json!(format!("{report:?}"))),
            Err(err) => (500, json!(format!("{err:?}"))),
        }
    })
}

struct Meter {
    calls: SdkCalls,
    rows: Vec<Row>,
    measured: Vec<Measured>,
    /// Every AWS call, by the function that made it.
    by_function: BTreeMap<String, Vec<Call>>,
    failures: Vec<String>,
}

impl Meter {
    /// Makes `req`, keeping its AWS calls for its function; the status, body and calls.
    async fn run(&mut self, what: &str, expected: u16, req: Req<'_>) -> (Value, Vec<Call>) {
        self.calls.reset();
        let (status, body) = req.answer.await;
        let calls = self.calls.calls();
        let matches = if expected == 200 {
            (200..300).contains(&status)
        } else {
            status == expected
        };
        if !matches {
            self.failures.push(format!(
                "{what} ({}): answered {status}, expected {expected}: {body}",
                req.function
            ));
        }
        self.by_function
            .entry(req.function)
            .or_default()
            .extend(calls.iter().cloned());
        (body, calls)
    }

    /// Makes `req` for its AWS calls alone (an access pattern this test does not count, or
    /// another branch of a route whose count it checks elsewhere), expecting a 2xx.
    async fn record(&mut self, what: &str, req: Req<'_>) -> Value {
        self.run(what, 200, req).await.0
    }

    /// `record`, expecting `status`.
    async fn record_refusal(&mut self, what: &str, status: u16, req: Req<'_>) -> Value {
        self.run(what, status, req).await.0
    }

    /// Counts the DynamoDB calls of `req` against the row `pattern`.
    async fn check(
        &mut self,
        pattern: &str,
        what: &str,
        names: &[(&str, u64)],
        req: Req<'_>,
    ) -> Value {
        let Some(row) = self.rows.iter().find(|row| row.pattern == pattern).cloned() else {
            self.failures
                .push(format!("no access-pattern row `{pattern}` (for {what})"));
            return self.record(what, req).await;
        };
        let (body, calls) = self.run(what, 200, req).await;
        let most_in_flight = self.calls.most_in_flight("dynamodb");
        let operations: Vec<String> = calls
            .iter()
            .filter(|call| call.service == "dynamodb")
            .map(|call| call.operation.clone())
            .collect();
        let made = operations.len() as u64;
        match allowed(&row.calls, names) {
            Ok((lo, hi)) if (lo..=hi).contains(&made) => {}
            Ok((lo, hi)) => self.failures.push(format!(
                "`{pattern}` ({what}): the doc says `{}` ({lo}–{hi}), the route made {made}: {operations:?}",
                row.calls
            )),
            Err(err) => self.failures.push(format!("`{pattern}`: {err}")),
        }
        if row.calls.contains("parallel") && most_in_flight < 2 {
            self.failures.push(format!(
                "`{pattern}` ({what}): the doc says parallel, but the calls went one at a time: {operations:?}"
            ));
        }
        println!(
            "{pattern} | {what} | doc: {} | made {made}, at most {most_in_flight} at once: {operations:?}",
            row.calls
        );
        self.measured.push(Measured {
            pattern: pattern.to_owned(),
            what: what.to_owned(),
            calls: row.calls,
            operations,
            most_in_flight,
        });
        body
    }
}

/// A 4×4 PNG as the multipart form the upload routes take.
fn tiny_png_form() -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(4, 4)
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("png");
    let mut body =
        b"--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n"
            .to_vec();
    body.extend(bytes.into_inner());
    body.extend(b"\r\n--b--\r\n");
    body
}

/// The `id` of a JSON answer.
fn id_of(body: &Value) -> String {
    body["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an id in {body}"))
        .to_owned()
}

#[test]
fn the_calls_column_reads_as_numbers() {
    assert_eq!(allowed("1 (asserted)", &[]), Ok((1, 1)));
    assert_eq!(allowed("2 parallel", &[]), Ok((2, 2)));
    assert_eq!(allowed("3 parallel + 0–2 + 2", &[]), Ok((5, 7)));
    assert_eq!(
        allowed("6–8 + 2 per recipient", &[("recipient", 3)]),
        Ok((12, 14))
    );
    assert_eq!(
        allowed("1 + 1–4 per partition", &[("partition", 2)]),
        Ok((3, 9))
    );
    assert_eq!(allowed("4 (asserted), 2 sequential steps", &[]), Ok((4, 4)));
    assert!(allowed("1 + unread", &[]).is_err());
    for row in access_patterns() {
        assert!(
            row.calls
                .split(['(', ',', ';'])
                .next()
                .is_some_and(|figure| figure.chars().any(|c| c.is_ascii_digit())),
            "`{}`: its calls `{}` start with no figure",
            row.pattern,
            row.calls
        );
    }
}

#[tokio::test]
async fn every_route_makes_the_round_trips_the_data_model_documents() {
    let calls = SdkCalls::start(emulator()).await;
    let (stack, clock) = counted_stack(&calls).await;
    let mut meter = Meter {
        calls,
        rows: access_patterns(),
        measured: Vec::new(),
        by_function: BTreeMap::new(),
        failures: Vec::new(),
    };
    let anonymous = Browser::new(&stack);
    let qr = stack.demo_qr("demo", "101").to_string();

    // Public routes.
    meter
        .check(
            "`GET /hotels/{hotel}`",
            "the hotel",
            &[],
            get(&anonymous, "/hotels/demo"),
        )
        .await;
    meter
        .check(
            "`GET /hotels/{hotel}/departments`",
            "its departments",
            &[],
            get(&anonymous, "/hotels/demo/departments"),
        )
        .await;
    let listing = meter
        .check(
            "`GET /hotels/{hotel}/experiences`",
            "its experiences",
            &[],
            get(&anonymous, "/hotels/demo/experiences"),
        )
        .await;
    meter
        .check(
            "`… /experiences?department=d`",
            "one department's experiences",
            &[],
            get(&anonymous, "/hotels/demo/experiences?department=spa"),
        )
        .await;
    let experience = id_of(&listing["items"][0]);
    meter
        .check(
            "`GET /hotels/{hotel}/experiences/{id}`",
            "an experience",
            &[],
            get(
                &anonymous,
                &format!("/hotels/demo/experiences/{experience}"),
            ),
        )
        .await;
    meter
        .check(
            "`GET /qr/{code}` (a scan)",
            "a scan",
            &[],
            get(&anonymous, &format!("/qr/{qr}")),
        )
        .await;
    meter
        .check("`GET /health`", "health", &[], get(&anonymous, "/health"))
        .await;
    meter
        .check(
            "`GET /auth/csrf`",
            "a CSRF token",
            &[],
            get(&anonymous, "/auth/csrf"),
        )
        .await;

    // A guest signs in from a room, twice (the second time as a known guest).
    let phone = unique_phone();
    let mut first = Browser::new(&stack);
    meter
        .check(
            "`POST /auth/otp/send`",
            "a code for a room's guest",
            &[],
            post(
                &mut first,
                "/auth/otp/send",
                json!({ "phone": phone, "qr": qr }),
            ),
        )
        .await;
    let code = stack.last_code(&phone).await;
    let verify = json!({ "phone": phone, "code": code, "qr": qr, "name": "Guest Tester" });
    let (status, body) = first.post("/auth/otp/verify", verify).await;
    assert_eq!(status, 200, "{body}");
    let mut guest = Browser::new(&stack);
    let (status, body) = guest
        .post("/auth/otp/send", json!({ "phone": phone, "qr": qr }))
        .await;
    assert_eq!(status, 200, "{body}");
    let code = stack.last_code(&phone).await;
    let verify = json!({ "phone": phone, "code": code, "qr": qr, "name": "Guest Tester" });
    meter
        .check(
            "`POST /auth/otp/verify` (QR)",
            "a returning guest's login",
            &[],
            post(&mut guest, "/auth/otp/verify", verify),
        )
        .await;

    // Staff sign in by code and by password.
    let staff_phone = "+12025550103";
    let mut by_code = Browser::new(&stack);
    let (status, body) = by_code
        .post(
            "/auth/otp/send",
            json!({ "phone": staff_phone, "hotel": "demo" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let code = stack.last_code(staff_phone).await;
    meter
        .check(
            "`POST /auth/otp/verify` (hotel)",
            "a staff login by code",
            &[],
            post(
                &mut by_code,
                "/auth/otp/verify",
                json!({ "phone": staff_phone, "code": code, "hotel": "demo" }),
            ),
        )
        .await;
    let mut staff = Browser::new(&stack);
    meter
        .check(
            "`POST /auth/token`",
            "a password login",
            &[],
            post(
                &mut staff,
                "/auth/token",
                json!({ "email": "staff@demo.test", "password": concierge_infra::demo::PASSWORD }),
            ),
        )
        .await;
    meter
        .check(
            "`POST /auth/token/refresh`",
            "a refresh",
            &[],
            post(&mut staff, "/auth/token/refresh", json!({})),
        )
        .await;
    meter
        .check(
            "`GET /auth/profile`",
            "a staff member's profile",
            &[],
            get(&staff, "/auth/profile"),
        )
        .await;
    meter
        .check(
            "`PATCH /auth/profile`",
            "a new name",
            &[],
            send(
                &mut staff,
                Method::PATCH,
                "/auth/profile",
                json!({ "name": "Sam S. Staff" }),
            ),
        )
        .await;
    meter
        .check(
            "`POST /auth/logout`",
            "a logout",
            &[],
            post(&mut by_code, "/auth/logout", json!({})),
        )
        .await;

    // The guest's requests. Housekeeping's request notifies its one member, STAFF (who has no
    // push subscription: the push queue's consumer reads that much and stops).
    let created = meter
        .check(
            "`POST /hotels/{hotel}/requests`",
            "a request of a department",
            &[("recipient", 1)],
            post(
                &mut guest,
                "/hotels/demo/requests",
                json!({ "department": "housekeeping", "details": "Towels, please" }),
            ),
        )
        .await;
    let request = id_of(&created);
    let runner = stack.runner.clone();
    meter
        .check(
            "a notification's web push",
            "the push queue's consumer, for that notification",
            &[],
            function(consumer_of("PushQueue"), async move {
                match runner.poll_push_queue().await {
                    Ok(1) => (200, Value::Null),
                    other => (500, json!(format!("one message expected: {other:?}"))),
                }
            }),
        )
        .await;
    meter
        .check(
            "`GET /me/requests`",
            "the guest's requests",
            &[],
            get(&guest, "/me/requests"),
        )
        .await;
    meter
        .check(
            "`GET /me/requests/{id}`",
            "one of them",
            &[],
            get(&guest, &format!("/me/requests/{request}")),
        )
        .await;
    let stays = meter
        .check(
            "`GET /me/stays`",
            "the guest's stays",
            &[],
            get(&guest, "/me/stays"),
        )
        .await;
    let stay = id_of(&stays["items"][0]);
    let second = guest.ask("spa").await;
    meter
        .check(
            "`POST /me/requests/{id}/cancel`",
            "a cancellation nobody had taken",
            &[("recipient", 0)],
            post(
                &mut guest,
                &format!("/me/requests/{second}/cancel"),
                json!({}),
            ),
        )
        .await;

    let third = guest.ask("housekeeping").await;
    let (status, body) = staff
        .post(
            &format!("/hotels/demo/admin/requests/{third}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    meter
        .check(
            "`POST /me/requests/{id}/cancel`",
            "a cancellation its acknowledger hears of",
            &[("recipient", 1)],
            post(
                &mut guest,
                &format!("/me/requests/{third}/cancel"),
                json!({}),
            ),
        )
        .await;

    // Staff at work.
    let mut manager = stack.staff("manager@demo.test").await;
    meter
        .check(
            "`GET /hotels/{hotel}/admin/requests`",
            "an admin's list of every department",
            &[("partition", 1)],
            get(&manager, "/hotels/demo/admin/requests"),
        )
        .await;
    meter
        .check(
            "`GET /hotels/{hotel}/admin/requests`",
            "STAFF's list of their department",
            &[("partition", 1)],
            get(&staff, "/hotels/demo/admin/requests"),
        )
        .await;
    meter
        .check(
            "`GET …/admin/requests/{id}`",
            "a request",
            &[],
            get(&staff, &format!("/hotels/demo/admin/requests/{request}")),
        )
        .await;
    meter
        .check(
            "`POST …/acknowledge`, `PATCH …`",
            "an acknowledgement",
            &[("recipient", 0)],
            post(
                &mut staff,
                &format!("/hotels/demo/admin/requests/{request}/acknowledge"),
                json!({}),
            ),
        )
        .await;
    meter
        .check(
            "`POST …/acknowledge`, `PATCH …`",
            "a new priority",
            &[("recipient", 0)],
            send(
                &mut manager,
                Method::PATCH,
                &format!("/hotels/demo/admin/requests/{request}"),
                json!({ "priority": "HIGH" }),
            ),
        )
        .await;
    let sam = stack.user("staff@demo.test").await.id;
    meter
        .check(
            "`POST …/acknowledge`, `PATCH …`",
            "an assignment, its assignee told",
            &[("recipient", 1)],
            send(
                &mut manager,
                Method::PATCH,
                &format!("/hotels/demo/admin/requests/{request}"),
                json!({ "assignee": sam }),
            ),
        )
        .await;
    meter
        .check(
            "`POST …/notes`",
            "a note",
            &[],
            post(
                &mut staff,
                &format!("/hotels/demo/admin/requests/{request}/notes"),
                json!({ "text": "On the way" }),
            ),
        )
        .await;
    meter
        .check(
            "`GET …/admin/dashboard`",
            "the dashboard",
            &[],
            get(&manager, "/hotels/demo/admin/dashboard"),
        )
        .await;
    meter
        .check(
            "`GET …/admin/exports/requests` (CSV, a response stream)",
            "the CSV export",
            &[("page", 1)],
            stream(
                &manager,
                "/hotels/demo/admin/exports/requests?status=NEW,ACKNOWLEDGED",
            ),
        )
        .await;
    meter
        .check(
            "`GET …/admin/exports/requests` (CSV, a response stream)",
            "one department's export",
            &[("page", 1)],
            stream(
                &manager,
                "/hotels/demo/admin/exports/requests?department=spa",
            ),
        )
        .await;
    meter
        .check(
            "`GET …/admin/stays`",
            "the hotel's stays",
            &[],
            get(&staff, "/hotels/demo/admin/stays"),
        )
        .await;

    // Notifications (STAFF of housekeeping has the one of the guest's request).
    let notices = meter
        .check(
            "`GET /notifications`",
            "STAFF's notifications",
            &[("hotel", 1)],
            get(&staff, "/notifications"),
        )
        .await;
    let unread = meter
        .check(
            "`GET /notifications/unread-count`",
            "their unread count",
            &[("hotel", 1)],
            get(&staff, "/notifications/unread-count"),
        )
        .await;
    let notice = id_of(&notices["items"][0]);
    meter
        .check(
            "`POST /notifications/{id}/read`",
            "one read",
            &[],
            post(
                &mut staff,
                &format!("/notifications/{notice}/read"),
                json!({}),
            ),
        )
        .await;
    let unread = unread["unread"]
        .as_u64()
        .expect("a count")
        .saturating_sub(1);
    meter
        .check(
            "`POST /notifications/read-all`",
            "all read",
            &[("hotel", unread.min(1)), ("unread", unread)],
            post(&mut staff, "/notifications/read-all", json!({})),
        )
        .await;

    // Push subscriptions.
    let endpoint = format!("{}/_local/push/round-trips", stack.origin());
    let subscribed = meter
        .check(
            "`POST /push/subscriptions`, `DELETE …/{id}`",
            "a subscription",
            &[],
            post(
                &mut guest,
                "/push/subscriptions",
                json!({ "endpoint": endpoint, "keys": { "p256dh": P256DH, "auth": AUTH } }),
            ),
        )
        .await;
    meter
        .check(
            "`POST /push/subscriptions`, `DELETE …/{id}`",
            "its removal",
            &[],
            delete(
                &guest,
                &format!("/push/subscriptions/{}", id_of(&subscribed)),
            ),
        )
        .await;

    // The hotel's administration.
    let mut admin = stack.staff("admin@demo.test").await;
    meter
        .check(
            "`PATCH …/admin/settings`, `POST …/admin/logo`",
            "settings",
            &[],
            send(
                &mut admin,
                Method::PATCH,
                "/hotels/demo/admin/settings",
                json!({ "default_stay_nights": 4 }),
            ),
        )
        .await;
    meter
        .check(
            "`PATCH …/admin/settings`, `POST …/admin/logo`",
            "a logo",
            &[],
            upload(&admin, "/hotels/demo/admin/logo"),
        )
        .await;
    meter
        .check(
            "`GET …/admin/departments`",
            "departments",
            &[],
            get(&manager, "/hotels/demo/admin/departments"),
        )
        .await;
    meter
        .check(
            "`POST …/admin/departments`",
            "a department",
            &[],
            post(
                &mut manager,
                "/hotels/demo/admin/departments",
                json!({ "slug": "garage", "name": "Garage", "response_sla_minutes": 10, "after_hours_sla_minutes": 20 }),
            ),
        )
        .await;
    meter
        .check(
            "`PATCH`/`DELETE …/admin/departments/{d}`",
            "a department renamed",
            &[],
            send(
                &mut manager,
                Method::PATCH,
                "/hotels/demo/admin/departments/garage",
                json!({ "name": "Parking" }),
            ),
        )
        .await;
    meter
        .check(
            "`GET …/admin/experiences`",
            "experiences",
            &[],
            get(&manager, "/hotels/demo/admin/experiences"),
        )
        .await;
    let new_experience = meter
        .check(
            "`POST …/admin/experiences`, `PATCH …/{id}`",
            "an experience",
            &[],
            post(
                &mut manager,
                "/hotels/demo/admin/experiences",
                json!({ "department": "garage", "name": "Valet" }),
            ),
        )
        .await;
    let new_experience = id_of(&new_experience);
    meter
        .check(
            "`POST …/admin/experiences`, `PATCH …/{id}`",
            "an experience renamed",
            &[],
            send(
                &mut manager,
                Method::PATCH,
                &format!("/hotels/demo/admin/experiences/{new_experience}"),
                json!({ "name": "Valet parking" }),
            ),
        )
        .await;
    meter
        .check(
            "`POST …/admin/experiences/{id}/image`",
            "its image",
            &[],
            upload(
                &manager,
                &format!("/hotels/demo/admin/experiences/{new_experience}/image"),
            ),
        )
        .await;
    meter
        .check(
            "`DELETE …/admin/experiences/{id}`",
            "an experience withdrawn",
            &[],
            delete(
                &manager,
                &format!("/hotels/demo/admin/experiences/{new_experience}"),
            ),
        )
        .await;
    meter
        .check(
            "`PATCH`/`DELETE …/admin/departments/{d}`",
            "a department closed",
            &[],
            delete(&manager, "/hotels/demo/admin/departments/garage"),
        )
        .await;
    meter
        .check(
            "`GET …/admin/members`",
            "members",
            &[],
            get(&manager, "/hotels/demo/admin/members"),
        )
        .await;
    let member = meter
        .check(
            "`POST …/admin/members`",
            "a new member",
            &[],
            post(
                &mut manager,
                "/hotels/demo/admin/members",
                json!({ "name": "Nia New", "phone": unique_phone(), "role": "STAFF", "departments": ["spa"] }),
            ),
        )
        .await;
    let member = member["user"]
        .as_str()
        .unwrap_or_else(|| panic!("a member's id in {member}"))
        .to_owned();
    meter
        .check(
            "`PATCH`/`DELETE …/admin/members/{user}`",
            "a member renamed",
            &[],
            send(
                &mut manager,
                Method::PATCH,
                &format!("/hotels/demo/admin/members/{member}"),
                json!({ "name": "Nia Newer" }),
            ),
        )
        .await;
    meter
        .check(
            "`GET …/admin/qr-codes`",
            "QR codes",
            &[],
            get(&manager, "/hotels/demo/admin/qr-codes"),
        )
        .await;
    let new_qr = meter
        .check(
            "`POST …/admin/qr-codes`",
            "a QR code",
            &[],
            post(
                &mut manager,
                "/hotels/demo/admin/qr-codes",
                json!({ "label": "Lobby", "location": "Lobby" }),
            ),
        )
        .await;
    let new_qr = new_qr["code"]
        .as_str()
        .unwrap_or_else(|| panic!("a code in {new_qr}"))
        .to_owned();
    meter
        .check(
            "`PATCH`/`DELETE …/admin/qr-codes/{qr}`, `GET …/image`",
            "a QR code relabelled",
            &[],
            send(
                &mut manager,
                Method::PATCH,
                &format!("/hotels/demo/admin/qr-codes/{new_qr}"),
                json!({ "label": "Lobby desk" }),
            ),
        )
        .await;
    meter
        .check(
            "`PATCH`/`DELETE …/admin/qr-codes/{qr}`, `GET …/image`",
            "its image",
            &[],
            get(
                &manager,
                &format!("/hotels/demo/admin/qr-codes/{new_qr}/image?format=png"),
            ),
        )
        .await;
    meter
        .check(
            "`PATCH`/`DELETE …/admin/qr-codes/{qr}`, `GET …/image`",
            "a QR code withdrawn",
            &[],
            delete(&manager, &format!("/hotels/demo/admin/qr-codes/{new_qr}")),
        )
        .await;
    meter
        .check(
            "`GET …/admin/audit`",
            "the audit log",
            &[],
            get(&admin, "/hotels/demo/admin/audit"),
        )
        .await;
    meter
        .check(
            "`PATCH …/admin/stays/{stay}`",
            "a stay ended, its one open request cancelled and its acknowledger told",
            &[("open", 1), ("recipient", 1)],
            send(
                &mut staff,
                Method::PATCH,
                &format!("/hotels/demo/admin/stays/{stay}"),
                json!({ "action": "end" }),
            ),
        )
        .await;

    // The platform operator.
    let mut operator = stack.staff("operator@demo.test").await;
    meter
        .check(
            "all hotels (`GET /operator/hotels`)",
            "every hotel, one page",
            &[("page", 1)],
            get(&operator, "/operator/hotels"),
        )
        .await;
    meter
        .check(
            "`POST /operator/hotels`",
            "a hotel with a new superadmin",
            &[],
            post(
                &mut operator,
                "/operator/hotels",
                json!({ "slug": "round-trips", "name": "Round Trips Inn", "timezone": "UTC", "superadmin": { "name": "Sue Super", "phone": unique_phone() } }),
            ),
        )
        .await;
    meter
        .check(
            "`PATCH /operator/hotels/{hotel}`",
            "a hotel changed",
            &[],
            send(
                &mut operator,
                Method::PATCH,
                "/operator/hotels/round-trips",
                json!({ "default_stay_nights": 2 }),
            ),
        )
        .await;

    // The rest, for their AWS calls: the other branches of routes counted above, routes not
    // counted, the streams, the webhook, the queues' consumers and the jobs.
    meter
        .record_refusal(
            "a path no route serves",
            404,
            function(
                routes::function_name(routes::FALLBACK),
                anonymous.get("/nowhere"),
            ),
        )
        .await;
    meter
        .record("the push key", get(&anonymous, "/push/vapid-public-key"))
        .await;
    meter
        .record("the operator's health", get(&operator, "/operator/health"))
        .await;
    stack.whatsapp_mode("fail").await;
    let mut by_sms = Browser::new(&stack);
    meter
        .record(
            "a code by SMS at once, WhatsApp down",
            post(
                &mut by_sms,
                "/auth/otp/send",
                json!({ "phone": unique_phone(), "qr": qr }),
            ),
        )
        .await;
    stack.whatsapp_mode("silent").await;

    // The guest's stay was ended above: another guest asks what stays open.
    let mut guest = stack.guest("demo", "102").await;
    meter
        .record(
            "a request with an Idempotency-Key",
            keyed(
                &guest,
                "round-trips-1",
                json!({ "department": "spa", "details": "A robe" }),
            ),
        )
        .await;
    meter
        .record_refusal(
            "a keyed request that fails, its key released",
            400,
            keyed(
                &guest,
                "round-trips-2",
                json!({ "department": "nowhere", "details": "A robe" }),
            ),
        )
        .await;
    let left_new = guest.ask("room-service").await;
    meter
        .record(
            "a guest's request as it changes",
            stream(&guest, &format!("/me/requests/{left_new}/events")),
        )
        .await;
    meter
        .record(
            "the hotel's activity",
            stream(&staff, "/hotels/demo/admin/events"),
        )
        .await;
    // The first guest's requests closed with their stay: this guest's moves on.
    let moving = guest.ask("housekeeping").await;
    let (status, body) = staff
        .post(
            &format!("/hotels/demo/admin/requests/{moving}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    meter
        .record(
            "a request moved on",
            send(
                &mut staff,
                Method::PATCH,
                &format!("/hotels/demo/admin/requests/{moving}"),
                json!({ "status": "IN_PROGRESS" }),
            ),
        )
        .await;

    // A new phone, proven by the code sent to it (a wrong one first).
    let new_phone = unique_phone();
    let (status, body) = guest
        .post(
            "/auth/otp/send",
            json!({ "phone": new_phone, "purpose": "new_phone" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let code = stack.last_code(&new_phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    meter
        .record_refusal(
            "a wrong code for a new phone",
            400,
            send(
                &mut guest,
                Method::PATCH,
                "/auth/profile",
                json!({ "phone": new_phone, "code": wrong }),
            ),
        )
        .await;
    meter
        .record(
            "a new phone",
            send(
                &mut guest,
                Method::PATCH,
                "/auth/profile",
                json!({ "phone": new_phone, "code": code }),
            ),
        )
        .await;

    // Web push to a subscription that works and one the push service says is gone.
    for name in ["round-trips-ok", "gone/round-trips"] {
        let endpoint = format!("{}/_local/push/{name}", stack.origin());
        let (status, body) = staff
            .post(
                "/push/subscriptions",
                json!({ "endpoint": endpoint, "keys": { "p256dh": P256DH, "auth": AUTH } }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    guest.ask("housekeeping").await;
    let runner = stack.runner.clone();
    meter
        .record(
            "a push, one subscription gone",
            function(consumer_of("PushQueue"), async move {
                match runner.poll_push_queue().await {
                    Ok(n) if n > 0 => (200, json!(n)),
                    other => (500, json!(format!("messages expected: {other:?}"))),
                }
            }),
        )
        .await;
    meter
        .record(
            "an unread notification read with the rest",
            post(&mut staff, "/notifications/read-all", json!({})),
        )
        .await;

    // Departments with escalation contacts, and one reopened.
    let sam = stack.user("staff@demo.test").await.id.to_string();
    meter
        .record(
            "a department with an escalation contact",
            post(
                &mut manager,
                "/hotels/demo/admin/departments",
                json!({ "slug": "valet", "name": "Valet", "response_sla_minutes": 10, "after_hours_sla_minutes": 20, "escalation_contacts": [sam] }),
            ),
        )
        .await;
    meter
        .record(
            "a department's escalation contacts",
            send(
                &mut manager,
                Method::PATCH,
                "/hotels/demo/admin/departments/valet",
                json!({ "escalation_contacts": [sam] }),
            ),
        )
        .await;
    meter
        .record(
            "a department reopened",
            send(
                &mut manager,
                Method::PATCH,
                "/hotels/demo/admin/departments/garage",
                json!({ "active": true }),
            ),
        )
        .await;

    // Members: a superadmin taken on, a managed account's phone and departments changed, and
    // members with live sessions deactivated either way.
    meter
        .record(
            "a superadmin taken on",
            post(
                &mut admin,
                "/hotels/demo/admin/members",
                json!({ "name": "Sol Super", "phone": unique_phone(), "role": "SUPERADMIN" }),
            ),
        )
        .await;
    meter
        .record(
            "a managed member's phone and departments",
            send(
                &mut manager,
                Method::PATCH,
                &format!("/hotels/demo/admin/members/{member}"),
                json!({ "phone": unique_phone(), "departments": ["spa"] }),
            ),
        )
        .await;
    let signed_in = [
        signed_in_member(&stack, &mut manager, "Lou Login").await,
        signed_in_member(&stack, &mut manager, "Dee Leaving").await,
    ];
    meter
        .record(
            "a signed-in member deactivated by a change",
            send(
                &mut manager,
                Method::PATCH,
                &format!("/hotels/demo/admin/members/{}", signed_in[0]),
                json!({ "active": false }),
            ),
        )
        .await;
    meter
        .record(
            "a signed-in member deactivated",
            delete(
                &manager,
                &format!("/hotels/demo/admin/members/{}", signed_in[1]),
            ),
        )
        .await;
    meter
        .record(
            "a member deactivated",
            delete(&manager, &format!("/hotels/demo/admin/members/{member}")),
        )
        .await;

    // A WhatsApp code Gupshup reports failed: the webhook sends the SMS itself.
    let failed_phone = unique_phone();
    let (status, body) = Browser::new(&stack)
        .post("/auth/otp/send", json!({ "phone": failed_phone, "qr": qr }))
        .await;
    assert_eq!(status, 200, "{body}");
    let message_id = stack
        .app
        .store
        .latest_otp(
            &Phone::parse(&failed_phone).expect("a phone"),
            &OtpScope::Hotel("demo".parse().expect("a slug")),
        )
        .await
        .expect("a read")
        .and_then(|otp| otp.provider_message_id)
        .expect("Gupshup's message id");
    let webhook = stack
        .http
        .post(stack.url("/webhooks/gupshup"))
        .header(
            gupshup::SECRET_HEADER,
            concierge_infra::LOCAL_WEBHOOK_SECRET,
        )
        .json(&json!({
            "app": "concierge", "timestamp": 1, "version": 2, "type": "message-event",
            "payload": { "id": format!("wamid.{message_id}"), "gsId": message_id, "type": "failed",
                         "destination": failed_phone.trim_start_matches('+'),
                         "payload": { "code": 1002, "reason": "undeliverable" } },
        }))
        .send();
    meter
        .record(
            "a failed WhatsApp message reported",
            function(
                function_of(&Method::POST, "/webhooks/gupshup"),
                async move { read(webhook.await.expect("request")).await },
            ),
        )
        .await;
    // A code nobody reports on: the fallback queue's consumer sends its SMS.
    let silent_phone = unique_phone();
    let (status, body) = Browser::new(&stack)
        .post("/auth/otp/send", json!({ "phone": silent_phone, "qr": qr }))
        .await;
    assert_eq!(status, 200, "{body}");
    let runner = stack.runner.clone();
    meter
        .record(
            "the SMS fallback's consumer",
            function(consumer_of("SmsFallbackQueue"), async move {
                match runner.poll_queue().await {
                    Ok(n) if n > 0 => (200, json!(n)),
                    other => (500, json!(format!("messages expected: {other:?}"))),
                }
            }),
        )
        .await;

    // The jobs, once there is work for each: a code to sweep, a request to remind its
    // department of, requests left to escalate and expire, a stay to end, a day to digest.
    let sweep_phone = unique_phone();
    let (status, body) = Browser::new(&stack)
        .post("/auth/otp/send", json!({ "phone": sweep_phone, "qr": qr }))
        .await;
    assert_eq!(status, 200, "{body}");
    clock.advance(SignedDuration::from_mins(2));
    meter
        .record("the OTP sweep", job(otp_sweep::JOB, stack.app))
        .await;
    let soon = clock.now() + SignedDuration::from_hours(3);
    let (status, body) = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": "Turndown", "requested_for": soon }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // Its reminder, while the booked time is still ahead.
    clock.advance(SignedDuration::from_mins(160));
    meter
        .record(
            "the reminder, ahead of a booking",
            job(reminder::JOB, stack.app),
        )
        .await;
    // The next morning in the hotel (the digest goes out from 08:00), then a day, then four.
    let lisbon = jiff::tz::TimeZone::get("Europe/Lisbon").expect("a zone");
    let tomorrow = clock
        .now()
        .to_zoned_datetime(lisbon.clone())
        .date()
        .tomorrow()
        .expect("a date");
    clock.set(
        tomorrow
            .at(9, 0, 0, 0)
            .to_zoned_datetime(lisbon)
            .expect("a time")
            .timestamp(),
    );
    for days in [0, 1, 4] {
        clock.advance(SignedDuration::from_hours(24 * days));
        for job_to_run in JOBS {
            meter
                .record(
                    &format!("{}, {days} days on", job_to_run.name),
                    job(job_to_run, stack.app),
                )
                .await;
        }
    }

    println!("| pattern | request | doc | calls | at most at once |");
    println!("|---|---|---|---|---|");
    for m in &meter.measured {
        let mut by_operation = BTreeMap::<&str, usize>::new();
        for operation in &m.operations {
            *by_operation.entry(operation).or_default() += 1;
        }
        println!(
            "| {} | {} | {} | {} {by_operation:?} | {} |",
            m.pattern,
            m.what,
            m.calls,
            m.operations.len(),
            m.most_in_flight
        );
    }
    for row in &meter.rows {
        let measured = meter.measured.iter().any(|m| m.pattern == row.pattern);
        let explained = NOT_MEASURED.iter().any(|(p, _)| *p == row.pattern);
        if !measured && !explained {
            meter.failures.push(format!(
                "`{}`: a documented access pattern that this test neither measures nor explains",
                row.pattern
            ));
        }
    }
    for (function, calls) in &meter.by_function {
        let operations: BTreeSet<String> = calls
            .iter()
            .map(|call| format!("{} {}", call.service, call.operation))
            .collect();
        println!("{function}: {operations:?}");
    }
    meter.failures.extend(undriven(&meter.by_function));
    meter
        .failures
        .extend(policy_problems(&meter.by_function, &Names::of(stack.app)));
    assert!(
        meter.failures.is_empty(),
        "\n{}\n",
        meter.failures.join("\n")
    );
}

/// Asks for something with an `Idempotency-Key`.
fn keyed<'a>(browser: &'a Browser, key: &str, body: Value) -> Req<'a> {
    let request = browser
        .request(Method::POST, "/hotels/demo/requests")
        .header("idempotency-key", key)
        .json(&body);
    Req {
        function: function_of(&Method::POST, "/hotels/demo/requests"),
        answer: Box::pin(async move { read(request.send().await.expect("request")).await }),
    }
}

/// A new STAFF member of the demo hotel who has signed in by code: their user id.
async fn signed_in_member(stack: &Stack, admin: &mut Browser, name: &str) -> String {
    let phone = unique_phone();
    let (status, created) = admin
        .post(
            "/hotels/demo/admin/members",
            json!({ "name": name, "phone": phone, "role": "STAFF", "departments": ["spa"] }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let mut member = Browser::new(stack);
    let (status, body) = member
        .post("/auth/otp/send", json!({ "phone": phone, "hotel": "demo" }))
        .await;
    assert_eq!(status, 200, "{body}");
    let code = stack.last_code(&phone).await;
    let (status, verified) = member
        .post(
            "/auth/otp/verify",
            json!({ "phone": phone, "code": code, "hotel": "demo" }),
        )
        .await;
    assert_eq!(status, 200, "{verified}");
    created["user"]
        .as_str()
        .expect("the member's id")
        .to_owned()
}

/// The function of the consumer of `queue`.
fn consumer_of(queue: &str) -> String {
    CONSUMERS
        .iter()
        .find(|consumer| consumer.queue == queue)
        .unwrap_or_else(|| panic!("no consumer of {queue}"))
        .function_name()
}

/// Functions this test does not drive, and why. None today: every route, stream, job and
/// consumer is reached above.
const NOT_DRIVEN: [(&str, &str); 0] = [];

/// Grants a function needs on a branch this test does not reach, and why.
const UNDRIVEN_GRANTS: [(&str, &str, &str, &str); 0] = [];

/// Every function of the deployment: the routes, the streams, the fallback, the jobs and the
/// consumers.
fn every_function() -> BTreeSet<String> {
    ROUTES
        .iter()
        .chain(STREAMS)
        .map(|route| route.function_name())
        .chain(std::iter::once(routes::function_name(routes::FALLBACK)))
        .chain(JOBS.iter().map(Job::function_name))
        .chain(CONSUMERS.iter().map(|consumer| consumer.function_name()))
        .collect()
}

/// A function neither driven nor named in `NOT_DRIVEN`, or named there for no reason.
fn undriven(by_function: &BTreeMap<String, Vec<Call>>) -> Vec<String> {
    let all = every_function();
    let mut problems = Vec::new();
    for function in &all {
        let driven = by_function.contains_key(function);
        let excused = NOT_DRIVEN.iter().any(|(name, _)| name == function);
        if !driven && !excused {
            problems.push(format!(
                "{function}: this test reaches no route, job or consumer of it; drive it, or name it in NOT_DRIVEN with the reason"
            ));
        }
        if driven && excused {
            problems.push(format!("{function}: driven, so take it out of NOT_DRIVEN"));
        }
    }
    for (name, _) in NOT_DRIVEN {
        if !all.contains(name) {
            problems.push(format!("NOT_DRIVEN names {name}, which is no function"));
        }
    }
    problems
}

/// Each driven function's policy against the calls it made.
fn policy_problems(by_function: &BTreeMap<String, Vec<Call>>, names: &Names) -> Vec<String> {
    let template = Template::load_workspace().expect("template.yaml");
    let mut problems = Vec::new();
    let mut excused_used = BTreeSet::new();
    for function in template.functions() {
        let Some(binary) = function.binary else {
            continue;
        };
        let Some(calls) = by_function.get(binary) else {
            continue;
        };
        let granted = match iam::granted(&function) {
            Ok(granted) => granted,
            Err(err) => {
                problems.push(format!("template.yaml: {err}"));
                continue;
            }
        };
        let mut needed: BTreeMap<Grant, BTreeSet<String>> = BTreeMap::new();
        for (action, resource) in iam::EVERY_FUNCTION {
            needed.insert(
                (action.to_owned(), resource.to_owned()),
                BTreeSet::from(["App::ready".to_owned()]),
            );
        }
        for call in calls {
            for grant in iam::needed(call, names) {
                needed
                    .entry(iam::comparable(grant))
                    .or_default()
                    .insert(format!("{} {}", call.service, call.operation));
            }
        }
        for ((action, resource), made_by) in &needed {
            if !granted.contains(&(action.clone(), resource.clone())) {
                problems.push(format!(
                    "template.yaml: {} needs {action} on {resource} (for {made_by:?}); grant it",
                    function.logical_id
                ));
            }
        }
        for (action, resource) in &granted {
            if needed.contains_key(&(action.clone(), resource.clone())) {
                continue;
            }
            let excuse = UNDRIVEN_GRANTS
                .iter()
                .find(|(f, a, r, _)| *f == binary && a == action && r == resource);
            match excuse {
                Some(excuse) => {
                    excused_used.insert(*excuse);
                }
                None => problems.push(format!(
                    "template.yaml: {} grants {action} on {resource}, which no call it made needs; remove it (or name the branch that needs it in UNDRIVEN_GRANTS)",
                    function.logical_id
                )),
            }
        }
    }
    for excuse in UNDRIVEN_GRANTS {
        if !excused_used.contains(&excuse) {
            problems.push(format!(
                "UNDRIVEN_GRANTS: {} {} on {} is needed by a call this test made, or not granted: take it out",
                excuse.0, excuse.1, excuse.2
            ));
        }
    }
    problems
}

/// A browser's real subscription keys (RFC 8291's example).
const P256DH: &str =
    "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
const AUTH: &str = "_ordMnz7uTCmrpBTeUV4Bw";
