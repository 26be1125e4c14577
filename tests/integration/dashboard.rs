//! The dashboard: figures in the hotel's own time zone, one department's for STAFF, a bounded
//! number of reads, and only for the hotel's staff.

use concierge::clock::Clock;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::support::{Browser, Stack, assert_error};

/// A fixed-offset zone in which it is now 23:xx, so that two hours later is another local day.
fn zone_where_it_is_late_evening(now: Timestamp) -> String {
    let utc_hour = i64::from(now.to_zoned_datetime(jiff::tz::TimeZone::UTC).hour());
    let mut east = (23 - utc_hour).rem_euclid(24);
    if east > 14 {
        east -= 24;
    }
    // POSIX names count the other way round: Etc/GMT-5 is five hours east.
    match east {
        0 => "Etc/GMT".to_owned(),
        e if e > 0 => format!("Etc/GMT-{e}"),
        e => format!("Etc/GMT+{}", -e),
    }
}

#[tokio::test]
async fn the_dashboard_counts_in_the_hotels_day_and_within_its_reads() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    let mut superadmin = stack.staff("admin@demo.test").await;
    let zone = zone_where_it_is_late_evening(clock.now());
    let (status, body) = superadmin
        .send(
            http::Method::PATCH,
            "/hotels/demo/admin/settings",
            json!({ "timezone": zone }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let local_day = |t: Timestamp| {
        t.to_zoned_datetime(jiff::tz::TimeZone::get(&zone).unwrap())
            .date()
    };

    // Yesterday evening, local time: both departments are after hours (SLA 30 and 120 min).
    let mut guest = stack.guest("demo", "101").await;
    let yesterday = clock.now();
    let a = guest.ask("housekeeping").await;
    let s = guest.ask("spa").await;

    // Two hours on: another day in the hotel.
    clock.advance(SignedDuration::from_hours(2));
    assert_ne!(local_day(clock.now()), local_day(yesterday));
    let b = guest.ask("housekeeping").await;
    let _c = guest.ask("housekeeping").await;
    clock.advance(SignedDuration::from_mins(5));
    let mut staff = stack.staff("staff@demo.test").await;
    let (status, _) = staff
        .post(
            &format!("/hotels/demo/admin/requests/{b}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    clock.advance(SignedDuration::from_mins(35));
    let _d = guest.ask("spa").await;
    clock.advance(SignedDuration::from_mins(1));
    let (status, _) = guest
        .post(&format!("/me/requests/{s}/cancel"), json!({}))
        .await;
    assert_eq!(status, 200, "cancelled after its deadline: still a breach");
    clock.advance(SignedDuration::from_mins(4));
    let _ = a;

    stack.calls.reset();
    let (status, admin) = superadmin.get("/hotels/demo/admin/dashboard").await;
    assert_eq!(status, 200, "{admin}");
    // The member and the user, the hotel, its open requests, and its requests of 7 days.
    for (operation, partition) in [
        ("BatchGetItem", "HOTEL#demo"),
        ("GetItem", "HOTEL#demo"),
        ("Query", "HOTEL#demo#OPEN"),
        ("Query", "HOTEL#demo#REQ"),
    ] {
        let calls = stack
            .calls
            .count_where(|c| c.operation == operation && c.partition.as_deref() == Some(partition));
        assert_eq!(calls, 1, "{operation} {partition}: {:?}", stack.calls);
    }
    assert_eq!(stack.calls.total(), 4, "{:?}", stack.calls);
    assert_eq!(admin["timezone"], zone.as_str());

    // Now: A, B, C, D are open; A (due yesterday) and C (due 30 min after it came) are late.
    let open = &admin["open"];
    assert_eq!(open["total"], 4, "{open}");
    assert_eq!(open["overdue"], 2, "{open}");
    assert_eq!(
        open["by_status"],
        json!({ "NEW": 3, "ACKNOWLEDGED": 1, "CONFIRMED": 0, "IN_PROGRESS": 0 })
    );
    assert_eq!(
        open["by_department"],
        json!({ "housekeeping": 3, "spa": 1 })
    );
    assert_eq!(open["complete"], true);

    // Today (local): B, C, D. B was acknowledged in 5 minutes, C is late, D not yet due.
    let today = &admin["today"];
    assert_eq!(today["requests"], 3, "{today}");
    assert_eq!(
        today["by_department"],
        json!({ "housekeeping": 2, "spa": 1 })
    );
    assert_eq!(
        today["time_to_acknowledge"],
        json!({ "acknowledged": 1, "median_seconds": 300, "p90_seconds": 300 })
    );
    assert_eq!(
        today["sla"],
        json!({ "due": 2, "met": 1, "breached": 1, "compliance": 0.5 })
    );
    assert_eq!(today["after_hours"], json!({ "count": 3, "share": 1.0 }));
    assert_eq!(today["complete"], true);

    // The week adds yesterday's A (late) and S (cancelled after its deadline).
    let week = &admin["last_7_days"];
    assert_eq!(week["requests"], 5, "{week}");
    assert_eq!(week["by_status"]["CANCELLED"], 1);
    assert_eq!(week["by_status"]["NEW"], 3);
    assert_eq!(
        week["sla"],
        json!({ "due": 4, "met": 1, "breached": 3, "compliance": 0.25 })
    );
    let from: Timestamp = week["from"].as_str().unwrap().parse().unwrap();
    let today_from: Timestamp = today["from"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        today_from.duration_since(from),
        SignedDuration::from_hours(24 * 6)
    );
    assert!(today_from > yesterday && today_from <= clock.now());

    // STAFF of housekeeping see housekeeping only.
    let (status, mine) = staff.get("/hotels/demo/admin/dashboard").await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["open"]["total"], 3);
    assert_eq!(mine["open"]["by_department"], json!({ "housekeeping": 3 }));
    assert_eq!(mine["today"]["requests"], 2);
    assert_eq!(mine["last_7_days"]["requests"], 3);
    assert_eq!(
        mine["last_7_days"]["by_department"],
        json!({ "housekeeping": 3 })
    );
}

#[tokio::test]
async fn an_empty_hotel_has_a_dashboard_of_zeros() {
    let stack = Stack::demo().await;
    let admin = stack.staff("admin@demo-annex.test").await;
    let (status, body) = admin.get("/hotels/demo-annex/admin/dashboard").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["open"]["total"], 0);
    for window in ["today", "last_7_days"] {
        let w: &Value = &body[window];
        assert_eq!(w["requests"], 0);
        assert_eq!(w["sla"]["compliance"], Value::Null);
        assert_eq!(w["after_hours"]["share"], Value::Null);
        assert_eq!(w["time_to_acknowledge"]["median_seconds"], Value::Null);
        assert_eq!(w["by_status"].as_object().unwrap().len(), 8);
    }
}

#[tokio::test]
async fn only_the_hotels_staff_see_its_dashboard() {
    let stack = Stack::demo().await;
    let guest = stack.guest("demo", "101").await;
    let annex = stack.staff("admin@demo-annex.test").await;
    let anonymous = Browser::new(&stack);
    let path = "/hotels/demo/admin/dashboard";
    assert_error(&anonymous.get(path).await, 401, "unauthenticated");
    assert_error(&guest.get(path).await, 403, "forbidden");
    assert_error(&annex.get(path).await, 403, "forbidden");
    stack.calls.reset();
    assert_error(
        &annex.get("/hotels/Not_A_Slug/admin/dashboard").await,
        400,
        "invalid",
    );
    assert_eq!(stack.calls.total(), 0, "a bad slug reads nothing");
}
