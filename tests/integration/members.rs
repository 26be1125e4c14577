//! Member rules, one by one (F5, F15, F16, F20, F35), the role rules, the last superadmin,
//! and deactivation ending sessions.

use concierge::ids::UserId;
use concierge::store::Write;
use concierge::users::{Email, Phone, User, UserKind};
use http::Method;
use serde_json::{Value, json};

use crate::support::{Browser, Stack, assert_error, unique_phone};

const MEMBERS: &str = "/hotels/demo/admin/members";

fn invite(name: &str, phone: &str, email: Option<&str>, role: &str) -> Value {
    let mut body = json!({ "name": name, "phone": phone, "role": role });
    if let Some(email) = email {
        body["email"] = json!(email);
    }
    body
}

/// A guest account made directly in the store, its own (no hotel manages it).
async fn guest_account(stack: &Stack, phone: Option<&str>, email: Option<&str>) -> User {
    account(stack, phone, email, None).await
}

/// An account made directly in the store, managed by `managed_by` when given.
async fn account(
    stack: &Stack,
    phone: Option<&str>,
    email: Option<&str>,
    managed_by: Option<&str>,
) -> User {
    let now = stack.app.clock.now();
    let user = User {
        id: UserId::generate(),
        kind: UserKind::Guest,
        name: "Gail Guest".into(),
        email: email.map(|e| Email::parse(e).unwrap()),
        phone: phone.map(|p| Phone::parse(p).unwrap()),
        password_hash: None,
        active: true,
        is_operator: false,
        unverified_email: None,
        managed_by: managed_by.map(|hotel| hotel.parse().unwrap()),
        created_at: now,
        updated_at: now,
    };
    stack
        .app
        .store
        .transact(&[Write::InsertUser(&user)])
        .await
        .unwrap();
    user
}

async fn stored(stack: &Stack, id: &str) -> User {
    stack
        .app
        .store
        .user(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn f15_a_member_needs_a_phone() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("manager@demo.test").await;
    stack.calls.reset();
    let mut body = invite("Rita", "", Some("rita@demo.test"), "STAFF");
    body.as_object_mut().unwrap().remove("phone");
    let refused = admin.post(MEMBERS, body).await;
    assert_error(&refused, 400, "invalid");
    assert!(
        refused.1["error"]["fields"]["phone"].is_string(),
        "{}",
        refused.1
    );
    let bad = admin
        .post(MEMBERS, invite("Rita", "12345", None, "STAFF"))
        .await;
    assert!(bad.1["error"]["fields"]["phone"].is_string());
    assert_eq!(
        stack.calls.total(),
        stack.calls.count_of("BatchGetItem"),
        "refused before any store call but the authorization"
    );
}

#[tokio::test]
async fn f5_new_members_have_no_usable_password() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("manager@demo.test").await;
    let phone = unique_phone();
    let (status, member) = admin
        .post(
            MEMBERS,
            invite("Rita Reception", &phone, Some("rita@demo.test"), "STAFF"),
        )
        .await;
    assert_eq!(status, 201, "{member}");
    assert_eq!(member["has_password"], false);
    assert_eq!(member["kind"], "STAFF");
    let user = stored(&stack, member["user"].as_str().unwrap()).await;
    assert!(user.password_hash.is_none());
    let mut browser = Browser::new(&stack);
    for password in ["concierge-demo", "!", " "] {
        let refused = browser
            .post(
                "/auth/token",
                json!({ "email": "rita@demo.test", "password": password }),
            )
            .await;
        assert_error(&refused, 403, "invalid_credentials");
    }
}

#[tokio::test]
async fn f16_f35_an_existing_guest_found_by_phone_becomes_staff_keeping_their_own_identity() {
    let stack = Stack::demo().await;
    let phone = unique_phone();
    let guest = guest_account(&stack, Some(&phone), None).await;
    let mut admin = stack.staff("manager@demo.test").await;
    // SPEC §11: the guest's account is theirs; the hotel may not add an email to it.
    let refused = admin
        .post(
            MEMBERS,
            invite("New Name", &phone, Some("gail@demo.test"), "STAFF"),
        )
        .await;
    assert_error(&refused, 403, "identity_owned");
    assert_eq!(stored(&stack, &guest.id.to_string()).await, guest);
    let (status, member) = admin
        .post(MEMBERS, invite("New Name", &phone, None, "STAFF"))
        .await;
    assert_eq!(status, 201, "{member}");
    assert_eq!(member["user"], guest.id.to_string());
    assert_eq!(member["name"], "New Name", "the name in this hotel");
    assert_eq!(member["identity_editable"], false);
    let user = stored(&stack, &guest.id.to_string()).await;
    assert_eq!(user.kind, UserKind::Staff);
    assert_eq!(user.email, None);
    assert_eq!(
        user.name, "Gail Guest",
        "an existing account keeps its own name"
    );
}

