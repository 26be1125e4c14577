//! A request's life as a hotel lives it: nobody left unnotified, nothing open forever,
//! deadlines that respect the booking, outcomes told, hotel time in what people read.

use concierge::clock::Clock;
use concierge::ids::{RequestId, UserId};
use concierge::jobs::{JobEvent, digest, escalation, expiry, reminder};
use concierge::notifications::{Notification, NotificationKind};
use concierge::requests::{Activity, ActivityKind, ServiceRequest, Status};
use concierge::store::PageRequest;
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::support::{Browser, Stack};

async fn ask(guest: &mut Browser, body: Value) -> RequestId {
    let (status, created) = guest.post("/hotels/demo/requests", body).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().parse().unwrap()
}

async fn history(stack: &Stack, id: RequestId) -> (ServiceRequest, Vec<Activity>) {
    stack
        .app
        .store
        .request_with_activity(id)
        .await
        .unwrap()
        .unwrap()
}

/// The notifications `user` has about request `id`.
async fn notices_about(stack: &Stack, user: UserId, id: RequestId) -> Vec<Notification> {
    let page = PageRequest {
        limit: 100,
        cursor: None,
    };
    stack
        .app
        .store
        .notifications(user, &page)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| n.request == Some(id))
        .collect()
}

/// How long from the clock's now to `hour` o'clock of the next day in `zone`.
fn until_next_morning(clock: &impl Clock, zone: &jiff::tz::TimeZone, hour: i8) -> SignedDuration {
    let now = clock.now().to_zoned_datetime(zone.clone());
    let morning = now
        .date()
        .tomorrow()
        .unwrap()
        .at(hour, 0, 0, 0)
        .to_zoned_datetime(zone.clone())
        .unwrap();
    now.duration_until(&morning)
}

#[tokio::test]
async fn a_department_nobody_works_sends_its_requests_to_the_admins_and_admins_see_it() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let mut guest = stack.guest("demo", "101").await;
    // Nobody works the spa in the demo hotel; Sam works housekeeping.
    let spa = ask(
        &mut guest,
        json!({ "department": "spa", "details": "A massage" }),
    )
    .await;
    let admins = [
        stack.user("admin@demo.test").await.id,
        stack.user("manager@demo.test").await.id,
    ];
    let sam = stack.user("staff@demo.test").await.id;
    for admin in admins {
        let told = notices_about(&stack, admin, spa).await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(told[0].kind, NotificationKind::NewRequest);
    }
    assert!(notices_about(&stack, sam, spa).await.is_empty());

    clock.advance(SignedDuration::from_hours(5));
    let report = escalation::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert_eq!(report.get("escalated"), 1, "{report:?}");
    let (request, activity) = history(&stack, spa).await;
    assert_eq!(request.escalation_level, 1);
    let escalated = activity
        .iter()
        .find(|a| a.kind == ActivityKind::Escalated)
        .unwrap();
    let text = escalated.text.as_deref().unwrap();
    assert!(
        text.contains("the hotel's admins were told (2 people)"),
        "{text}"
    );
    for admin in admins {
        let kinds: Vec<_> = notices_about(&stack, admin, spa)
            .await
            .iter()
            .map(|n| n.kind)
            .collect();
        assert!(kinds.contains(&NotificationKind::Escalation), "{kinds:?}");
    }

    let manager = stack.staff("manager@demo.test").await;
    let (status, listing) = manager.get("/hotels/demo/admin/departments").await;
    assert_eq!(status, 200, "{listing}");
    let receivers = |slug: &str| {
        listing["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["slug"] == slug)
            .map(|d| d["receivers"].clone())
            .unwrap()
    };
    assert_eq!(receivers("spa"), 0);
    assert_eq!(receivers("housekeeping"), 1);
}

