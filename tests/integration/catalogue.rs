//! The public catalogue: hotel, departments, experiences, QR codes and health, over HTTP.

use concierge::App;
use concierge::departments::Department;
use concierge::experiences::Experience;
use concierge::hotels::{Hotel, TimeZoneName};
use concierge::ids::{ExperienceId, HotelSlug, QrCode};
use concierge::qr::QrCodeRecord;
use concierge::store::Write;
use concierge_infra::local_config;
use futures::future::join_all;
use serde_json::Value;

use crate::support::{Stack, StoreCalls, assert_error, random_secret, read, unique_table};

#[tokio::test]
async fn a_hotel_is_public_by_slug_in_one_read() {
    let stack = Stack::demo().await;
    let (status, body) = stack.get("/hotels/demo").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["slug"], "demo");
    assert_eq!(body["name"], "Demo Grand Hotel");
    assert_eq!(body["timezone"], "Europe/Lisbon");
    assert_eq!(body["contact"]["email"], "frontdesk@demo.test");
    assert!(
        body.get("active").is_none(),
        "internal fields stay inside: {body}"
    );
    assert_eq!(stack.calls.total(), 1);
}

#[tokio::test]
async fn public_responses_may_be_cached_briefly_and_errors_may_not() {
    let stack = Stack::demo().await;
    let ok = stack
        .http
        .get(stack.url("/hotels/demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.headers()["cache-control"], "public, max-age=60");
    assert_eq!(ok.headers()["content-type"], "application/json");
    assert_eq!(ok.headers()["x-content-type-options"], "nosniff");
    let missing = stack
        .http
        .get(stack.url("/hotels/nowhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn an_unknown_hotel_is_a_404_in_the_error_shape() {
    let stack = Stack::demo().await;
    for path in [
        "/hotels/nowhere",
        "/hotels/nowhere/departments",
        "/hotels/nowhere/experiences",
    ] {
        let got = stack.get(path).await;
        assert_error(&got, 404, "not_found");
        assert_eq!(got.1["error"]["message"], "Hotel not found.");
    }
}

#[tokio::test]
async fn malformed_path_ids_are_refused_before_any_store_call() {
    let stack = Stack::demo().await;
    let long_slug = "x".repeat(51);
    let cases = [
        (format!("/hotels/{long_slug}"), "hotel"),
        ("/hotels/Demo".to_owned(), "hotel"),
        ("/hotels/de_mo".to_owned(), "hotel"),
        ("/hotels/-demo".to_owned(), "hotel"),
        ("/hotels/d%C3%A9mo".to_owned(), "hotel"),
        ("/hotels/demo%23x".to_owned(), "hotel"),
        ("/hotels/HOTEL%23demo/departments".to_owned(), "hotel"),
        (
            "/hotels/demo/experiences/not-an-id".to_owned(),
            "experience",
        ),
        (
            "/hotels/demo/experiences/zzzzzzzzzzzzzzzzzzzzzzzzzz".to_owned(),
            "experience",
        ),
        (
            "/hotels/demo/experiences?department=Spa!".to_owned(),
            "department",
        ),
        ("/hotels/demo/experiences?limit=0".to_owned(), "limit"),
        ("/hotels/demo/experiences?limit=1000".to_owned(), "limit"),
        ("/qr/short".to_owned(), "code"),
        (format!("/qr/{}", "A".repeat(26)), "code"),
        (format!("/qr/{}", "1".repeat(26)), "code"),
    ];
    for (path, field) in cases {
        let got = stack.get(&path).await;
        assert_error(&got, 400, "invalid");
        assert!(
            got.1["error"]["fields"][field].is_string(),
            "{path}: {}",
            got.1
        );
    }
    assert_eq!(stack.calls.total(), 0, "bad input reached the store");
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_in_json() {
    let stack = Stack::empty().await;
    for path in ["/nope", "/hotels", "/hotels/demo/unknown", "/health/"] {
        assert_error(&stack.get(path).await, 404, "not_found");
    }
    let wrong = stack
        .http
        .post(stack.url("/hotels/demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.headers()["allow"], "GET");
    assert_error(&read(wrong).await, 405, "method_not_allowed");
    let wrong = stack
        .http
        .delete(stack.url("/health"))
        .send()
        .await
        .unwrap();
    assert_error(&read(wrong).await, 405, "method_not_allowed");
    let outside = stack
        .http
        .get(stack.url("").replace("/api/v1", "/api/v2/health"))
        .send()
        .await
        .unwrap();
    assert_error(&read(outside).await, 404, "not_found");
    assert_eq!(stack.calls.total(), 0);
}

#[tokio::test]
async fn departments_list_the_active_ones_by_name() {
    let stack = Stack::demo().await;
    let now = stack.app.clock.now();
    let closed = Department {
        hotel: "demo".parse().unwrap(),
        slug: "laundry".parse().unwrap(),
        name: "Laundry".into(),
        description: String::new(),
        response_sla_minutes: 60,
        after_hours_sla_minutes: 60,
        booking_lead_minutes: concierge::departments::DEFAULT_BOOKING_LEAD_MINUTES,
        after_hours: vec![],
        escalation_contacts: vec![],
        active: false,
        created_at: now,
        updated_at: now,
    };
    stack
        .app
        .store
        .transact(&[Write::InsertDepartment(&closed)])
        .await
        .unwrap();
    let (status, body) = stack.get("/hotels/demo/departments").await;
    assert_eq!(status, 200, "{body}");
    let names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Concierge", "Housekeeping", "Room Service", "Spa"]);
    let housekeeping = &body["items"][1];
    assert_eq!(housekeeping["response_sla_minutes"], 15);
    assert_eq!(housekeeping["after_hours"][0]["start"], "22:00");
    assert!(housekeeping.get("escalation_contacts").is_none());
}

#[tokio::test]
async fn experiences_list_in_display_order_a_page_at_a_time() {
    let stack = Stack::demo().await;
    let (status, all) = stack.get("/hotels/demo/experiences").await;
    assert_eq!(status, 200, "{all}");
    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&all).len(), 6);
    assert_eq!(names(&all)[0], "Extra towels");
    assert!(all["next_cursor"].is_null());

    let (_, first) = stack.get("/hotels/demo/experiences?limit=4").await;
    assert_eq!(names(&first).len(), 4);
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a cursor after a full page");
    let (status, second) = stack
        .get(&format!("/hotels/demo/experiences?limit=4&cursor={cursor}"))
        .await;
    assert_eq!(status, 200, "{second}");
    let mut paged = names(&first);
    paged.extend(names(&second));
    assert_eq!(
        paged,
        names(&all),
        "pages together are the whole list, each item once"
    );

    // A cursor only continues the listing it came from.
    let other_hotel = stack
        .get(&format!(
            "/hotels/demo-annex/experiences?limit=4&cursor={cursor}"
        ))
        .await;
    assert_error(&other_hotel, 400, "invalid");
    let other_department = stack
        .get(&format!(
            "/hotels/demo/experiences?department=spa&cursor={cursor}"
        ))
        .await;
    assert_error(&other_department, 400, "invalid");
    for garbage in ["x", "eyJQSyI6IkhPVEVMI2RlbW8ifQ", "%00%01"] {
        let got = stack
            .get(&format!("/hotels/demo/experiences?cursor={garbage}"))
            .await;
        assert_error(&got, 400, "invalid");
    }
}

#[tokio::test]
async fn experiences_filter_by_department() {
    let stack = Stack::demo().await;
    let (status, body) = stack
        .get("/hotels/demo/experiences?department=concierge")
        .await;
    assert_eq!(status, 200, "{body}");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|e| e["department"] == "concierge" && e["requires_confirmation"] == true)
    );
    let (_, none) = stack
        .get("/hotels/demo/experiences?department=garage")
        .await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
}

fn experience(
    hotel: &str,
    name: &str,
    active: bool,
    department_active: bool,
    now: jiff::Timestamp,
) -> Experience {
    Experience {
        hotel: hotel.parse().unwrap(),
        id: ExperienceId::generate(),
        department: "spa".parse().unwrap(),
        name: name.into(),
        description: String::new(),
        category: String::new(),
        image_url: None,
        price_text: None,
        requires_confirmation: false,
        sort_order: 1,
        active,
        department_active,
        created_at: now,
        updated_at: now,
    }
}

#[tokio::test]
async fn an_experience_is_public_while_it_and_its_department_are_active() {
    let stack = Stack::demo().await;
    let (_, listing) = stack.get("/hotels/demo/experiences?department=spa").await;
    let id = listing["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = stack.get(&format!("/hotels/demo/experiences/{id}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "Swedish massage (60 min)");
    assert_eq!(body["price_text"], "€85");
    // The same id under another hotel is not there.
    assert_error(
        &stack
            .get(&format!("/hotels/demo-annex/experiences/{id}"))
            .await,
        404,
        "not_found",
    );

    let now = stack.app.clock.now();
    let retired = experience("demo", "Retired ritual", false, true, now);
    let closed_department = experience("demo", "Closed spa ritual", true, false, now);
    stack
        .app
        .store
        .transact(&[
            Write::InsertExperience(&retired),
            Write::InsertExperience(&closed_department),
        ])
        .await
        .unwrap();
    for hidden in [&retired, &closed_department] {
        let got = stack
            .get(&format!("/hotels/demo/experiences/{}", hidden.id))
            .await;
        assert_error(&got, 404, "not_found");
        assert_eq!(got.1["error"]["message"], "Experience not found.");
    }
    let (_, listing) = stack.get("/hotels/demo/experiences?department=spa").await;
    assert_eq!(listing["items"].as_array().unwrap().len(), 1);
    let unknown = ExperienceId::generate();
    assert_error(
        &stack
            .get(&format!("/hotels/demo/experiences/{unknown}"))
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn a_scanned_qr_code_names_its_room_and_hotel() {
    let stack = Stack::demo().await;
    let code = stack.demo_qr("demo", "101");
    let (status, body) = stack.get(&format!("/qr/{code}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["location"], "101");
    assert_eq!(body["hotel"]["slug"], "demo");
    assert!(body.get("scan_count").is_none());
    assert_error(
        &stack.get(&format!("/qr/{}", QrCode::generate())).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn inactive_qr_codes_lead_nowhere_and_are_not_counted() {
    let stack = Stack::demo().await;
    let retired = QrCodeRecord {
        hotel: "demo".parse().unwrap(),
        code: QrCode::generate(),
        label: "Old lobby".into(),
        location: "Lobby".into(),
        active: false,
        scan_count: 0,
        created_at: stack.app.clock.now(),
    };
    stack
        .app
        .store
        .transact(&[Write::InsertQrCode(&retired)])
        .await
        .unwrap();
    assert_error(
        &stack.get(&format!("/qr/{}", retired.code)).await,
        404,
        "not_found",
    );
    assert!(
        stack
            .app
            .store
            .scan_qr_code(&retired.code)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn concurrent_scans_are_each_counted_once() {
    let stack = Stack::demo().await;
    let code = stack.demo_qr("demo", "102");
    let scans = (0..40).map(|_| stack.get_owned(format!("/qr/{code}")));
    for (status, body) in join_all(scans).await {
        assert_eq!(status, 200, "{body}");
    }
    let record = stack.app.store.scan_qr_code(&code).await.unwrap().unwrap();
    assert_eq!(record.scan_count, 41);
}

#[tokio::test]
async fn a_closed_hotel_vanishes_from_every_public_route() {
    let stack = Stack::demo().await;
    let now = stack.app.clock.now();
    let slug: HotelSlug = "closed".parse().unwrap();
    let hotel = Hotel {
        slug: slug.clone(),
        name: "Closed Inn".into(),
        timezone: TimeZoneName::parse("UTC").unwrap(),
        contact: Default::default(),
        branding: Default::default(),
        default_stay_nights: 1,
        accepted_countries: Vec::new(),
        active: false,
        created_at: now,
        updated_at: now,
    };
    let listed = experience("closed", "Still listed", true, true, now);
    let qr = QrCodeRecord {
        hotel: slug,
        code: QrCode::generate(),
        label: "1".into(),
        location: "1".into(),
        active: true,
        scan_count: 0,
        created_at: now,
    };
    stack
        .app
        .store
        .transact(&[
            Write::InsertHotel(&hotel),
            Write::InsertExperience(&listed),
            Write::InsertQrCode(&qr),
        ])
        .await
        .unwrap();
    for path in [
        "/hotels/closed".to_owned(),
        "/hotels/closed/departments".to_owned(),
        "/hotels/closed/experiences".to_owned(),
        format!("/hotels/closed/experiences/{}", listed.id),
        format!("/qr/{}", qr.code),
    ] {
        assert_error(&stack.get(&path).await, 404, "not_found");
    }
}

#[tokio::test]
async fn health_reports_the_service_and_job_heartbeats() {
    let stack = Stack::empty().await;
    let (status, body) = stack.get("/health").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ok");
    let jobs = body["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), concierge::jobs::JOBS.len(), "{body}");
    assert!(jobs.iter().all(|job| job["state"] == "never_run"), "{body}");
}

#[tokio::test]
async fn an_unreachable_table_is_a_503_with_retry_after_and_no_detail() {
    // Port 9 (discard) is closed on loopback: every store call fails to connect.
    let sdk = concierge_infra::emulator::sdk_config("http://127.0.0.1:9").await;
    let config = local_config(&unique_table(), "http://127.0.0.1:9", &random_secret()).unwrap();
    let mut app = App::new(config, &sdk);
    let calls = StoreCalls::default();
    app.store = calls.store(&sdk, &app.config.table_name);
    let stack = Stack::serve(Box::leak(Box::new(app)), calls).await;
    let response = stack
        .http
        .get(stack.url("/hotels/demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["retry-after"], "1");
    let got = read(response).await;
    assert_error(&got, 503, "unavailable");
    assert!(
        !got.1.to_string().contains("127.0.0.1"),
        "no internal detail: {}",
        got.1
    );
}

#[tokio::test]
async fn cors_answers_configured_origins_only() {
    let stack = Stack::demo().await;
    let allowed = stack
        .http
        .get(stack.url("/hotels/demo"))
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert_eq!(
        allowed.headers()["access-control-allow-credentials"],
        "true"
    );
    let foreign = stack
        .http
        .get(stack.url("/hotels/demo"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(
        foreign
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let preflight = stack
        .http
        .request(http::Method::OPTIONS, stack.url("/hotels/demo"))
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert!(
        preflight.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("PATCH")
    );
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let stack = Stack::demo().await;
    let before = stack.get("/hotels/demo/experiences").await;
    concierge_infra::demo::seed(stack.app.store.as_ref(), stack.app.clock.as_ref())
        .await
        .expect("a second seed finds its earlier work");
    assert_eq!(stack.get("/hotels/demo/experiences").await, before);
    let (_, departments) = stack.get("/hotels/demo/departments").await;
    assert_eq!(departments["items"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn each_public_route_makes_the_store_calls_the_data_model_documents() {
    let stack = Stack::demo().await;
    let (_, listing) = stack.get("/hotels/demo/experiences").await;
    let experience = listing["items"][0]["id"].as_str().unwrap().to_owned();
    let code = stack.demo_qr("demo", "201");
    // docs/data-model.md, "Access patterns".
    let documented = [
        ("/hotels/demo".to_owned(), 1),
        ("/hotels/demo/departments".to_owned(), 2),
        ("/hotels/demo/experiences".to_owned(), 2),
        ("/hotels/demo/experiences?department=spa".to_owned(), 2),
        (format!("/hotels/demo/experiences/{experience}"), 2),
        (format!("/qr/{code}"), 2),
        ("/health".to_owned(), 1),
    ];
    for (path, calls) in documented {
        stack.calls.reset();
        let (status, body) = stack.get(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(stack.calls.total(), calls, "{path}");
    }
}
