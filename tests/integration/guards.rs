//! The access decisions every handler relies on, one by one, against the emulator.

use concierge::error::Error;
use concierge::guards;
use concierge::ids::{HotelSlug, QrCode, SessionId};
use concierge::members::Role;
use concierge::session::{Session, Via};
use concierge::stays::GuestStay;
use concierge::store::Write;
use concierge::users::{User, UserKind};

use crate::support::Stack;

fn session(user: &User) -> Session {
    Session {
        user: user.id,
        kind: user.kind,
        id: SessionId::generate(),
        via: Via::Cookie,
        expires_at: jiff::Timestamp::now() + jiff::SignedDuration::from_mins(10),
    }
}

fn hotel(slug: &str) -> HotelSlug {
    slug.parse().unwrap()
}

#[tokio::test]
async fn members_pass_by_role_in_their_own_hotel_only() {
    let stack = Stack::demo().await;
    let app = stack.app;
    let staff = session(&stack.user("staff@demo.test").await);
    let admin = session(&stack.user("manager@demo.test").await);
    let superadmin = session(&stack.user("admin@demo.test").await);
    let demo = hotel("demo");

    assert!(
        guards::member(app, &staff, &demo, Role::Staff)
            .await
            .is_ok()
    );
    assert!(matches!(
        guards::member(app, &staff, &demo, Role::Admin).await,
        Err(Error::Forbidden)
    ));
    assert!(
        guards::member(app, &admin, &demo, Role::Admin)
            .await
            .is_ok()
    );
    assert!(matches!(
        guards::member(app, &admin, &demo, Role::Superadmin).await,
        Err(Error::Forbidden)
    ));
    assert!(
        guards::member(app, &superadmin, &demo, Role::Superadmin)
            .await
            .is_ok()
    );
    // A membership of demo opens nothing of demo-annex.
    for who in [&staff, &admin, &superadmin] {
        let annex = guards::member(app, who, &hotel("demo-annex"), Role::Staff).await;
        assert!(matches!(annex, Err(Error::Forbidden)));
    }
    // A guest session is never a member, whatever it claims.
    let mut guest = staff.clone();
    guest.kind = UserKind::Guest;
    assert!(matches!(
        guards::member(app, &guest, &demo, Role::Staff).await,
        Err(Error::Forbidden)
    ));
}

#[tokio::test]
async fn staff_work_their_departments_and_admins_all() {
    let stack = Stack::demo().await;
    let demo = hotel("demo");
    let staff = guards::member(
        stack.app,
        &session(&stack.user("staff@demo.test").await),
        &demo,
        Role::Staff,
    )
    .await
    .unwrap();
    let admin = guards::member(
        stack.app,
        &session(&stack.user("manager@demo.test").await),
        &demo,
        Role::Staff,
    )
    .await
    .unwrap();
    assert!(guards::works_department(
        &staff,
        &"housekeeping".parse().unwrap()
    ));
    assert!(!guards::works_department(&staff, &"spa".parse().unwrap()));
    assert!(guards::works_department(&admin, &"spa".parse().unwrap()));
}

#[tokio::test]
async fn only_operators_operate() {
    let stack = Stack::demo().await;
    let operator = session(&stack.user("operator@demo.test").await);
    let superadmin = session(&stack.user("admin@demo.test").await);
    assert!(guards::operator(stack.app, &operator).await.is_ok());
    assert!(matches!(
        guards::operator(stack.app, &superadmin).await,
        Err(Error::Forbidden)
    ));
}

#[tokio::test]
async fn guests_act_only_within_a_current_stay_of_that_hotel() {
    let stack = Stack::demo().await;
    let store = stack.app.store.as_ref();
    let now = stack.app.clock.now();
    let guest = User {
        id: concierge::ids::UserId::generate(),
        kind: UserKind::Guest,
        name: "Guest".into(),
        email: None,
        phone: None,
        password_hash: None,
        active: true,
        is_operator: false,
        unverified_email: None,
        managed_by: None,
        created_at: now,
        updated_at: now,
    };
    store.transact(&[Write::InsertUser(&guest)]).await.unwrap();
    let demo = store.hotel(&hotel("demo")).await.unwrap().unwrap();
    let stay = GuestStay::begin(guest.id, &demo, "101", &QrCode::generate(), now).unwrap();
    let mut past = GuestStay::begin(guest.id, &demo, "102", &QrCode::generate(), now).unwrap();
    past.check_out = now
        .checked_sub(jiff::SignedDuration::from_hours(1))
        .unwrap();
    store.transact(&[Write::InsertStay(&past)]).await.unwrap();
    let guest_session = session(&guest);
    let refused = guards::active_stay(stack.app, &guest_session, &demo.slug).await;
    assert!(
        matches!(
            refused,
            Err(Error::Denied {
                code: "no_active_stay",
                ..
            })
        ),
        "a past stay is not enough"
    );

    store.transact(&[Write::InsertStay(&stay)]).await.unwrap();
    let (current, _) = guards::active_stay(stack.app, &guest_session, &demo.slug)
        .await
        .unwrap();
    assert_eq!(current.id, stay.id);
    assert!(
        guards::active_stay(stack.app, &guest_session, &hotel("demo-annex"))
            .await
            .is_err()
    );
    assert!(guards::stay_owner(&guest_session, &stay).is_ok());
    let stranger = session(&stack.user("staff@demo.test").await);
    assert!(matches!(
        guards::stay_owner(&stranger, &stay),
        Err(Error::NotFound(_))
    ));
}
