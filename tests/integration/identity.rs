//! SPEC §11, a person's phone and email are theirs: the account takeover through member
//! administration, the email squat through a guest's profile, and the proven phone change.

use concierge::store::Write;
use concierge::users::{Email, Phone, UserKind, password};
use http::Method;
use serde_json::{Value, json};

use crate::support::{Browser, Stack, assert_error, unique_phone};

const ANNEX_MEMBERS: &str = "/hotels/demo-annex/admin/members";
const DEMO_SUPERADMIN_PHONE: &str = "+12025550101";
const OPERATOR_PHONE: &str = "+12025550199";

async fn user_on(stack: &Stack, phone: &str) -> Option<concierge::users::User> {
    stack
        .app
        .store
        .user_by_phone(&Phone::parse(phone).unwrap())
        .await
        .unwrap()
}

fn member_path(member: &Value) -> String {
    format!("{ANNEX_MEMBERS}/{}", member["user"].as_str().unwrap())
}

#[tokio::test]
async fn an_admin_cannot_take_over_another_hotels_superadmin_or_the_operator() {
    let stack = Stack::demo().await;
    let mut attacker = stack.staff("manager@demo-annex.test").await;
    let attacker_phone = unique_phone();
    for victim_phone in [DEMO_SUPERADMIN_PHONE, OPERATOR_PHONE] {
        let victim = user_on(&stack, victim_phone).await.unwrap();
        // Taking the person on as staff is allowed (one person, several hotels)…
        let (status, member) = attacker
            .post(
                ANNEX_MEMBERS,
                json!({ "name": "Victim", "phone": victim_phone, "role": "STAFF" }),
            )
            .await;
        assert_eq!(status, 201, "{member}");
        assert_eq!(member["user"], victim.id.to_string());
        assert_eq!(member["identity_editable"], false);
        // …but the step that would hand the account over is refused.
        let path = member_path(&member);
        for change in [
            json!({ "phone": attacker_phone }),
            json!({ "email": "attacker@evil.test" }),
            json!({ "phone": attacker_phone, "name": "Still Victim" }),
        ] {
            let refused = attacker.send(Method::PATCH, &path, change).await;
            assert_error(&refused, 403, "identity_owned");
        }
        // What an admin may change still changes, in this hotel only.
        let (status, renamed) = attacker
            .send(Method::PATCH, &path, json!({ "name": "Renamed Here" }))
            .await;
        assert_eq!(status, 200, "{renamed}");
        assert_eq!(renamed["name"], "Renamed Here");
        let after = stack.app.store.user(victim.id).await.unwrap().unwrap();
        assert_eq!(after.phone, victim.phone, "the victim's phone is unchanged");
        assert_eq!(after.email, victim.email);
        assert_eq!(after.name, victim.name, "their own name is theirs too");
    }
    assert!(
        user_on(&stack, &attacker_phone).await.is_none(),
        "no account ever carried the attacker's phone"
    );
}

#[tokio::test]
async fn a_hotel_sets_the_phone_of_an_account_it_made_only_until_its_owner_signs_in() {
    let stack = Stack::demo().await;
    let mut admin = stack.staff("manager@demo-annex.test").await;
    let typo = unique_phone();
    let (status, member) = admin
        .post(
            ANNEX_MEMBERS,
            json!({ "name": "Rita", "phone": typo, "role": "STAFF" }),
        )
        .await;
    assert_eq!(status, 201, "{member}");
    assert_eq!(member["identity_editable"], true);
    let path = member_path(&member);
    let phone = unique_phone();
    let (status, fixed) = admin
        .send(
            Method::PATCH,
            &path,
            json!({ "phone": phone, "email": "rita@demo-annex.test" }),
        )
        .await;
    assert_eq!(status, 200, "{fixed}");
    assert_eq!(fixed["phone"], phone);
    assert!(
        user_on(&stack, &typo).await.is_none(),
        "the old claim is freed"
    );

    // Rita signs in with a code to her phone: from now on it is hers alone.
    let mut rita = Browser::new(&stack);
    let (status, body) = rita.post("/auth/otp/send", json!({ "phone": phone })).await;
    assert_eq!(status, 200, "{body}");
    let code = stack.last_code(&phone).await;
    let (status, body) = rita
        .post("/auth/otp/verify", json!({ "phone": phone, "code": code }))
        .await;
    assert_eq!(status, 200, "{body}");
    let refused = admin
        .send(Method::PATCH, &path, json!({ "phone": unique_phone() }))
        .await;
    assert_error(&refused, 403, "identity_owned");
    let (_, listed) = admin.get(ANNEX_MEMBERS).await;
    let listed_rita = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"] == member["user"])
        .cloned()
        .unwrap();
    assert_eq!(listed_rita["identity_editable"], false);
    assert_eq!(listed_rita["phone"], phone);
}

