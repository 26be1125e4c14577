//! Platform operations: creating hotels with their first superadmin, and staff accounts.
//! Used by the operator CLI (`infra`) and the operator API.

pub mod hotels_create;
pub mod hotels_list;
pub mod hotels_update;

use jiff::Timestamp;

use crate::clock::Clock;
use crate::error::{Conflict, Error, Result};
use crate::hotels::{Contact, Hotel, TimeZoneName};
use crate::ids::{HotelSlug, UserId};
use crate::members::{Membership, Role};
use crate::store::{Store, Write};
use crate::text;
use crate::users::{Email, Phone, User, UserKind};

pub struct NewHotel {
    pub slug: HotelSlug,
    pub name: String,
    pub timezone: TimeZoneName,
    pub contact: Contact,
    pub default_stay_nights: u16,
}

/// A staff account to find or create. Staff always have a phone, so OTP login always works.
pub struct NewStaff {
    pub name: String,
    pub phone: Phone,
    pub email: Option<Email>,
    /// An Argon2id PHC string from `users::password::hash`, hashed where the password arrives;
    /// `None` leaves the account without a usable password (OTP login only).
    pub password_hash: Option<String>,
    pub is_operator: bool,
}

/// Creates a hotel and makes `superadmin` its first SUPERADMIN, all in one transaction: the
/// hotel never exists without someone able to run it.
pub async fn create_hotel(
    store: &dyn Store,
    clock: &dyn Clock,
    hotel: NewHotel,
    superadmin: NewStaff,
) -> Result<(Hotel, User)> {
    let now = clock.now();
    if !(1..=365).contains(&hotel.default_stay_nights) {
        return Err(Error::field("default_stay_nights", "use 1 to 365 nights"));
    }
    let hotel = Hotel {
        slug: hotel.slug,
        name: text::name("name", hotel.name)?,
        timezone: hotel.timezone,
        contact: hotel.contact.checked()?,
        branding: Default::default(),
        default_stay_nights: hotel.default_stay_nights,
        accepted_countries: Vec::new(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    let (mut user, is_new) = staff_account(store, superadmin, now).await?;
    let previous = user.clone();
    if is_new {
        user.managed_by = Some(hotel.slug.clone());
    } else if user.managed_by.take().is_some() {
        // Another hotel's admins lose their say over the phone and email of someone who now
        // runs this one; conditioned on the account as read, so it cannot race them.
        user.updated_at = now;
    }
    let membership = new_membership(&hotel.slug, user.id, Role::Superadmin, now);
    let mut writes = vec![Write::InsertHotel(&hotel)];
    if is_new {
        writes.push(Write::InsertUser(&user));
    } else if user != previous {
        writes.push(Write::ReplaceUser {
            user: &user,
            previous: &previous,
        });
    }
    writes.push(Write::InsertMembership(&membership));
    store.transact(&writes).await?;
    Ok((hotel, user))
}

/// The staff user with this email (first) or phone, or a new one to insert.
///
/// Returns the user and whether it is new (not yet stored). An existing account of a guest is
/// refused here: turning a guest into staff is member onboarding, with its own rules.
pub async fn staff_account(
    store: &dyn Store,
    staff: NewStaff,
    now: Timestamp,
) -> Result<(User, bool)> {
    let existing = match &staff.email {
        Some(email) => store.user_by_email(email).await?,
        None => None,
    };
    let existing = match existing {
        Some(user) => Some(user),
        None => store.user_by_phone(&staff.phone).await?,
    };
    if let Some(user) = existing {
        if user.kind != UserKind::Staff {
            return Err(Error::conflict(
                Conflict::GuestAccount,
                "This phone or email belongs to a guest account; invite it as a hotel member instead.",
            ));
        }
        return Ok((user, false));
    }
    let user = User {
        id: UserId::generate(),
        kind: UserKind::Staff,
        name: text::name("name", staff.name)?,
        email: staff.email,
        phone: Some(staff.phone),
        password_hash: staff.password_hash,
        active: true,
        is_operator: staff.is_operator,
        unverified_email: None,
        managed_by: None,
        created_at: now,
        updated_at: now,
    };
    Ok((user, true))
}

pub fn new_membership(hotel: &HotelSlug, user: UserId, role: Role, now: Timestamp) -> Membership {
    Membership {
        hotel: hotel.clone(),
        user,
        role,
        name: None,
        departments: Vec::new(),
        active: true,
        created_at: now,
        updated_at: now,
    }
}
