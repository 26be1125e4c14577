//! The authorization matrix: every route of `shared/src/routes.rs` (HTTP and streams) × every
//! kind of caller, each answer asserted exactly (status and error code). A route the matrix
//! neither covers nor names in `EXCEPTIONS` fails it. Then what the matrix cannot show with
//! ids that name nothing: another hotel's real objects reached through one's own hotel's path,
//! and other people's objects through personal routes, are not found and stay unchanged.

use concierge::members::Role;
use concierge::operator::{self, NewStaff};
use concierge::routes::{self, ROUTES, STREAMS};
use concierge::store::Write;
use concierge::users::{Email, Phone};
use http::Method;
use serde_json::{Value, json};

use crate::support::{Browser, Stack, read, unique_phone};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    /// A guest with a stay at the demo hotel.
    Guest,
    /// STAFF of the demo hotel's housekeeping.
    Staff,
    /// ADMIN of the demo hotel.
    Admin,
    /// SUPERADMIN of the demo hotel.
    Superadmin,
    /// The platform operator, a member of no hotel.
    Operator,
    /// SUPERADMIN of the other demo hotel only.
    OtherHotel,
    /// STAFF (spa) of the demo hotel and SUPERADMIN of the other: the demo hotel's routes
    /// judge them by the demo membership alone.
    TwoHotels,
    /// The demo SUPERADMIN's browser sending no CSRF token.
    NoCsrf,
}

const ACTORS: [Actor; 9] = [
    Actor::Anonymous,
    Actor::Guest,
    Actor::Staff,
    Actor::Admin,
    Actor::Superadmin,
    Actor::Operator,
    Actor::OtherHotel,
    Actor::TwoHotels,
    Actor::NoCsrf,
];

/// Who may call a route.
#[derive(Debug, Clone, Copy)]
enum Needs {
    /// Anyone, signed in or not.
    Anyone,
    /// Any session.
    Session,
    /// A current stay at the demo hotel.
    Stay,
    /// This role or above in the demo hotel.
    Member(Role),
    /// The platform operator.
    Operator,
}

/// An answer: a success status, or an error status with its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Ok(u16),
    Error(u16, &'static str),
}

const UNAUTHENTICATED: Answer = Answer::Error(401, "unauthenticated");
const FORBIDDEN: Answer = Answer::Error(403, "forbidden");
const NOT_FOUND: Answer = Answer::Error(404, "not_found");
const CSRF_FAILED: Answer = Answer::Error(403, "csrf_failed");
const NO_STAY: Answer = Answer::Error(403, "no_active_stay");

impl Needs {
    /// What `actor` gets from a route that answers `allowed` to those it admits.
    fn answer(self, actor: Actor, unsafe_method: bool, allowed: Answer) -> Answer {
        let role = match actor {
            Actor::Staff | Actor::TwoHotels => Some(Role::Staff),
            Actor::Admin => Some(Role::Admin),
            Actor::Superadmin | Actor::NoCsrf => Some(Role::Superadmin),
            _ => None,
        };
        match (self, actor) {
            (Needs::Anyone, _) => allowed,
            (_, Actor::Anonymous) => UNAUTHENTICATED,
            // A cookie session's unsafe request is refused before anything else is looked at.
            (_, Actor::NoCsrf) if unsafe_method => CSRF_FAILED,
            (Needs::Session, _) => allowed,
            (Needs::Stay, Actor::Guest) => allowed,
            (Needs::Stay, _) => NO_STAY,
            (Needs::Member(needed), _) if role.is_some_and(|role| role >= needed) => allowed,
            (Needs::Member(_), _) => FORBIDDEN,
            (Needs::Operator, Actor::Operator) => allowed,
            (Needs::Operator, _) => FORBIDDEN,
        }
    }
}

enum Body {
    None,
    Json(Value),
    Image,
}

/// A route of the matrix: its request (built anew for each caller, so that creations do not
/// collide), who may call it, and what they get.
struct Case {
    method: Method,
    path: String,
    needs: Needs,
    allowed: Answer,
    body: fn() -> Body,
}

fn case(method: Method, path: &str, needs: Needs, allowed: Answer, body: fn() -> Body) -> Case {
    Case {
        method,
        path: path.to_owned(),
        needs,
        allowed,
        body,
    }
}

