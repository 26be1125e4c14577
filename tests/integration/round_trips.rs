//! DynamoDB round trips per route, counted where they happen: an interceptor on the store's
//! DynamoDB client sees every request the SDK transmits, so a store method that pages, batches
//! or retries counts what it really costs. Each route's count is compared with the "Calls"
//! column of the access-pattern table in `docs/data-model.md`, read from the document itself:
//! editing a figure there without changing the code (or the reverse) fails this test.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use concierge::store::dynamo::DynamoStore;
use concierge_infra::emulator::sdk_config;
use http::Method;
use serde_json::{Value, json};

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
    ("yesterday per hotel", "a job"),
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

#[derive(Debug, Default)]
struct Log {
    /// The operation of each request transmitted, in order.
    operations: Vec<String>,
    in_flight: usize,
    most_in_flight: usize,
}

/// Counts every request the DynamoDB client transmits (retries included), by operation, and
/// how many were in flight at once.
#[derive(Debug, Clone, Default)]
struct DynamoCalls(Arc<Mutex<Log>>);

impl DynamoCalls {
    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn reset(&self) {
        *self.lock() = Log::default();
    }
}

impl Intercept for DynamoCalls {
    fn name(&self) -> &'static str {
        "DynamoCalls"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // `X-Amz-Target: DynamoDB_20120810.GetItem`
        let operation = context
            .request()
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or("?")
            .to_owned();
        let mut log = self.lock();
        log.operations.push(operation);
        log.in_flight += 1;
        log.most_in_flight = log.most_in_flight.max(log.in_flight);
        Ok(())
    }

    fn read_after_transmit(
        &self,
        _: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let mut log = self.lock();
        log.in_flight = log.in_flight.saturating_sub(1);
        Ok(())
    }
}

/// A demo stack whose store's DynamoDB client reports to `calls`.
async fn counted_stack(calls: &DynamoCalls) -> Stack {
    let sdk = sdk_config(emulator()).await;
    let client = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk)
            .interceptor(calls.clone())
            .build(),
    );
    let stack = Stack::demo_with(
        |_| {},
        move |mut app| {
            app.store = Arc::new(DynamoStore::new(client, app.config.table_name.clone()));
            app
        },
    )
    .await;
    // Delivery reports would reach the webhook while other routes are being counted.
    stack.whatsapp_mode("silent").await;
    stack
}

/// What one request cost.
struct Measured {
    pattern: String,
    what: String,
    calls: String,
    operations: Vec<String>,
    most_in_flight: usize,
}

struct Meter {
    calls: DynamoCalls,
    rows: Vec<Row>,
    measured: Vec<Measured>,
    failures: Vec<String>,
}

