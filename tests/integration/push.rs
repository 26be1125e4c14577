//! Web push: subscriptions (at most ten a user, the oldest replaced, under races too), where a
//! push may go (never a private, loopback or link-local address, at subscribe and at send, no
//! redirects), and delivery from the push queue, off the request path: a hanging push service
//! delays no request, a message delivered twice pushes once, a failed push comes back alone.
//! The push services are the local stand-in (`/_local/push/…`); names resolve through a table
//! where a test needs them to lead somewhere forbidden.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use concierge::delivery::destinations::{Lookup, Resolver};
use concierge::delivery::webpush::WebPush;
use concierge::ids::UserId;
use concierge::lambda::consume_batch;
use concierge::notifications::{Notification, NotificationKind};
use concierge::push::deliver::consume;
use concierge::push::{PushMessage, PushSubscription, Subscriptions, subscription_id};
use concierge::store::{PageRequest, Write};
use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::{Browser, Stack, assert_error, read};

/// A browser's real subscription keys (RFC 8291's example).
const P256DH: &str =
    "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
const AUTH: &str = "_ordMnz7uTCmrpBTeUV4Bw";

fn subscription_body(endpoint: &str) -> Value {
    json!({ "endpoint": endpoint, "expirationTime": null, "keys": { "p256dh": P256DH, "auth": AUTH } })
}

async fn subscribe(browser: &mut Browser, endpoint: &str) -> (u16, Value) {
    browser
        .post("/push/subscriptions", subscription_body(endpoint))
        .await
}

