//! Who may do what: every access decision of the API, in one place. Handlers call these after
//! parsing their input and before touching anything a guard protects.

use crate::app::App;
use crate::error::{Error, Result};
use crate::ids::{DepartmentSlug, HotelSlug};
use crate::members::{Membership, Role};
use crate::session::Session;
use crate::stays::GuestStay;
use crate::users::{User, UserKind};

/// The caller's active membership of `hotel`, with at least role `at_least`. Nothing of a
/// hotel is reachable through a membership of another (F17).
pub async fn member(
    app: &App,
    session: &Session,
    hotel: &HotelSlug,
    at_least: Role,
) -> Result<Membership> {
    if session.kind != UserKind::Staff {
        return Err(Error::Forbidden);
    }
    let membership = app.store.membership(hotel, session.user).await?;
    match membership {
        Some(membership) if membership.active && membership.role >= at_least => Ok(membership),
        _ => Err(Error::Forbidden),
    }
}

/// Whether a member works `department`: STAFF only their own departments, ADMIN and above
/// every department of their hotel.
pub fn works_department(membership: &Membership, department: &DepartmentSlug) -> bool {
    membership.role >= Role::Admin || membership.departments.contains(department)
}

/// The guest's current stay in `hotel`: a guest acts only within an active stay.
pub async fn active_stay(app: &App, session: &Session, hotel: &HotelSlug) -> Result<GuestStay> {
    let now = app.clock.now();
    app.store
        .stays_of(session.user)
        .await?
        .into_iter()
        .rev()
        .find(|stay| &stay.hotel == hotel && stay.is_current(now))
        .ok_or_else(|| {
            Error::denied(
                "no_active_stay",
                "You have no active stay at this hotel. Scan the QR code in your room to log in.",
            )
        })
}

/// A stay the caller owns.
pub fn stay_owner(session: &Session, stay: &GuestStay) -> Result<()> {
    if stay.guest == session.user {
        Ok(())
    } else {
        Err(Error::NotFound("Stay"))
    }
}

/// The caller as an active platform operator.
pub async fn operator(app: &App, session: &Session) -> Result<User> {
    match app.store.user(session.user).await? {
        Some(user) if user.active && user.is_operator => Ok(user),
        _ => Err(Error::Forbidden),
    }
}
