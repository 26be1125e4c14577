//! Hotel memberships: a staff user's role in one hotel, and the departments they work.

pub mod create;
pub mod deactivate;
pub mod list;
pub mod onboard;
pub mod update;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{DepartmentSlug, HotelSlug, UserId};
use crate::users::{Email, Phone, User, UserKind};

/// Membership roles, lowest first: the derived order is the order of power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Role {
    Staff,
    Admin,
    Superadmin,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub hotel: HotelSlug,
    pub user: UserId,
    pub role: Role,
    /// The name this hotel knows the member by, set by its admins; the account's own name
    /// (the person's to change) when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The departments whose requests a STAFF member sees and works.
    #[serde(default)]
    pub departments: Vec<DepartmentSlug>,
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What admins see of a member.
#[derive(Debug, Serialize)]
pub struct MemberView<'a> {
    pub user: UserId,
    pub name: &'a str,
    pub email: Option<&'a Email>,
    pub phone: Option<&'a Phone>,
    pub kind: UserKind,
    pub role: Role,
    pub departments: &'a [DepartmentSlug],
    pub active: bool,
    /// Whether they can log in with a password (else by one-time code only).
    pub has_password: bool,
    /// Whether this hotel's admins may still set the phone and email: only on an account this
    /// hotel created and whose owner has not signed in yet (SPEC §11).
    pub identity_editable: bool,
    pub created_at: Timestamp,
}

impl<'a> MemberView<'a> {
    pub fn new(membership: &'a Membership, user: &'a User) -> Self {
        Self {
            user: user.id,
            name: membership.name.as_deref().unwrap_or(&user.name),
            email: user.email.as_ref(),
            phone: user.phone.as_ref(),
            kind: user.kind,
            role: membership.role,
            departments: &membership.departments,
            active: membership.active && user.active,
            has_password: user.password_hash.is_some(),
            identity_editable: user.identity_managed_by(&membership.hotel),
            created_at: membership.created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Staff < Role::Admin && Role::Admin < Role::Superadmin);
        assert_eq!(
            serde_json::to_string(&Role::Superadmin).unwrap(),
            "\"SUPERADMIN\""
        );
    }
}