impl Meter {
    /// Counts the calls of `request` (a request not yet sent) against the row `pattern`.
    async fn check(
        &mut self,
        pattern: &str,
        what: &str,
        names: &[(&str, u64)],
        request: impl Future<Output = (u16, Value)>,
    ) -> Value {
        let Some(row) = self.rows.iter().find(|row| row.pattern == pattern).cloned() else {
            self.failures
                .push(format!("no access-pattern row `{pattern}` (for {what})"));
            return request.await.1;
        };
        self.calls.reset();
        let (status, body) = request.await;
        let (operations, most_in_flight) = {
            let log = self.calls.lock();
            (log.operations.clone(), log.most_in_flight)
        };
        if !(200..300).contains(&status) {
            self.failures
                .push(format!("{what}: answered {status}: {body}"));
        }
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

/// Sends `body` (none for `Value::Null`) with `method` to `path`.
async fn call(browser: &Browser, method: Method, path: &str, body: Value) -> (u16, Value) {
    let request = browser.request(method, path);
    let request = if body.is_null() {
        request
    } else {
        request.json(&body)
    };
    read(request.send().await.expect("request")).await
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

async fn upload(browser: &Browser, path: &str) -> (u16, Value) {
    let request = browser
        .request(Method::POST, path)
        .header("content-type", "multipart/form-data; boundary=b")
        .body(tiny_png_form());
    read(request.send().await.expect("request")).await
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
    let calls = DynamoCalls::default();
    let stack = counted_stack(&calls).await;
    let mut meter = Meter {
        calls,
        rows: access_patterns(),
        measured: Vec::new(),
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
            anonymous.get("/hotels/demo"),
        )
        .await;
    meter
        .check(
            "`GET /hotels/{hotel}/departments`",
            "its departments",
            &[],
            anonymous.get("/hotels/demo/departments"),
        )
        .await;
    let listing = meter
        .check(
            "`GET /hotels/{hotel}/experiences`",
            "its experiences",
            &[],
            anonymous.get("/hotels/demo/experiences"),
        )
        .await;
    meter
        .check(
            "`… /experiences?department=d`",
            "one department's experiences",
            &[],
            anonymous.get("/hotels/demo/experiences?department=spa"),
        )
        .await;
    let experience = id_of(&listing["items"][0]);
    meter
        .check(
            "`GET /hotels/{hotel}/experiences/{id}`",
            "an experience",
            &[],
            anonymous.get(&format!("/hotels/demo/experiences/{experience}")),
        )
        .await;
    meter
        .check(
            "`GET /qr/{code}` (a scan)",
            "a scan",
            &[],
            anonymous.get(&format!("/qr/{qr}")),
        )
        .await;
    meter
        .check("`GET /health`", "health", &[], anonymous.get("/health"))
        .await;
    meter
        .check(
            "`GET /auth/csrf`",
            "a CSRF token",
            &[],
            anonymous.get("/auth/csrf"),
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
            first.post("/auth/otp/send", json!({ "phone": phone, "qr": qr })),
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
            guest.post("/auth/otp/verify", verify),
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
            by_code.post(
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
            staff.post(
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
            staff.post("/auth/token/refresh", json!({})),
        )
        .await;
    meter
        .check(
            "`GET /auth/profile`",
            "a staff member's profile",
            &[],
            staff.get("/auth/profile"),
        )
        .await;
    meter
        .check(
            "`PATCH /auth/profile`",
            "a new name",
            &[],
            staff.send(
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
            by_code.post("/auth/logout", json!({})),
        )
        .await;

    // The guest's requests. Housekeeping's request notifies its one member, STAFF (who has no
    // push subscription: the push queue's consumer reads that much and stops).
    let created = meter
        .check(
            "`POST /hotels/{hotel}/requests`",
            "a request of a department",
            &[("recipient", 1)],
            guest.post(
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
            async move {
                match runner.poll_push_queue().await {
                    Ok(1) => (200, Value::Null),
                    other => (500, json!(format!("one message expected: {other:?}"))),
                }
            },
        )
        .await;
    meter
        .check(
            "`GET /me/requests`",
            "the guest's requests",
            &[],
            guest.get("/me/requests"),
        )
        .await;
    meter
        .check(
            "`GET /me/requests/{id}`",
            "one of them",
            &[],
            guest.get(&format!("/me/requests/{request}")),
        )
        .await;
    let stays = meter
        .check(
            "`GET /me/stays`",
            "the guest's stays",
            &[],
            guest.get("/me/stays"),
        )
        .await;
    let stay = id_of(&stays["items"][0]);
    let second = guest.ask("spa").await;
    meter
        .check(
            "`POST /me/requests/{id}/cancel`",
            "a cancellation",
            &[],
            guest.post(&format!("/me/requests/{second}/cancel"), json!({})),
        )
        .await;

    // Staff at work.
    let mut manager = stack.staff("manager@demo.test").await;
    meter
        .check(
            "`GET /hotels/{hotel}/admin/requests`",
            "an admin's list of every department",
            &[("partition", 1)],
            manager.get("/hotels/demo/admin/requests"),
        )
        .await;
    meter
        .check(
            "`GET /hotels/{hotel}/admin/requests`",
            "STAFF's list of their department",
            &[("partition", 1)],
            staff.get("/hotels/demo/admin/requests"),
        )
        .await;
    meter
        .check(
            "`GET …/admin/requests/{id}`",
            "a request",
            &[],
            staff.get(&format!("/hotels/demo/admin/requests/{request}")),
        )
        .await;
    meter
        .check(
            "`POST …/acknowledge`, `PATCH …`",
            "an acknowledgement",
            &[],
            staff.post(
                &format!("/hotels/demo/admin/requests/{request}/acknowledge"),
                json!({}),
            ),
        )
        .await;
    meter
        .check(
            "`POST …/acknowledge`, `PATCH …`",
            "a new priority",
            &[],
            manager.send(
                Method::PATCH,
                &format!("/hotels/demo/admin/requests/{request}"),
                json!({ "priority": "HIGH" }),
            ),
        )
        .await;
    meter
        .check(
            "`POST …/notes`",
            "a note",
            &[],
            staff.post(
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
            manager.get("/hotels/demo/admin/dashboard"),
        )
        .await;
    meter
        .check(
            "`GET …/admin/stays`",
            "the hotel's stays",
            &[],
            staff.get("/hotels/demo/admin/stays"),
        )
        .await;

    // Notifications (STAFF of housekeeping has the one of the guest's request).
    let notices = meter
        .check(
            "`GET /notifications`",
            "STAFF's notifications",
            &[],
            staff.get("/notifications"),
        )
        .await;
    let unread = meter
        .check(
            "`GET /notifications/unread-count`",
            "their unread count",
            &[],
            staff.get("/notifications/unread-count"),
        )
        .await;
    let notice = id_of(&notices["items"][0]);
    meter
        .check(
            "`POST /notifications/{id}/read`",
            "one read",
            &[],
            staff.post(&format!("/notifications/{notice}/read"), json!({})),
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
            &[("unread", unread)],
            staff.post("/notifications/read-all", json!({})),
        )
        .await;

    // Push subscriptions.
    let endpoint = format!("{}/_local/push/round-trips", stack.origin());
    let subscribed = meter
        .check(
            "`POST /push/subscriptions`, `DELETE …/{id}`",
            "a subscription",
            &[],
            guest.post(
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
            call(
                &guest,
                Method::DELETE,
                &format!("/push/subscriptions/{}", id_of(&subscribed)),
                Value::Null,
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
            admin.send(
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
            manager.get("/hotels/demo/admin/departments"),
        )
        .await;
    meter
        .check(
            "`POST …/admin/departments`",
            "a department",
            &[],
            manager.post(
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
            manager.send(
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
            manager.get("/hotels/demo/admin/experiences"),
        )
        .await;
    let new_experience = meter
        .check(
            "`POST …/admin/experiences`, `PATCH …/{id}`",
            "an experience",
            &[],
            manager.post(
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
            manager.send(
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
            call(
                &manager,
                Method::DELETE,
                &format!("/hotels/demo/admin/experiences/{new_experience}"),
                Value::Null,
            ),
        )
        .await;
    meter
        .check(
            "`PATCH`/`DELETE …/admin/departments/{d}`",
            "a department closed",
            &[],
            call(
                &manager,
                Method::DELETE,
                "/hotels/demo/admin/departments/garage",
                Value::Null,
            ),
        )
        .await;
    meter
        .check(
            "`GET …/admin/members`",
            "members",
            &[],
            manager.get("/hotels/demo/admin/members"),
        )
        .await;
    let member = meter
        .check(
            "`POST …/admin/members`",
            "a new member",
            &[],
            manager.post(
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
            manager.send(
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
            manager.get("/hotels/demo/admin/qr-codes"),
        )
        .await;
    let new_qr = meter
        .check(
            "`POST …/admin/qr-codes`",
            "a QR code",
            &[],
            manager.post(
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
            manager.send(
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
            manager.get(&format!(
                "/hotels/demo/admin/qr-codes/{new_qr}/image?format=png"
            )),
        )
        .await;
    meter
        .check(
            "`PATCH`/`DELETE …/admin/qr-codes/{qr}`, `GET …/image`",
            "a QR code withdrawn",
            &[],
            call(
                &manager,
                Method::DELETE,
                &format!("/hotels/demo/admin/qr-codes/{new_qr}"),
                Value::Null,
            ),
        )
        .await;
    meter
        .check(
            "`PATCH …/admin/stays/{stay}`",
            "a stay ended",
            &[],
            staff.send(
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
            operator.get("/operator/hotels"),
        )
        .await;
    meter
        .check(
            "`POST /operator/hotels`",
            "a hotel with a new superadmin",
            &[],
            operator.post(
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
            operator.send(
                Method::PATCH,
                "/operator/hotels/round-trips",
                json!({ "default_stay_nights": 2 }),
            ),
        )
        .await;

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
    assert!(
        meter.failures.is_empty(),
        "\n{}\n",
        meter.failures.join("\n")
    );
}

/// A browser's real subscription keys (RFC 8291's example).
const P256DH: &str =
    "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
const AUTH: &str = "_ordMnz7uTCmrpBTeUV4Bw";
