//! The smaller rules of SPEC §11 and `docs/security.md`: authorization before the body, no
//! room login codes for STAFF, disabled accounts refused at once, priority for staff only, a
//! code that expires after it was read.

use concierge::ids::UserId;
use concierge::otp::Tries;
use concierge::otp::{Channel, OtpCode, OtpScope};
use concierge::store::Write;
use concierge::users::User;
use http::Method;
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::support::{Browser, Stack, assert_error, unique_phone};

const SOME_ID: &str = "01hzx6k2m3n4p5q6r7s8t9v0wy";

#[tokio::test]
async fn authorization_is_decided_before_the_body_is_read() {
    let stack = Stack::demo().await;
    let mut staff = stack.staff("staff@demo.test").await;
    let half_filled = json!({ "name": "" });
    let routes = [
        (Method::POST, "/hotels/demo/admin/members".to_owned()),
        (
            Method::PATCH,
            format!("/hotels/demo/admin/members/{SOME_ID}"),
        ),
        (Method::POST, "/hotels/demo/admin/departments".to_owned()),
        (
            Method::PATCH,
            "/hotels/demo/admin/departments/spa".to_owned(),
        ),
        (Method::POST, "/hotels/demo/admin/experiences".to_owned()),
        (
            Method::PATCH,
            format!("/hotels/demo/admin/experiences/{SOME_ID}"),
        ),
        (Method::POST, "/hotels/demo/admin/qr-codes".to_owned()),
        (
            Method::PATCH,
            "/hotels/demo/admin/qr-codes/aaaaaaaaaaaaaaaaaaaaaaaaaa".to_owned(),
        ),
        (Method::PATCH, "/hotels/demo/admin/settings".to_owned()),
        (Method::POST, "/operator/hotels".to_owned()),
        (Method::PATCH, "/operator/hotels/demo".to_owned()),
    ];
    for (method, path) in routes {
        for body in [
            half_filled.clone(),
            json!({}),
            json!({ "nonsense": [1, 2] }),
        ] {
            let refused = staff.send(method.clone(), &path, body).await;
            assert_error(&refused, 403, "forbidden");
            assert!(
                refused.1["error"].get("fields").is_none(),
                "{method} {path}"
            );
        }
    }
    // A STAFF member of another hotel is refused the same way on its routes that STAFF may use.
    let mut annex_staff = stack.staff("staff@demo-annex.test").await;
    for (method, path) in [
        (Method::PATCH, format!("/hotels/demo/admin/stays/{SOME_ID}")),
        (
            Method::PATCH,
            format!("/hotels/demo/admin/requests/{SOME_ID}"),
        ),
        (
            Method::POST,
            format!("/hotels/demo/admin/requests/{SOME_ID}/notes"),
        ),
    ] {
        let refused = annex_staff.send(method, &path, json!({ "x": 1 })).await;
        assert_error(&refused, 403, "forbidden");
    }
}

#[tokio::test]
async fn staff_do_not_see_room_login_codes() {
    let stack = Stack::demo().await;
    stack.guest("demo", "101").await;
    let staff = stack.staff("staff@demo.test").await;
    let (status, listed) = staff.get("/hotels/demo/admin/stays").await;
    assert_eq!(status, 200, "{listed}");
    let stay = &listed["items"][0];
    assert_eq!(stay["location"], "101");
    assert_eq!(stay["qr_code"], Value::Null);
    let manager = stack.staff("manager@demo.test").await;
    let (_, listed) = manager.get("/hotels/demo/admin/stays").await;
    assert_eq!(
        listed["items"][0]["qr_code"],
        stack.demo_qr("demo", "101").to_string()
    );
}

#[tokio::test]
async fn guests_cannot_set_priority() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let refused = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": "Towels", "priority": "URGENT" }),
        )
        .await;
    assert_error(&refused, 400, "invalid");
    assert!(
        refused.1["error"]["fields"]["priority"].is_string(),
        "{}",
        refused.1
    );
    let (status, created) = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": "Towels" }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["priority"], "NORMAL");
}

async fn disable(stack: &Stack, id: UserId) {
    let store = stack.app.store.as_ref();
    let user: User = store.user(id).await.unwrap().unwrap();
    let mut disabled = user.clone();
    disabled.active = false;
    disabled.updated_at = stack.app.clock.now();
    store
        .transact(&[Write::ReplaceUser {
            user: &disabled,
            previous: &user,
        }])
        .await
        .unwrap();
}

#[tokio::test]
async fn a_disabled_account_is_refused_at_once_on_staff_and_guest_routes() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let request = guest.ask("housekeeping").await;
    let (_, me) = guest.get("/auth/profile").await;
    let mut staff = stack.staff("staff@demo.test").await;
    let (_, staff_me) = staff.get("/auth/profile").await;
    let id = |me: &Value| me["user"]["id"].as_str().unwrap().parse().unwrap();
    disable(&stack, id(&me)).await;
    disable(&stack, id(&staff_me)).await;

    // Their access tokens are still unexpired; the accounts are refused anyway.
    for path in [
        "/me/requests",
        "/me/stays",
        &format!("/me/requests/{request}"),
    ] {
        assert_error(&guest.get(path).await, 403, "account_disabled");
    }
    let cancel = guest
        .post(&format!("/me/requests/{request}/cancel"), json!({}))
        .await;
    assert_error(&cancel, 403, "account_disabled");
    let ask = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": "More towels" }),
        )
        .await;
    assert_error(&ask, 403, "account_disabled");
    for path in [
        "/hotels/demo/admin/requests".to_owned(),
        format!("/hotels/demo/admin/requests/{request}"),
        "/hotels/demo/admin/stays".to_owned(),
    ] {
        assert_error(&staff.get(&path).await, 403, "account_disabled");
    }
    let acknowledge = staff
        .post(
            &format!("/hotels/demo/admin/requests/{request}/acknowledge"),
            json!({}),
        )
        .await;
    assert_error(&acknowledge, 403, "account_disabled");
}

#[tokio::test]
async fn a_code_that_expired_after_it_was_read_cannot_be_used() {
    let stack = Stack::empty().await;
    let store = stack.app.store.as_ref();
    let now = stack.app.clock.now();
    let otp = OtpCode::new(
        stack.app.config.keys().unwrap(),
        concierge::users::Phone::parse(&unique_phone()).unwrap(),
        OtpScope::Staff,
        "123456",
        Channel::Sms,
        "127.0.0.1",
        now,
    );
    store.transact(&[Write::InsertOtp(&otp)]).await.unwrap();
    // The verify read the code while it was good; it is used a second after it expired.
    let late = otp
        .valid_until
        .checked_add(SignedDuration::from_secs(1))
        .unwrap();
    let consumed = store
        .transact(&[Write::ConsumeOtp {
            otp: &otp,
            now: late,
            tries: Tries::Own,
            max_attempts: 5,
        }])
        .await;
    assert!(consumed.is_err(), "an expired code was used");
    let in_time = store
        .transact(&[Write::ConsumeOtp {
            otp: &otp,
            now,
            tries: Tries::Own,
            max_attempts: 5,
        }])
        .await;
    assert!(in_time.is_ok(), "{in_time:?}");
    let _ = Browser::new(&stack);
}
