//! SPEC §11, abuse of the login routes: SMS pumping bounded by budgets and countries, no
//! stranger on one network able to lock a member out from another, a whole hotel behind one
//! NAT, and password guessing spread over many networks.

use std::sync::Arc;

use concierge::clock::ManualClock;
use concierge::config::Rule;
use futures::future::join_all;
use futures::stream::{self, StreamExt};
use http::Method;
use serde_json::json;

use crate::support::{Browser, Stack, assert_error, unique_phone};

const STAFF_PHONE: &str = "+12025550103"; // staff@demo.test

#[tokio::test]
async fn sms_pumping_is_bounded_by_each_hotels_budget() {
    let stack = Stack::demo_with(
        |config| config.rate_limits.otp_send_per_hotel = vec![Rule::new(3, 3600)],
        |app| app,
    )
    .await;
    let qr = stack.demo_qr("demo", "101");
    let mut pumper = Browser::new(&stack);
    for _ in 0..3 {
        let (status, body) = pumper
            .post(
                "/auth/otp/send",
                json!({ "phone": unique_phone(), "qr": qr }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let victim = unique_phone();
    let spent = pumper
        .post("/auth/otp/send", json!({ "phone": victim, "qr": qr }))
        .await;
    assert_error(&spent, 429, "rate_limited");
    assert!(stack.outbox(&victim).await.is_empty());
    // Another hotel's budget is its own.
    let annex = stack.demo_qr("demo-annex", "101");
    let (status, _) = pumper
        .post(
            "/auth/otp/send",
            json!({ "phone": unique_phone(), "qr": annex }),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_platform_budget_holds_across_hotels() {
    let stack = Stack::demo_with(
        |config| config.rate_limits.otp_send_global = vec![Rule::new(2, 3600)],
        |app| app,
    )
    .await;
    let mut pumper = Browser::new(&stack);
    let mut statuses = Vec::new();
    for hotel in ["demo", "demo-annex", "demo"] {
        let qr = stack.demo_qr(hotel, "102");
        statuses.push(
            pumper
                .post(
                    "/auth/otp/send",
                    json!({ "phone": unique_phone(), "qr": qr }),
                )
                .await
                .0,
        );
    }
    assert_eq!(statuses, [200, 200, 429]);
}

#[tokio::test]
async fn guests_get_codes_only_on_phones_of_the_countries_their_hotel_accepts() {
    let stack = Stack::demo().await;
    let qr = stack.demo_qr("demo", "201");
    let mut guest = Browser::new(&stack);
    // The demo hotel is in Portugal; the local stack's default list adds the US and the UK.
    for accepted in ["+351 912 345 678", "+44 7400 123456", "+1 212 555 0142"] {
        let (status, body) = guest
            .post("/auth/otp/send", json!({ "phone": accepted, "qr": qr }))
            .await;
        assert_eq!(status, 200, "{accepted}: {body}");
    }
    let german = "+49 1512 3456789";
    let refused = guest
        .post("/auth/otp/send", json!({ "phone": german, "qr": qr }))
        .await;
    assert_error(&refused, 400, "invalid");
    assert!(refused.1["error"]["fields"]["phone"].is_string());
    assert!(stack.outbox("+4915123456789").await.is_empty());

    // The hotel names its own list: it replaces the default (its own country stays).
    let mut superadmin = stack.staff("admin@demo.test").await;
    let (status, hotel) = superadmin
        .send(
            Method::PATCH,
            "/hotels/demo/admin/settings",
            json!({ "accepted_countries": ["de", "DE"] }),
        )
        .await;
    assert_eq!(status, 200, "{hotel}");
    assert_eq!(hotel["accepted_countries"], json!(["DE"]));
    let mut statuses = Vec::new();
    for phone in [german, "+351 912 345 679", "+44 7400 123457"] {
        statuses.push(
            guest
                .post("/auth/otp/send", json!({ "phone": phone, "qr": qr }))
                .await
                .0,
        );
    }
    assert_eq!(statuses, [200, 200, 400]);
    let bad = superadmin
        .send(
            Method::PATCH,
            "/hotels/demo/admin/settings",
            json!({ "accepted_countries": ["XX"] }),
        )
        .await;
    assert_error(&bad, 400, "invalid");
}

#[tokio::test]
async fn a_stranger_on_another_network_cannot_lock_a_member_out() {
    let stack = Stack::demo_with(
        |config| config.rate_limits.otp_send_phone_ceiling = vec![Rule::new(6, 86_400)],
        |app| app,
    )
    .await;
    // The member has logged in from their own network before.
    let mut member = Browser::new(&stack);
    let (status, _) = member
        .post("/auth/otp/send", json!({ "phone": STAFF_PHONE }))
        .await;
    assert_eq!(status, 200);
    let code = stack.last_code(STAFF_PHONE).await;
    let (status, body) = member
        .post(
            "/auth/otp/verify",
            json!({ "phone": STAFF_PHONE, "code": code }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Strangers on three other networks ask for the member's codes until refused, and use
    // up the ceiling of codes to networks the phone never logged in from.
    for network in ["127.0.0.2", "127.0.0.3", "127.0.0.4"] {
        let mut stranger = Browser::on_network(&stack, network);
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(
                stranger
                    .post("/auth/otp/send", json!({ "phone": STAFF_PHONE }))
                    .await
                    .0,
            );
        }
        assert_eq!(statuses.last(), Some(&429), "{network}: {statuses:?}");
    }
    // The member, on their own network, still gets a code.
    let (status, body) = member
        .post("/auth/otp/send", json!({ "phone": STAFF_PHONE }))
        .await;
    assert_eq!(status, 200, "{body}");
    let code = stack.last_code(STAFF_PHONE).await;
    // A stranger's wrong guesses lock only the stranger's own tries of that code.
    let mut stranger = Browser::on_network(&stack, "127.0.0.2");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut guesses = Vec::new();
    for _ in 0..7 {
        let (_, body) = stranger
            .post(
                "/auth/otp/verify",
                json!({ "phone": STAFF_PHONE, "code": wrong }),
            )
            .await;
        guesses.push(body["error"]["code"].as_str().unwrap_or("").to_owned());
    }
    assert_eq!(
        guesses.last().map(String::as_str),
        Some("otp_locked"),
        "{guesses:?}"
    );
    let locked = stranger
        .post(
            "/auth/otp/verify",
            json!({ "phone": STAFF_PHONE, "code": code }),
        )
        .await;
    assert_error(&locked, 400, "otp_locked");
    let (status, body) = member
        .post(
            "/auth/otp/verify",
            json!({ "phone": STAFF_PHONE, "code": code }),
        )
        .await;
    assert_eq!(status, 200, "the member's own tries are whole: {body}");
}

#[tokio::test]
async fn two_hundred_guests_behind_one_hotel_address_all_log_in() {
    let stack = Stack::demo().await;
    let rooms = ["101", "102", "201", "Pool bar"];
    let guests = (0..200).map(|n| {
        let stack = &stack;
        let qr = stack.demo_qr("demo", rooms[n % rooms.len()]);
        async move {
            let mut guest = Browser::new(stack);
            let phone = unique_phone();
            let (status, body) = guest
                .post("/auth/otp/send", json!({ "phone": phone, "qr": qr }))
                .await;
            if status != 200 {
                return (status, body.to_string());
            }
            let code = stack.last_code(&phone).await;
            let (status, body) = guest
                .post(
                    "/auth/otp/verify",
                    json!({ "phone": phone, "code": code, "qr": qr, "name": "Guest" }),
                )
                .await;
            (status, body.to_string())
        }
    });
    let outcomes: Vec<_> = stream::iter(guests).buffer_unordered(8).collect().await;
    let refused: Vec<_> = outcomes
        .iter()
        .filter(|(status, _)| *status != 200)
        .collect();
    assert!(
        refused.is_empty(),
        "{} refused: {:?}",
        refused.len(),
        refused.first()
    );
    assert_eq!(outcomes.len(), 200);
}

#[tokio::test]
async fn password_guessing_spread_over_networks_is_slowed_per_account_not_for_codes() {
    // A clock that stands still: the guesses fall in one window of the per-account limit,
    // however slowly a loaded machine makes them (a real clock may cross a minute between).
    let clock = Arc::new(ManualClock::at(jiff::Timestamp::now()));
    let stack = Stack::demo_with(
        |_| {},
        move |mut app| {
            app.clock = clock;
            app
        },
    )
    .await;
    let guesses = (2..=8).map(|n| {
        let stack = &stack;
        async move {
            Browser::on_network(stack, &format!("127.0.0.{n}"))
                .post(
                    "/auth/token",
                    json!({ "email": "staff@demo.test", "password": format!("guess-{n}") }),
                )
                .await
                .0
        }
    });
    let statuses = join_all(guesses).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        2,
        "five guesses a minute per account, whatever the network: {statuses:?}"
    );
    let mut owner = Browser::new(&stack);
    let refused = owner
        .post(
            "/auth/token",
            json!({ "email": "staff@demo.test", "password": concierge_infra::demo::PASSWORD }),
        )
        .await;
    assert_error(&refused, 429, "rate_limited");
    // The owner logs in by code meanwhile.
    let (status, _) = owner
        .post("/auth/otp/send", json!({ "phone": STAFF_PHONE }))
        .await;
    assert_eq!(status, 200);
    let code = stack.last_code(STAFF_PHONE).await;
    let (status, body) = owner
        .post(
            "/auth/otp/verify",
            json!({ "phone": STAFF_PHONE, "code": code }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}
