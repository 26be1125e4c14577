//! The small things a hotel notices (issue 18's polish): one format per field, free text that
//! cannot hide or spoof, messages that say what to send, filters that mean what they say.

use serde_json::{Value, json};

use crate::support::{Stack, assert_error};

/// A time field is an RFC 3339 string, never the stored epoch seconds.
fn assert_rfc3339(value: &Value, field: &str) {
    let text = value[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string: {value}"));
    text.parse::<jiff::Timestamp>()
        .unwrap_or_else(|err| panic!("{field} {text:?} is not RFC 3339: {err}"));
}

#[tokio::test]
async fn every_time_in_the_staff_views_and_notifications_is_rfc_3339() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let id = guest.ask("housekeeping").await;
    let mut sam = stack.staff("staff@demo.test").await;

    let (status, list) = sam.get("/hotels/demo/admin/requests").await;
    assert_eq!(status, 200, "{list}");
    assert_rfc3339(&list["items"][0], "response_due_at");
    let (status, detail) = sam.get(&format!("/hotels/demo/admin/requests/{id}")).await;
    assert_eq!(status, 200, "{detail}");
    assert_rfc3339(&detail["request"], "response_due_at");
    let (status, acknowledged) = sam
        .post(
            &format!("/hotels/demo/admin/requests/{id}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{acknowledged}");
    assert_rfc3339(&acknowledged, "response_due_at");
    assert_rfc3339(&acknowledged, "acknowledged_at");

    let (status, notices) = sam.get("/notifications").await;
    assert_eq!(status, 200, "{notices}");
    assert_rfc3339(&notices["items"][0], "expires_at");
    assert_rfc3339(&notices["items"][0], "created_at");
}

#[tokio::test]
async fn free_text_refuses_control_characters_strips_bidi_and_treats_invisible_as_blank() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let mut admin = stack.staff("manager@demo.test").await;

    for bad in ["Towels\0", "Towels\u{7}", "\u{1b}[2JTowels", "Towels\u{9b}"] {
        let answer = guest
            .post(
                "/hotels/demo/requests",
                json!({ "department": "housekeeping", "details": bad }),
            )
            .await;
        assert_error(&answer, 400, "invalid");
        assert!(
            answer.1["error"]["fields"]["details"].is_string(),
            "{}",
            answer.1
        );
    }
    let invisible = "\u{200B}\u{200D} \u{FEFF}\u{2060}";
    let answer = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": invisible }),
        )
        .await;
    assert_error(&answer, 400, "invalid");
    assert!(
        answer.1["error"]["fields"]["details"].is_string(),
        "{}",
        answer.1
    );
    let (status, created) = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": "Two towels\n\tand soap" }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["details"], "Two towels\n\tand soap");

    let department = |name: &str| {
        json!({
            "slug": "valet",
            "name": name,
            "response_sla_minutes": 10,
            "after_hours_sla_minutes": 30,
        })
    };
    let path = "/hotels/demo/admin/departments";
    let answer = admin.post(path, department("Valet\nparking")).await;
    assert_error(&answer, 400, "invalid");
    assert!(
        answer.1["error"]["fields"]["name"].is_string(),
        "{}",
        answer.1
    );
    assert_error(
        &admin.post(path, department("\u{200B}\u{FEFF}")).await,
        400,
        "invalid",
    );
    let (status, created) = admin
        .post(
            path,
            department("\u{202E}teliaV\u{202C} \u{2067}parking\u{2069}"),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["name"], "teliaV parking");

    let (status, qr) = admin.get("/hotels/demo/admin/qr-codes").await;
    assert_eq!(status, 200, "{qr}");
    let code = qr["items"][0]["code"].as_str().unwrap();
    let answer = admin
        .send(
            http::Method::PATCH,
            &format!("/hotels/demo/admin/qr-codes/{code}"),
            json!({ "label": "Room\u{1b}101" }),
        )
        .await;
    assert_error(&answer, 400, "invalid");
    assert!(
        answer.1["error"]["fields"]["label"].is_string(),
        "{}",
        answer.1
    );
}

/// Words of a parser or a type, which tell a person nothing about what to send.
fn assert_says_what_to_send(answer: &(u16, Value), field: &str) {
    assert_error(answer, 400, "invalid");
    let body = answer.1.to_string();
    for internal in [
        "expected",
        "variant",
        "u32",
        "u16",
        "line ",
        "column",
        "`",
        "parse",
        "invalid type",
    ] {
        assert!(!body.contains(internal), "{internal:?} in {body}");
    }
    assert!(
        answer.1["error"]["fields"][field].is_string(),
        "{field}: {body}"
    );
}