/// Ids of the right shape that name nothing: an admitted caller gets past the guard to a 404.
const ID: &str = "01hzx6k2m3n4p5q6r7s8t9v0wy";
const QR: &str = "abcdefghijklmnopqrstuvwxyz";
const SUBSCRIPTION: &str = "AAAAAAAAAAAAAAAAAAAAAA";

fn none() -> Body {
    Body::None
}

fn image() -> Body {
    Body::Image
}

/// Routes the matrix leaves to other tests, and why.
const EXCEPTIONS: [(&str, &str); 6] = [
    (
        "auth::token",
        "a login: anyone may try; auth.rs proves who gets in",
    ),
    (
        "auth::refresh",
        "authenticated by the refresh cookie alone; auth.rs (rotation, reuse, deactivated users)",
    ),
    (
        "auth::otp_send",
        "anyone may ask for a code; auth.rs and abuse.rs prove the limits and the scopes",
    ),
    (
        "auth::otp_verify",
        "a login: anyone may try; auth.rs proves who gets in",
    ),
    (
        "auth::logout",
        "would end the matrix's sessions; auth.rs proves it revokes and clears",
    ),
    (
        "webhooks::gupshup",
        "authenticated by Gupshup's shared secret; delivery.rs",
    ),
];

/// Every route but the exceptions, with a request that passes validation.
fn cases() -> Vec<Case> {
    use Answer::Ok;
    use Needs::{Anyone, Member, Operator, Session, Stay};
    let hotel = "/hotels/demo/admin";
    let staff = Member(Role::Staff);
    let admin = Member(Role::Admin);
    let superadmin = Member(Role::Superadmin);
    vec![
        // Public.
        case(Method::GET, "/auth/csrf", Anyone, Ok(200), none),
        case(Method::GET, "/health", Anyone, Ok(200), none),
        case(Method::GET, "/hotels/demo", Anyone, Ok(200), none),
        case(
            Method::GET,
            "/hotels/demo/departments",
            Anyone,
            Ok(200),
            none,
        ),
        case(
            Method::GET,
            "/hotels/demo/experiences",
            Anyone,
            Ok(200),
            none,
        ),
        case(
            Method::GET,
            &format!("/hotels/demo/experiences/{ID}"),
            Anyone,
            NOT_FOUND,
            none,
        ),
        case(Method::GET, &format!("/qr/{QR}"), Anyone, NOT_FOUND, none),
        case(Method::GET, "/push/vapid-public-key", Anyone, Ok(200), none),
        // Anyone signed in, about themselves.
        case(Method::GET, "/auth/profile", Session, Ok(200), none),
        case(Method::PATCH, "/auth/profile", Session, Ok(200), || {
            Body::Json(json!({ "name": "Matrix Tester" }))
        }),
        case(Method::GET, "/me/stays", Session, Ok(200), none),
        case(Method::GET, "/me/requests", Session, Ok(200), none),
        case(
            Method::GET,
            &format!("/me/requests/{ID}"),
            Session,
            NOT_FOUND,
            none,
        ),
        case(
            Method::POST,
            &format!("/me/requests/{ID}/cancel"),
            Session,
            NOT_FOUND,
            || Body::Json(json!({})),
        ),
        case(
            Method::GET,
            &format!("/me/requests/{ID}/events"),
            Session,
            NOT_FOUND,
            none,
        ),
        case(Method::GET, "/notifications", Session, Ok(200), none),
        case(
            Method::GET,
            "/notifications/unread-count",
            Session,
            Ok(200),
            none,
        ),
        case(
            Method::POST,
            &format!("/notifications/{ID}/read"),
            Session,
            NOT_FOUND,
            || Body::Json(json!({})),
        ),
        case(
            Method::POST,
            "/notifications/read-all",
            Session,
            Ok(200),
            || Body::Json(json!({})),
        ),
        case(
            Method::POST,
            "/push/subscriptions",
            Session,
            Ok(201),
            || {
                Body::Json(json!({
                    "endpoint": format!("http://127.0.0.1:9/_local/push/{}", unique_phone()),
                    "keys": { "p256dh": P256DH, "auth": AUTH },
                }))
            },
        ),
        // Names only the caller's own subscriptions; deleting one twice is fine.
        case(
            Method::DELETE,
            &format!("/push/subscriptions/{SUBSCRIPTION}"),
            Session,
            Ok(204),
            none,
        ),
        // A guest of the hotel.
        case(Method::POST, "/hotels/demo/requests", Stay, Ok(201), || {
            Body::Json(json!({ "department": "housekeeping", "details": "Matrix" }))
        }),
        // The hotel's members.
        case(
            Method::GET,
            &format!("{hotel}/requests"),
            staff,
            Ok(200),
            none,
        ),
        case(
            Method::GET,
            &format!("{hotel}/requests/{ID}"),
            staff,
            NOT_FOUND,
            none,
        ),
        case(
            Method::PATCH,
            &format!("{hotel}/requests/{ID}"),
            staff,
            NOT_FOUND,
            || Body::Json(json!({ "priority": "HIGH" })),
        ),
        case(
            Method::POST,
            &format!("{hotel}/requests/{ID}/acknowledge"),
            staff,
            NOT_FOUND,
            || Body::Json(json!({})),
        ),
        case(
            Method::POST,
            &format!("{hotel}/requests/{ID}/notes"),
            staff,
            NOT_FOUND,
            || Body::Json(json!({ "text": "Matrix" })),
        ),
        case(
            Method::GET,
            &format!("{hotel}/events"),
            staff,
            Ok(200),
            none,
        ),
        case(
            Method::GET,
            &format!("{hotel}/dashboard"),
            staff,
            Ok(200),
            none,
        ),
        case(Method::GET, &format!("{hotel}/stays"), staff, Ok(200), none),
        case(
            Method::GET,
            &format!("{hotel}/exports/requests"),
            admin,
            Ok(200),
            none,
        ),
        case(
            Method::GET,
            &format!("{hotel}/audit"),
            superadmin,
            Ok(200),
            none,
        ),
        case(
            Method::PATCH,
            &format!("{hotel}/stays/{ID}"),
            staff,
            NOT_FOUND,
            || Body::Json(json!({ "action": "end" })),
        ),
        case(
            Method::PATCH,
            &format!("{hotel}/settings"),
            superadmin,
            Ok(200),
            || Body::Json(json!({ "default_stay_nights": 3 })),
        ),
        case(
            Method::POST,
            &format!("{hotel}/logo"),
            superadmin,
            Ok(200),
            image,
        ),
        case(
            Method::GET,
            &format!("{hotel}/departments"),
            admin,
            Ok(200),
            none,
        ),
        case(
            Method::POST,
            &format!("{hotel}/departments"),
            admin,
            Ok(201),
            || {
                Body::Json(json!({
                    "slug": format!("d{}", unique_phone().trim_start_matches('+')),
                    "name": "D", "response_sla_minutes": 5, "after_hours_sla_minutes": 5,
                }))
            },
        ),
        case(
            Method::PATCH,
            &format!("{hotel}/departments/nowhere"),
            admin,
            NOT_FOUND,
            || Body::Json(json!({ "name": "N" })),
        ),
        case(
            Method::DELETE,
            &format!("{hotel}/departments/nowhere"),
            admin,
            NOT_FOUND,
            none,
        ),
        case(
            Method::GET,
            &format!("{hotel}/experiences"),
            admin,
            Ok(200),
            none,
        ),
        case(
            Method::POST,
            &format!("{hotel}/experiences"),
            admin,
            Ok(201),
            || Body::Json(json!({ "department": "spa", "name": "E" })),
        ),
        case(
            Method::PATCH,
            &format!("{hotel}/experiences/{ID}"),
            admin,
            NOT_FOUND,
            || Body::Json(json!({ "name": "N" })),
        ),
        case(
            Method::DELETE,
            &format!("{hotel}/experiences/{ID}"),
            admin,
            NOT_FOUND,
            none,
        ),
        case(
            Method::POST,
            &format!("{hotel}/experiences/{ID}/image"),
            admin,
            NOT_FOUND,
            image,
        ),
        case(
            Method::GET,
            &format!("{hotel}/members"),
            admin,
            Ok(200),
            none,
        ),
        case(
            Method::POST,
            &format!("{hotel}/members"),
            admin,
            Ok(201),
            || Body::Json(json!({ "name": "M", "phone": unique_phone(), "role": "STAFF" })),
        ),
        case(
            Method::PATCH,
            &format!("{hotel}/members/{ID}"),
            admin,
            NOT_FOUND,
            || Body::Json(json!({ "name": "N" })),
        ),
        case(
            Method::DELETE,
            &format!("{hotel}/members/{ID}"),
            admin,
            NOT_FOUND,
            none,
        ),
        case(
            Method::GET,
            &format!("{hotel}/qr-codes"),
            admin,
            Ok(200),
            none,
        ),
        case(
            Method::POST,
            &format!("{hotel}/qr-codes"),
            admin,
            Ok(201),
            || Body::Json(json!({ "label": "L", "location": "L" })),
        ),
        case(
            Method::PATCH,
            &format!("{hotel}/qr-codes/{QR}"),
            admin,
            NOT_FOUND,
            || Body::Json(json!({ "label": "L" })),
        ),
        case(
            Method::DELETE,
            &format!("{hotel}/qr-codes/{QR}"),
            admin,
            NOT_FOUND,
            none,
        ),
        case(
            Method::GET,
            &format!("{hotel}/qr-codes/{QR}/image?format=png"),
            admin,
            NOT_FOUND,
            none,
        ),
        // The platform operator.
        case(Method::GET, "/operator/health", Operator, Ok(200), none),
        case(Method::GET, "/operator/hotels", Operator, Ok(200), none),
        case(Method::POST, "/operator/hotels", Operator, Ok(201), || {
            Body::Json(json!({
                "slug": format!("h{}", unique_phone().trim_start_matches('+')),
                "name": "H", "timezone": "UTC",
                "superadmin": { "name": "S", "phone": unique_phone() },
            }))
        }),
        case(
            Method::PATCH,
            "/operator/hotels/demo",
            Operator,
            Ok(200),
            || Body::Json(json!({ "default_stay_nights": 3 })),
        ),
    ]
}

