//! Invariants the store holds by itself, under races.

use concierge::error::{Conflict, Error, Unique};
use concierge::hotels::{Contact, TimeZoneName};
use concierge::ids::UserId;
use concierge::operator::{self, NewHotel, NewStaff};
use concierge::store::Write;
use concierge::users::{Email, Phone, User, UserKind};
use futures::future::join_all;

use crate::support::Stack;

fn guest(email: Option<&str>, phone: &str, now: jiff::Timestamp) -> User {
    User {
        id: UserId::generate(),
        kind: UserKind::Guest,
        name: "Guest".into(),
        email: email.map(|e| Email::parse(e).unwrap()),
        phone: Some(Phone::parse(phone).unwrap()),
        password_hash: None,
        active: true,
        is_operator: false,
        unverified_email: None,
        managed_by: None,
        created_at: now,
        updated_at: now,
    }
}

#[tokio::test]
async fn twenty_users_racing_for_one_email_leave_one_owner() {
    let stack = Stack::empty().await;
    let now = stack.app.clock.now();
    let users: Vec<User> = (0..20)
        .map(|i| {
            guest(
                Some("same@demo.test"),
                &format!("+1202555{:04}", 100 + i),
                now,
            )
        })
        .collect();
    let inserts = users
        .iter()
        .map(|user| async move { stack.app.store.transact(&[Write::InsertUser(user)]).await });
    let results = join_all(inserts).await;
    let winners: Vec<&User> = users
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.is_ok())
        .map(|(u, _)| u)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for result in &results {
        assert!(
            matches!(
                result,
                Ok(())
                    | Err(Error::Taken(Unique::Email))
                    | Err(Error::Conflict(Conflict::ConcurrentUpdate, _))
            ),
            "{result:?}"
        );
    }
    let owner = stack
        .app
        .store
        .user_by_email(&Email::parse("SAME@demo.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner.id, winners[0].id);
    // The losers left nothing behind: their phones are still free.
    for loser in users.iter().filter(|u| u.id != owner.id) {
        assert!(
            stack
                .app
                .store
                .user_by_phone(loser.phone.as_ref().unwrap())
                .await
                .unwrap()
                .is_none()
        );
        assert!(stack.app.store.user(loser.id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_phone_belongs_to_one_user() {
    let stack = Stack::empty().await;
    let now = stack.app.clock.now();
    let first = guest(None, "+1 202 555 0150", now);
    let second = guest(Some("other@demo.test"), "+12025550150", now);
    stack
        .app
        .store
        .transact(&[Write::InsertUser(&first)])
        .await
        .unwrap();
    let refused = stack
        .app
        .store
        .transact(&[Write::InsertUser(&second)])
        .await;
    assert!(
        matches!(refused, Err(Error::Taken(Unique::Phone))),
        "{refused:?}"
    );
    assert!(
        stack
            .app
            .store
            .user_by_email(&Email::parse("other@demo.test").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

fn new_hotel(slug: &str) -> NewHotel {
    NewHotel {
        slug: slug.parse().unwrap(),
        name: "Seaside".into(),
        timezone: TimeZoneName::parse("Europe/Lisbon").unwrap(),
        contact: Contact::default(),
        default_stay_nights: 2,
    }
}

fn superadmin(email: &str, phone: &str) -> NewStaff {
    NewStaff {
        name: "Sofia".into(),
        phone: Phone::parse(phone).unwrap(),
        email: Some(Email::parse(email).unwrap()),
        password_hash: None,
        is_operator: false,
    }
}

#[tokio::test]
async fn a_hotel_is_created_with_its_first_superadmin_or_not_at_all() {
    let stack = Stack::empty().await;
    let (store, clock) = (stack.app.store.as_ref(), stack.app.clock.as_ref());
    let (hotel, admin) = operator::create_hotel(
        store,
        clock,
        new_hotel("seaside"),
        superadmin("sofia@seaside.test", "+12025550160"),
    )
    .await
    .unwrap();
    assert!(
        admin.password_hash.is_none(),
        "no usable password until one is set"
    );
    let membership = store
        .membership(&hotel.slug, admin.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(membership.role, concierge::members::Role::Superadmin);

    // The same slug again: refused, and the second person was not created either.
    let again = operator::create_hotel(
        store,
        clock,
        new_hotel("seaside"),
        superadmin("rui@seaside.test", "+12025550161"),
    )
    .await;
    assert!(
        matches!(again, Err(Error::Conflict(Conflict::HotelExists, _))),
        "{again:?}"
    );
    assert!(
        store
            .user_by_email(&Email::parse("rui@seaside.test").unwrap())
            .await
            .unwrap()
            .is_none()
    );

    // An existing staff member can be the first superadmin of another hotel.
    let (_, same) = operator::create_hotel(
        store,
        clock,
        new_hotel("seaside-two"),
        superadmin("sofia@seaside.test", "+12025550160"),
    )
    .await
    .unwrap();
    assert_eq!(same.id, admin.id);
}
