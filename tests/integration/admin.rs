//! Hotel administration end to end: settings, departments, experiences, QR codes, stays and
//! the operator's hotels. DELETE deactivates: things vanish from public routes, history stays.

use http::Method;
use serde_json::{Value, json};

use crate::support::{Browser, Stack, assert_error, unique_phone};

async fn superadmin(stack: &Stack) -> Browser {
    stack.staff("admin@demo.test").await
}

#[tokio::test]
async fn settings_change_the_hotel_and_refuse_unknown_time_zones() {
    let stack = Stack::demo().await;
    let mut admin = superadmin(&stack).await;
    stack.calls.reset();
    let refused = admin
        .send(
            Method::PATCH,
            "/hotels/demo/admin/settings",
            json!({ "timezone": "Mars/Olympus_Mons" }),
        )
        .await;
    assert_error(&refused, 400, "invalid");
    assert!(refused.1["error"]["fields"]["timezone"].is_string());
    assert_eq!(
        stack.calls.total(),
        stack.calls.count_of("BatchGetItem"),
        "bad input reaches no store call but the authorization"
    );
    for bad in [
        json!({ "accent_color": "red" }),
        json!({ "default_stay_nights": 0 }),
        json!({ "name": "  " }),
        json!({ "active": false }),
        json!({ "unknown": 1 }),
    ] {
        let answer = admin
            .send(Method::PATCH, "/hotels/demo/admin/settings", bad.clone())
            .await;
        assert_eq!(answer.0, 400, "{bad}: {}", answer.1);
    }
    let (status, body) = admin
        .send(
            Method::PATCH,
            "/hotels/demo/admin/settings",
            json!({ "name": "Demo Palace", "timezone": "america/new_york", "accent_color": "#1F6F8B" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["timezone"], "America/New_York");
    let (_, public) = stack.get("/hotels/demo").await;
    assert_eq!(public["name"], "Demo Palace");
    assert_eq!(public["branding"]["accent_color"], "#1f6f8b");
}

#[tokio::test]
async fn departments_are_created_validated_changed_and_closed() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("manager@demo.test").await;
    let path = "/hotels/demo/admin/departments";
    let department = |windows: Value| {
        json!({
            "slug": "concierge-desk",
            "name": "Concierge desk",
            "response_sla_minutes": 10,
            "after_hours_sla_minutes": 30,
            "after_hours": windows,
        })
    };
    stack.calls.reset();
    for bad in [
        json!([{ "day": "fri", "start": "24:00", "end": "07:00" }]),
        json!([{ "day": "fri", "start": "7:00", "end": "08:00" }]),
        json!([{ "day": "friday", "start": "22:00", "end": "07:00" }]),
        json!([{ "day": "fri", "start": "22:00" }]),
    ] {
        let answer = admin.post(path, department(bad.clone())).await;
        assert_eq!(answer.0, 400, "{bad}: {}", answer.1);
    }
    let zero_sla = admin
        .post(
            path,
            json!({ "slug": "x", "name": "X", "response_sla_minutes": 0, "after_hours_sla_minutes": 5 }),
        )
        .await;
    assert!(zero_sla.1["error"]["fields"]["response_sla_minutes"].is_string());
    let bad_slug = admin
        .post(
            path,
            json!({ "slug": "Bad Slug", "name": "X", "response_sla_minutes": 5, "after_hours_sla_minutes": 5 }),
        )
        .await;
    assert_eq!(bad_slug.0, 400);
    assert_eq!(
        stack.calls.total(),
        stack.calls.count_of("BatchGetItem"),
        "bad input reaches no store call but the authorization"
    );

    // An overnight window is fine.
    let overnight = json!([{ "day": "fri", "start": "22:00", "end": "07:00" }]);
    let (status, created) = admin.post(path, department(overnight.clone())).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["after_hours"], overnight);
    assert_error(
        &admin.post(path, department(json!([]))).await,
        409,
        "department_exists",
    );

    let (status, changed) = admin
        .send(
            Method::PATCH,
            "/hotels/demo/admin/departments/concierge-desk",
            json!({ "response_sla_minutes": 15, "escalation_contacts": [] }),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["response_sla_minutes"], 15);
    let stranger = admin
        .send(
            Method::PATCH,
            "/hotels/demo/admin/departments/concierge-desk",
            json!({ "escalation_contacts": ["01hzx6k2m3n4p5q6r7s8t9v0wy"] }),
        )
        .await;
    assert!(stranger.1["error"]["fields"]["escalation_contacts"].is_string());
    assert_error(
        &admin
            .send(
                Method::PATCH,
                "/hotels/demo/admin/departments/nowhere",
                json!({ "name": "Nowhere" }),
            )
            .await,
        404,
        "not_found",
    );

    // Closing a department hides it and its experiences from guests, not from admins.
    let (status, experience) = admin
        .post(
            "/hotels/demo/admin/experiences",
            json!({ "department": "concierge-desk", "name": "Theatre tickets" }),
        )
        .await;
    assert_eq!(status, 201, "{experience}");
    let id = experience["id"].as_str().unwrap().to_owned();
    assert_eq!(
        stack.get(&format!("/hotels/demo/experiences/{id}")).await.0,
        200
    );
    let (status, _) = admin
        .send(
            Method::DELETE,
            "/hotels/demo/admin/departments/concierge-desk",
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let (_, public) = stack.get("/hotels/demo/departments").await;
    assert!(!public.to_string().contains("concierge-desk"));
    assert_eq!(
        stack.get(&format!("/hotels/demo/experiences/{id}")).await.0,
        404
    );
    let (_, listed) = stack
        .get("/hotels/demo/experiences?department=concierge-desk")
        .await;
    assert_eq!(listed["items"], json!([]));
    let (_, all) = admin.get(path).await;
    let closed = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["slug"] == "concierge-desk")
        .expect("kept for admins");
    assert_eq!(closed["active"], false);
    // Reopening brings the experience back.
    let (status, _) = admin
        .send(
            Method::PATCH,
            "/hotels/demo/admin/departments/concierge-desk",
            json!({ "active": true }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        stack.get(&format!("/hotels/demo/experiences/{id}")).await.0,
        200
    );
}

#[tokio::test]
async fn experiences_are_managed_and_withdrawn_from_guests() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("manager@demo.test").await;
    let missing_department = admin
        .post(
            "/hotels/demo/admin/experiences",
            json!({ "department": "nowhere", "name": "Ghost tour" }),
        )
        .await;
    assert_error(&missing_department, 400, "invalid");
    assert!(missing_department.1["error"]["fields"]["department"].is_string());
    let (status, created) = admin
        .post(
            "/hotels/demo/admin/experiences",
            json!({ "department": "spa", "name": " Hot stones ", "price_text": "EUR 80", "requires_confirmation": true, "sort_order": 1 }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["name"], "Hot stones");
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/hotels/demo/admin/experiences/{id}");
    let (status, changed) = admin
        .send(
            Method::PATCH,
            &path,
            json!({ "price_text": "", "name": "Hot stone massage" }),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["price_text"], Value::Null);
    let (_, public) = stack.get(&format!("/hotels/demo/experiences/{id}")).await;
    assert_eq!(public["name"], "Hot stone massage");

    assert_eq!(admin.send(Method::DELETE, &path, json!({})).await.0, 204);
    assert_eq!(
        stack.get(&format!("/hotels/demo/experiences/{id}")).await.0,
        404
    );
    let (_, listed) = stack.get("/hotels/demo/experiences?limit=100").await;
    assert!(!listed.to_string().contains(&id));
    let (_, everything) = admin.get("/hotels/demo/admin/experiences?limit=100").await;
    assert!(everything.to_string().contains(&id), "admins still see it");
    // Another hotel's experience is out of reach by id.
    let mut annex = stack.staff("admin@demo-annex.test").await;
    let other = annex
        .send(
            Method::PATCH,
            &format!("/hotels/demo-annex/admin/experiences/{id}"),
            json!({ "name": "Stolen" }),
        )
        .await;
    assert_error(&other, 404, "not_found");
}

#[tokio::test]
async fn qr_codes_are_unguessable_printable_and_retired() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("manager@demo.test").await;
    let path = "/hotels/demo/admin/qr-codes";
    let (status, first) = admin
        .post(path, json!({ "label": "Room 301 door", "location": "301" }))
        .await;
    assert_eq!(status, 201, "{first}");
    let (_, second) = admin
        .post(path, json!({ "label": "Room 302 door", "location": "302" }))
        .await;
    let code = first["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 26);
    assert_ne!(code, second["code"].as_str().unwrap());
    let (_, scanned) = stack.get(&format!("/qr/{code}")).await;
    assert_eq!(scanned["location"], "301");

    // The image encodes the guest app's page of the code, on the stack's own origin.
    let image = format!("{path}/{code}/image");
    let svg = admin
        .request(Method::GET, &format!("{image}?format=svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let svg = svg.text().await.unwrap();
    let origin = stack.base.strip_suffix("/api/v1").unwrap();
    let url = format!("{origin}/scan/{code}");
    let expected = qrcode::QrCode::new(url.as_bytes())
        .unwrap()
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(256, 256)
        .build();
    assert_eq!(svg, expected);
    let png = admin
        .request(Method::GET, &format!("{image}?format=png"))
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    let png = image::load_from_memory(&png.bytes().await.unwrap()).unwrap();
    assert!(png.width() >= 21 * 12);
    assert_error(
        &admin.get(&format!("{image}?format=gif")).await,
        400,
        "invalid",
    );
    assert_error(
        &admin.get(&format!("{path}/not-a-code/image")).await,
        400,
        "invalid",
    );

    let (status, changed) = admin
        .send(
            Method::PATCH,
            &format!("{path}/{code}"),
            json!({ "label": "Room 301 bedside" }),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["scan_count"], 1, "scans are kept");
    assert_eq!(
        admin
            .send(Method::DELETE, &format!("{path}/{code}"), json!({}))
            .await
            .0,
        204
    );
    assert_eq!(stack.get(&format!("/qr/{code}")).await.0, 404);
    let (_, listed) = admin.get(path).await;
    let retired = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|qr| qr["code"] == code.as_str())
        .expect("kept for admins");
    assert_eq!(retired["active"], false);
    assert_eq!(retired["label"], "Room 301 bedside");

    // Another hotel's admin cannot see or print it.
    let annex = stack.staff("admin@demo-annex.test").await;
    assert_error(
        &annex
            .get(&format!("/hotels/demo-annex/admin/qr-codes/{code}/image"))
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn staff_list_extend_and_end_guest_stays() {
    let stack = Stack::demo().await;
    let guest = stack.guest("demo", "102").await;
    let (_, stays) = guest.get("/me/stays").await;
    let stay = stays["items"][0]["id"].as_str().unwrap().to_owned();
    let check_out: jiff::Timestamp = stays["items"][0]["check_out"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let mut staff = stack.staff("staff@demo.test").await;
    let (status, listed) = staff.get("/hotels/demo/admin/stays").await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["items"][0]["id"], stay.as_str());
    assert_eq!(listed["items"][0]["active"], true);

    let path = format!("/hotels/demo/admin/stays/{stay}");
    let earlier = check_out
        .checked_sub(jiff::SignedDuration::from_hours(1))
        .unwrap();
    let shorter = staff
        .send(
            Method::PATCH,
            &path,
            json!({ "action": "extend", "check_out": earlier }),
        )
        .await;
    assert!(
        shorter.1["error"]["fields"]["check_out"].is_string(),
        "{}",
        shorter.1
    );
    assert_eq!(
        staff
            .send(Method::PATCH, &path, json!({ "action": "stop" }))
            .await
            .0,
        400
    );
    let later = check_out
        .checked_add(jiff::SignedDuration::from_hours(48))
        .unwrap();
    let (status, extended) = staff
        .send(
            Method::PATCH,
            &path,
            json!({ "action": "extend", "check_out": later }),
        )
        .await;
    assert_eq!(status, 200, "{extended}");
    let (_, mine) = guest.get("/me/stays").await;
    assert_eq!(
        mine["items"][0]["check_out"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap(),
        later
    );

    let annex = stack.staff("admin@demo-annex.test").await;
    let mut annex = annex;
    let other = annex
        .send(
            Method::PATCH,
            &format!("/hotels/demo-annex/admin/stays/{stay}"),
            json!({ "action": "end" }),
        )
        .await;
    assert_error(&other, 404, "not_found");

    let (status, ended) = staff
        .send(Method::PATCH, &path, json!({ "action": "end" }))
        .await;
    assert_eq!(status, 200, "{ended}");
    assert_eq!(ended["active"], false);
    assert_error(
        &staff
            .send(Method::PATCH, &path, json!({ "action": "end" }))
            .await,
        409,
        "stay_ended",
    );
    let (_, mine) = guest.get("/me/stays").await;
    assert_eq!(mine["items"][0]["active"], false);
}

#[tokio::test]
async fn operators_create_list_and_close_hotels() {
    let stack = Stack::demo().await;
    let mut operator = stack.staff("operator@demo.test").await;
    let phone = unique_phone();
    let new_hotel = json!({
        "slug": "grand-lisbon",
        "name": "Grand Lisbon",
        "timezone": "Europe/Lisbon",
        "superadmin": { "name": "Gina General", "phone": phone, "email": "gina@grand-lisbon.test" },
    });
    let mut bad_zone = new_hotel.clone();
    bad_zone["timezone"] = json!("Europe/Atlantis");
    assert_eq!(operator.post("/operator/hotels", bad_zone).await.0, 400);
    let mut no_phone = new_hotel.clone();
    no_phone["superadmin"]["phone"] = Value::Null;
    assert_eq!(operator.post("/operator/hotels", no_phone).await.0, 400);

    let (status, created) = operator.post("/operator/hotels", new_hotel.clone()).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["superadmin"]["has_password"], false, "F5");
    assert_error(
        &operator.post("/operator/hotels", new_hotel).await,
        409,
        "hotel_exists",
    );
    let (_, listed) = operator.get("/operator/hotels?limit=100").await;
    assert!(listed.to_string().contains("grand-lisbon"));
    assert_eq!(stack.get("/hotels/grand-lisbon").await.0, 200);

    let (status, closed) = operator
        .send(
            Method::PATCH,
            "/operator/hotels/grand-lisbon",
            json!({ "active": false }),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(stack.get("/hotels/grand-lisbon").await.0, 404);
    let (_, listed) = operator.get("/operator/hotels?limit=100").await;
    assert!(
        listed.to_string().contains("grand-lisbon"),
        "kept for the operator"
    );
    assert_error(
        &operator
            .send(
                Method::PATCH,
                "/operator/hotels/nowhere",
                json!({ "name": "X" }),
            )
            .await,
        404,
        "not_found",
    );
}