/// What the push stand-in received, oldest first.
async fn pushes(stack: &Stack) -> Vec<Value> {
    let response = stack
        .http
        .get(format!("{}/_local/pushes", stack.origin()))
        .send()
        .await
        .unwrap();
    read(response)
        .await
        .1
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The pushes that reached the stand-in's `path`.
async fn pushes_to(stack: &Stack, path: &str) -> Vec<Value> {
    let mut arrived = pushes(stack).await;
    arrived.retain(|push| push["path"] == path);
    arrived
}

async fn stand_in(stack: &Stack, method: http::Method, path: &str) -> Value {
    let url = format!("{}/_local/pushes/{path}", stack.origin());
    let response = stack.http.request(method, url).send().await.unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn user_id(stack: &Stack, email: &str) -> UserId {
    stack.user(email).await.id
}

/// Subscribes STAFF (housekeeping's one member) to the stand-in's `paths`, then has a guest
/// ask housekeeping for something: the notification STAFF got.
async fn notify_staff(stack: &Stack, paths: &[&str]) -> Notification {
    let mut staff = stack.staff("staff@demo.test").await;
    for path in paths {
        let endpoint = format!("{}/_local/push/{path}", stack.origin());
        assert_eq!(subscribe(&mut staff, &endpoint).await.0, 201);
    }
    stack.guest("demo", "101").await.ask("housekeeping").await;
    latest_notification(stack, user_id(stack, "staff@demo.test").await).await
}

async fn subscriptions(stack: &Stack, user: UserId) -> Subscriptions {
    stack.app.store.push_subscriptions(user).await.unwrap()
}

fn endpoints(subscriptions: &Subscriptions) -> Vec<String> {
    subscriptions
        .subscriptions
        .iter()
        .map(|s| s.endpoint.clone())
        .collect()
}

/// The newest notification of `user`.
async fn latest_notification(stack: &Stack, user: UserId) -> Notification {
    let page = stack
        .app
        .store
        .notifications(user, &PageRequest::default())
        .await
        .unwrap();
    page.items.into_iter().next().expect("a notification")
}

/// The push queue's message about `notice`, as Lambda hands it over.
fn message(notice: &Notification, copy: usize) -> SqsMessage {
    let mut message = SqsMessage::default();
    message.message_id = Some(format!("{}-{copy}", notice.id));
    message.body = Some(queued(notice));
    message
}

/// What the push queue carries for a notification.
fn queued(notice: &Notification) -> String {
    serde_json::to_string(&PushMessage {
        user: notice.recipient,
        notification: notice.id,
    })
    .unwrap()
}

/// Names resolve to what the test says, and can be made to resolve elsewhere later.
#[derive(Default)]
struct Table(Mutex<HashMap<String, Vec<IpAddr>>>);

impl Table {
    fn set(&self, host: &str, addresses: &[&str]) {
        let addresses = addresses.iter().map(|a| a.parse().unwrap()).collect();
        self.0.lock().unwrap().insert(host.to_owned(), addresses);
    }
}

impl Resolver for Table {
    fn lookup<'a>(&'a self, host: &'a str) -> Lookup<'a> {
        let found = self.0.lock().unwrap().get(host).cloned();
        Box::pin(async move {
            found.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such host"))
        })
    }
}

/// A demo stack configured as deployed (no loopback endpoints), whose push client resolves
/// names through `table`.
async fn guarded_stack(table: Arc<Table>) -> Stack {
    Stack::demo_with(
        |config| {
            config
                .push
                .as_mut()
                .expect("push settings")
                .allow_loopback_endpoints = false;
        },
        move |app| {
            let settings = app.config.push.clone().expect("push settings");
            let push = WebPush::with_resolver(
                &settings,
                &concierge::secrets::Secret::new(concierge_infra::LOCAL_VAPID_PRIVATE_KEY),
                table,
            )
            .expect("web push");
            app.with_push(Arc::new(push))
        },
    )
    .await
}

/// Names of each kind of forbidden address, and the address.
const FORBIDDEN: [(&str, &str); 14] = [
    ("loopback.test", "127.0.0.1"),
    ("loopback6.test", "::1"),
    ("private10.test", "10.0.0.8"),
    ("private172.test", "172.16.5.4"),
    ("private192.test", "192.168.1.20"),
    ("cgnat.test", "100.64.0.1"),
    ("link-local.test", "169.254.10.10"),
    ("metadata.test", "169.254.169.254"),
    ("metadata6.test", "fd00:ec2::254"),
    ("unique-local.test", "fc00::1"),
    ("link-local6.test", "fe80::1"),
    ("mapped.test", "::ffff:127.0.0.1"),
    ("mapped-metadata.test", "::ffff:169.254.169.254"),
    ("unspecified.test", "0.0.0.0"),
];

/// The same ranges written as the endpoint's host itself.
const FORBIDDEN_LITERALS: [&str; 8] = [
    "127.0.0.1",
    "[::1]",
    "10.0.0.8",
    "169.254.169.254",
    "100.64.0.1",
    "[fd00:ec2::254]",
    "[::ffff:127.0.0.1]",
    "[fe80::1]",
];

#[tokio::test]
async fn notifications_are_pushed_from_the_queue_encrypted_and_signed_and_gone_ones_forgotten() {
    let stack = Stack::demo().await;
    let (status, key) = stack.get("/push/vapid-public-key").await;
    assert_eq!(status, 200, "{key}");
    let vapid_key = key["key"].as_str().unwrap().to_owned();

    let mut staff = stack.staff("staff@demo.test").await;
    let working = format!("{}/_local/push/staff-laptop", stack.origin());
    let gone = format!("{}/_local/push/gone/staff-old-phone", stack.origin());
    let (status, first) = subscribe(&mut staff, &working).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        subscribe(&mut staff, &working).await.1,
        first,
        "same endpoint, same id"
    );
    assert_eq!(subscribe(&mut staff, &gone).await.0, 201);

    let mut guest = stack.guest("demo", "101").await;
    guest.ask("housekeeping").await;
    assert!(
        pushes(&stack).await.is_empty(),
        "the request pushed nothing itself"
    );

    // The push queue's consumer, through the local poller, as Lambda's would.
    assert_eq!(stack.runner.poll_push_queue().await.unwrap(), 1);
    let to_laptop = pushes_to(&stack, "/_local/push/staff-laptop").await;
    assert_eq!(to_laptop.len(), 1, "{to_laptop:?}");
    assert_eq!(to_laptop[0]["encoding"], "aes128gcm");
    let authorization = to_laptop[0]["authorization"].as_str().unwrap();
    assert!(authorization.starts_with("vapid t="), "{authorization}");
    assert!(
        authorization.ends_with(&format!("k={vapid_key}")),
        "{authorization}"
    );
    assert!(
        to_laptop[0]["bytes"].as_u64().unwrap() > 86,
        "header + ciphertext"
    );

    // The push service said 410 for the old phone: that subscription is gone, the other stays.
    let user = user_id(&stack, "staff@demo.test").await;
    assert_eq!(endpoints(&subscriptions(&stack, user).await), [working]);

    // Unsubscribing is the owner's, and idempotent.
    let path = format!("/push/subscriptions/{}", first["id"].as_str().unwrap());
    let (status, _) = guest.send(http::Method::DELETE, &path, Value::Null).await;
    assert_eq!(status, 204);
    assert_eq!(
        subscriptions(&stack, user).await.subscriptions.len(),
        1,
        "not the guest's to delete"
    );
    for _ in 0..2 {
        assert_eq!(
            staff.send(http::Method::DELETE, &path, Value::Null).await.0,
            204
        );
    }
    assert!(subscriptions(&stack, user).await.subscriptions.is_empty());
}

#[tokio::test]
async fn push_subscriptions_refuse_bad_input_and_strangers() {
    let stack = Stack::demo().await;
    let anonymous = Browser::new(&stack);
    let response = anonymous
        .request(http::Method::POST, "/push/subscriptions")
        .json(&subscription_body("https://push.example/x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let mut staff = stack.staff("staff@demo.test").await;
    stack.calls.reset();
    for endpoint in [
        "http://push.example/not-https",
        "http://10.0.0.8/_local/push/not-loopback",
        "file:///etc/passwd",
        "not a url",
    ] {
        let refused = subscribe(&mut staff, endpoint).await;
        assert_error(&refused, 400, "invalid");
    }
    let bad_keys = staff
        .post(
            "/push/subscriptions",
            json!({ "endpoint": "https://push.example/x", "keys": { "p256dh": "AAAA", "auth": AUTH } }),
        )
        .await;
    assert_error(&bad_keys, 400, "invalid");
    let bad_id = staff
        .send(
            http::Method::DELETE,
            "/push/subscriptions/not-an-id",
            Value::Null,
        )
        .await;
    assert_error(&bad_id, 400, "invalid");
    assert_eq!(stack.calls.total(), 0, "no store call at all");
}

#[tokio::test]
async fn endpoints_that_resolve_to_forbidden_addresses_are_refused_at_subscribe() {
    let table = Arc::new(Table::default());
    for (host, address) in FORBIDDEN {
        table.set(host, &[address]);
    }
    table.set("mixed.test", &["142.250.185.10", "10.0.0.1"]);
    table.set("push.test", &["142.250.185.10", "2a00:1450:4001:82b::200a"]);
    let stack = guarded_stack(table).await;
    let mut staff = stack.staff("staff@demo.test").await;
    stack.calls.reset();
    let hosts = FORBIDDEN
        .iter()
        .map(|(host, _)| *host)
        .chain(FORBIDDEN_LITERALS)
        .chain(["mixed.test", "localhost", "nowhere.test"]);
    for host in hosts {
        let refused = subscribe(&mut staff, &format!("https://{host}/push/abc")).await;
        assert_error(&refused, 400, "invalid");
        assert!(
            refused.1["error"]["fields"]["endpoint"].is_string(),
            "{host}: {}",
            refused.1
        );
    }
    assert_eq!(stack.calls.total(), 0, "nothing refused reached the store");
    // The local stand-in is loopback too: refused where loopback is not allowed.
    let local = subscribe(&mut staff, &format!("{}/_local/push/x", stack.origin())).await;
    assert_error(&local, 400, "invalid");

    let (status, body) = subscribe(&mut staff, "https://push.test/push/abc").await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn endpoints_that_resolve_to_forbidden_addresses_are_refused_at_send() {
    // Something listening on loopback, counting who connects: nothing may.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    let accepting = tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });

    let table = Arc::new(Table::default());
    // A name that is public when subscribed and rebinds to loopback before the push.
    table.set("rebound.test", &["142.250.185.10"]);
    let stack = guarded_stack(table.clone()).await;
    let mut staff = stack.staff("staff@demo.test").await;
    let rebound = format!("https://rebound.test:{port}/push/abc");
    let (status, body) = subscribe(&mut staff, &rebound).await;
    assert_eq!(status, 201, "{body}");
    table.set("rebound.test", &["127.0.0.1"]);

    // Every range, as names and as literals, written straight to the store as if they had
    // passed a check at subscribe time; ten at a time (the most a user has).
    let user = user_id(&stack, "staff@demo.test").await;
    let mut sent: Vec<String> = vec![rebound];
    for (host, address) in FORBIDDEN {
        table.set(host, &[address]);
        sent.push(format!("https://{host}:{port}/push/abc"));
    }
    sent.extend(
        FORBIDDEN_LITERALS
            .iter()
            .map(|literal| format!("https://{literal}:{port}/push/abc")),
    );
    let mut guest = stack.guest("demo", "101").await;
    for endpoints in sent.chunks(10) {
        let current = subscriptions(&stack, user).await;
        let stored = Subscriptions {
            user,
            version: current.version + 1,
            subscriptions: endpoints
                .iter()
                .map(|endpoint| PushSubscription {
                    id: subscription_id(endpoint),
                    endpoint: endpoint.clone(),
                    p256dh: P256DH.into(),
                    auth: AUTH.into(),
                    created_at: jiff::Timestamp::now(),
                })
                .collect(),
        };
        let write = Write::ReplacePushSubscriptions {
            subscriptions: &stored,
            previous_version: current.version,
        };
        stack.app.store.transact(&[write]).await.unwrap();
        guest.ask("housekeeping").await;
        let notice = latest_notification(&stack, user).await;
        // A connection attempt would fail and be retried; a refusal is settled at once.
        consume(stack.app, queued(&notice))
            .await
            .unwrap_or_else(|err| panic!("{endpoints:?}: refused, not tried: {err}"));
        assert!(
            subscriptions(&stack, user).await.subscriptions.is_empty(),
            "{endpoints:?}: refused endpoints are forgotten"
        );
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0, "nothing connected");
    accepting.abort();
}

#[tokio::test]
async fn a_redirecting_push_service_is_not_followed() {
    let stack = Stack::demo().await;
    let notice = notify_staff(&stack, &["redirect/elsewhere"]).await;
    let user = notice.recipient;

    let outcome = consume(stack.app, queued(&notice)).await;
    assert!(outcome.is_err(), "a redirect is a failed push: {outcome:?}");
    let answered = pushes_to(&stack, "/_local/push/redirect/elsewhere").await;
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0]["status"], 307);
    assert!(
        pushes_to(&stack, "/_local/push/elsewhere").await.is_empty(),
        "the redirect was not followed"
    );
    assert_eq!(
        subscriptions(&stack, user).await.subscriptions.len(),
        1,
        "kept: a failure is not a gone subscription"
    );
}

#[tokio::test]
async fn the_eleventh_subscription_replaces_the_oldest_also_under_twenty_concurrent_subscribes() {
    let stack = Stack::demo().await;
    let endpoint = |name: String| format!("{}/_local/push/{name}", stack.origin());
    let mut staff = stack.staff("staff@demo.test").await;
    let user = user_id(&stack, "staff@demo.test").await;
    for n in 0..11 {
        let (status, body) = subscribe(&mut staff, &endpoint(format!("browser-{n}"))).await;
        assert_eq!(status, 201, "{body}");
    }
    let expected: Vec<String> = (1..11).map(|n| endpoint(format!("browser-{n}"))).collect();
    assert_eq!(endpoints(&subscriptions(&stack, user).await), expected);
    // Subscribing again makes a browser the newest, without a second record.
    subscribe(&mut staff, &endpoint("browser-1".into())).await;
    let mut refreshed = expected[1..].to_vec();
    refreshed.push(endpoint("browser-1".into()));
    assert_eq!(endpoints(&subscriptions(&stack, user).await), refreshed);

    // Twenty browsers of one guest at once: every one is taken, ten remain.
    let guest = stack.guest("demo", "102").await;
    let answers = join_all((0..20).map(|n| {
        guest
            .request(http::Method::POST, "/push/subscriptions")
            .json(&subscription_body(&endpoint(format!("guest-{n}"))))
            .send()
    }))
    .await;
    for answer in answers {
        let (status, body) = read(answer.unwrap()).await;
        assert_eq!(status, 201, "{body}");
    }
    let profile = guest.get("/auth/profile").await.1;
    let guest_id: UserId = profile["user"]["id"].as_str().unwrap().parse().unwrap();
    let kept = subscriptions(&stack, guest_id).await;
    assert_eq!(kept.version, 20, "twenty changes, none lost");
    let mut distinct = endpoints(&kept);
    assert_eq!(distinct.len(), 10);
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 10, "no duplicates");

    // One browser subscribing five times at once is one subscription, the newest.
    let again = endpoint("guest-again".into());
    join_all((0..5).map(|_| {
        guest
            .request(http::Method::POST, "/push/subscriptions")
            .json(&subscription_body(&again))
            .send()
    }))
    .await;
    let after = endpoints(&subscriptions(&stack, guest_id).await);
    assert_eq!(after.len(), 10);
    assert_eq!(after.iter().filter(|e| **e == again).count(), 1);
    assert_eq!(after.last(), Some(&again));
}

#[tokio::test]
async fn a_hanging_push_service_does_not_delay_request_creation() {
    // The push client would wait ten minutes: only the queue keeps the guest from waiting.
    let stack = Stack::demo_with(
        |config| config.push.as_mut().expect("push").timeout = Duration::from_secs(600),
        |app| app,
    )
    .await;
    let mut staff = stack.staff("staff@demo.test").await;
    let phone = format!("{}/_local/push/staff-phone", stack.origin());
    assert_eq!(subscribe(&mut staff, &phone).await.0, 201);
    stand_in(&stack, http::Method::POST, "hold").await;

    // Lambda's poller, running all along.
    let runner = stack.runner.clone();
    let poller = tokio::spawn(async move {
        loop {
            let _ = runner.poll_push_queue().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });

    let mut guest = stack.guest("demo", "101").await;
    let created = tokio::spawn(async move {
        guest
            .post(
                "/hotels/demo/requests",
                json!({ "department": "housekeeping", "details": "Towels" }),
            )
            .await
    });
    // The push reaches the stand-in and hangs there...
    let mut held = 0;
    for _ in 0..300 {
        held = stand_in(&stack, http::Method::GET, "held").await["held"]
            .as_u64()
            .unwrap();
        if held > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(held, 1, "the push is waiting at the push service");
    // ...while the request has its answer (the bound only turns a hang into a failure).
    let (status, body) = tokio::time::timeout(Duration::from_secs(30), created)
        .await
        .expect("the request was answered while its push hung")
        .unwrap();
    assert_eq!(status, 201, "{body}");
    let still = stand_in(&stack, http::Method::GET, "held").await;
    assert_eq!(
        still["held"], 1,
        "still hanging when the guest had the answer"
    );
    assert!(pushes(&stack).await.is_empty());

    stand_in(&stack, http::Method::POST, "release").await;
    let mut arrived = Vec::new();
    for _ in 0..100 {
        arrived = pushes_to(&stack, "/_local/push/staff-phone").await;
        if !arrived.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(arrived.len(), 1, "delivered once released");
    assert_eq!(arrived[0]["status"], 201);
    poller.abort();
}

#[tokio::test]
async fn one_push_message_delivered_ten_times_pushes_once() {
    let stack = Stack::demo().await;
    let notice = notify_staff(&stack, &["staff-laptop"]).await;

    let outcomes = join_all((0..10).map(|_| consume(stack.app, queued(&notice)))).await;
    assert!(outcomes.iter().any(Result::is_ok), "{outcomes:?}");
    // Copies that found the claim held failed, to come back later; then nothing is left to do.
    for _ in 0..10 {
        consume(stack.app, queued(&notice)).await.unwrap();
    }
    assert_eq!(
        pushes_to(&stack, "/_local/push/staff-laptop").await.len(),
        1
    );
}

#[tokio::test]
async fn the_consumer_reports_partial_batch_failures_and_a_retry_pushes_only_what_failed() {
    let stack = Stack::demo().await;
    let mut staff = stack.staff("staff@demo.test").await;
    let laptop = format!("{}/_local/push/staff-laptop", stack.origin());
    let phone = format!("{}/_local/push/fail/staff-phone", stack.origin());
    assert_eq!(subscribe(&mut staff, &laptop).await.0, 201);
    assert_eq!(subscribe(&mut staff, &phone).await.0, 201);
    let mut guest = stack.guest("demo", "101").await;
    let tablet = format!("{}/_local/push/guest-tablet", stack.origin());
    assert_eq!(subscribe(&mut guest, &tablet).await.0, 201);
    let request_id = guest.ask("housekeeping").await;

    let staff_id = user_id(&stack, "staff@demo.test").await;
    let to_staff = latest_notification(&stack, staff_id).await;
    let request = stack
        .app
        .store
        .request(request_id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let to_guest = Notification::new(
        request.guest,
        &request,
        NotificationKind::RequestUpdated,
        "Seen".into(),
        "Your request was seen".into(),
        jiff::Timestamp::now(),
    );
    stack
        .app
        .store
        .transact(&[Write::InsertNotification(&to_guest)])
        .await
        .unwrap();

    let batch = |copy: usize| {
        let mut batch = SqsEvent::default();
        batch.records = vec![message(&to_staff, copy), message(&to_guest, copy)];
        batch
    };
    let answer = consume_batch(stack.app, batch(0), consume).await;
    let failed: Vec<&str> = answer
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, [format!("{}-0", to_staff.id)], "only the staff's");
    assert_eq!(
        pushes_to(&stack, "/_local/push/guest-tablet").await.len(),
        1
    );
    assert_eq!(
        pushes_to(&stack, "/_local/push/staff-laptop").await.len(),
        1
    );

    // The failed message comes back (its claim was released): only the phone is tried again.
    let again = consume_batch(stack.app, batch(1), consume).await;
    assert_eq!(again.batch_item_failures.len(), 1);
    assert_eq!(
        pushes_to(&stack, "/_local/push/fail/staff-phone")
            .await
            .len(),
        2
    );
    assert_eq!(
        pushes_to(&stack, "/_local/push/staff-laptop").await.len(),
        1
    );
    assert_eq!(
        pushes_to(&stack, "/_local/push/guest-tablet").await.len(),
        1
    );
    assert_eq!(subscriptions(&stack, staff_id).await.subscriptions.len(), 2);
}