#[tokio::test]
async fn messages_say_what_to_send_and_who_acknowledged() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let ask = |extra: Value| {
        let mut body = json!({ "department": "housekeeping", "details": "Towels" });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    for (extra, field) in [
        (json!({ "requested_for": "tomorrow" }), "requested_for"),
        (
            json!({ "requested_for": "2026-12-06T14:30:00" }),
            "requested_for",
        ),
        (json!({ "requested_for": 1_765_000_000 }), "requested_for"),
        (json!({ "priority": "SUPER" }), "priority"),
        (json!({ "priority": 3 }), "priority"),
    ] {
        let answer = guest.post("/hotels/demo/requests", ask(extra)).await;
        assert_says_what_to_send(&answer, field);
    }

    let mut sam = stack.staff("staff@demo.test").await;
    for (query, field) in [
        ("limit=ten", "limit"),
        ("limit=0", "limit"),
        ("created_from=yesterday", "created_from"),
        ("status=DONE", "status"),
        ("priority=super", "priority"),
        ("after_hours=maybe", "after_hours"),
    ] {
        let answer = sam
            .get(&format!("/hotels/demo/admin/requests?{query}"))
            .await;
        assert_says_what_to_send(&answer, field);
    }

    let mut manager = stack.staff("manager@demo.test").await;
    let department = |extra: Value| {
        let mut body = json!({
            "slug": "valet", "name": "Valet", "response_sla_minutes": 10, "after_hours_sla_minutes": 30,
        });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    for (extra, field) in [
        (
            json!({ "response_sla_minutes": "ten" }),
            "response_sla_minutes",
        ),
        (
            json!({ "response_sla_minutes": -5 }),
            "response_sla_minutes",
        ),
        (
            json!({ "response_sla_minutes": 1.5 }),
            "response_sla_minutes",
        ),
        (
            json!({ "after_hours": [{ "day": "friday", "start": "22:00", "end": "07:00" }] }),
            "after_hours[0].day",
        ),
    ] {
        let answer = manager
            .post("/hotels/demo/admin/departments", department(extra))
            .await;
        assert_says_what_to_send(&answer, field);
    }
    let mut superadmin = stack.staff("admin@demo.test").await;
    for (body, field) in [
        (json!({ "timezone": "Mars/Olympus" }), "timezone"),
        (
            json!({ "default_stay_nights": "two" }),
            "default_stay_nights",
        ),
    ] {
        let answer = superadmin
            .send(http::Method::PATCH, "/hotels/demo/admin/settings", body)
            .await;
        assert_says_what_to_send(&answer, field);
    }
    let answer = manager
        .post(
            "/hotels/demo/admin/members",
            json!({ "name": "Ann", "phone": "+351912345678", "role": "BOSS" }),
        )
        .await;
    assert_says_what_to_send(&answer, "role");

    let id = guest.ask("housekeeping").await;
    let acknowledge = format!("/hotels/demo/admin/requests/{id}/acknowledge");
    assert_eq!(sam.post(&acknowledge, json!({})).await.0, 200);
    let again = sam.post(&acknowledge, json!({})).await;
    assert_error(&again, 409, "already_acknowledged");
    assert_eq!(
        again.1["error"]["message"],
        "You already acknowledged this request."
    );
    let mut manager = stack.staff("manager@demo.test").await;
    let late = manager.post(&acknowledge, json!({})).await;
    assert_error(&late, 409, "already_acknowledged");
    assert_eq!(
        late.1["error"]["message"],
        "Someone else acknowledged this request first."
    );

    let skipped = sam
        .send(
            http::Method::PATCH,
            &format!("/hotels/demo/admin/requests/{id}"),
            json!({ "status": "COMPLETED" }),
        )
        .await;
    assert_error(&skipped, 409, "invalid_transition");
    assert_eq!(
        skipped.1["error"]["message"],
        "An acknowledged request cannot be marked completed."
    );

    let code = stack.demo_qr("demo", "102");
    let closed = manager
        .send(
            http::Method::DELETE,
            &format!("/hotels/demo/admin/qr-codes/{code}"),
            json!({}),
        )
        .await;
    assert!(closed.0 < 300, "{}", closed.1);
    let scanned = stack.get(&format!("/qr/{code}")).await;
    assert_error(&scanned, 404, "not_found");
    let message = scanned.1["error"]["message"].as_str().unwrap();
    assert!(message.contains("Ask reception"), "{message}");
    let unknown = stack.get("/qr/abcdefghijklmnopqrstuvwxyz").await;
    assert_eq!(unknown.1["error"]["message"], "QR code not found.");
}

#[tokio::test]
async fn ending_a_stay_sets_its_check_out_to_now_and_a_body_is_exactly_the_schema() {
    let stack = Stack::demo().await;
    let guest = stack.guest("demo", "102").await;
    let (_, stays) = guest.get("/me/stays").await;
    let stay = stays["items"][0]["id"].as_str().unwrap().to_owned();
    let mut staff = stack.staff("staff@demo.test").await;
    let path = format!("/hotels/demo/admin/stays/{stay}");
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(72);
    for (bad, field) in [
        (json!({ "action": "end", "check_out": later }), "check_out"),
        (json!({ "action": "end", "note": "early" }), "note"),
        (json!({ "action": "extend" }), "check_out"),
        (
            json!({ "action": "extend", "check_out": later, "x": 1 }),
            "x",
        ),
        (json!({ "action": "stop" }), "action"),
    ] {
        let answer = staff.send(http::Method::PATCH, &path, bad.clone()).await;
        assert_says_what_to_send(&answer, field);
    }
    let (_, unchanged) = guest.get("/me/stays").await;
    assert_eq!(
        unchanged["items"][0]["active"], true,
        "bad bodies change nothing"
    );

    let before = jiff::Timestamp::now();
    let (status, ended) = staff
        .send(http::Method::PATCH, &path, json!({ "action": "end" }))
        .await;
    assert_eq!(status, 200, "{ended}");
    let after = jiff::Timestamp::now();
    let check_out: jiff::Timestamp = ended["check_out"].as_str().unwrap().parse().unwrap();
    assert!(before <= check_out && check_out <= after, "{ended}");
    let (_, mine) = guest.get("/me/stays").await;
    assert_eq!(mine["items"][0]["check_out"], ended["check_out"], "{mine}");
}

#[tokio::test]
async fn request_list_filters_take_any_rfc_3339_time_and_refuse_what_they_cannot_mean() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let (status, needle) = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": "A needle and thread" }),
        )
        .await;
    assert_eq!(status, 201, "{needle}");
    for _ in 0..5 {
        guest.ask("housekeeping").await;
    }
    let sam = stack.staff("staff@demo.test").await;
    let list = "/hotels/demo/admin/requests";

    // Nothing matches in the first bounded read (limit 1, four pages): the call reads on.
    let (status, found) = sam.get(&format!("{list}?q=needle&limit=1")).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["items"][0]["id"], needle["id"], "{found}");
    let mut cursor = found["next_cursor"].as_str().map(str::to_owned);
    while let Some(next) = cursor {
        let (status, page) = sam
            .get(&format!("{list}?q=needle&limit=1&cursor={next}"))
            .await;
        assert_eq!(status, 200, "{page}");
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        assert!(
            cursor.is_none() || !page["items"].as_array().unwrap().is_empty(),
            "an empty page with a next cursor: {page}"
        );
    }

    let created: jiff::Timestamp = needle["created_at"].as_str().unwrap().parse().unwrap();
    let kolkata = jiff::tz::TimeZone::get("Asia/Kolkata").unwrap();
    let before = created - jiff::SignedDuration::from_secs(1);
    let local = before.to_zoned_datetime(kolkata);
    let forms = [
        before.to_string(),
        local.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        local.strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string(),
    ];
    for form in forms {
        for encoded in [form.replace('+', "%2B"), form.clone()] {
            let (status, page) = sam
                .get(&format!("{list}?created_from={encoded}&q=needle"))
                .await;
            assert_eq!(status, 200, "{encoded}: {page}");
            assert_eq!(page["items"][0]["id"], needle["id"], "{encoded}: {page}");
        }
    }

    let later = created + jiff::SignedDuration::from_hours(1);
    let reversed = sam
        .get(&format!("{list}?created_from={later}&created_to={created}"))
        .await;
    assert_says_what_to_send(&reversed, "created_to");
    for repeated in [
        "priority=HIGH&priority=LOW",
        "limit=1&limit=2",
        "created_from=2026-01-01T00:00:00Z&created_from=2026-02-01T00:00:00Z",
        "q=a&q=b",
    ] {
        let field = repeated.split('=').next().unwrap();
        let answer = sam.get(&format!("{list}?{repeated}")).await;
        assert_says_what_to_send(&answer, field);
    }
}

