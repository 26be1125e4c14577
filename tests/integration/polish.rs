//! The small things a hotel notices (issue 18's polish): one format per field, free text that
//! cannot hide or spoof, messages that say what to send, filters that mean what they say.

use serde_json::{Value, json};

use crate::support::Stack;

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
