//! Key design of the single table (see docs/data-model.md). Every key is built here, so the
//! document and the code can be compared line by line.

use crate::ids::{DepartmentSlug, ExperienceId, HotelSlug, QrCode, UserId};
use crate::users::{Email, Phone};

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1: &str = "GSI1";
pub const GSI1PK: &str = "GSI1PK";
pub const GSI1SK: &str = "GSI1SK";
pub const GSI2: &str = "GSI2";
pub const GSI2PK: &str = "GSI2PK";
pub const GSI2SK: &str = "GSI2SK";
/// Epoch seconds after which DynamoDB may delete the item (reads check expiry themselves).
pub const TTL: &str = "expires_at";

/// A primary key: partition and sort values.
pub type Key = (String, String);

pub fn hotel_pk(hotel: &HotelSlug) -> String {
    format!("HOTEL#{hotel}")
}

pub fn hotel(hotel: &HotelSlug) -> Key {
    (hotel_pk(hotel), "HOTEL".into())
}

/// GSI1 of a hotel: all hotels, by slug (operator listing, daily digest).
pub fn hotels_index(hotel: &HotelSlug) -> Key {
    ("HOTELS".into(), hotel.to_string())
}

pub const DEPARTMENT_PREFIX: &str = "DEPT#";

pub fn department(hotel: &HotelSlug, department: &DepartmentSlug) -> Key {
    (hotel_pk(hotel), format!("{DEPARTMENT_PREFIX}{department}"))
}

pub fn experience(hotel: &HotelSlug, id: ExperienceId) -> Key {
    (hotel_pk(hotel), format!("EXP#{id}"))
}

/// Sort value of a listed experience in its listing indexes: display order, then id.
pub fn experience_order(sort_order: u32, id: ExperienceId) -> String {
    format!("{sort_order:010}#{id}")
}

/// GSI1 partition of a hotel's listed experiences.
pub fn listed_experiences(hotel: &HotelSlug) -> String {
    format!("HOTEL#{hotel}#EXPERIENCES")
}

/// GSI2 partition of one department's listed experiences.
pub fn listed_department_experiences(hotel: &HotelSlug, department: &DepartmentSlug) -> String {
    format!("HOTEL#{hotel}#DEPT#{department}#EXPERIENCES")
}

pub fn qr_code(code: &QrCode) -> Key {
    (format!("QR#{code}"), "QR".into())
}

/// GSI1 of a QR code: a hotel's codes by location.
pub fn hotel_qr_codes(hotel: &HotelSlug, location: &str, code: &QrCode) -> Key {
    (format!("HOTEL#{hotel}#QR"), format!("{location}#{code}"))
}

pub fn user(id: UserId) -> Key {
    (format!("USER#{id}"), "USER".into())
}

/// The item that reserves an email for one user.
pub fn email_claim(email: &Email) -> Key {
    (format!("EMAIL#{email}"), "EMAIL".into())
}

/// The item that reserves a phone for one user.
pub fn phone_claim(phone: &Phone) -> Key {
    (format!("PHONE#{phone}"), "PHONE".into())
}

pub fn membership(hotel: &HotelSlug, user: UserId) -> Key {
    (hotel_pk(hotel), format!("MEMBER#{user}"))
}

/// GSI1 of a membership: a user's hotels.
pub fn user_memberships(user: UserId, hotel: &HotelSlug) -> Key {
    (format!("USER#{user}"), format!("MEMBER#{hotel}"))
}

pub const HEARTBEATS_PK: &str = "HEARTBEATS";

pub fn heartbeat(job: &str) -> Key {
    (HEARTBEATS_PK.into(), job.into())
}
