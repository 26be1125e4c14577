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
