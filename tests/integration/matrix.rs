//! The authorization matrix of the administration routes: every route × anonymous, guest,
//! STAFF, ADMIN, SUPERADMIN, operator and another hotel's superadmin. Nothing of a hotel is
//! reachable except by its members of the right role; operator routes only by operators.

use http::Method;
use serde_json::{Value, json};

use crate::support::{Browser, Stack, read, unique_phone};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    Guest,
    Staff,
    Admin,
    Superadmin,
    Operator,
    OtherHotel,
}

const ACTORS: [Actor; 7] = [
    Actor::Anonymous,
    Actor::Guest,
    Actor::Staff,
    Actor::Admin,
    Actor::Superadmin,
    Actor::Operator,
    Actor::OtherHotel,
];

/// The least a caller needs for a route.
#[derive(Debug, Clone, Copy)]
enum Needs {
    Staff,
    Admin,
    Superadmin,
    Operator,
}

impl Needs {
    fn allows(self, actor: Actor) -> bool {
        match self {
            Needs::Staff => matches!(actor, Actor::Staff | Actor::Admin | Actor::Superadmin),
            Needs::Admin => matches!(actor, Actor::Admin | Actor::Superadmin),
            Needs::Superadmin => actor == Actor::Superadmin,
            Needs::Operator => actor == Actor::Operator,
        }
    }
}

enum Body {
    None,
    Json(Value),
    Image,
}

const ID: &str = "01hzx6k2m3n4p5q6r7s8t9v0wy";
const QR: &str = "abcdefghijklmnopqrstuvwxyz";