fn tiny_png() -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(4, 4)
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    let mut body =
        b"--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n"
            .to_vec();
    body.extend(bytes.into_inner());
    body.extend(b"\r\n--b--\r\n");
    body
}

/// The answer to `method` `path`; a stream that opens is a 200 and is closed at once. A new
/// CSRF token in the answer is kept, as the web apps keep it (a browser that sends none goes
/// on sending none).
async fn call(browser: &mut Browser, method: &Method, path: &str, body: Body) -> (u16, Value) {
    let request = browser.request(method.clone(), path);
    let request = match body {
        Body::None => request,
        Body::Json(value) => request.json(&value),
        Body::Image => request
            .header("content-type", "multipart/form-data; boundary=b")
            .body(tiny_png()),
    };
    let response = request.send().await.expect("request");
    let streams = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v == "text/event-stream");
    if streams {
        return (response.status().as_u16(), Value::Null);
    }
    let answer = read(response).await;
    if let (Some(token), Some(_)) = (answer.1["csrf_token"].as_str(), &browser.csrf) {
        browser.csrf = Some(token.to_owned());
    }
    answer
}

/// Whether `got` is `want`: the status, and for an error its code in the error shape.
fn matches(got: &(u16, Value), want: Answer) -> bool {
    let (status, body) = got;
    match want {
        Answer::Ok(expected) => *status == expected,
        Answer::Error(expected, code) => {
            *status == expected
                && body["error"]["code"] == code
                && body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty())
        }
    }
}