#[tokio::test]
async fn f16_f35_email_is_looked_up_first_and_a_missing_phone_backfilled_where_the_hotel_may() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("admin@demo.test").await;
    let phone = unique_phone();
    // An account of the person's own is never given a phone by a hotel.
    let own = guest_account(&stack, None, Some("own@demo.test")).await;
    let refused = admin
        .post(
            MEMBERS,
            invite("Pat", &phone, Some("Own@demo.test"), "ADMIN"),
        )
        .await;
    assert_error(&refused, 403, "identity_owned");
    assert_eq!(stored(&stack, &own.id.to_string()).await, own);
    // One this hotel still manages (it made it, and nobody has signed in with it) is.
    let managed = account(&stack, None, Some("phoneless@demo.test"), Some("demo")).await;
    let (status, member) = admin
        .post(
            MEMBERS,
            invite("Pat", &phone, Some("PhoneLess@demo.test"), "ADMIN"),
        )
        .await;
    assert_eq!(status, 201, "{member}");
    assert_eq!(member["user"], managed.id.to_string());
    assert_eq!(member["role"], "ADMIN");
    let user = stored(&stack, &managed.id.to_string()).await;
    assert_eq!(user.kind, UserKind::Staff);
    assert_eq!(user.phone.unwrap().as_str(), phone);
    assert_eq!(
        stack
            .app
            .store
            .user_by_phone(&Phone::parse(&phone).unwrap())
            .await
            .unwrap()
            .unwrap()
            .id,
        managed.id,
        "the phone is claimed for them"
    );
}

#[tokio::test]
async fn f20_duplicates_are_400s_and_write_nothing() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("admin@demo.test").await;
    let taken_phone = unique_phone();
    let other = guest_account(&stack, Some(&taken_phone), Some("other@demo.test")).await;
    let phoneless = account(&stack, None, Some("nophone@demo.test"), Some("demo")).await;

    // Found by email, with no phone: the phone to backfill is someone else's.
    let clash = admin
        .post(
            MEMBERS,
            invite("X", &taken_phone, Some("nophone@demo.test"), "STAFF"),
        )
        .await;
    assert_error(&clash, 400, "taken");
    assert!(clash.1["error"]["fields"]["phone"].is_string());
    // Found by phone, with another email.
    let clash = admin
        .post(
            MEMBERS,
            invite("X", &taken_phone, Some("fresh@demo.test"), "STAFF"),
        )
        .await;
    assert_eq!(clash.0, 400, "{}", clash.1);
    assert!(clash.1["error"]["fields"]["email"].is_string());
    assert_eq!(
        stored(&stack, &other.id.to_string()).await.kind,
        UserKind::Guest
    );
    assert_eq!(stored(&stack, &phoneless.id.to_string()).await, phoneless);

    // The same person twice.
    let phone = unique_phone();
    let body = invite("Twice", &phone, None, "STAFF");
    assert_eq!(admin.post(MEMBERS, body.clone()).await.0, 201);
    assert_error(&admin.post(MEMBERS, body).await, 400, "member_exists");

    // An update to someone else's phone or email.
    let (_, member) = admin
        .post(
            MEMBERS,
            invite("Upd", &unique_phone(), Some("upd@demo.test"), "STAFF"),
        )
        .await;
    let path = format!("{MEMBERS}/{}", member["user"].as_str().unwrap());
    let taken = admin
        .send(Method::PATCH, &path, json!({ "phone": taken_phone }))
        .await;
    assert_error(&taken, 400, "taken");
    let taken = admin
        .send(Method::PATCH, &path, json!({ "email": "admin@demo.test" }))
        .await;
    assert_error(&taken, 400, "taken");
    let (status, renamed) = admin
        .send(
            Method::PATCH,
            &path,
            json!({ "email": "updated@demo.test" }),
        )
        .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["email"], "updated@demo.test");
}