#[tokio::test]
async fn a_closed_department_is_given_to_nobody_and_an_unknown_one_is_a_field_error() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("manager@demo.test").await;
    let closed = admin
        .send(
            http::Method::DELETE,
            "/hotels/demo/admin/departments/spa",
            json!({}),
        )
        .await;
    assert!(closed.0 < 300, "{}", closed.1);

    for (department, why) in [("spa", "closed"), ("nowhere", "not a department")] {
        let answer = admin
            .post(
                "/hotels/demo/admin/members",
                json!({
                    "name": "Nina", "phone": "+351912000111", "role": "STAFF",
                    "departments": ["housekeeping", department],
                }),
            )
            .await;
        assert_says_what_to_send(&answer, "departments");
        let said = answer.1["error"]["fields"]["departments"].as_str().unwrap();
        assert!(said.contains(why), "{said}");

        let answer = admin
            .post(
                "/hotels/demo/admin/experiences",
                json!({ "department": department, "name": "Hot stones" }),
            )
            .await;
        assert_says_what_to_send(&answer, "department");
    }

    let (_, experiences) = admin.get("/hotels/demo/admin/experiences").await;
    let moved = experiences["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["department"] != "spa")
        .unwrap();
    let answer = admin
        .send(
            http::Method::PATCH,
            &format!(
                "/hotels/demo/admin/experiences/{}",
                moved["id"].as_str().unwrap()
            ),
            json!({ "department": "spa" }),
        )
        .await;
    assert_says_what_to_send(&answer, "department");
    let (_, after) = admin.get("/hotels/demo/admin/experiences").await;
    assert!(
        after["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == moved["id"] && e["department"] == moved["department"]),
        "nothing moved"
    );
}

#[tokio::test]
async fn a_time_zone_is_trimmed_and_stored_under_its_current_name() {
    let stack = Stack::demo().await;
    let mut superadmin = stack.staff("admin@demo.test").await;
    let (status, changed) = superadmin
        .send(
            http::Method::PATCH,
            "/hotels/demo/admin/settings",
            json!({ "timezone": "  asia/calcutta " }),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["timezone"], "Asia/Kolkata");
    let (_, public) = stack.get("/hotels/demo").await;
    assert_eq!(public["timezone"], "Asia/Kolkata", "{public}");
}

#[tokio::test]
async fn a_new_request_is_titled_with_the_department_name() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let (_, departments) = stack.get("/hotels/demo/departments").await;
    let name = departments["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["slug"] == "room-service")
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .unwrap();
    assert_ne!(name, "room-service");
    guest.ask("room-service").await;
    // Nobody works room service in the demo hotel: its admins are told.
    let manager = stack.staff("manager@demo.test").await;
    let (_, notices) = manager.get("/notifications").await;
    let title = notices["items"][0]["title"].as_str().unwrap();
    assert!(title.contains(&format!("({name})")), "{title}");
    assert!(!title.contains("room-service"), "{title}");
}

#[tokio::test]
async fn an_empty_patch_is_nothing_to_change_on_every_route() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "102").await;
    let request = guest.ask("housekeeping").await;
    let (_, stays) = guest.get("/me/stays").await;
    let stay = stays["items"][0]["id"].as_str().unwrap().to_owned();
    let mut superadmin = stack.staff("admin@demo.test").await;
    let (_, experiences) = superadmin.get("/hotels/demo/admin/experiences").await;
    let experience = experiences["items"][0]["id"].as_str().unwrap().to_owned();
    let sam = stack.user("staff@demo.test").await.id;
    let qr = stack.demo_qr("demo", "101");
    let mut operator = stack.staff("operator@demo.test").await;
    let admin_routes = [
        "/auth/profile".to_owned(),
        format!("/hotels/demo/admin/requests/{request}"),
        "/hotels/demo/admin/settings".to_owned(),
        "/hotels/demo/admin/departments/housekeeping".to_owned(),
        format!("/hotels/demo/admin/experiences/{experience}"),
        format!("/hotels/demo/admin/members/{sam}"),
        format!("/hotels/demo/admin/qr-codes/{qr}"),
        format!("/hotels/demo/admin/stays/{stay}"),
    ];
    let mut answers = Vec::new();
    for path in &admin_routes {
        answers.push((
            path.clone(),
            superadmin.send(http::Method::PATCH, path, json!({})).await,
        ));
    }
    let path = "/operator/hotels/demo".to_owned();
    answers.push((
        path.clone(),
        operator.send(http::Method::PATCH, &path, json!({})).await,
    ));
    for (path, answer) in answers {
        assert_error(&answer, 400, "invalid");
        let message = answer.1["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("Nothing to change"),
            "{path}: {message}"
        );
    }
    let (_, unchanged) = superadmin
        .get(&format!("/hotels/demo/admin/requests/{request}"))
        .await;
    assert_eq!(unchanged["request"]["version"], 1, "{unchanged}");
}