#[tokio::test]
async fn a_member_removed_from_the_hotel_no_longer_sees_its_notifications() {
    let stack = Stack::demo().await;
    let mut sam = stack.staff("staff@demo.test").await;
    let sam_id = stack.user("staff@demo.test").await.id;
    let mut guest = stack.guest("demo", "101").await;
    let towels = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Towels for room 101" }),
    )
    .await;
    let (_, before) = sam.get("/notifications").await;
    assert_eq!(before["items"].as_array().unwrap().len(), 1, "{before}");
    let (_, count) = sam.get("/notifications/unread-count").await;
    assert_eq!(count["unread"], 1);

    let mut manager = stack.staff("manager@demo.test").await;
    let (status, body) = manager
        .send(
            http::Method::DELETE,
            &format!("/hotels/demo/admin/members/{sam_id}"),
            json!({}),
        )
        .await;
    assert_eq!(status, 204, "{body}");

    // Sam's access token still works for a few minutes, but shows nothing of the hotel.
    let notice = notices_about(&stack, sam_id, towels).await[0].id;
    let (status, after) = sam.get("/notifications").await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["items"], json!([]), "{after}");
    let (_, count) = sam.get("/notifications/unread-count").await;
    assert_eq!(count["unread"], 0);
    let (status, _) = sam
        .post(&format!("/notifications/{notice}/read"), json!({}))
        .await;
    assert_eq!(status, 404);
    let (status, marked) = sam.post("/notifications/read-all", json!({})).await;
    assert_eq!((status, marked["marked"].clone()), (200, json!(0)));
    // The guest still sees their own news.
    let (status, mine) = guest.get("/notifications").await;
    assert_eq!(status, 200);
    assert!(mine["items"].is_array());
}

