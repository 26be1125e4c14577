//! Accounts and sessions: one-time codes, password login, refresh rotation, logout, CSRF,
//! rate limits, delivery faults. Everything goes through the local API over HTTP.

use std::sync::Arc;

use concierge::clock::ManualClock;
use concierge::config::Rule;
use concierge::delivery::sns::SnsSms;
use concierge::hotels::{Contact, TimeZoneName};
use concierge::ids::{QrCode, SessionId};
use concierge::operator::{self, NewHotel, NewStaff};
use concierge::otp::{DeliveryStatus, OtpScope};
use concierge::qr::QrCodeRecord;
use concierge::secrets::{Secret, SecretStore, Secrets};
use concierge::session::tokens::{self, Claims, TokenType};
use concierge::store::Write;
use concierge::users::{Email, Phone};
use futures::future::join_all;
use http::Method;
use serde_json::{Value, json};

use crate::support::{Browser, Fault, ORIGIN, Stack, assert_error, read, unique_phone};

/// Sends a guest code for room `room` of `hotel` and returns it as the guest would read it.
async fn guest_code(
    stack: &Stack,
    browser: &mut Browser,
    phone: &str,
    hotel: &str,
    room: &str,
) -> String {
    let qr = stack.demo_qr(hotel, room);
    let (status, body) = browser
        .post("/auth/otp/send", json!({ "phone": phone, "qr": qr }))
        .await;
    assert_eq!(status, 200, "{body}");
    stack.last_code(phone).await
}

async fn verify(
    browser: &mut Browser,
    stack: &Stack,
    phone: &str,
    code: &str,
    hotel: &str,
    room: &str,
) -> (u16, Value) {
    let qr = stack.demo_qr(hotel, room);
    browser
        .post(
            "/auth/otp/verify",
            json!({ "phone": phone, "code": code, "qr": qr, "name": "Alex" }),
        )
        .await
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_guest_logs_in_from_a_room_code_and_gets_a_stay() {
    let stack = Stack::demo().await;
    let mut browser = Browser::new(&stack);
    let phone = unique_phone();
    let code = guest_code(&stack, &mut browser, &phone, "demo", "101").await;
    let sent = stack.outbox(&phone).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["channel"], "whatsapp");

    let (status, body) = verify(&mut browser, &stack, &phone, &code, "demo", "101").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["kind"], "GUEST");
    assert_eq!(body["user"]["name"], "Alex");
    assert_eq!(body["user"]["phone"], phone);
    assert_eq!(body["stay"]["location"], "101");
    assert_eq!(body["stay"]["hotel"], "demo");
    assert!(body["csrf_token"].is_string());

    let (status, me) = browser.get("/auth/profile").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["id"], body["user"]["id"]);

    // The code is single use.
    let again = verify(&mut browser, &stack, &phone, &code, "demo", "101").await;
    assert_error(&again, 400, "otp_used");
    assert!(
        again.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Request a new code")
    );
}