/// Every administration route with a request that passes validation. Ids name nothing, so an
/// allowed caller gets past the guard to a 404 (or creates something new).
fn routes() -> Vec<(Method, String, Needs, Body)> {
    let hotel = "/hotels/demo/admin";
    let unique = || unique_phone().replace('+', "");
    vec![
        (
            Method::PATCH,
            format!("{hotel}/settings"),
            Needs::Superadmin,
            Body::Json(json!({ "default_stay_nights": 3 })),
        ),
        (
            Method::POST,
            format!("{hotel}/logo"),
            Needs::Superadmin,
            Body::Image,
        ),
        (
            Method::GET,
            format!("{hotel}/departments"),
            Needs::Admin,
            Body::None,
        ),
        (
            Method::POST,
            format!("{hotel}/departments"),
            Needs::Admin,
            Body::Json(
                json!({ "slug": format!("d{}", unique()), "name": "D", "response_sla_minutes": 5, "after_hours_sla_minutes": 5 }),
            ),
        ),
        (
            Method::PATCH,
            format!("{hotel}/departments/nowhere"),
            Needs::Admin,
            Body::Json(json!({ "name": "N" })),
        ),
        (
            Method::DELETE,
            format!("{hotel}/departments/nowhere"),
            Needs::Admin,
            Body::None,
        ),
        (
            Method::GET,
            format!("{hotel}/experiences"),
            Needs::Admin,
            Body::None,
        ),
        (
            Method::POST,
            format!("{hotel}/experiences"),
            Needs::Admin,
            Body::Json(json!({ "department": "spa", "name": "E" })),
        ),
        (
            Method::PATCH,
            format!("{hotel}/experiences/{ID}"),
            Needs::Admin,
            Body::Json(json!({ "name": "N" })),
        ),
        (
            Method::DELETE,
            format!("{hotel}/experiences/{ID}"),
            Needs::Admin,
            Body::None,
        ),
        (
            Method::POST,
            format!("{hotel}/experiences/{ID}/image"),
            Needs::Admin,
            Body::Image,
        ),
        (
            Method::GET,
            format!("{hotel}/members"),
            Needs::Admin,
            Body::None,
        ),
        (
            Method::POST,
            format!("{hotel}/members"),
            Needs::Admin,
            Body::Json(json!({ "name": "M", "phone": unique_phone(), "role": "STAFF" })),
        ),
        (
            Method::PATCH,
            format!("{hotel}/members/{ID}"),
            Needs::Admin,
            Body::Json(json!({ "name": "N" })),
        ),
        (
            Method::DELETE,
            format!("{hotel}/members/{ID}"),
            Needs::Admin,
            Body::None,
        ),
        (
            Method::GET,
            format!("{hotel}/qr-codes"),
            Needs::Admin,
            Body::None,
        ),
        (
            Method::POST,
            format!("{hotel}/qr-codes"),
            Needs::Admin,
            Body::Json(json!({ "label": "L", "location": "L" })),
        ),
        (
            Method::PATCH,
            format!("{hotel}/qr-codes/{QR}"),
            Needs::Admin,
            Body::Json(json!({ "label": "L" })),
        ),
        (
            Method::DELETE,
            format!("{hotel}/qr-codes/{QR}"),
            Needs::Admin,
            Body::None,
        ),
        (
            Method::GET,
            format!("{hotel}/qr-codes/{QR}/image?format=png"),
            Needs::Admin,
            Body::None,
        ),
        (
            Method::GET,
            format!("{hotel}/dashboard"),
            Needs::Staff,
            Body::None,
        ),
        (
            Method::GET,
            format!("{hotel}/stays"),
            Needs::Staff,
            Body::None,
        ),
        (
            Method::PATCH,
            format!("{hotel}/stays/{ID}"),
            Needs::Staff,
            Body::Json(json!({ "action": "end" })),
        ),
        (
            Method::GET,
            "/operator/hotels".into(),
            Needs::Operator,
            Body::None,
        ),
        (
            Method::POST,
            "/operator/hotels".into(),
            Needs::Operator,
            Body::Json(
                json!({ "slug": format!("h{}", unique()), "name": "H", "timezone": "UTC", "superadmin": { "name": "S", "phone": unique_phone() } }),
            ),
        ),
        (
            Method::PATCH,
            "/operator/hotels/demo".into(),
            Needs::Operator,
            Body::Json(json!({ "default_stay_nights": 3 })),
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

async fn call(browser: &Browser, method: &Method, path: &str, body: &Body) -> (u16, Value) {
    let request = browser.request(method.clone(), path);
    let request = match body {
        Body::None => request,
        Body::Json(value) => request.json(value),
        Body::Image => request
            .header("content-type", "multipart/form-data; boundary=b")
            .body(tiny_png()),
    };
    read(request.send().await.expect("request")).await
}

#[tokio::test]
async fn every_admin_route_admits_exactly_the_right_callers() {
    let stack = Stack::demo().await;
    let mut browsers = Vec::new();
    for actor in ACTORS {
        let browser = match actor {
            Actor::Anonymous => Browser::new(&stack),
            Actor::Guest => stack.guest("demo", "101").await,
            Actor::Staff => stack.staff("staff@demo.test").await,
            Actor::Admin => stack.staff("manager@demo.test").await,
            Actor::Superadmin => stack.staff("admin@demo.test").await,
            Actor::Operator => stack.staff("operator@demo.test").await,
            Actor::OtherHotel => stack.staff("admin@demo-annex.test").await,
        };
        browsers.push((actor, browser));
    }
    let mut leaks = Vec::new();
    for (method, path, needs, body) in routes() {
        for (actor, browser) in &browsers {
            let (status, answer) = call(browser, &method, &path, &body).await;
            let expected_refusal = match actor {
                Actor::Anonymous => Some(401),
                _ if needs.allows(*actor) => None,
                _ => Some(403),
            };
            let ok = match expected_refusal {
                Some(refusal) => status == refusal && answer["error"]["code"].is_string(),
                None => status != 401 && status != 403 && status < 500,
            };
            if !ok {
                leaks.push(format!(
                    "{method} {path} as {actor:?}: got {status}, expected {} — {answer}",
                    expected_refusal.map_or("access".to_owned(), |s| s.to_string())
                ));
            }
        }
    }
    assert!(leaks.is_empty(), "\n{}\n", leaks.join("\n"));
}
