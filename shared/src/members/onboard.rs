//! Making someone a member of a hotel (F5, F15, F16, F20, F35), and changing or ending a
//! membership under the role rules: ADMIN manage STAFF only, SUPERADMIN manage everyone, and a
//! hotel always keeps an active SUPERADMIN.

use jiff::Timestamp;

use super::{Membership, Role};
use crate::audit::model::{Change, Subject};
use crate::departments::admin as department_admin;
use crate::error::{Conflict, Error, Result};
use crate::ids::{DepartmentSlug, HotelSlug, UserId};
use crate::operator::new_membership;
use crate::session::SessionFamily;
use crate::store::{Store, Write};
use crate::text;
use crate::users::{Email, Phone, User, UserKind};

/// A person to make a member. The phone is required (F15): staff always log in by OTP.
pub struct Invitation {
    pub name: String,
    pub phone: Phone,
    pub email: Option<Email>,
    pub role: Role,
    pub departments: Vec<DepartmentSlug>,
}

/// What may change on a member: their account's details and their membership.
#[derive(Debug, Default)]
pub struct MemberChanges {
    pub name: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub role: Option<Role>,
    pub departments: Option<Vec<DepartmentSlug>>,
    pub active: Option<bool>,
}

/// A member: the membership and its user.
pub struct Member {
    pub membership: Membership,
    pub user: User,
}