#[tokio::test]
async fn auth_answers_are_never_cached_and_cookies_carry_their_attributes() {
    let stack = Stack::demo().await;
    let response = stack
        .http
        .post(stack.url("/auth/token"))
        .json(&json!({ "email": "admin@demo.test", "password": "concierge-demo" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let cookies = set_cookies(&response);
    let find = |name: &str| {
        cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .cloned()
            .unwrap()
    };
    let access = find("access_token");
    assert!(
        access.contains("HttpOnly")
            && access.contains("SameSite=Lax")
            && access.contains("Path=/api")
    );
    assert!(
        access.contains("Max-Age=600"),
        "access tokens live at most 15 minutes: {access}"
    );
    let refresh = find("refresh_token");
    assert!(
        refresh.contains("HttpOnly")
            && refresh.contains("SameSite=Strict")
            && refresh.contains("Path=/api/v1/auth")
    );
    let csrf = find("csrftoken");
    assert!(!csrf.contains("HttpOnly") && csrf.contains("SameSite=Strict"));
    // The local stack serves plain http; deployments keep Secure (the default).
    assert!(!access.contains("Secure"));
}

#[tokio::test]
async fn a_hundred_concurrent_verifies_of_one_code_log_in_once() {
    let stack = Stack::demo_with(
        |config| config.rate_limits.otp_verify_per_phone = vec![Rule::new(1000, 600)],
        |app| app,
    )
    .await;
    let mut sender = Browser::new(&stack);
    let phone = unique_phone();
    let code = guest_code(&stack, &mut sender, &phone, "demo", "102").await;
    let qr = stack.demo_qr("demo", "102");
    let attempts = (0..100).map(|_| {
        let url = stack.url("/auth/otp/verify");
        let body = json!({ "phone": phone, "code": code, "qr": qr });
        let http = stack.http.clone();
        async move { read(http.post(url).json(&body).send().await.unwrap()).await }
    });
    let answers = join_all(attempts).await;
    let winners = answers.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(
        winners,
        1,
        "{:?}",
        answers.iter().filter(|a| a.0 != 400).collect::<Vec<_>>()
    );
    for (status, body) in answers.iter().filter(|(status, _)| *status != 200) {
        assert_eq!(*status, 400, "{body}");
        assert_eq!(body["error"]["code"], "otp_used", "{body}");
    }
    let user = stack
        .app
        .store
        .user_by_phone(&Phone::parse(&phone).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stack.app.store.stays_of(user.id).await.unwrap().len(), 1);
}

/// A hotel `slug` (with a superadmin of its own) and a room "101" with its QR code.
async fn hotel_with_a_room(stack: &Stack, slug: &str) -> QrCode {
    let (store, clock) = (stack.app.store.as_ref(), stack.app.clock.as_ref());
    let hotel = NewHotel {
        slug: slug.parse().unwrap(),
        name: format!("Hotel {slug}"),
        timezone: TimeZoneName::parse("Europe/Lisbon").unwrap(),
        contact: Contact::default(),
        default_stay_nights: 2,
    };
    let superadmin = NewStaff {
        name: "Sofia".into(),
        phone: Phone::parse(&unique_phone()).unwrap(),
        email: Some(Email::parse(&format!("admin@{slug}.test")).unwrap()),
        password_hash: None,
        is_operator: false,
    };
    operator::create_hotel(store, clock, hotel, superadmin)
        .await
        .unwrap();
    let room = QrCodeRecord {
        hotel: slug.parse().unwrap(),
        code: QrCode::generate(),
        label: "101 door".into(),
        location: "101".into(),
        active: true,
        scan_count: 0,
        created_at: clock.now(),
    };
    store.transact(&[Write::InsertQrCode(&room)]).await.unwrap();
    room.code
}

#[tokio::test]
async fn twenty_concurrent_first_logins_of_one_phone_make_one_user() {
    let stack = Stack::demo_with(
        |config| {
            let plenty = vec![Rule::new(1000, 600)];
            config.rate_limits.otp_send_per_phone = plenty.clone();
            config.rate_limits.otp_send_phone_ceiling = plenty.clone();
            config.rate_limits.otp_verify_per_phone = plenty;
        },
        |app| app,
    )
    .await;
    // One new phone with a live code in each of twenty hotels (a code is per phone and
    // hotel), all verified at the same moment.
    let mut rooms = vec![
        stack.demo_qr("demo", "201"),
        stack.demo_qr("demo-annex", "201"),
    ];
    for n in 0..18 {
        rooms.push(hotel_with_a_room(&stack, &format!("race-{n}")).await);
    }
    let phone = unique_phone();
    let mut sender = Browser::new(&stack);
    let mut codes = Vec::new();
    for qr in &rooms {
        let (status, body) = sender
            .post("/auth/otp/send", json!({ "phone": phone, "qr": qr }))
            .await;
        assert_eq!(status, 200, "{body}");
        codes.push(stack.last_code(&phone).await);
    }
    let logins = rooms.iter().zip(&codes).map(|(qr, code)| {
        let request = stack
            .http
            .post(stack.url("/auth/otp/verify"))
            .json(&json!({ "phone": phone, "code": code, "qr": qr, "name": "Alex" }));
        async move { read(request.send().await.unwrap()).await }
    });
    let answers = join_all(logins).await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "every login succeeds: {body}");
    }
    let distinct = |pointer: &str| -> std::collections::BTreeSet<String> {
        answers
            .iter()
            .map(|(_, body)| body.pointer(pointer).unwrap_or(&Value::Null).to_string())
            .collect()
    };
    let user = stack
        .app
        .store
        .user_by_phone(&Phone::parse(&phone).unwrap())
        .await
        .unwrap()
        .expect("the phone's user");
    assert_eq!(
        distinct("/user/id"),
        [json!(user.id.to_string()).to_string()].into(),
        "one phone, one user"
    );
    assert_eq!(distinct("/stay/hotel").len(), 20, "a stay in each hotel");
    assert_eq!(stack.app.store.stays_of(user.id).await.unwrap().len(), 20);
}

#[tokio::test]
async fn a_code_for_one_hotel_never_logs_into_another_and_is_not_used_up_trying() {
    let stack = Stack::demo().await;
    let mut browser = Browser::new(&stack);
    let phone = unique_phone();
    let code = guest_code(&stack, &mut browser, &phone, "demo", "101").await;
    let elsewhere = verify(&mut browser, &stack, &phone, &code, "demo-annex", "101").await;
    assert_error(&elsewhere, 400, "otp_invalid");
    let (status, body) = verify(&mut browser, &stack, &phone, &code, "demo", "101").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn five_wrong_tries_kill_a_code() {
    let stack = Stack::demo().await;
    let mut browser = Browser::new(&stack);
    let phone = unique_phone();
    let code = guest_code(&stack, &mut browser, &phone, "demo", "101").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        assert_error(
            &verify(&mut browser, &stack, &phone, wrong, "demo", "101").await,
            400,
            "otp_invalid",
        );
    }
    assert_error(
        &verify(&mut browser, &stack, &phone, wrong, "demo", "101").await,
        400,
        "otp_locked",
    );
    let right_but_late = verify(&mut browser, &stack, &phone, &code, "demo", "101").await;
    assert_error(&right_but_late, 400, "otp_locked");
    assert!(
        right_but_late.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Request a new code")
    );
}

#[tokio::test]
async fn a_code_expires_after_five_minutes() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let mut browser = Browser::new(&stack);
    let phone = unique_phone();
    let code = guest_code(&stack, &mut browser, &phone, "demo", "101").await;
    clock.advance(jiff::SignedDuration::from_secs(5 * 60 + 1));
    let late = verify(&mut browser, &stack, &phone, &code, "demo", "101").await;
    assert_error(&late, 400, "otp_expired");
}