#[tokio::test]
async fn admins_manage_staff_only_and_superadmins_everyone() {
    let stack = Stack::demo().await;
    let mut manager = stack.staff("manager@demo.test").await;
    let mut superadmin = stack.staff("admin@demo.test").await;
    let (_, listed) = manager.get(MEMBERS).await;
    let id_of = |email: &str| {
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .map(|m| m["user"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let (staff, admin, boss) = (
        id_of("staff@demo.test"),
        id_of("manager@demo.test"),
        id_of("admin@demo.test"),
    );
    assert_error(
        &manager
            .post(MEMBERS, invite("A", &unique_phone(), None, "ADMIN"))
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &manager
            .send(
                Method::PATCH,
                &format!("{MEMBERS}/{boss}"),
                json!({ "name": "Demoted" }),
            )
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &manager
            .send(
                Method::PATCH,
                &format!("{MEMBERS}/{staff}"),
                json!({ "role": "ADMIN" }),
            )
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &manager
            .send(Method::DELETE, &format!("{MEMBERS}/{admin}"), json!({}))
            .await,
        403,
        "forbidden",
    );
    let (status, changed) = manager
        .send(
            Method::PATCH,
            &format!("{MEMBERS}/{staff}"),
            json!({ "departments": ["housekeeping", "spa"] }),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    let unknown = manager
        .send(
            Method::PATCH,
            &format!("{MEMBERS}/{staff}"),
            json!({ "departments": ["nowhere"] }),
        )
        .await;
    assert!(unknown.1["error"]["fields"]["departments"].is_string());
    let (status, promoted) = superadmin
        .send(
            Method::PATCH,
            &format!("{MEMBERS}/{staff}"),
            json!({ "role": "ADMIN" }),
        )
        .await;
    assert_eq!(status, 200, "{promoted}");
    assert_eq!(promoted["role"], "ADMIN");
    let (status, _) = superadmin
        .post(
            MEMBERS,
            invite("Second Boss", &unique_phone(), None, "SUPERADMIN"),
        )
        .await;
    assert_eq!(status, 201);
    assert_error(
        &superadmin
            .send(
                Method::PATCH,
                &format!("{MEMBERS}/01hzx6k2m3n4p5q6r7s8t9v0wy"),
                json!({ "name": "N" }),
            )
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn the_last_active_superadmin_stays_even_when_two_race() {
    let stack = Stack::demo().await;
    let mut boss = stack.staff("admin@demo.test").await;
    let (_, listed) = boss.get(MEMBERS).await;
    let me = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "admin@demo.test")
        .map(|m| m["user"].as_str().unwrap().to_owned())
        .unwrap();
    let mine = format!("{MEMBERS}/{me}");
    assert_error(
        &boss
            .send(Method::PATCH, &mine, json!({ "role": "ADMIN" }))
            .await,
        409,
        "last_superadmin",
    );
    assert_error(
        &boss.send(Method::DELETE, &mine, json!({})).await,
        409,
        "last_superadmin",
    );
    assert_error(
        &boss
            .send(Method::PATCH, &mine, json!({ "active": false }))
            .await,
        409,
        "last_superadmin",
    );

    // With two superadmins, two demotions at once: exactly one passes.
    let (status, second) = boss
        .post(
            MEMBERS,
            invite(
                "Second Boss",
                &unique_phone(),
                Some("boss2@demo.test"),
                "SUPERADMIN",
            ),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    let theirs = format!("{MEMBERS}/{}", second["user"].as_str().unwrap());
    let (a, b) = tokio::join!(
        boss.request(Method::PATCH, &mine)
            .json(&json!({ "role": "ADMIN" }))
            .send(),
        boss.request(Method::DELETE, &theirs).send(),
    );
    let statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    let passed = statuses.iter().filter(|s| **s < 300).count();
    assert_eq!(passed, 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s < 300 || *s == 409),
        "{statuses:?}"
    );
    let members = stack
        .app
        .store
        .members(&"demo".parse().unwrap())
        .await
        .unwrap();
    let active_superadmins = members
        .iter()
        .filter(|m| m.active && m.role == concierge::members::Role::Superadmin)
        .count();
    assert_eq!(active_superadmins, 1);
}

#[tokio::test]
async fn deactivating_a_member_ends_their_sessions_and_access() {
    let stack = Stack::demo().await;
    let mut boss = stack.staff("admin@demo.test").await;
    let mut staff = stack.staff("staff@demo.test").await;
    assert_eq!(staff.get("/hotels/demo/admin/stays").await.0, 200);
    let (_, listed) = boss.get(MEMBERS).await;
    let id = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "staff@demo.test")
        .map(|m| m["user"].as_str().unwrap().to_owned())
        .unwrap();
    assert_eq!(
        boss.send(Method::DELETE, &format!("{MEMBERS}/{id}"), json!({}))
            .await
            .0,
        204
    );
    assert_error(
        &staff.get("/hotels/demo/admin/stays").await,
        403,
        "forbidden",
    );
    let refreshed = staff.post("/auth/token/refresh", json!({})).await;
    assert_eq!(refreshed.0, 401, "{}", refreshed.1);
    let (_, listed) = boss.get(MEMBERS).await;
    let kept = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"] == id.as_str())
        .expect("history kept");
    assert_eq!(kept["active"], false);
    // Reactivated, they can log in again.
    let (status, _) = boss
        .send(
            Method::PATCH,
            &format!("{MEMBERS}/{id}"),
            json!({ "active": true }),
        )
        .await;
    assert_eq!(status, 200);
    let staff = stack.staff("staff@demo.test").await;
    assert_eq!(staff.get("/hotels/demo/admin/stays").await.0, 200);
}