#[tokio::test]
async fn a_guest_setting_an_email_learns_nothing_of_other_users() {
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let mut answers = Vec::new();
    for email in ["admin@demo.test", "nobody-has-this@demo.test"] {
        stack.calls.reset();
        let answer = guest
            .send(
                http::Method::PATCH,
                "/auth/profile",
                json!({ "email": email }),
            )
            .await;
        // The login's WhatsApp delivery report may still be arriving (the message and its
        // code: `WAMSG#`, `OTP#`); everything else is the profile update's.
        let calls = stack
            .calls
            .count_where(|call| !call.is("Query", "WAMSG#") && !call.is("UpdateItem", "OTP#"));
        answers.push((answer, calls));
    }
    let [(taken, taken_calls), (free, free_calls)] = answers.try_into().unwrap();
    assert_eq!(taken.0, 200, "{}", taken.1);
    assert_eq!(free.0, taken.0);
    assert_eq!(taken.1["user"]["unverified_email"], "admin@demo.test");
    let mut same = taken.1.clone();
    same["user"]["unverified_email"] = free.1["user"]["unverified_email"].clone();
    assert_eq!(same, free.1, "the answers differ only by the address given");
    assert_eq!(taken_calls, free_calls, "and cost the same store calls");
    let admin = stack.user("admin@demo.test").await;
    assert_eq!(admin.email.unwrap().as_str(), "admin@demo.test");
}

