//! Hotel memberships: a staff user's role in one hotel, and the departments they work.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{DepartmentSlug, HotelSlug, UserId};

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
    /// The departments whose requests a STAFF member sees and works.
    #[serde(default)]
    pub departments: Vec<DepartmentSlug>,
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
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
