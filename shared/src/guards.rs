//! Who may do what: every access decision of the API, in one place. Handlers call these after
//! parsing their input and before touching anything a guard protects.

use crate::app::App;
use crate::error::{Error, Result};
use crate::ids::{DepartmentSlug, HotelSlug};
use crate::members::{Membership, Role};
use crate::otp::verify::disabled;
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
    member_and_user(app, session, hotel, at_least)
        .await
        .map(|(membership, _)| membership)
}

/// `member`, with the caller's account, read in the same call: a disabled account is refused
/// at once, not when its access token runs out.
pub async fn member_and_user(
    app: &App,
    session: &Session,
    hotel: &HotelSlug,
    at_least: Role,
) -> Result<(Membership, User)> {
    if session.kind != UserKind::Staff {
        return Err(Error::Forbidden);
    }
    let (membership, user) = app.store.membership_and_user(hotel, session.user).await?;
    let user = active_account(user)?;
    match membership {
        Some(membership) if membership.active && membership.role >= at_least => {
            Ok((membership, user))
        }
        _ => Err(Error::Forbidden),
    }
}

/// The caller's account while it is active; a disabled one is refused as at login (F33).
pub fn active_account(user: Option<User>) -> Result<User> {
    match user {
        Some(user) if user.active => Ok(user),
        Some(_) => Err(disabled()),
        None => Err(Error::Unauthenticated),
    }
}

/// The caller's account while it is active, read on its own (for routes that read nothing of
/// the user otherwise; run it beside their own reads).
pub async fn active_user(app: &App, session: &Session) -> Result<User> {
    active_account(app.store.user(session.user).await?)
}

/// Whether a member works `department`: STAFF only their own departments, ADMIN and above
/// every department of their hotel.
pub fn works_department(membership: &Membership, department: &DepartmentSlug) -> bool {
    membership.role >= Role::Admin || membership.departments.contains(department)
}

/// The guest's current stay in `hotel`, and their account: a guest acts only within an active
/// stay, and only while their account is active.
pub async fn active_stay(
    app: &App,
    session: &Session,
    hotel: &HotelSlug,
) -> Result<(GuestStay, User)> {
    let now = app.clock.now();
    let (stays, user) =
        tokio::try_join!(app.store.stays_of(session.user), active_user(app, session))?;
    let stay = stays
        .into_iter()
        .rev()
        .find(|stay| &stay.hotel == hotel && stay.is_current(now))
        .ok_or_else(|| {
            Error::denied(
                "no_active_stay",
                "You have no active stay at this hotel. Scan the QR code in your room to log in.",
            )
        })?;
    Ok((stay, user))
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