#[tokio::test]
async fn an_email_a_guest_gives_themselves_is_never_matched_claimed_or_logged_in_with() {
    let stack = Stack::demo().await;
    let mut squatter = stack.guest("demo", "101").await;
    let (status, profile) = squatter
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "email": "newhire@demo.test" }),
        )
        .await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["user"]["email"], Value::Null);
    assert_eq!(profile["user"]["unverified_email"], "newhire@demo.test");
    // Another guest may give the same address: nothing tells them it is in use.
    let mut other = stack.guest("demo", "102").await;
    let (status, _) = other
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "email": "NewHire@demo.test" }),
        )
        .await;
    assert_eq!(status, 200);

    // The hotel invites the real person: a new account, the squatter stays a guest.
    let mut admin = stack.staff("manager@demo.test").await;
    let (status, member) = admin
        .post(
            "/hotels/demo/admin/members",
            json!({ "name": "New Hire", "phone": unique_phone(),
                    "email": "newhire@demo.test", "role": "STAFF" }),
        )
        .await;
    assert_eq!(status, 201, "{member}");
    let squatter_id = profile["user"]["id"].as_str().unwrap();
    assert_ne!(member["user"], squatter_id);
    let (_, me) = squatter.get("/auth/profile").await;
    assert_eq!(me["user"]["kind"], "GUEST");
    assert_eq!(me["memberships"], json!([]));

    // Even with a password, an unverified email logs nobody in.
    let id = squatter_id.parse().unwrap();
    let before = stack.app.store.user(id).await.unwrap().unwrap();
    let mut with_password = before.clone();
    with_password.password_hash = Some(password::hash("squatter-password").unwrap());
    with_password.unverified_email = Some(Email::parse("squat@demo.test").unwrap());
    with_password.updated_at = stack.app.clock.now();
    stack
        .app
        .store
        .transact(&[Write::ReplaceUser {
            user: &with_password,
            previous: &before,
        }])
        .await
        .unwrap();
    let refused = Browser::new(&stack)
        .post(
            "/auth/token",
            json!({ "email": "squat@demo.test", "password": "squatter-password" }),
        )
        .await;
    assert_error(&refused, 403, "invalid_credentials");
}

#[tokio::test]
async fn a_user_moves_to_a_new_phone_only_with_the_code_sent_to_it() {
    let stack = Stack::demo().await;
    let mut staff = stack.staff("staff@demo.test").await;
    let (_, me) = staff.get("/auth/profile").await;
    let old_phone = me["user"]["phone"].as_str().unwrap().to_owned();
    let new_phone = unique_phone();

    let anonymous = Browser::new(&stack)
        .post(
            "/auth/otp/send",
            json!({ "phone": new_phone, "purpose": "new_phone" }),
        )
        .await;
    assert_error(&anonymous, 401, "unauthenticated");
    let (status, body) = staff
        .post(
            "/auth/otp/send",
            json!({ "phone": new_phone, "purpose": "new_phone" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let code = stack.last_code(&new_phone).await;

    let no_code = staff
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "phone": new_phone }),
        )
        .await;
    assert_error(&no_code, 400, "invalid");
    assert!(no_code.1["error"]["fields"]["code"].is_string());
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = staff
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "phone": new_phone, "code": wrong }),
        )
        .await;
    assert_error(&refused, 400, "otp_invalid");
    assert_eq!(
        user_on(&stack, &old_phone).await.unwrap().kind,
        UserKind::Staff
    );

    let (status, moved) = staff
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "phone": new_phone, "code": code }),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["user"]["phone"], new_phone);
    assert!(user_on(&stack, &old_phone).await.is_none());
    assert_eq!(
        user_on(&stack, &new_phone).await.unwrap().id.to_string(),
        me["user"]["id"].as_str().unwrap()
    );
    let reused = staff
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "phone": new_phone, "code": code }),
        )
        .await;
    assert_error(&reused, 400, "otp_used");

    // A login code is not a new-phone code, and another account's phone stays theirs.
    let login_phone = unique_phone();
    let qr = stack.demo_qr("demo", "101");
    Browser::new(&stack)
        .post("/auth/otp/send", json!({ "phone": login_phone, "qr": qr }))
        .await;
    let login_code = stack.last_code(&login_phone).await;
    let refused = staff
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "phone": login_phone, "code": login_code }),
        )
        .await;
    assert_error(&refused, 400, "otp_invalid");
    let (status, _) = staff
        .post(
            "/auth/otp/send",
            json!({ "phone": DEMO_SUPERADMIN_PHONE, "purpose": "new_phone" }),
        )
        .await;
    assert_eq!(status, 200);
    let theirs = stack.last_code(DEMO_SUPERADMIN_PHONE).await;
    let taken = staff
        .send(
            Method::PATCH,
            "/auth/profile",
            json!({ "phone": DEMO_SUPERADMIN_PHONE, "code": theirs }),
        )
        .await;
    assert_error(&taken, 400, "invalid");
    assert!(taken.1["error"]["fields"]["phone"].is_string());
}