#[tokio::test]
async fn failed_preconditions_leave_the_code_usable() {
    let stack = Stack::demo().await;
    let mut browser = Browser::new(&stack);
    let phone = unique_phone();
    let code = guest_code(&stack, &mut browser, &phone, "demo", "101").await;

    // An unknown QR code: nothing to log into, and the code survives.
    let unknown = browser
        .post(
            "/auth/otp/verify",
            json!({ "phone": phone, "code": code, "qr": concierge::ids::QrCode::generate() }),
        )
        .await;
    assert_error(&unknown, 404, "not_found");
    // A QR code of another hotel than the one named.
    let mismatch = browser
        .post(
            "/auth/otp/verify",
            json!({ "phone": phone, "code": code, "qr": stack.demo_qr("demo", "101"), "hotel": "demo-annex" }),
        )
        .await;
    assert_error(&mismatch, 400, "invalid");

    let (status, body) = verify(&mut browser, &stack, &phone, &code, "demo", "101").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn otp_verify_refusals_are_controlled_and_unexpected_failures_opaque() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let mut browser = Browser::new(&stack);
    let guest = unique_phone();
    let code = guest_code(&stack, &mut browser, &guest, "demo", "101").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };

    // A wrong code and a phone no code was sent to get one answer: it tells nobody whether
    // a phone has a code, and says what to do.
    let wrong_code = verify(&mut browser, &stack, &guest, wrong, "demo", "101").await;
    assert_error(&wrong_code, 400, "otp_invalid");
    assert!(
        wrong_code.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("request a new code"),
        "{}",
        wrong_code.1
    );
    let unknown_phone = verify(&mut browser, &stack, &unique_phone(), wrong, "demo", "101").await;
    assert_eq!(unknown_phone, wrong_code);
    // Staff logins likewise: a staff member's wrong code, and a phone that is nobody's staff
    // account (its send answered as for a member and sent nothing).
    let staff_phone = "+12025550103";
    let stranger = unique_phone();
    for phone in [staff_phone, stranger.as_str()] {
        let (status, body) = browser
            .post("/auth/otp/send", json!({ "phone": phone }))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let staff_code = stack.last_code(staff_phone).await;
    let staff_wrong = if staff_code == "000000" {
        "111111"
    } else {
        "000000"
    };
    for phone in [staff_phone, stranger.as_str()] {
        let answer = browser
            .post(
                "/auth/otp/verify",
                json!({ "phone": phone, "code": staff_wrong }),
            )
            .await;
        assert_eq!(answer, wrong_code, "{phone}");
    }

    // Unexpected failures of the table are a 503 that says nothing of the cause, at each
    // step of a verify, and leave the code usable.
    let opaque = json!({ "error": {
        "code": "unavailable", "message": "The service is busy. Try again shortly." } });
    let steps: [(&str, Fault); 3] = [
        ("a rate limit", |c| c.is("UpdateItem", "RATE#")),
        ("reading the code", |c| c.is("Query", "OTP#")),
        ("using the code", |c| c.operation == "TransactWriteItems"),
    ];
    for (step, fault) in steps {
        stack.calls.fail(Some(fault));
        let failed = verify(&mut browser, &stack, &guest, &code, "demo", "101").await;
        stack.calls.fail(None);
        assert_eq!(failed, (503, opaque.clone()), "{step}");
    }

    let (status, body) = verify(&mut browser, &stack, &guest, &code, "demo", "101").await;
    assert_eq!(status, 200, "no failure above used the code up: {body}");

    // A code past its five minutes says so, and what to do.
    let late = unique_phone();
    let late_code = guest_code(&stack, &mut browser, &late, "demo", "101").await;
    clock.advance(jiff::SignedDuration::from_secs(5 * 60 + 1));
    let expired = verify(&mut browser, &stack, &late, &late_code, "demo", "101").await;
    assert_eq!(
        expired,
        (
            400,
            json!({ "error": {
                "code": "otp_expired", "message": "That code has expired. Request a new code." } })
        )
    );
}