/// The handler of the route or stream that serves `method` `path` (under `/api/v1`).
fn handler_of(method: &Method, path: &str) -> Option<&'static str> {
    let path = format!("/api/v1{}", path.split('?').next().unwrap_or_default());
    routes::find(method.as_str(), &path)
        .map(|(index, _)| ROUTES[index].handler)
        .or_else(|| {
            routes::find_stream(method.as_str(), &path).map(|(index, _)| STREAMS[index].handler)
        })
}

#[test]
fn the_matrix_covers_every_route_or_says_why_not() {
    let covered: Vec<&str> = cases()
        .iter()
        .map(|c| {
            handler_of(&c.method, &c.path)
                .unwrap_or_else(|| panic!("{} {} is no route", c.method, c.path))
        })
        .collect();
    let mut problems = Vec::new();
    for route in ROUTES.iter().chain(STREAMS) {
        let in_matrix = covered.contains(&route.handler);
        let excused = EXCEPTIONS.iter().any(|(h, _)| *h == route.handler);
        match (in_matrix, excused) {
            (false, false) => problems.push(format!(
                "{} {} ({}): give it a case in the matrix, or name it in EXCEPTIONS with the test that covers it",
                route.method, route.path, route.handler
            )),
            (true, true) => problems.push(format!(
                "{}: in the matrix, so take it out of EXCEPTIONS",
                route.handler
            )),
            _ => {}
        }
    }
    for (handler, _) in EXCEPTIONS {
        if !ROUTES.iter().chain(STREAMS).any(|r| r.handler == handler) {
            problems.push(format!("EXCEPTIONS names {handler}, which is no route"));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// A person who is STAFF of the demo hotel's spa and SUPERADMIN of the other demo hotel,
/// signed in with a password.
async fn member_of_two_hotels(stack: &Stack) -> Browser {
    let store = stack.app.store.as_ref();
    let now = stack.app.clock.now();
    let email = format!(
        "two-hotels-{}@demo.test",
        unique_phone().trim_start_matches('+')
    );
    let (user, is_new) = operator::staff_account(
        store,
        NewStaff {
            name: "Tia Two Hotels".into(),
            phone: Phone::parse(&unique_phone()).unwrap(),
            email: Some(Email::parse(&email).unwrap()),
            password_hash: Some(concierge_infra::demo::password_hash()),
            is_operator: false,
        },
        now,
    )
    .await
    .unwrap();
    assert!(is_new);
    let mut staff = operator::new_membership(&"demo".parse().unwrap(), user.id, Role::Staff, now);
    staff.departments = vec!["spa".parse().unwrap()];
    let superadmin = operator::new_membership(
        &"demo-annex".parse().unwrap(),
        user.id,
        Role::Superadmin,
        now,
    );
    store
        .transact(&[
            Write::InsertUser(&user),
            Write::InsertMembership(&staff),
            Write::InsertMembership(&superadmin),
        ])
        .await
        .unwrap();
    stack.staff(&email).await
}

async fn browsers(stack: &Stack) -> Vec<(Actor, Browser)> {
    let mut browsers = Vec::new();
    for actor in ACTORS {
        let browser = match actor {
            Actor::Anonymous => Browser::new(stack),
            Actor::Guest => stack.guest("demo", "101").await,
            Actor::Staff => stack.staff("staff@demo.test").await,
            Actor::Admin => stack.staff("manager@demo.test").await,
            Actor::Superadmin => stack.staff("admin@demo.test").await,
            Actor::Operator => stack.staff("operator@demo.test").await,
            Actor::OtherHotel => stack.staff("admin@demo-annex.test").await,
            Actor::TwoHotels => member_of_two_hotels(stack).await,
            Actor::NoCsrf => {
                let mut browser = stack.staff("admin@demo.test").await;
                browser.csrf = None;
                browser
            }
        };
        browsers.push((actor, browser));
    }
    browsers
}

/// A demo stack whose streams end soon after the matrix drops them.
async fn stack() -> Stack {
    Stack::demo_with(
        |config| {
            config.streams.poll_interval = std::time::Duration::from_millis(200);
            config.streams.heartbeat_interval = std::time::Duration::from_secs(1);
            config.streams.max_duration = std::time::Duration::from_secs(2);
        },
        |app| app,
    )
    .await
}

#[tokio::test]
async fn every_route_answers_each_caller_exactly() {
    let stack = stack().await;
    let mut browsers = browsers(&stack).await;
    let mut wrong = Vec::new();
    for case in cases() {
        let unsafe_method = !matches!(case.method, Method::GET);
        for (actor, browser) in &mut browsers {
            let want = case.needs.answer(*actor, unsafe_method, case.allowed);
            let got = call(browser, &case.method, &case.path, (case.body)()).await;
            if !matches(&got, want) {
                wrong.push(format!(
                    "{} {} as {actor:?}: expected {want:?}, got {} {}",
                    case.method, case.path, got.0, got.1
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}\n", wrong.join("\n"));
}

#[tokio::test]
async fn another_hotels_objects_are_not_found_through_ones_own_hotel() {
    let stack = stack().await;
    let mut guest = stack.guest("demo", "101").await;
    let (status, created) = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "spa", "details": "Robe" }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let request = created["id"].as_str().unwrap().to_owned();
    let (_, stays) = guest.get("/me/stays").await;
    let stay = stays["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, experiences) = stack.get("/hotels/demo/experiences").await;
    let experience = experiences["items"][0]["id"].as_str().unwrap().to_owned();
    let mut demo_admin = stack.staff("manager@demo.test").await;
    let manager = stack.user("manager@demo.test").await.id.to_string();
    let (status, body) = demo_admin
        .post(
            "/hotels/demo/admin/departments",
            json!({ "slug": "demo-only", "name": "Demo only", "response_sla_minutes": 5, "after_hours_sla_minutes": 5 }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let qr = stack.demo_qr("demo", "101").to_string();
    // Another person's notification and push subscription.
    let (status, created) = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": "Towels" }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let mut staff = stack.staff("staff@demo.test").await;
    let (_, notices) = staff.get("/notifications").await;
    let notice = notices["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, subscription) = guest
        .post(
            "/push/subscriptions",
            json!({ "endpoint": "http://127.0.0.1:9/_local/push/matrix", "keys": { "p256dh": P256DH, "auth": AUTH } }),
        )
        .await;
    assert_eq!(status, 201, "{subscription}");
    let subscription = subscription["id"].as_str().unwrap().to_owned();

    let annex = "/hotels/demo-annex/admin";
    let reached: Vec<(Method, String, Body)> = vec![
        (
            Method::GET,
            format!("{annex}/requests/{request}"),
            Body::None,
        ),
        (
            Method::PATCH,
            format!("{annex}/requests/{request}"),
            Body::Json(json!({ "priority": "HIGH" })),
        ),
        (
            Method::POST,
            format!("{annex}/requests/{request}/acknowledge"),
            Body::Json(json!({})),
        ),
        (
            Method::POST,
            format!("{annex}/requests/{request}/notes"),
            Body::Json(json!({ "text": "x" })),
        ),
        (
            Method::PATCH,
            format!("{annex}/experiences/{experience}"),
            Body::Json(json!({ "name": "Taken" })),
        ),
        (
            Method::DELETE,
            format!("{annex}/experiences/{experience}"),
            Body::None,
        ),
        (
            Method::POST,
            format!("{annex}/experiences/{experience}/image"),
            Body::Image,
        ),
        (
            Method::PATCH,
            format!("{annex}/members/{manager}"),
            Body::Json(json!({ "role": "STAFF" })),
        ),
        (
            Method::DELETE,
            format!("{annex}/members/{manager}"),
            Body::None,
        ),
        (
            Method::PATCH,
            format!("{annex}/qr-codes/{qr}"),
            Body::Json(json!({ "label": "Taken" })),
        ),
        (Method::DELETE, format!("{annex}/qr-codes/{qr}"), Body::None),
        (
            Method::GET,
            format!("{annex}/qr-codes/{qr}/image?format=svg"),
            Body::None,
        ),
        (
            Method::PATCH,
            format!("{annex}/stays/{stay}"),
            Body::Json(json!({ "action": "end" })),
        ),
        (
            Method::PATCH,
            format!("{annex}/departments/demo-only"),
            Body::Json(json!({ "name": "Taken" })),
        ),
        (
            Method::DELETE,
            format!("{annex}/departments/demo-only"),
            Body::None,
        ),
    ];
    let mut other_superadmin = stack.staff("admin@demo-annex.test").await;
    let mut two_hotels = member_of_two_hotels(&stack).await;
    let mut wrong = Vec::new();
    for (who, browser) in [
        ("the other hotel's superadmin", &mut other_superadmin),
        ("a superadmin there who is STAFF here", &mut two_hotels),
    ] {
        for (method, path, body) in &reached {
            let body = match body {
                Body::None => Body::None,
                Body::Json(value) => Body::Json(value.clone()),
                Body::Image => Body::Image,
            };
            let got = call(browser, method, path, body).await;
            if !matches(&got, NOT_FOUND) {
                wrong.push(format!("{method} {path} as {who}: {} {}", got.0, got.1));
            }
        }
        // Nor can the other hotel's things be built on this hotel's department: it is refused
        // exactly as a department that exists nowhere (a 400 naming the field), so nothing
        // tells it exists.
        let mut answer_for = async |department: &str| {
            call(
                browser,
                &Method::POST,
                &format!("{annex}/experiences"),
                Body::Json(json!({ "department": department, "name": "Taken" })),
            )
            .await
        };
        let got = answer_for("demo-only").await;
        let nowhere = answer_for("nowhere-at-all").await;
        let said = |answer: &(u16, Value)| {
            answer.1["error"]["fields"]["department"]
                .as_str()
                .map(|text| text.replace("nowhere-at-all", "demo-only"))
        };
        if got.0 != 400 || nowhere.0 != 400 || said(&got).is_none() || said(&got) != said(&nowhere)
        {
            wrong.push(format!(
                "an experience of the demo hotel's department as {who}: {} {} (unknown: {} {})",
                got.0, got.1, nowhere.0, nowhere.1
            ));
        }
    }

    // Personal routes: another guest's request, another person's notification.
    let mut other_guest = stack.guest("demo", "102").await;
    for (method, path) in [
        (Method::GET, format!("/me/requests/{request}")),
        (Method::POST, format!("/me/requests/{request}/cancel")),
        (Method::GET, format!("/me/requests/{request}/events")),
    ] {
        let body = if method == Method::POST {
            Body::Json(json!({}))
        } else {
            Body::None
        };
        let got = call(&mut other_guest, &method, &path, body).await;
        if !matches(&got, NOT_FOUND) {
            wrong.push(format!(
                "{method} {path} as another guest: {} {}",
                got.0, got.1
            ));
        }
    }
    let got = call(
        &mut guest,
        &Method::POST,
        &format!("/notifications/{notice}/read"),
        Body::Json(json!({})),
    )
    .await;
    if !matches(&got, NOT_FOUND) {
        wrong.push(format!("another's notification read: {} {}", got.0, got.1));
    }
    // Deleting names only one's own subscriptions (and deleting twice is fine): a 204 that
    // leaves the guest's in place.
    let got = call(
        &mut staff,
        &Method::DELETE,
        &format!("/push/subscriptions/{subscription}"),
        Body::None,
    )
    .await;
    if got.0 != 204 {
        wrong.push(format!(
            "another's subscription deleted: {} {}",
            got.0, got.1
        ));
    }
    assert!(wrong.is_empty(), "\n{}\n", wrong.join("\n"));

    // Nothing of the demo hotel changed through any of it.
    let store = stack.app.store.as_ref();
    let unchanged = store
        .request(request.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((unchanged.version, unchanged.escalation_level), (1, 0));
    let demo = "demo".parse().unwrap();
    let still = store
        .experience(&demo, experience.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(still.active && still.image_url.is_none());
    let membership = store
        .membership(&demo, manager.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(membership.active && membership.role == Role::Admin);
    let code = store.qr_code(&qr.parse().unwrap()).await.unwrap().unwrap();
    assert!(code.active && code.label == "101 door");
    let department = store
        .department(&demo, &"demo-only".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(department.active && department.name == "Demo only");
    let (_, stays) = guest.get("/me/stays").await;
    assert_eq!(stays["items"][0]["active"], true, "{stays}");
    let (_, unread) = staff.get("/notifications/unread-count").await;
    assert_eq!(unread["unread"], 1, "{unread}");
    let (_, profile) = guest.get("/auth/profile").await;
    let guest_id = profile["user"]["id"].as_str().unwrap().parse().unwrap();
    let kept = store.push_subscriptions(guest_id).await.unwrap();
    assert!(
        kept.subscriptions
            .iter()
            .any(|s| s.id.as_str() == subscription),
        "the guest's subscription was kept"
    );
}

/// A browser's real subscription keys (RFC 8291's example).
const P256DH: &str =
    "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
const AUTH: &str = "_ordMnz7uTCmrpBTeUV4Bw";