/// Refused unless `actor` may manage a member of role `role`.
pub fn check_may_manage(actor: &Membership, role: Role) -> Result<()> {
    if actor.role == Role::Superadmin || role == Role::Staff {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Every department named must be one of the hotel's, and open unless the member already works it.
pub async fn check_departments(
    store: &dyn Store,
    hotel: &HotelSlug,
    departments: &[DepartmentSlug],
    held: &[DepartmentSlug],
) -> Result<()> {
    if departments.is_empty() {
        return Ok(());
    }
    let known = store.departments(hotel).await?;
    for wanted in departments {
        match known.iter().find(|d| &d.slug == wanted) {
            None => return Err(department_admin::unknown("departments", wanted)),
            // A closed department the member already works may stay; a new one must be open.
            Some(d) if !d.active && !held.contains(wanted) => {
                return Err(department_admin::closed("departments", wanted));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Makes the invited person a member: an existing user is found by email first, then by
/// phone (F35); a guest becomes STAFF (F16); anyone new gets a STAFF account without a usable
/// password (F5), which this hotel manages until its owner signs in. An existing account's
/// phone and email are its owner's: an invitation that would add or change them is refused
/// unless this hotel still manages the account (SPEC §11). The account and the membership are
/// written in one transaction; a phone or email of someone else is a 400 (F20).
pub async fn invite(
    store: &dyn Store,
    hotel: &HotelSlug,
    invitation: Invitation,
    now: Timestamp,
) -> Result<Member> {
    let by_email = match &invitation.email {
        Some(email) => store.user_by_email(email).await?,
        None => None,
    };
    let existing = match by_email {
        Some(user) => Some(user),
        None => store.user_by_phone(&invitation.phone).await?,
    };
    let name = text::name("name", invitation.name)?;
    let mut membership = new_membership(hotel, UserId::generate(), invitation.role, now);
    membership.departments = invitation.departments;
    let result = match existing {
        Some(previous) => {
            let user = onboarded(&previous, hotel, invitation.phone, invitation.email, now)?;
            membership.user = user.id;
            if name != user.name {
                membership.name = Some(name);
            }
            let mut writes = Vec::new();
            if user != previous {
                writes.push(Write::ReplaceUser {
                    user: &user,
                    previous: &previous,
                });
            }
            writes.push(Write::InsertMembership(&membership));
            store.transact(&writes).await.map(|()| user)
        }
        None => {
            let user = User {
                id: membership.user,
                kind: UserKind::Staff,
                name,
                email: invitation.email,
                unverified_email: None,
                phone: Some(invitation.phone),
                // F5: an invited member logs in by one-time code until they set a password.
                password_hash: None,
                active: true,
                is_operator: false,
                managed_by: Some(hotel.clone()),
                created_at: now,
                updated_at: now,
            };
            store
                .transact(&[
                    Write::InsertUser(&user),
                    Write::InsertMembership(&membership),
                ])
                .await
                .map(|()| user)
        }
    };
    match result {
        Ok(user) => Ok(Member { membership, user }),
        Err(Error::Conflict(Conflict::MemberExists, _)) => Err(Error::bad_request(
            "member_exists",
            "This person is already a member of this hotel; to bring them back, reactivate them.",
        )),
        Err(err) => Err(err),
    }
}

/// The refusal of a phone or email change on an account whose owner it belongs to.
pub fn identity_owned() -> Error {
    Error::denied(
        "identity_owned",
        "This person's phone and email are their own: only they can change them, from their \
         profile. You can still change their name in this hotel, role, departments and whether \
         they are active.",
    )
}

/// An existing account made staff of `hotel`: promoted if a guest. Once another hotel takes
/// them on, no hotel manages the account any more. Its missing phone or email is filled in
/// only while `hotel` manages it; a phone or email that differs from the account's is refused
/// rather than overwritten.
fn onboarded(
    user: &User,
    hotel: &HotelSlug,
    phone: Phone,
    email: Option<Email>,
    now: Timestamp,
) -> Result<User> {
    if !user.active {
        return Err(Error::bad_request(
            "account_disabled",
            "This person's account is disabled; it cannot be made a member.",
        ));
    }
    let managed = user.identity_managed_by(hotel);
    let mut next = user.clone();
    next.kind = UserKind::Staff;
    if !managed {
        next.managed_by = None;
    }
    let not_ours = || {
        Error::denied(
            "identity_owned",
            "This person already has an account, and only they can add a phone or email to \
             it. Invite them with the details their account has, or without an email.",
        )
    };
    match &user.phone {
        None if managed => next.phone = Some(phone),
        None => return Err(not_ours()),
        Some(current) if *current != phone => {
            return Err(Error::field(
                "phone",
                "the account with this email has another phone number; use that one",
            ));
        }
        Some(_) => {}
    }
    match (&user.email, email) {
        (None, Some(email)) if managed => next.email = Some(email),
        (None, Some(_)) => return Err(not_ours()),
        (Some(current), Some(email)) if *current != email => {
            return Err(Error::field(
                "email",
                "the account with this phone has another email address; use that one",
            ));
        }
        _ => {}
    }
    if next != *user {
        next.updated_at = now;
    }
    Ok(next)
}

/// Changes a member of `hotel` on behalf of `actor`, in one transaction. The phone and email
/// change only on an account this hotel manages (else 403, SPEC §11); the name is the
/// member's name in this hotel, and the account's own name too while the hotel manages it.
/// Demoting or deactivating the last active SUPERADMIN is refused by the store's counter
/// condition, which holds however many such changes race. Returns the member as changed.
pub async fn change(
    store: &dyn Store,
    actor: &Membership,
    hotel: &HotelSlug,
    member: UserId,
    changes: MemberChanges,
    now: Timestamp,
) -> Result<Member> {
    let previous = store
        .membership(hotel, member)
        .await?
        .ok_or(Error::NotFound("Member"))?;
    check_may_manage(actor, previous.role)?;
    if let Some(role) = changes.role {
        check_may_manage(actor, role)?;
    }
    if let Some(departments) = &changes.departments {
        check_departments(store, hotel, departments, &previous.departments).await?;
    }
    let previous_user = store.user(member).await?.ok_or(Error::NotFound("Member"))?;
    let managed = previous_user.identity_managed_by(hotel);
    if !managed && (changes.phone.is_some() || changes.email.is_some()) {
        return Err(identity_owned());
    }
    let mut user = previous_user.clone();
    let mut membership = previous.clone();
    if let Some(name) = changes.name {
        if managed {
            user.name.clone_from(&name);
        }
        membership.name = (name != user.name).then_some(name);
    }
    if let Some(email) = changes.email {
        user.email = Some(email);
    }
    if let Some(phone) = changes.phone {
        user.phone = Some(phone);
    }
    if let Some(role) = changes.role {
        membership.role = role;
    }
    if let Some(departments) = changes.departments {
        membership.departments = departments;
    }
    if let Some(active) = changes.active {
        membership.active = active;
    }
    let mut writes = Vec::new();
    let entry = Change {
        subject: Subject::Member,
        subject_id: member.to_string(),
        subject_label: membership.name.clone().unwrap_or_else(|| user.name.clone()),
        before: Some(&previous),
        after: &membership,
        ignore: &["hotel", "user", "created_at", "updated_at"],
    }
    .entry(hotel, actor.user, now)?;
    if membership != previous {
        membership.updated_at = now;
        writes.push(Write::ReplaceMembership {
            membership: &membership,
            previous: &previous,
        });
    }
    writes.extend(entry.as_ref().map(Write::InsertAudit));
    if user != previous_user {
        user.updated_at = now;
        // Conditioned on the account as read: a first sign-in or another hotel taking the
        // person on meanwhile ends this hotel's say over the phone and email, and fails this.
        writes.push(Write::ReplaceUser {
            user: &user,
            previous: &previous_user,
        });
    }
    if !writes.is_empty() {
        store.transact(&writes).await?;
    }
    if previous.active && !membership.active {
        end_sessions(store, &user, hotel).await?;
    }
    Ok(Member { membership, user })
}

/// Ends a deactivated member's sessions. Their access to this hotel ended with the membership
/// (every hotel-scoped call checks it); when no other hotel or operator role remains to them,
/// their sessions end too, so they are logged out everywhere.
async fn end_sessions(store: &dyn Store, user: &User, hotel: &HotelSlug) -> Result<()> {
    if user.is_operator {
        return Ok(());
    }
    let elsewhere = store
        .memberships_of(user.id)
        .await?
        .iter()
        .any(|m| m.active && &m.hotel != hotel);
    if elsewhere {
        return Ok(());
    }
    let live: Vec<SessionFamily> = store
        .sessions_of(user.id)
        .await?
        .into_iter()
        .filter(|family| !family.revoked)
        .collect();
    futures_util::future::try_join_all(live.iter().map(|family| store.revoke_session(family.id)))
        .await?;
    Ok(())
}