#[tokio::test]
async fn a_disabled_account_is_told_so_and_keeps_its_code() {
    let stack = Stack::demo().await;
    let mut browser = Browser::new(&stack);
    let phone = unique_phone();
    let code = guest_code(&stack, &mut browser, &phone, "demo", "101").await;
    assert_eq!(
        verify(&mut browser, &stack, &phone, &code, "demo", "101")
            .await
            .0,
        200
    );

    let store = stack.app.store.as_ref();
    let guest = store
        .user_by_phone(&Phone::parse(&phone).unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut disabled = guest.clone();
    disabled.active = false;
    disabled.updated_at = jiff::Timestamp::now();
    store
        .transact(&[Write::ReplaceUser {
            user: &disabled,
            previous: &guest,
        }])
        .await
        .unwrap();

    let code = guest_code(&stack, &mut browser, &phone, "demo", "101").await;
    let refused = verify(&mut browser, &stack, &phone, &code, "demo", "101").await;
    assert_error(&refused, 403, "account_disabled");
    assert_eq!(refused.1["error"]["message"], "Account is disabled.");

    let mut enabled = disabled.clone();
    enabled.active = true;
    enabled.updated_at = jiff::Timestamp::now();
    store
        .transact(&[Write::ReplaceUser {
            user: &enabled,
            previous: &disabled,
        }])
        .await
        .unwrap();
    let (status, body) = verify(&mut browser, &stack, &phone, &code, "demo", "101").await;
    assert_eq!(
        status, 200,
        "the refused attempt did not use the code up: {body}"
    );
}

#[tokio::test]
async fn staff_log_in_by_code_only_where_they_are_members() {
    let stack = Stack::demo().await;
    let mut browser = Browser::new(&stack);
    let staff_phone = "+12025550103"; // staff@demo.test, member of demo only
    // A code for a hotel they are no member of goes nowhere, though the answer is the same.
    let (status, nowhere) = browser
        .post(
            "/auth/otp/send",
            json!({ "phone": staff_phone, "hotel": "demo-annex" }),
        )
        .await;
    assert_eq!(status, 200, "{nowhere}");
    assert!(stack.outbox(staff_phone).await.is_empty());
    let (status, sent) = browser
        .post(
            "/auth/otp/send",
            json!({ "phone": staff_phone, "hotel": "demo" }),
        )
        .await;
    assert_eq!((status, &sent), (200, &nowhere));
    let code = stack.last_code(staff_phone).await;

    // Their membership ends before they verify: refused, and the code is not used up (F23).
    let store = stack.app.store.as_ref();
    let staff = store
        .user_by_phone(&Phone::parse(staff_phone).unwrap())
        .await
        .unwrap()
        .unwrap();
    let demo = "demo".parse().unwrap();
    let membership = store.membership(&demo, staff.id).await.unwrap().unwrap();
    let mut ended = membership.clone();
    ended.active = false;
    ended.updated_at = jiff::Timestamp::now();
    store
        .transact(&[Write::ReplaceMembership {
            membership: &ended,
            previous: &membership,
        }])
        .await
        .unwrap();
    let refused = browser
        .post(
            "/auth/otp/verify",
            json!({ "phone": staff_phone, "code": code, "hotel": "demo" }),
        )
        .await;
    assert_error(&refused, 403, "not_a_member");
    let mut back = ended.clone();
    back.active = true;
    back.updated_at = jiff::Timestamp::now();
    store
        .transact(&[Write::ReplaceMembership {
            membership: &back,
            previous: &ended,
        }])
        .await
        .unwrap();
    let (status, body) = browser
        .post(
            "/auth/otp/verify",
            json!({ "phone": staff_phone, "code": code, "hotel": "demo" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["kind"], "STAFF");
    assert!(body["stay"].is_null());

    // Without a hotel: staff accounts only, and nothing goes to anyone else's phone.
    let guest_phone = unique_phone();
    let (status, _) = browser
        .post("/auth/otp/send", json!({ "phone": guest_phone }))
        .await;
    assert_eq!(status, 200);
    assert!(stack.outbox(&guest_phone).await.is_empty());
    let no_staff = browser
        .post(
            "/auth/otp/verify",
            json!({ "phone": guest_phone, "code": "123456" }),
        )
        .await;
    assert_error(&no_staff, 400, "otp_invalid");
}

#[tokio::test]
async fn a_known_and_an_unknown_phone_get_the_same_answer() {
    let stack = Stack::demo().await;
    let mut browser = Browser::new(&stack);
    let known = browser
        .post("/auth/otp/send", json!({ "phone": "+12025550101" }))
        .await;
    let stranger = unique_phone();
    let unknown = browser
        .post("/auth/otp/send", json!({ "phone": stranger }))
        .await;
    assert_eq!(known, unknown);
    assert_eq!(stack.outbox("+12025550101").await.len(), 1);
    assert!(
        stack.outbox(&stranger).await.is_empty(),
        "a phone that is no staff member's gets nothing"
    );
    assert_eq!(
        known.1,
        json!({ "sent": true, "channel": "WHATSAPP", "expires_in": 300 })
    );
}

#[tokio::test]
async fn bad_send_and_verify_bodies_are_clear_400s_that_write_nothing() {
    let stack = Stack::demo().await;
    let mut browser = Browser::new(&stack);
    let cases = [
        (
            "/auth/otp/send",
            json!({ "phone": "07911 123456" }),
            "phone",
        ),
        ("/auth/otp/send", json!({ "phone": "+44 12" }), "phone"),
        (
            "/auth/otp/send",
            json!({ "phone": 447911123456u64 }),
            "phone",
        ),
        (
            "/auth/otp/send",
            json!({ "phone": "+447911123456", "hotel": "Bad Slug" }),
            "hotel",
        ),
        (
            "/auth/otp/send",
            json!({ "phone": "+447911123456", "qr": "short" }),
            "qr",
        ),
        (
            "/auth/otp/verify",
            json!({ "phone": "+447911123456", "code": "12345" }),
            "code",
        ),
        (
            "/auth/otp/verify",
            json!({ "phone": "+447911123456", "code": "12345a" }),
            "code",
        ),
        ("/auth/otp/verify", json!({ "phone": "+447911123456" }), ""),
    ];
    for (path, body, field) in cases {
        let got = browser.post(path, body.clone()).await;
        assert_eq!(got.0, 400, "{path} {body}: {}", got.1);
        if !field.is_empty() {
            assert!(
                got.1["error"]["fields"][field].is_string(),
                "{path} {body}: {}",
                got.1
            );
        }
    }
    let unknown_field = browser
        .post(
            "/auth/otp/send",
            json!({ "phone": "+447911123456", "admin": true }),
        )
        .await;
    assert_error(&unknown_field, 400, "invalid");
    let not_json = browser
        .request(Method::POST, "/auth/otp/send")
        .header("content-type", "application/json")
        .body("{\"phone\":")
        .send()
        .await
        .unwrap();
    assert_error(&read(not_json).await, 400, "invalid");
    let text = browser
        .request(Method::POST, "/auth/otp/send")
        .header("content-type", "text/plain")
        .body("phone")
        .send()
        .await
        .unwrap();
    assert_error(&read(text).await, 415, "unsupported_media_type");
    let huge = browser
        .request(Method::POST, "/auth/otp/send")
        .json(&json!({ "phone": "x".repeat(100_000) }))
        .send()
        .await
        .unwrap();
    assert_error(&read(huge).await, 413, "payload_too_large");
    assert_eq!(stack.calls.total(), 0, "nothing was read or written");
}

#[tokio::test]
async fn whatsapp_down_sends_the_code_by_sms_at_once() {
    let stack = Stack::demo().await;
    stack.whatsapp_mode("fail").await;
    let mut browser = Browser::new(&stack);
    let phone = unique_phone();
    let qr = stack.demo_qr("demo", "101");
    let (status, body) = browser
        .post("/auth/otp/send", json!({ "phone": phone, "qr": qr }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["channel"], "SMS");
    let sent = stack.outbox(&phone).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["channel"], "sms");
    let code = stack.last_code(&phone).await;
    assert_eq!(
        verify(&mut browser, &stack, &phone, &code, "demo", "101")
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn whatsapp_timing_out_falls_back_to_sms_within_its_timeout() {
    let stack = Stack::demo().await;
    stack.whatsapp_mode("timeout").await;
    let mut browser = Browser::new(&stack);
    let phone = "+12025550102".to_owned(); // manager@demo.test
    let started = std::time::Instant::now();
    let (status, body) = browser
        .post("/auth/otp/send", json!({ "phone": phone }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["channel"], "SMS");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "bounded by the Gupshup timeout"
    );
}

#[tokio::test]
async fn every_channel_down_is_a_502_and_still_counts() {
    // SMS through SNS at a closed port: the real SDK, failing to connect.
    let dead_sns = concierge_infra::emulator::sdk_config("http://127.0.0.1:9").await;
    // A clock that stands still: the three sends fall in one window of the limit, however
    // slowly a loaded machine makes them (a real clock may cross the window's edge between).
    let clock = Arc::new(ManualClock::at(jiff::Timestamp::now()));
    let stack = Stack::demo_with(
        |config| config.rate_limits.otp_send_per_phone = vec![Rule::new(2, 600)],
        move |mut app| {
            app.clock = clock;
            app.with_sms(Arc::new(SnsSms::new(
                aws_sdk_sns::Client::new(&dead_sns),
                None,
            )))
        },
    )
    .await;
    stack.whatsapp_mode("fail").await;
    let mut browser = Browser::new(&stack);
    let phone = "+12025550103".to_owned(); // staff@demo.test
    for _ in 0..2 {
        let failed = browser
            .post("/auth/otp/send", json!({ "phone": phone }))
            .await;
        assert_error(&failed, 502, "bad_gateway");
        assert!(
            failed.1["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Request a new code")
        );
    }
    // The failed sends were kept (burned) and counted: the third is refused by the limit.
    let limited = browser
        .post("/auth/otp/send", json!({ "phone": phone }))
        .await;
    assert_error(&limited, 429, "rate_limited");
    let kept = stack
        .app
        .store
        .latest_otp(&Phone::parse(&phone).unwrap(), &OtpScope::Staff)
        .await
        .unwrap()
        .expect("the failed send's record is kept");
    assert_eq!(kept.delivery_status, DeliveryStatus::Failed);
    assert!(kept.used, "a code that reached nobody can never be used");
}

#[tokio::test]
async fn send_limits_hold_under_concurrency() {
    let stack = Stack::with_config(|config| {
        config.rate_limits.otp_send_per_phone = vec![Rule::new(3, 600)];
    })
    .await;
    let phone = unique_phone();
    let sends = (0..12).map(|_| {
        let http = stack.http.clone();
        let url = stack.url("/auth/otp/send");
        let phone = phone.clone();
        async move {
            http.post(url)
                .json(&json!({ "phone": phone }))
                .send()
                .await
                .unwrap()
        }
    });
    let responses = join_all(sends).await;
    let mut accepted = 0;
    for response in responses {
        match response.status().as_u16() {
            200 => accepted += 1,
            429 => {
                let wait: u64 = response.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=600).contains(&wait));
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(accepted, 3);
}

/// Headers a client sets to claim an address (F39, F43).
const FORGED: [&str; 7] = [
    "x-forwarded-for",
    "x-real-ip",
    "forwarded",
    "cf-connecting-ip",
    "true-client-ip",
    "x-client-ip",
    "x-originating-ip",
];

/// The sample API Gateway event of `POST /auth/otp/send`, from `source_ip`, carrying every
/// forged header with `forged`, asking a code for `phone`.
fn raw_send_event(source_ip: Option<&str>, forged: &str, phone: &str) -> Value {
    let sample = concierge_infra::emulator::workspace_dir().join("events/auth-otp-send.json");
    let mut event: Value = serde_json::from_str(&std::fs::read_to_string(sample).unwrap()).unwrap();
    for header in FORGED {
        event["headers"][header] = json!(forged);
    }
    match source_ip {
        Some(ip) => event["requestContext"]["http"]["sourceIp"] = json!(ip),
        None => {
            event["requestContext"]["http"]
                .as_object_mut()
                .unwrap()
                .remove("sourceIp");
        }
    }
    event["body"] = json!(json!({ "phone": phone }).to_string());
    event
}

/// The status `POST /auth/otp/send`'s handler answers `event` with, invoked as Lambda invokes it.
async fn send_raw(app: &'static concierge::App, event: Value) -> u16 {
    let (index, _) = concierge::routes::find("POST", "/api/v1/auth/otp/send").unwrap();
    let request = lambda_http::request::from_str(&event.to_string()).unwrap();
    let response = concierge::http::respond(concierge::routes::HANDLERS[index](app, request).await);
    response.status().as_u16()
}

#[test]
fn the_client_ip_is_api_gateways_source_ip_never_a_header() {
    for forged in ["203.0.113.1", "198.51.100.9, 203.0.113.1", "for=192.0.2.60"] {
        let event = raw_send_event(Some("198.51.100.7"), forged, "+12125550100");
        let request = lambda_http::request::from_str(&event.to_string()).unwrap();
        assert_eq!(concierge::http::client_ip(&request, None), "198.51.100.7");
    }
    // Without a source address the caller is unknown, whatever the headers claim.
    let event = raw_send_event(None, "203.0.113.1", "+12125550100");
    let request = lambda_http::request::from_str(&event.to_string()).unwrap();
    assert_eq!(concierge::http::client_ip(&request, None), "unknown");
}

/// The local API sets `X-Forwarded-For` to the connection's address itself, so a test through
/// it cannot tell a handler that reads the header from one that reads the request context:
/// this one invokes the handler with raw API Gateway events.
#[tokio::test]
async fn the_per_ip_limit_counts_the_source_ip_whatever_the_headers_claim() {
    let stack = Stack::with_config(|config| {
        config.rate_limits.otp_send_per_ip = vec![Rule::new(2, 3600)];
    })
    .await;
    let send = |source: &'static str, forged: &'static str| {
        send_raw(
            stack.app,
            raw_send_event(Some(source), forged, &unique_phone()),
        )
    };
    let mut statuses = Vec::new();
    for forged in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        statuses.push(send("198.51.100.7", forged).await);
    }
    assert_eq!(
        statuses,
        [200, 200, 429],
        "forged headers do not reset the limit"
    );
    // Another source address has its own limit, though it claims the first one's.
    assert_eq!(send("198.51.100.8", "198.51.100.7").await, 200);
}

/// Behind the site's distribution every request's source is a CloudFront edge: the viewer's
/// address counts, but only on a request that carries the origin secret the distribution adds.
#[tokio::test]
async fn behind_the_site_each_viewer_has_its_own_limit_and_only_the_site_names_the_viewer() {
    let stack = Stack::with_config(|config| {
        config.rate_limits.otp_send_per_ip = vec![Rule::new(2, 3600)];
        let mut secrets = Secrets::new(concierge_infra::LOCAL_SECRET).unwrap();
        secrets.origin_secret = Some(Secret::new("the-site-origin-secret"));
        config.secrets = SecretStore::given(secrets);
    })
    .await;
    let edge = "130.176.0.10";
    let send = |viewer: &'static str, origin: &'static str| {
        let mut event = raw_send_event(Some(edge), edge, &unique_phone());
        event["headers"]["cloudfront-viewer-address"] = json!(viewer);
        event["headers"]["x-concierge-origin"] = json!(origin);
        send_raw(stack.app, event)
    };
    let site = "the-site-origin-secret";
    // Guests at two hotels' rooms reach the same edge: each has a limit of their own.
    for viewer in [
        "198.51.100.7:40001",
        "198.51.100.7:40002",
        "2001:db8::7:40003",
    ] {
        assert_eq!(send(viewer, site).await, 200, "{viewer}");
    }
    assert_eq!(send("198.51.100.7:40004", site).await, 429);
    assert_eq!(send("2001:db8::7:40005", site).await, 200);
    // Straight to the API, without the secret, a viewer address is the client's word: the
    // source counts, and a new claimed viewer does not get a new limit.
    for forged in ["203.0.113.1:1", "203.0.113.2:1"] {
        assert_eq!(send(forged, "guessed").await, 200);
    }
    assert_eq!(send("203.0.113.3:1", "").await, 429);
}

#[tokio::test]
async fn the_per_ip_limit_holds_under_concurrency() {
    let stack = Stack::with_config(|config| {
        config.rate_limits.otp_send_per_ip = vec![Rule::new(3, 3600)];
    })
    .await;
    let sends = (0..12).map(|_| {
        let request = stack
            .http
            .post(stack.url("/auth/otp/send"))
            .json(&json!({ "phone": unique_phone() }));
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = join_all(sends).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        3,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn verify_limits_hold_under_concurrency() {
    let stack = Stack::with_config(|config| {
        config.rate_limits.otp_verify_per_phone = vec![Rule::new(4, 600)];
    })
    .await;
    let phone = unique_phone();
    let tries = (0..10).map(|_| {
        let http = stack.http.clone();
        let url = stack.url("/auth/otp/verify");
        let body = json!({ "phone": phone, "code": "123456" });
        async move {
            read(http.post(url).json(&body).send().await.unwrap())
                .await
                .0
        }
    });
    let statuses = join_all(tries).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        6,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn password_login_refuses_blank_wrong_and_disabled() {
    let stack = Stack::demo().await;
    let mut browser = Browser::new(&stack);
    let blank = browser
        .post(
            "/auth/token",
            json!({ "email": "   ", "password": "concierge-demo" }),
        )
        .await;
    assert_error(&blank, 400, "invalid");
    assert!(blank.1["error"]["fields"]["email"].is_string());
    let no_password = browser
        .post(
            "/auth/token",
            json!({ "email": "admin@demo.test", "password": "" }),
        )
        .await;
    assert!(no_password.1["error"]["fields"]["password"].is_string());
    let wrong = browser
        .post(
            "/auth/token",
            json!({ "email": "admin@demo.test", "password": "concierge-dem0" }),
        )
        .await;
    assert_error(&wrong, 403, "invalid_credentials");
    let unknown = browser
        .post(
            "/auth/token",
            json!({ "email": "nobody@demo.test", "password": "concierge-demo" }),
        )
        .await;
    assert_eq!(
        unknown, wrong,
        "an unknown email looks like a wrong password"
    );
    let (status, body) = browser
        .post(
            "/auth/token",
            json!({ "email": "  ADMIN@Demo.Test ", "password": "concierge-demo" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "admin@demo.test");

    let store = stack.app.store.as_ref();
    let user = store
        .user_by_email(&Email::parse("manager@demo.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut disabled = user.clone();
    disabled.active = false;
    disabled.updated_at = jiff::Timestamp::now();
    store
        .transact(&[Write::ReplaceUser {
            user: &disabled,
            previous: &user,
        }])
        .await
        .unwrap();
    let refused = browser
        .post(
            "/auth/token",
            json!({ "email": "manager@demo.test", "password": "concierge-demo" }),
        )
        .await;
    assert_error(&refused, 403, "account_disabled");
    let guessing = browser
        .post(
            "/auth/token",
            json!({ "email": "manager@demo.test", "password": "wrong-password" }),
        )
        .await;
    assert_error(&guessing, 403, "invalid_credentials");
}

#[tokio::test]
async fn password_login_attempts_are_limited_per_ip_and_email() {
    let stack = Stack::with_config(|config| {
        config.rate_limits.password_login = vec![Rule::new(3, 900)];
        config.rate_limits.password_login_per_account = vec![Rule::new(1000, 900)];
    })
    .await;
    let tries = (0..8).map(|_| {
        let http = stack.http.clone();
        let url = stack.url("/auth/token");
        async move {
            read(
                http.post(url)
                    .json(&json!({ "email": "x@demo.test", "password": "whatever-it-is" }))
                    .send()
                    .await
                    .unwrap(),
            )
            .await
            .0
        }
    });
    let statuses = join_all(tries).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
}

/// A staff browser logged in with email and password.
async fn logged_in(stack: &Stack, email: &str) -> Browser {
    let mut browser = Browser::new(stack);
    let (status, body) = browser
        .post(
            "/auth/token",
            json!({ "email": email, "password": "concierge-demo" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    browser
}

#[tokio::test]
async fn refresh_rotates_and_a_replayed_token_revokes_the_session() {
    let stack = Stack::demo_with(
        |config| config.sessions.reuse_grace = std::time::Duration::ZERO,
        |app| app,
    )
    .await;
    let mut browser = logged_in(&stack, "admin@demo.test").await;
    let old_refresh = cookie(&stack, &browser, "refresh_token");

    let (status, body) = browser.post("/auth/token/refresh", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let new_refresh = cookie(&stack, &browser, "refresh_token");
    assert_ne!(old_refresh, new_refresh);

    // Someone replays the old token: refused, and the whole session dies with it.
    let replay = stack
        .http
        .post(stack.url("/auth/token/refresh"))
        .header("origin", ORIGIN)
        .header(
            "cookie",
            format!(
                "refresh_token={old_refresh}; csrftoken={}",
                browser.csrf.clone().unwrap()
            ),
        )
        .header("x-csrftoken", browser.csrf.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_error(&read(replay).await, 401, "unauthenticated");
    let after = browser.post("/auth/token/refresh", json!({})).await;
    assert_error(&after, 401, "unauthenticated");
}

/// The value of a cookie the browser would send to the refresh route.
fn cookie(stack: &Stack, browser: &Browser, name: &str) -> String {
    browser
        .cookie(&stack.url("/auth/token/refresh"), name)
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

#[tokio::test]
async fn a_refresh_racing_within_the_grace_window_is_refused_without_revoking() {
    let stack = Stack::demo().await;
    let mut browser = logged_in(&stack, "admin@demo.test").await;
    let old_refresh = cookie(&stack, &browser, "refresh_token");
    assert_eq!(browser.post("/auth/token/refresh", json!({})).await.0, 200);
    let csrf = browser.csrf.clone().unwrap();
    let late_twin = stack
        .http
        .post(stack.url("/auth/token/refresh"))
        .header("origin", ORIGIN)
        .header(
            "cookie",
            format!("refresh_token={old_refresh}; csrftoken={csrf}"),
        )
        .header("x-csrftoken", &csrf)
        .send()
        .await
        .unwrap();
    assert_error(&read(late_twin).await, 401, "unauthenticated");
    let (status, body) = browser.post("/auth/token/refresh", json!({})).await;
    assert_eq!(status, 200, "the winner's session survives: {body}");
}

#[tokio::test]
async fn fifty_concurrent_refreshes_of_one_token_succeed_once_and_the_winner_stays_signed_in() {
    let stack = Stack::demo().await;
    let browser = logged_in(&stack, "manager@demo.test").await;
    let refresh = cookie(&stack, &browser, "refresh_token");
    let csrf = browser.csrf.clone().unwrap();
    let attempts = (0..50).map(|_| {
        let request = stack
            .http
            .post(stack.url("/auth/token/refresh"))
            .header("origin", ORIGIN)
            .header(
                "cookie",
                format!("refresh_token={refresh}; csrftoken={csrf}"),
            )
            .header("x-csrftoken", &csrf);
        async move {
            let response = request.send().await.unwrap();
            let cookies = set_cookies(&response);
            (read(response).await, cookies)
        }
    });
    let answers = join_all(attempts).await;
    let (winners, losers): (Vec<_>, Vec<_>) =
        answers.iter().partition(|((status, _), _)| *status == 200);
    assert_eq!(winners.len(), 1, "{answers:?}");
    for (answer, cookies) in &losers {
        assert_error(answer, 401, "unauthenticated");
        let issued = |c: &&String| {
            ["access_token=", "refresh_token="]
                .iter()
                .any(|name| c.strip_prefix(name).is_some_and(|v| !v.starts_with(';')))
        };
        assert!(
            !cookies.iter().any(|c| issued(&c)),
            "a loser gets no session: {cookies:?}"
        );
    }
    // The winner's new tokens work: the access token signs in, and the refresh token is the
    // family's current one (the losers' late copies did not revoke the session).
    let value = |name: &str| {
        winners[0]
            .1
            .iter()
            .find_map(|c| c.strip_prefix(&format!("{name}=")))
            .and_then(|c| c.split(';').next())
            .unwrap_or_else(|| panic!("the winner got no {name}"))
            .to_owned()
    };
    let (access, next_refresh) = (value("access_token"), value("refresh_token"));
    let profile = stack
        .http
        .get(stack.url("/auth/profile"))
        .header("cookie", format!("access_token={access}"))
        .send()
        .await
        .unwrap();
    let (status, me) = read(profile).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["email"], "manager@demo.test");
    let again = stack
        .http
        .post(stack.url("/auth/token/refresh"))
        .header("origin", ORIGIN)
        .header(
            "cookie",
            format!("refresh_token={next_refresh}; csrftoken={csrf}"),
        )
        .header("x-csrftoken", &csrf)
        .send()
        .await
        .unwrap();
    let (status, body) = read(again).await;
    assert_eq!(status, 200, "the winner's session lives on: {body}");
}

#[tokio::test]
async fn refresh_refuses_a_deactivated_user() {
    let stack = Stack::demo().await;
    let mut browser = logged_in(&stack, "staff@demo.test").await;
    let store = stack.app.store.as_ref();
    let user = store
        .user_by_email(&Email::parse("staff@demo.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut disabled = user.clone();
    disabled.active = false;
    disabled.updated_at = jiff::Timestamp::now();
    store
        .transact(&[Write::ReplaceUser {
            user: &disabled,
            previous: &user,
        }])
        .await
        .unwrap();
    assert_error(
        &browser.post("/auth/token/refresh", json!({})).await,
        401,
        "unauthenticated",
    );
}

#[tokio::test]
async fn logout_revokes_the_session_and_clears_its_cookies() {
    let stack = Stack::demo().await;
    let browser = logged_in(&stack, "admin@demo.test").await;
    let refresh = cookie(&stack, &browser, "refresh_token");
    let csrf = browser.csrf.clone().unwrap();
    let response = browser
        .request(Method::POST, "/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let cleared = set_cookies(&response);
    for name in ["access_token", "refresh_token", "csrftoken"] {
        assert!(
            cleared
                .iter()
                .any(|c| c.starts_with(&format!("{name}=;")) && c.contains("Max-Age=0")),
            "{cleared:?}"
        );
    }
    // The refresh token kept by someone else no longer works.
    let stolen = stack
        .http
        .post(stack.url("/auth/token/refresh"))
        .header("origin", ORIGIN)
        .header(
            "cookie",
            format!("refresh_token={refresh}; csrftoken={csrf}"),
        )
        .header("x-csrftoken", &csrf)
        .send()
        .await
        .unwrap();
    assert_error(&read(stolen).await, 401, "unauthenticated");
}

#[tokio::test]
async fn cookie_authenticated_changes_need_the_sessions_own_csrf_pair_and_a_trusted_origin() {
    let stack = Stack::demo().await;
    let browser = logged_in(&stack, "admin@demo.test").await;
    let token = browser.csrf.clone().unwrap();
    let patch = |origin: Option<&str>, csrf: Option<&str>| {
        let mut request = browser
            .http
            .patch(stack.url("/auth/profile"))
            .json(&json!({ "name": "Ana Updated" }));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(csrf) = csrf {
            request = request.header("x-csrftoken", csrf);
        }
        async move { read(request.send().await.unwrap()).await }
    };
    assert_error(&patch(Some(ORIGIN), None).await, 403, "csrf_failed");
    assert_error(
        &patch(Some(ORIGIN), Some("forged.token")).await,
        403,
        "csrf_failed",
    );
    let other_session =
        concierge::session::csrf::token(stack.app.config.keys().unwrap(), "another-session");
    assert_error(
        &patch(Some(ORIGIN), Some(&other_session)).await,
        403,
        "csrf_failed",
    );
    assert_error(&patch(None, Some(&token)).await, 403, "untrusted_origin");
    assert_error(
        &patch(Some("https://evil.example"), Some(&token)).await,
        403,
        "untrusted_origin",
    );
    let (status, body) = patch(Some(ORIGIN), Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["name"], "Ana Updated");

    // A cookie and header that match each other but were minted for someone else: plain
    // double-submit would take them; a token bound to the session does not.
    let access = browser
        .cookie(&stack.url("/auth/profile"), "access_token")
        .unwrap();
    let with_pair = |pair: &str| {
        let request = stack
            .http
            .patch(stack.url("/auth/profile"))
            .header("origin", ORIGIN)
            .header("cookie", format!("access_token={access}; csrftoken={pair}"))
            .header("x-csrftoken", pair)
            .json(&json!({ "name": "Ana Forged" }));
        async move { read(request.send().await.unwrap()).await }
    };
    let another_session = logged_in(&stack, "staff@demo.test").await.csrf.unwrap();
    let anonymous = Browser::new(&stack);
    let (status, minted) = anonymous.get("/auth/csrf").await;
    assert_eq!(status, 200, "{minted}");
    let no_session = minted["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(
        anonymous.cookie(&stack.url("/auth/profile"), "csrftoken"),
        Some(no_session.clone()),
        "the page's pair: the cookie and the token it shows"
    );
    for pair in [&another_session, &no_session] {
        assert_error(&with_pair(pair).await, 403, "csrf_failed");
    }
    let (_, me) = browser.get("/auth/profile").await;
    assert_eq!(me["user"]["name"], "Ana Updated", "no forged change landed");
    // The session's own pair, sent the same way, passes: only the binding refused the others.
    let (status, body) = with_pair(&token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["name"], "Ana Forged");
}

#[tokio::test]
async fn bearer_tokens_work_only_where_enabled_and_need_no_csrf() {
    for allow_bearer in [true, false] {
        let stack = Stack::demo_with(|config| config.allow_bearer = allow_bearer, |app| app).await;
        let browser = logged_in(&stack, "admin@demo.test").await;
        let access = browser
            .cookie(&stack.url("/auth/profile"), "access_token")
            .unwrap();
        let response = stack
            .http
            .patch(stack.url("/auth/profile"))
            .bearer_auth(&access)
            .json(&json!({ "name": "By Bearer" }))
            .send()
            .await
            .unwrap();
        let expected = if allow_bearer { 200 } else { 401 };
        assert_eq!(response.status().as_u16(), expected);
    }
}

#[tokio::test]
async fn a_stale_or_forged_access_cookie_leaves_public_routes_anonymous() {
    let stack = Stack::demo().await;
    // Tokens signed with the stack's own key for a real user: one fresh, one whose `exp` is a
    // minute past (the leeway is seconds).
    let admin = stack.user("admin@demo.test").await;
    let signed = |issued: jiff::Timestamp| {
        let claims = Claims::new(
            TokenType::Access,
            admin.id,
            admin.kind,
            SessionId::generate(),
            issued,
            std::time::Duration::from_secs(15 * 60),
        );
        tokens::sign(stack.app.config.keys().unwrap(), &claims).unwrap()
    };
    let now = jiff::Timestamp::now();
    let expired = signed(now - jiff::SignedDuration::from_mins(16));
    let fresh = signed(now);
    let profile = |cookie: String| {
        let request = stack
            .http
            .get(stack.url("/auth/profile"))
            .header("cookie", cookie);
        async move { read(request.send().await.unwrap()).await }
    };
    let (status, me) = profile(format!("access_token={fresh}")).await;
    assert_eq!(status, 200, "the forge is sound: {me}");
    assert_eq!(me["user"]["email"], "admin@demo.test");

    for cookie in [
        format!("access_token={expired}"),
        "access_token=not-a-token".to_owned(),
        "access_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.".to_owned(),
    ] {
        let public = stack
            .http
            .get(stack.url("/hotels/demo"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(public.status(), 200, "{cookie}");
        let csrf = stack
            .http
            .get(stack.url("/auth/csrf"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(csrf.status(), 200, "{cookie}");
        assert_error(&profile(cookie).await, 401, "unauthenticated");
    }
}

#[tokio::test]
async fn an_access_token_signed_with_another_key_is_refused() {
    let stack = Stack::demo().await;
    let other = Stack::demo().await;
    let browser = logged_in(&other, "admin@demo.test").await;
    let foreign = browser
        .cookie(&other.url("/auth/profile"), "access_token")
        .unwrap();
    let response = stack
        .http
        .get(stack.url("/auth/profile"))
        .header("cookie", format!("access_token={foreign}"))
        .send()
        .await
        .unwrap();
    assert_error(&read(response).await, 401, "unauthenticated");
}

#[tokio::test]
async fn the_profile_changes_the_name_and_keeps_a_given_email_unverified() {
    let stack = Stack::demo().await;
    let mut browser = logged_in(&stack, "staff@demo.test").await;
    // Another account's email: accepted as unverified, so the answer tells nothing about it.
    let (status, body) = browser
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "email": "admin@demo.test" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "staff@demo.test");
    assert_eq!(body["user"]["unverified_email"], "admin@demo.test");
    let empty = browser
        .send(Method::PATCH, "/auth/profile", json!({}))
        .await;
    assert_error(&empty, 400, "invalid");
    let (status, body) = browser
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "email": "Sam@Demo.Test", "name": " Sam S. " }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["unverified_email"], "sam@demo.test");
    assert_eq!(body["user"]["name"], "Sam S.");
    // The verified email still finds and logs in the same person; the given one finds nobody.
    let store = stack.app.store.as_ref();
    let found = store
        .user_by_email(&Email::parse("staff@demo.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id.to_string(), body["user"]["id"].as_str().unwrap());
    for unverified in ["sam@demo.test", "admin@demo.test"] {
        let owner = store
            .user_by_email(&Email::parse(unverified).unwrap())
            .await
            .unwrap();
        assert_ne!(owner.map(|u| u.id), Some(found.id), "{unverified}");
    }
    logged_in(&stack, "staff@demo.test").await;
    // Giving the verified email back clears the unverified one.
    let (status, body) = browser
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "email": "STAFF@demo.test" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["unverified_email"], Value::Null);
    let (status, me) = browser.get("/auth/profile").await;
    assert_eq!(status, 200);
    assert_eq!(me["memberships"][0]["hotel"], "demo");
    assert_eq!(me["memberships"][0]["role"], "STAFF");
}