#[tokio::test]
async fn a_digest_reaches_more_admins_than_one_transaction_holds_once_under_concurrent_runs() {
    use concierge::clock::Clock;
    use concierge::jobs::{JobEvent, digest};
    use concierge::members::Role;
    use concierge::notifications::NotificationKind;
    use concierge::store::{PageRequest, Write};

    let (stack, clock) = Stack::clocked(|_| {}).await;
    let hotel: concierge::ids::HotelSlug = "demo".parse().unwrap();
    let now = clock.now();
    let admins: Vec<_> = (0..120)
        .map(|_| {
            let user = concierge::ids::UserId::generate();
            concierge::operator::new_membership(&hotel, user, Role::Admin, now)
        })
        .collect();
    for chunk in admins.chunks(60) {
        let writes: Vec<Write> = chunk.iter().map(Write::InsertMembership).collect();
        stack.app.store.transact(&writes).await.unwrap();
    }

    // The morning after the hotel's first day, two runs at once.
    let lisbon = jiff::tz::TimeZone::get("Europe/Lisbon").unwrap();
    let local = clock.now().to_zoned_datetime(lisbon.clone());
    let morning = local
        .date()
        .tomorrow()
        .unwrap()
        .at(9, 0, 0, 0)
        .to_zoned_datetime(lisbon)
        .unwrap();
    clock.advance(local.duration_until(&morning));
    let (one, other) = tokio::join!(
        digest::JOB.run_once(stack.app, JobEvent::default()),
        digest::JOB.run_once(stack.app, JobEvent::default())
    );
    let (one, other) = (one.unwrap(), other.unwrap());
    assert_eq!(one.get("sent") + other.get("sent"), 2, "{one:?} {other:?}");

    let page = PageRequest {
        limit: 100,
        cursor: None,
    };
    let mut without = 0;
    for admin in &admins {
        let digests = stack
            .app
            .store
            .notifications(admin.user, &page)
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|n| n.kind == NotificationKind::Digest)
            .count();
        assert!(digests <= 1, "{digests} digests to one admin");
        without += usize::from(digests == 0);
    }
    assert_eq!(without, 0, "admins left without the digest");
}
