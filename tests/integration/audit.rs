//! The audit log (issue 20 item 8): each audited change writes exactly one entry, with the
//! right before and after, in the change's own transaction; a refused change writes none; only
//! the hotel's SUPERADMIN reads it.

use concierge::departments::admin as departments;
use concierge::ids::HotelSlug;
use concierge::store::{PageRequest, Write};
use http::Method;
use serde_json::{Value, json};

use crate::support::{Stack, assert_error};

/// The demo hotel's audit log, newest first, as the store holds it.
async fn entries(stack: &Stack) -> Vec<Value> {
    let hotel: HotelSlug = "demo".parse().unwrap();
    let page = PageRequest {
        limit: 100,
        cursor: None,
    };
    let listed = stack
        .app
        .store
        .audit(&hotel, &page, stack.app.clock.now())
        .await
        .expect("the audit log");
    listed
        .items
        .iter()
        .map(|entry| serde_json::to_value(entry).unwrap())
        .collect()
}

fn change<'a>(entry: &'a Value, field: &str) -> &'a Value {
    entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == field)
        .unwrap_or_else(|| panic!("a change of {field} in {entry}"))
}

#[tokio::test]
async fn each_audited_change_writes_one_entry_with_before_and_after() {
    let stack = Stack::demo().await;
    let mut superadmin = stack.staff("admin@demo.test").await;
    let mut manager = stack.staff("manager@demo.test").await;
    let manager_id = stack.user("manager@demo.test").await.id;
    let staff_id = stack.user("staff@demo.test").await.id;
    assert!(entries(&stack).await.is_empty(), "seeding audits nothing");

    // A department's SLA, by an ADMIN.
    let (status, body) = manager
        .send(
            Method::PATCH,
            "/hotels/demo/admin/departments/housekeeping",
            json!({ "response_sla_minutes": 20, "name": "Housekeeping" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let log = entries(&stack).await;
    assert_eq!(log.len(), 1, "{log:?}");
    let entry = &log[0];
    assert_eq!(entry["subject"], "department");
    assert_eq!(entry["subject_id"], "housekeeping");
    assert_eq!(entry["action"], "updated");
    assert_eq!(entry["actor"], manager_id.to_string());
    assert_eq!(
        entry["changes"],
        json!([{ "field": "response_sla_minutes", "before": 15, "after": 20 }]),
        "only what moved; the unchanged name and updated_at are not changes"
    );

    // The same values again: nothing moved, nothing written.
    let (status, _) = manager
        .send(
            Method::PATCH,
            "/hotels/demo/admin/departments/housekeeping",
            json!({ "response_sla_minutes": 20 }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(entries(&stack).await.len(), 1);

    // A member's role and access, by the SUPERADMIN.
    let (status, body) = superadmin
        .send(
            Method::PATCH,
            &format!("/hotels/demo/admin/members/{staff_id}"),
            json!({ "role": "ADMIN" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = superadmin
        .send(
            Method::DELETE,
            &format!("/hotels/demo/admin/members/{staff_id}"),
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let log = entries(&stack).await;
    assert_eq!(log.len(), 3);
    let (deactivated, promoted) = (&log[0], &log[1]);
    assert_eq!(promoted["subject"], "member");
    assert_eq!(promoted["subject_label"], "Sam Staff");
    assert_eq!(
        promoted["changes"],
        json!([{ "field": "role", "before": "STAFF", "after": "ADMIN" }])
    );
    assert_eq!(deactivated["action"], "deactivated");
    assert_eq!(
        change(deactivated, "active"),
        &json!({ "field": "active", "before": true, "after": false })
    );

    // A QR code created, relabelled, retired.
    let (status, created) = manager
        .post(
            "/hotels/demo/admin/qr-codes",
            json!({ "label": "Pool gate", "location": "Pool" }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let code = created["code"].as_str().unwrap().to_owned();
    let path = format!("/hotels/demo/admin/qr-codes/{code}");
    let (status, _) = manager
        .send(Method::PATCH, &path, json!({ "label": "Pool gate east" }))
        .await;
    assert_eq!(status, 200);
    let (status, _) = manager.send(Method::DELETE, &path, json!({})).await;
    assert_eq!(status, 204);
    let (status, _) = manager.send(Method::DELETE, &path, json!({})).await;
    assert_eq!(status, 204, "retiring it again is no change");
    let log = entries(&stack).await;
    assert_eq!(log.len(), 6, "{log:#?}");
    assert!(log[..3].iter().all(|e| e["subject_id"] == code.as_str()));
    assert_eq!(log[2]["action"], "created");
    assert_eq!(change(&log[2], "label")["before"], Value::Null);
    assert_eq!(change(&log[2], "location")["after"], "Pool");
    assert_eq!(
        log[1]["changes"],
        json!([{ "field": "label", "before": "Pool gate", "after": "Pool gate east" }])
    );
    assert_eq!(log[0]["action"], "deactivated");

    // The hotel's settings.
    let (status, _) = superadmin
        .send(
            Method::PATCH,
            "/hotels/demo/admin/settings",
            json!({ "default_stay_nights": 5 }),
        )
        .await;
    assert_eq!(status, 200);
    let log = entries(&stack).await;
    assert_eq!(log.len(), 7);
    assert_eq!(log[0]["subject"], "hotel");
    assert_eq!(change(&log[0], "default_stay_nights")["after"], 5);

    // Read through the route, with names.
    let (status, page) = superadmin.get("/hotels/demo/admin/audit?limit=4").await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["actor_name"], "Ana Admin");
    assert_eq!(items[1]["actor_name"], "Mario Manager");
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let (status, rest) = superadmin
        .get(&format!("/hotels/demo/admin/audit?limit=4&cursor={cursor}"))
        .await;
    assert_eq!(status, 200, "{rest}");
    let rest = rest["items"].as_array().unwrap();
    assert_eq!(rest.len(), 3);
    assert_eq!(rest[2]["subject_id"], "housekeeping", "oldest last");
}

#[tokio::test]
async fn refused_changes_write_no_entry() {
    let stack = Stack::demo().await;
    let mut manager = stack.staff("manager@demo.test").await;
    let mut superadmin = stack.staff("admin@demo.test").await;
    let admin_id = stack.user("admin@demo.test").await.id;
    for (method, path, body) in [
        (
            Method::PATCH,
            "/hotels/demo/admin/departments/housekeeping".to_owned(),
            json!({ "response_sla_minutes": 0 }),
        ),
        (
            Method::PATCH,
            "/hotels/demo/admin/settings".to_owned(),
            json!({ "default_stay_nights": 0 }),
        ),
        (
            Method::POST,
            "/hotels/demo/admin/qr-codes".to_owned(),
            json!({ "label": " ", "location": "Pool" }),
        ),
    ] {
        let answer = superadmin.send(method, &path, body).await;
        assert_eq!(answer.0, 400, "{path}: {}", answer.1);
    }
    // An ADMIN may not demote the SUPERADMIN; the last SUPERADMIN cannot be demoted at all.
    let refused = manager
        .send(
            Method::PATCH,
            &format!("/hotels/demo/admin/members/{admin_id}"),
            json!({ "role": "STAFF" }),
        )
        .await;
    assert_error(&refused, 403, "forbidden");
    let last = superadmin
        .send(
            Method::PATCH,
            &format!("/hotels/demo/admin/members/{admin_id}"),
            json!({ "role": "STAFF" }),
        )
        .await;
    assert_eq!(last.0, 409, "{}", last.1);
    assert!(entries(&stack).await.is_empty());

    // A version conflict: the department changed after it was read.
    let store = stack.app.store.as_ref();
    let hotel: HotelSlug = "demo".parse().unwrap();
    let read = departments::of_hotel(store, &hotel, &"spa".parse().unwrap())
        .await
        .unwrap();
    let mut meanwhile = read.clone();
    meanwhile.name = "Spa & wellness".into();
    meanwhile.updated_at = stack.app.clock.now();
    store
        .transact(&[Write::ReplaceDepartment {
            department: &meanwhile,
            previous: &read,
        }])
        .await
        .unwrap();
    let mut stale = read.clone();
    stale.response_sla_minutes = 99;
    let lost = departments::save(store, &read, &stale, admin_id, stack.app.clock.now()).await;
    assert!(lost.is_err(), "a stale change is refused");
    assert!(entries(&stack).await.is_empty(), "and leaves no entry");
}

#[tokio::test]
async fn only_the_hotels_superadmin_reads_its_audit_log() {
    let stack = Stack::demo().await;
    for email in [
        "manager@demo.test",
        "staff@demo.test",
        "admin@demo-annex.test",
    ] {
        let browser = stack.staff(email).await;
        let answer = browser.get("/hotels/demo/admin/audit").await;
        assert_error(&answer, 403, "forbidden");
    }
    let operator = stack.staff("operator@demo.test").await;
    assert_error(
        &operator.get("/hotels/demo/admin/audit").await,
        403,
        "forbidden",
    );
    let annex = stack.staff("admin@demo-annex.test").await;
    let (status, own) = annex.get("/hotels/demo-annex/admin/audit").await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["items"], json!([]), "nothing of another hotel");
}
