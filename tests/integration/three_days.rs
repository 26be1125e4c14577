//! Three simulated days of the demo hotels as hotels live them: guests arrive every twelve
//! hours and ask, staff work what they can, managers end stays, the clock moves three hours at a time
//! and the jobs and ticks run as the local stack runs them. At the end: no request open whose
//! stay has ended, every notification addressed to somebody, and every time a person reads in
//! the hotel's time, with its zone named.

use std::collections::{BTreeMap, BTreeSet};

use concierge::clock::Clock;
use concierge::ids::{HotelSlug, RequestId, UserId};
use concierge::notifications::{Notification, NotificationKind};
use concierge::requests::{Activity, ActivityKind, ServiceRequest, Status};
use concierge::store::{PageRequest, RequestFilter, RequestListing};
use jiff::SignedDuration;
use serde_json::json;

use crate::support::{Browser, Stack};

const HOTELS: [(&str, &str); 2] = [("demo", "Europe/Lisbon"), ("demo-annex", "Pacific/Chatham")];
const ROOMS: [&str; 4] = ["101", "102", "201", "Pool bar"];
const DEPARTMENTS: [&str; 4] = ["housekeeping", "spa", "room-service", "concierge"];

#[tokio::test]
async fn three_days_of_two_hotels_leave_nothing_open_unaddressed_or_in_utc() {
    let (stack, clock) = Stack::clocked(|_| {}).await;
    for (hotel, zone) in HOTELS {
        let mut admin = stack.staff(&format!("admin@{hotel}.test")).await;
        let (status, body) = admin
            .send(
                http::Method::PATCH,
                &format!("/hotels/{hotel}/admin/settings"),
                json!({ "timezone": zone, "default_stay_nights": 1 }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    let mut crews = Vec::new();
    for (hotel, _) in HOTELS {
        crews.push(Crew {
            hotel,
            staff: stack.staff(&format!("staff@{hotel}.test")).await,
            manager: stack.staff(&format!("manager@{hotel}.test")).await,
        });
    }
    // Six half-days, the two hotels at once; the clock moves three hours at a time.
    let mut ended_by_staff = 0;
    for step in 0..6 {
        let days = crews.iter_mut().map(|crew| crew.half_day(&stack, step));
        ended_by_staff += futures::future::join_all(days).await.iter().sum::<usize>();
        for _ in 0..4 {
            let (_, ran) = stack
                .runner
                .advance(SignedDuration::from_hours(3))
                .await
                .unwrap();
            assert!(ran.contains(&"escalation"), "{ran:?}");
            stack.runner.fire_due_schedules().await.unwrap();
            stack.runner.poll_queue().await.unwrap();
            stack.runner.poll_push_queue().await.unwrap();
        }
    }
    assert_eq!(ended_by_staff, 4);

    let now = clock.now();
    let mut recipients: BTreeSet<UserId> = BTreeSet::new();
    let mut requests: Vec<(ServiceRequest, Vec<Activity>)> = Vec::new();
    let mut ended = 0;
    for (hotel, _) in HOTELS {
        let slug: HotelSlug = hotel.parse().unwrap();
        let members = stack.app.store.members(&slug).await.unwrap();
        recipients.extend(members.iter().map(|m| m.user));
        for request in hotel_requests(&stack, &slug).await {
            let stay = stack.app.store.stay(request.stay).await.unwrap().unwrap();
            recipients.insert(request.guest);
            // Nothing open on a stay that ended: what the guest could cancel was cancelled,
            // and what staff were doing is flagged to them.
            if !stay.is_current(now) {
                ended += 1;
                assert!(
                    !stay.active,
                    "a stay past check-out was not ended: {stay:?}"
                );
                assert!(
                    request.status.is_final()
                        || (request.status == Status::InProgress
                            && request.guest_left_at.is_some()),
                    "{request:?}"
                );
            }
            requests.push(
                stack
                    .app
                    .store
                    .request_with_activity(request.id)
                    .await
                    .unwrap()
                    .unwrap(),
            );
        }
    }
    assert!(ended >= 8, "{ended} requests of ended stays");

    let mut notices: BTreeMap<RequestId, Vec<Notification>> = BTreeMap::new();
    let mut digests = BTreeMap::<String, usize>::new();
    let zone_of = |hotel: &HotelSlug| {
        HOTELS
            .iter()
            .find(|(slug, _)| *slug == hotel.as_str())
            .unwrap()
            .1
    };
    for user in &recipients {
        for notice in all_notifications(&stack, *user).await {
            let zone = zone_of(&notice.hotel);
            in_hotel_time(&notice.title, zone);
            in_hotel_time(&notice.body, zone);
            if notice.kind == NotificationKind::Digest {
                assert!(notice.title.ends_with(&format!("({zone})")), "{notice:?}");
                *digests.entry(notice.hotel.to_string()).or_default() += 1;
            }
            if let Some(request) = notice.request {
                notices.entry(request).or_default().push(notice);
            }
        }
    }
    // Two admins a hotel, a digest a morning from the hotel's second day.
    for (hotel, _) in HOTELS {
        assert!(digests.get(hotel).copied().unwrap_or(0) >= 4, "{digests:?}");
    }

    let told = |id: RequestId, kind: NotificationKind| {
        notices
            .get(&id)
            .is_some_and(|n| n.iter().any(|n| n.kind == kind))
    };
    let mut escalated = 0;
    let mut reminded = 0;
    for (request, activity) in &requests {
        assert!(
            told(request.id, NotificationKind::NewRequest),
            "nobody heard of {request:?}"
        );
        for entry in activity {
            if let Some(text) = &entry.text {
                in_hotel_time(text, zone_of(&request.hotel));
            }
            match entry.kind {
                ActivityKind::Escalated => {
                    escalated += 1;
                    assert!(told(request.id, NotificationKind::Escalation), "{entry:?}");
                }
                ActivityKind::Reminder => {
                    reminded += 1;
                    assert!(told(request.id, NotificationKind::Reminder), "{entry:?}");
                }
                _ => {}
            }
        }
    }
    assert!(escalated >= 4, "{escalated} escalations");
    assert!(reminded >= 2, "{reminded} reminders");
}

/// A hotel's staff member (housekeeping) and manager, logged in once, their sessions
/// refreshed as the app does.
struct Crew {
    hotel: &'static str,
    staff: Browser,
    manager: Browser,
}

impl Crew {
    /// Half a day at the hotel: a guest arrives and asks, staff work, and every third
    /// half-day the manager ends a stay (how many: 0 or 1).
    async fn half_day(&mut self, stack: &Stack, step: usize) -> usize {
        for browser in [&mut self.staff, &mut self.manager] {
            let (status, body) = browser.post("/auth/token/refresh", json!({})).await;
            assert_eq!(status, 200, "{body}");
        }
        self.arrive_and_ask(stack, step).await;
        self.work(stack, step).await;
        if step % 3 == 2 {
            self.end_a_stay().await
        } else {
            0
        }
    }

    /// A new guest asks for something of the step's department; every third step also books
    /// housekeeping for just after the clock's next move, every fourth asks room service and
    /// cancels.
    async fn arrive_and_ask(&self, stack: &Stack, step: usize) {
        let hotel = self.hotel;
        let mut guest = stack.guest(hotel, ROOMS[step % ROOMS.len()]).await;
        let path = format!("/hotels/{hotel}/requests");
        let department = DEPARTMENTS[step % DEPARTMENTS.len()];
        let (status, body) = guest
            .post(
                &path,
                json!({ "department": department, "details": format!("Step {step}") }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        if step.is_multiple_of(3) {
            let at = stack
                .app
                .clock
                .now()
                .saturating_add(SignedDuration::from_mins(200))
                .unwrap();
            let (status, body) = guest
                .post(
                    &path,
                    json!({ "department": "housekeeping", "details": "Turn-down", "requested_for": at.to_string() }),
                )
                .await;
            assert_eq!(status, 201, "{body}");
        }
        if step % 4 == 1 {
            let (status, body) = guest
                .post(
                    &path,
                    json!({ "department": "room-service", "details": "Tea, no, never mind" }),
                )
                .await;
            assert_eq!(status, 201, "{body}");
            let id = body["id"].as_str().unwrap();
            let (status, body) = guest
                .post(&format!("/me/requests/{id}/cancel"), json!({}))
                .await;
            assert_eq!(status, 200, "{body}");
        }
    }

    /// Housekeeping moves each of its requests one step on (acknowledged, started,
    /// completed); on even steps the manager acknowledges the spa's. The rest wait, escalate
    /// and expire.
    async fn work(&mut self, stack: &Stack, step: usize) {
        let hotel = self.hotel;
        let slug: HotelSlug = hotel.parse().unwrap();
        for request in hotel_requests(stack, &slug).await {
            let spa = request.department.as_str() == "spa";
            let housekeeping = request.department.as_str() == "housekeeping";
            let who = match (housekeeping, spa && step.is_multiple_of(2)) {
                (true, _) => &mut self.staff,
                (false, true) => &mut self.manager,
                _ => continue,
            };
            let base = format!("/hotels/{hotel}/admin/requests/{}", request.id);
            let (status, body) = match request.status {
                Status::New => who.post(&format!("{base}/acknowledge"), json!({})).await,
                Status::Acknowledged if housekeeping => {
                    who.send(
                        http::Method::PATCH,
                        &base,
                        json!({ "status": "IN_PROGRESS" }),
                    )
                    .await
                }
                Status::InProgress => {
                    who.send(http::Method::PATCH, &base, json!({ "status": "COMPLETED" }))
                        .await
                }
                _ => continue,
            };
            assert_eq!(status, 200, "{body}");
        }
    }

    /// The manager ends the stay of the hotel's latest guest still in, as when a guest leaves
    /// early.
    async fn end_a_stay(&mut self) -> usize {
        let hotel = self.hotel;
        let (status, stays) = self
            .manager
            .get(&format!("/hotels/{hotel}/admin/stays"))
            .await;
        assert_eq!(status, 200, "{stays}");
        let Some(stay) = stays["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["active"] == true)
            .cloned()
        else {
            return 0;
        };
        let (status, body) = self
            .manager
            .send(
                http::Method::PATCH,
                &format!(
                    "/hotels/{hotel}/admin/stays/{}",
                    stay["id"].as_str().unwrap()
                ),
                json!({ "action": "end" }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        1
    }
}

async fn hotel_requests(stack: &Stack, hotel: &HotelSlug) -> Vec<ServiceRequest> {
    let listed = stack
        .app
        .store
        .requests(
            &RequestListing::Hotel(hotel.clone()),
            &RequestFilter::default(),
            500,
            None,
        )
        .await
        .unwrap();
    assert!(listed.frontier.is_none(), "more requests than one read");
    listed.items
}

async fn all_notifications(stack: &Stack, user: UserId) -> Vec<Notification> {
    let mut page = PageRequest {
        limit: 100,
        cursor: None,
    };
    let mut all = Vec::new();
    loop {
        let listed = stack.app.store.notifications(user, &page).await.unwrap();
        all.extend(listed.items);
        match listed.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => return all,
        }
    }
}

/// A text people read: no UTC timestamp in it, and a clock time only with the hotel's zone.
fn in_hotel_time(text: &str, zone: &str) {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    for start in 0..chars.len() {
        let clock_time = digit(start)
            && digit(start + 1)
            && chars.get(start + 2) == Some(&':')
            && digit(start + 3)
            && digit(start + 4);
        if clock_time {
            assert!(
                text.contains(&format!("({zone})")),
                "a time without the hotel's zone: {text}"
            );
        }
        let utc_date = (0..4).all(|i| digit(start + i))
            && chars.get(start + 4) == Some(&'-')
            && chars.get(start + 10) == Some(&'T');
        assert!(!utc_date, "a machine timestamp in text: {text}");
    }
}