#[tokio::test]
async fn ending_a_stay_cancels_what_the_guest_could_cancel_and_flags_what_is_in_progress() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let mut guest = stack.guest("demo", "101").await;
    let mut sam = stack.staff("staff@demo.test").await;
    let sam_id = stack.user("staff@demo.test").await.id;
    let in_two_hours = clock
        .now()
        .saturating_add(SignedDuration::from_hours(2))
        .unwrap();
    let fresh = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Towels" }),
    )
    .await;
    let seen = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Pillows" }),
    )
    .await;
    let doing = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Turn-down", "requested_for": in_two_hours.to_string() }),
    )
    .await;
    for id in [seen, doing] {
        let (status, body) = sam
            .post(
                &format!("/hotels/demo/admin/requests/{id}/acknowledge"),
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = sam
        .send(
            http::Method::PATCH,
            &format!("/hotels/demo/admin/requests/{doing}"),
            json!({ "status": "IN_PROGRESS" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let (_, stays) = guest.get("/me/stays").await;
    let stay = stays["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = sam
        .send(
            http::Method::PATCH,
            &format!("/hotels/demo/admin/stays/{stay}"),
            json!({ "action": "end" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    for id in [fresh, seen] {
        let (request, activity) = history(&stack, id).await;
        assert_eq!(request.status, Status::Cancelled, "{id}");
        assert!(request.guest_left_at.is_some());
        let last = activity.last().unwrap();
        assert_eq!(last.text.as_deref(), Some("guest checked out"));
    }
    let (request, activity) = history(&stack, doing).await;
    assert_eq!(request.status, Status::InProgress);
    assert!(request.guest_left_at.is_some());
    assert_eq!(activity.last().unwrap().kind, ActivityKind::GuestLeft);
    // Sam acknowledged two of them and hears of both; nobody had the NEW one.
    let kinds = |notices: Vec<Notification>| notices.iter().map(|n| n.kind).collect::<Vec<_>>();
    assert!(
        kinds(notices_about(&stack, sam_id, seen).await)
            .contains(&NotificationKind::RequestCancelled)
    );
    assert!(
        kinds(notices_about(&stack, sam_id, doing).await).contains(&NotificationKind::GuestLeft)
    );

    // Hours later nothing escalates, and the in-progress one is not reminded.
    clock.advance(SignedDuration::from_hours(3));
    let escalated = escalation::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert_eq!(escalated.get("escalated"), 0, "{escalated:?}");
    let reminded = reminder::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert_eq!(reminded.get("reminded"), 0, "{reminded:?}");
    let (_, activity) = history(&stack, doing).await;
    assert!(!activity.iter().any(|a| a.kind == ActivityKind::Reminder));
    // And the guest cannot ask again on the ended stay.
    let (status, body) = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": "More" }),
        )
        .await;
    assert_eq!(status, 403, "{body}");
}

#[tokio::test]
async fn a_stay_past_check_out_closes_its_requests_when_the_expiry_job_ends_it() {
    // Requests go stale after ten days here, so this one is still open at check-out.
    let (stack, clock) = Stack::clocked(|config| {
        config.requests.stale_after = std::time::Duration::from_secs(10 * 24 * 3600);
    })
    .await;
    let mut guest = stack.guest("demo", "102").await;
    let id = ask(
        &mut guest,
        json!({ "department": "spa", "details": "A massage" }),
    )
    .await;
    // Past check-out (three nights), before the request would expire.
    clock.advance(SignedDuration::from_hours(4 * 24));
    let report = expiry::JOB
        .run_once(stack.app, JobEvent { timer: None })
        .await
        .unwrap();
    assert_eq!(report.get("stays_ended"), 1, "{report:?}");
    assert_eq!(report.get("requests_cancelled"), 1, "{report:?}");
    let (request, activity) = history(&stack, id).await;
    assert_eq!(request.status, Status::Cancelled);
    assert_eq!(
        activity.last().unwrap().text.as_deref(),
        Some("guest checked out")
    );
}

#[tokio::test]
async fn a_booked_request_is_due_before_its_booking_by_the_departments_lead() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let mut guest = stack.guest("demo", "101").await;
    let now = clock.now();
    let at = |minutes: i64| {
        now.saturating_add(SignedDuration::from_mins(minutes))
            .unwrap()
    };
    // Spa answers within 30 minutes (120 after hours); a booking in 40 minutes is due 15 before.
    let soon = ask(
        &mut guest,
        json!({ "department": "spa", "details": "Massage", "requested_for": at(40).to_string() }),
    )
    .await;
    let (request, _) = history(&stack, soon).await;
    assert_eq!(request.response_due_at.as_second(), at(25).as_second());

    // A lead set by the admin; a booking closer than it is due now, never before.
    let mut manager = stack.staff("manager@demo.test").await;
    let (status, body) = manager
        .send(
            http::Method::PATCH,
            "/hotels/demo/admin/departments/spa",
            json!({ "booking_lead_minutes": 60 }),
        )
        .await;
    assert_eq!(
        (status, body["booking_lead_minutes"].clone()),
        (200, json!(60)),
        "{body}"
    );
    let closer = ask(
        &mut guest,
        json!({ "department": "spa", "details": "Sauna", "requested_for": at(40).to_string() }),
    )
    .await;
    let (request, _) = history(&stack, closer).await;
    assert_eq!(request.response_due_at.as_second(), now.as_second());
    let (status, body) = manager
        .send(
            http::Method::PATCH,
            "/hotels/demo/admin/departments/spa",
            json!({ "booking_lead_minutes": 5000 }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["fields"]["booking_lead_minutes"].is_string());
}

#[tokio::test]
async fn times_people_read_are_in_the_hotels_zone_and_name_it() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let mut admin = stack.staff("admin@demo.test").await;
    let (status, body) = admin
        .send(
            http::Method::PATCH,
            "/hotels/demo/admin/settings",
            json!({ "timezone": "Asia/Kolkata" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let kolkata = jiff::tz::TimeZone::get("Asia/Kolkata").unwrap();
    let local = |at: jiff::Timestamp| {
        format!(
            "{} (Asia/Kolkata)",
            at.to_zoned_datetime(kolkata.clone())
                .strftime("%a %-d %b %Y, %H:%M")
        )
    };
    let booked = clock
        .now()
        .saturating_add(SignedDuration::from_hours(2))
        .unwrap();
    let mut guest = stack.guest("demo", "101").await;
    let id = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Turn-down", "requested_for": booked.to_string() }),
    )
    .await;
    let sam = stack.user("staff@demo.test").await.id;
    let told = notices_about(&stack, sam, id).await;
    assert_eq!(
        told[0].title,
        format!("New request from 101 (Housekeeping) for {}", local(booked))
    );

    clock.advance(SignedDuration::from_mins(100));
    let report = reminder::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert_eq!(report.get("reminded"), 1, "{report:?}");
    let (_, activity) = history(&stack, id).await;
    let reminded = activity
        .iter()
        .find(|a| a.kind == ActivityKind::Reminder)
        .unwrap();
    assert_eq!(
        reminded.text.as_deref(),
        Some(format!("Requested for {}.", local(booked)).as_str())
    );
    let titles: Vec<String> = notices_about(&stack, sam, id)
        .await
        .into_iter()
        .filter(|n| n.kind == NotificationKind::Reminder)
        .map(|n| n.title)
        .collect();
    assert_eq!(
        titles,
        [format!("Coming up at {}: request from 101", local(booked))]
    );

    // The digest names the hotel's yesterday and its zone (the morning after the hotel's first
    // day).
    clock.advance(until_next_morning(clock.as_ref(), &kolkata, 10));
    let report = digest::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert!(report.get("sent") >= 1, "{report:?}");
    let yesterday = clock
        .now()
        .to_zoned_datetime(kolkata)
        .date()
        .yesterday()
        .unwrap();
    let page = PageRequest {
        limit: 100,
        cursor: None,
    };
    let digests: Vec<String> = stack
        .app
        .store
        .notifications(stack.user("admin@demo.test").await.id, &page)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| n.kind == NotificationKind::Digest)
        .map(|n| n.title)
        .collect();
    // When the test's steps crossed a Kolkata midnight, the hotel's first day is owed too (a
    // morning the job missed): each digest names its day and the zone.
    let expected = format!(
        "Demo Grand Hotel: yesterday, {} (Asia/Kolkata)",
        yesterday.strftime("%A %-d %B %Y")
    );
    assert!(digests.contains(&expected), "{digests:?}");
    assert!(
        digests
            .iter()
            .all(|title| title.ends_with("(Asia/Kolkata)")),
        "{digests:?}"
    );
}

#[tokio::test]
async fn outcomes_are_told_to_the_staff_who_took_a_request_and_to_the_guest() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let mut guest = stack.guest("demo", "101").await;
    let guest_id = history(
        &stack,
        ask(
            &mut guest,
            json!({ "department": "housekeeping", "details": "Soap" }),
        )
        .await,
    )
    .await
    .0
    .guest;
    let mut sam = stack.staff("staff@demo.test").await;
    let sam_id = stack.user("staff@demo.test").await.id;

    // A cancellation reaches whoever acknowledged the request.
    let taken = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Robe" }),
    )
    .await;
    let (status, _) = sam
        .post(
            &format!("/hotels/demo/admin/requests/{taken}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = guest
        .post(&format!("/me/requests/{taken}/cancel"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let cancelled: Vec<_> = notices_about(&stack, sam_id, taken)
        .await
        .into_iter()
        .filter(|n| n.kind == NotificationKind::RequestCancelled)
        .collect();
    assert_eq!(cancelled.len(), 1, "{cancelled:?}");
    assert_eq!(
        cancelled[0].title,
        "Cancelled by the guest: request from 101"
    );

    // The guest hears of a confirmation and of a decline with its reason.
    let (_, spa) = guest.get("/hotels/demo/experiences?department=spa").await;
    let massage = spa["items"][0]["id"].as_str().unwrap().to_owned();
    let confirmed = ask(&mut guest, json!({ "experience": massage })).await;
    let declined = ask(&mut guest, json!({ "experience": massage })).await;
    let mut manager = stack.staff("manager@demo.test").await;
    for (id, change) in [
        (confirmed, json!({ "status": "CONFIRMED" })),
        (
            declined,
            json!({ "status": "DECLINED", "reason": "Fully booked tonight" }),
        ),
    ] {
        let (status, body) = manager
            .send(
                http::Method::PATCH,
                &format!("/hotels/demo/admin/requests/{id}"),
                change,
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let told = |notices: Vec<Notification>| {
        notices
            .into_iter()
            .filter(|n| n.kind == NotificationKind::RequestUpdated)
            .map(|n| (n.title, n.body))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        told(notices_about(&stack, guest_id, confirmed).await),
        [(
            "Swedish massage (60 min) is confirmed".to_owned(),
            String::new()
        )]
    );
    assert_eq!(
        told(notices_about(&stack, guest_id, declined).await),
        [(
            "Swedish massage (60 min) could not be accepted".to_owned(),
            "Fully booked tonight".to_owned()
        )]
    );

    // An expiry carries its reason, in the history and to the guest.
    let waiting = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Iron" }),
    )
    .await;
    clock.advance(SignedDuration::from_hours(25));
    let report = expiry::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert!(report.get("expired") >= 1, "{report:?}");
    let (request, activity) = history(&stack, waiting).await;
    assert_eq!(request.status, Status::Expired);
    let reason = concierge::notifications::EXPIRED_REASON;
    assert_eq!(activity.last().unwrap().text.as_deref(), Some(reason));
    let (_, mine) = guest.get(&format!("/me/requests/{waiting}")).await;
    assert!(mine.to_string().contains(reason), "{mine}");
    assert_eq!(
        told(notices_about(&stack, guest_id, waiting).await),
        [(
            "Your request expired without an answer".to_owned(),
            reason.to_owned()
        )]
    );
}

#[tokio::test]
async fn a_hotels_contact_is_an_address_a_web_page_and_a_phone_or_it_is_refused() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("admin@demo.test").await;
    let contact = |field: &str, value: &str| {
        let mut contact = json!({
            "phone": "+351 210 000 000",
            "email": "frontdesk@demo.test",
            "website": "https://demo.test/stay",
        });
        contact[field] = json!(value);
        json!({ "contact": contact })
    };
    for (field, value) in [
        ("website", "javascript:alert(1)"),
        ("website", "data:text/html,<script>alert(1)</script>"),
        ("website", "ftp://demo.test"),
        ("website", "https://user:pass@evil.test"),
        ("website", "demo.test"),
        ("email", "not-an-email"),
        ("phone", "call us"),
        ("phone", "12"),
    ] {
        let (status, body) = admin
            .send(
                http::Method::PATCH,
                "/hotels/demo/admin/settings",
                contact(field, value),
            )
            .await;
        assert_eq!(status, 400, "{field} {value}: {body}");
        assert!(
            body["error"]["fields"][format!("contact.{field}")].is_string(),
            "{field} {value}: {body}"
        );
    }
    let (status, body) = admin
        .send(
            http::Method::PATCH,
            "/hotels/demo/admin/settings",
            contact("website", "HTTPS://Demo.test/stay"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, public) = stack.get("/hotels/demo").await;
    assert_eq!(public["contact"]["phone"], "+351210000000", "{public}");
    assert_eq!(public["contact"]["website"], "HTTPS://Demo.test/stay");

    let mut operator = stack.staff("operator@demo.test").await;
    let (status, body) = operator
        .post(
            "/operator/hotels",
            json!({
                "slug": "lakeside", "name": "Lakeside", "timezone": "Europe/Lisbon",
                "contact": { "website": "javascript:alert(1)" },
                "superadmin": { "name": "Lee Lake", "phone": crate::support::unique_phone() },
            }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["fields"]["contact.website"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn assigning_names_the_assignee_tells_them_and_repeating_it_changes_nothing() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let id = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Kettle" }),
    )
    .await;
    let mut manager = stack.staff("manager@demo.test").await;
    let sam = stack.user("staff@demo.test").await.id;
    let path = format!("/hotels/demo/admin/requests/{id}");
    let mut patch = async |body: Value| {
        let (status, body) = manager.send(http::Method::PATCH, &path, body).await;
        assert_eq!(status, 200, "{body}");
        body
    };
    let assigned = patch(json!({ "assignee": sam, "priority": "HIGH" })).await;
    assert_eq!(assigned["assignee"], sam.to_string());
    let version = assigned["version"].clone();

    // The same assignee and priority again: no history, no new version.
    let again = patch(json!({ "assignee": sam, "priority": "HIGH" })).await;
    assert_eq!(again["version"], version);
    let (_, activity) = history(&stack, id).await;
    let assignments: Vec<_> = activity
        .iter()
        .filter(|a| a.kind == ActivityKind::Assigned)
        .map(|a| a.text.clone().unwrap_or_default())
        .collect();
    assert_eq!(assignments, ["Assigned to Sam Staff."]);
    assert_eq!(
        activity
            .iter()
            .filter(|a| a.kind == ActivityKind::PriorityChanged)
            .count(),
        1
    );
    let told: Vec<_> = notices_about(&stack, sam, id)
        .await
        .into_iter()
        .filter(|n| n.kind == NotificationKind::Assigned)
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");

    // `null` removes the assignee.
    let removed = patch(json!({ "assignee": null })).await;
    assert_eq!(removed["assignee"], Value::Null);
    assert_ne!(removed["version"], version);
    let (_, activity) = history(&stack, id).await;
    assert_eq!(
        activity.last().unwrap().text.as_deref(),
        Some("No longer assigned.")
    );
    let unchanged = patch(json!({ "assignee": null })).await;
    assert_eq!(unchanged["version"], removed["version"]);
}

/// The digest notifications an admin has, oldest first.
async fn digests_of(stack: &Stack, email: &str) -> Vec<Notification> {
    let page = PageRequest {
        limit: 100,
        cursor: None,
    };
    let mut digests: Vec<Notification> = stack
        .app
        .store
        .notifications(stack.user(email).await.id, &page)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| n.kind == NotificationKind::Digest)
        .collect();
    digests.sort_by_key(|n| n.title.clone());
    digests
}

#[tokio::test]
async fn the_digest_names_its_day_breaks_it_down_and_catches_up_missed_mornings_once() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let lisbon = jiff::tz::TimeZone::get("Europe/Lisbon").unwrap();
    // A hotel created today gets nothing: it had no yesterday.
    let now = clock.now().to_zoned_datetime(lisbon.clone());
    if now.hour() < 9 {
        clock.advance(now.duration_until(&now.with().hour(9).build().unwrap()));
    }
    let report = digest::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert_eq!(report.get("too_new"), 2, "{report:?}");
    assert!(digests_of(&stack, "admin@demo.test").await.is_empty());
    let created = clock.now().to_zoned_datetime(lisbon.clone()).date();

    // The next day at 10:00 (inside the spa's and housekeeping's normal hours) two requests,
    // one acknowledged a minute later; the spa's is still NEW when its day ends.
    clock.advance(until_next_morning(clock.as_ref(), &lisbon, 10));
    let busy_day = clock.now().to_zoned_datetime(lisbon.clone()).date();
    let mut guest = stack.guest("demo", "101").await;
    let towels = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Towels" }),
    )
    .await;
    ask(
        &mut guest,
        json!({ "department": "spa", "details": "A massage" }),
    )
    .await;
    clock.advance(SignedDuration::from_mins(1));
    let mut sam = stack.staff("staff@demo.test").await;
    let (status, body) = sam
        .post(
            &format!("/hotels/demo/admin/requests/{towels}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The job was down for two days; two runs at once the morning after send the three
    // mornings it owes, each once.
    clock.advance(until_next_morning(clock.as_ref(), &lisbon, 9));
    clock.advance(until_next_morning(clock.as_ref(), &lisbon, 9));
    let (one, other) = tokio::join!(
        digest::JOB.run_once(stack.app, JobEvent::default()),
        digest::JOB.run_once(stack.app, JobEvent::default())
    );
    let (one, other) = (one.unwrap(), other.unwrap());
    // Two hotels, three mornings each.
    assert_eq!(one.get("sent") + other.get("sent"), 6, "{one:?} {other:?}");
    let digests = digests_of(&stack, "admin@demo.test").await;
    let day = |d: jiff::civil::Date| d.strftime("%A %-d %B %Y").to_string();
    let titles: Vec<&str> = digests.iter().map(|n| n.title.as_str()).collect();
    let last_day = busy_day.tomorrow().unwrap();
    let mut expected = [
        format!("Demo Grand Hotel: {} (Europe/Lisbon)", day(created)),
        format!("Demo Grand Hotel: {} (Europe/Lisbon)", day(busy_day)),
        format!(
            "Demo Grand Hotel: yesterday, {} (Europe/Lisbon)",
            day(last_day)
        ),
    ];
    expected.sort();
    assert_eq!(titles, expected);
    let of = |d: jiff::civil::Date| {
        digests
            .iter()
            .find(|n| n.title.contains(&day(d)))
            .unwrap()
            .body
            .clone()
    };
    let dashboard = format!(
        "Dashboard: {}/staff/hotels/demo/dashboard",
        stack.base.trim_end_matches("/api/v1")
    );
    // The export of the day reported, through the staff app's page.
    let export = |d: jiff::civil::Date| {
        format!(
            "Export (CSV): {}/staff/hotels/demo/export?day={d}",
            stack.base.trim_end_matches("/api/v1")
        )
    };
    assert_eq!(
        of(busy_day),
        [
            "Sent late: the digest could not go out that morning.",
            "2 requests, 1 SLA breach. Time to acknowledge: median 1 min, 90th percentile 1 min.",
            "By department: Housekeeping 1, Spa 1 (1 SLA breach).",
            "Open now: 2, 1 of them overdue.",
            dashboard.as_str(),
            export(busy_day).as_str(),
        ]
        .join("\n")
    );
    assert!(of(created).starts_with("Sent late"), "{}", of(created));
    assert_eq!(
        of(last_day),
        [
            "0 requests, 0 SLA breaches. Time to acknowledge: median —, 90th percentile —.",
            "By department: none.",
            "Open now: 2, 1 of them overdue.",
            dashboard.as_str(),
            export(last_day).as_str(),
        ]
        .join("\n")
    );

    // Every admin had each once; later runs send nothing more.
    assert_eq!(digests_of(&stack, "manager@demo.test").await.len(), 3);
    let report = digest::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert_eq!(report.get("sent"), 0, "{report:?}");
    assert_eq!(report.get("already_sent"), 2, "{report:?}");
    assert_eq!(digests_of(&stack, "admin@demo.test").await.len(), 3);
}

/// POSTs to one of the local stack's helpers; the status and the JSON body.
async fn local(stack: &Stack, path: &str, body: &str) -> (u16, Value) {
    let origin = stack.base.trim_end_matches("/api/v1");
    crate::support::read(
        stack
            .http
            .post(format!("{origin}/_local/{path}"))
            .body(body.to_owned())
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn ticks_at_once_fire_each_due_schedule_once_and_answer_cleanly() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let mut guest = stack.guest("demo", "101").await;
    for n in 0..6 {
        ask(
            &mut guest,
            json!({ "department": "housekeeping", "details": format!("Towels, {n}") }),
        )
        .await;
    }
    // Past every deadline: each request's one-time escalation schedule is due.
    clock.advance(SignedDuration::from_hours(1));
    let ticks = futures::future::join_all((0..4).map(|_| local(&stack, "tick", ""))).await;
    let mut fired = 0;
    for (status, body) in &ticks {
        assert_eq!(*status, 200, "{body}");
        fired += body["schedules"].as_u64().unwrap();
    }
    assert_eq!(fired, 6, "{ticks:?}");

    let (status, body) = local(&stack, "clock", "{\"advance_minutes\": -5}").await;
    assert_eq!(status, 400, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "Send {\"advance_minutes\": n}, n a whole number of minutes from 0."
    );
    let (status, body) = local(&stack, "jobs/nonsense", "").await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn moving_the_stacks_clock_runs_the_periodic_jobs_it_owes_so_health_stays_ok() {
    let (stack, _clock) = Stack::clocked(|_| {}).await;
    for job in concierge::jobs::JOBS {
        let (status, body) = local(&stack, &format!("jobs/{}", job.name), "").await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, moved) = local(&stack, "clock", "{\"advance_minutes\": 300}").await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        moved["jobs_run"],
        json!([
            "escalation",
            "expiry",
            "reminder",
            "otp-sweep",
            "otp-cleanup",
            "digest"
        ])
    );
    let (status, health) = stack.get("/health").await;
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["status"], "ok", "{health}");

    // Half an hour on, the minute and five-minute jobs are owed a run; the digest (hourly)
    // and the OTP cleanup (daily) are not.
    let (status, moved) = local(&stack, "clock", "{\"advance_minutes\": 30}").await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        moved["jobs_run"],
        json!(["escalation", "expiry", "reminder", "otp-sweep"])
    );
    let (status, health) = stack.get("/health").await;
    assert_eq!(status, 200, "{health}");
}

#[tokio::test]
async fn a_booking_is_inside_the_stay_starts_from_no_status_and_is_not_reminded_once_past() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let mut guest = stack.guest("demo", "101").await;
    let after_check_out = clock
        .now()
        .saturating_add(SignedDuration::from_hours(24 * 10))
        .unwrap();
    let (status, body) = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": "Towels", "requested_for": after_check_out.to_string() }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Invalid requested_for: choose a time before your check-out, ")
            && message.ends_with("12:00 (Europe/Lisbon)"),
        "{message}"
    );

    let booked = clock
        .now()
        .saturating_add(SignedDuration::from_mins(40))
        .unwrap();
    let id = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Turn-down", "requested_for": booked.to_string() }),
    )
    .await;
    let (_, activity) = history(&stack, id).await;
    assert_eq!(activity[0].kind, ActivityKind::Created);
    assert_eq!(
        (activity[0].from_status, activity[0].to_status),
        (None, Some(Status::New))
    );

    // The job was late: the booked time has passed, so nobody is reminded of it.
    clock.advance(SignedDuration::from_mins(50));
    let report = reminder::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert_eq!(report.get("reminded"), 0, "{report:?}");
    assert_eq!(report.get("obsolete"), 1, "{report:?}");
    let (_, activity) = history(&stack, id).await;
    assert!(activity.iter().all(|a| a.kind != ActivityKind::Reminder));
}

#[tokio::test]
async fn staff_see_who_acknowledged_and_who_is_assigned_by_name_only() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let id = ask(
        &mut guest,
        json!({ "department": "housekeeping", "details": "Iron" }),
    )
    .await;
    let mut manager = stack.staff("manager@demo.test").await;
    let sam = stack.user("staff@demo.test").await;
    let path = format!("/hotels/demo/admin/requests/{id}");
    let (status, body) = manager
        .post(&format!("{path}/acknowledge"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["acknowledged_by_name"], "Mario Manager");
    let (status, body) = manager
        .send(http::Method::PATCH, &path, json!({ "assignee": sam.id }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["assignee_name"], "Sam Staff");

    // Sam is STAFF: the hotel's members are not his to read, but the request names both.
    let staff = stack.staff("staff@demo.test").await;
    let (status, _) = staff.get("/hotels/demo/admin/members").await;
    assert_eq!(status, 403);
    let (status, detail) = staff.get(&path).await;
    assert_eq!(status, 200, "{detail}");
    let (status, listed) = staff
        .get("/hotels/demo/admin/requests?department=housekeeping")
        .await;
    assert_eq!(status, 200, "{listed}");
    let item = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.to_string())
        .cloned()
        .unwrap();
    let manager_user = stack.user("manager@demo.test").await;
    for view in [&detail["request"], &item] {
        assert_eq!(view["acknowledged_by_name"], "Mario Manager", "{view}");
        assert_eq!(view["assignee_name"], "Sam Staff", "{view}");
        let text = view.to_string();
        for private in [
            manager_user.phone.as_ref().map(ToString::to_string),
            manager_user.email.as_ref().map(ToString::to_string),
            sam.phone.as_ref().map(ToString::to_string),
            sam.email.as_ref().map(ToString::to_string),
        ]
        .into_iter()
        .flatten()
        {
            assert!(!text.contains(&private), "{private} leaked: {text}");
        }
    }

    // A member of another hotel learns nothing of it, names included.
    let stranger = stack.staff("staff@demo-annex.test").await;
    let (status, body) = stranger.get(&path).await;
    assert!(status == 403 || status == 404, "{status} {body}");
    assert!(!body.to_string().contains("Mario Manager"), "{body}");
}
