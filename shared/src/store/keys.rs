//! Key design of the single table (see docs/data-model.md). Every key is built here, so the
//! document and the code can be compared line by line.

use jiff::Timestamp;

use crate::ids::{
    DepartmentSlug, ExperienceId, HotelSlug, OtpId, QrCode, SessionId, StayId, UserId,
};
use crate::otp::OtpScope;
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

/// A time as a sort key: epoch milliseconds, zero-padded so text order is time order.
pub fn sortable(time: Timestamp) -> String {
    format!("{:015}", time.as_millisecond())
}

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

pub fn user_pk(id: UserId) -> String {
    format!("USER#{id}")
}

pub fn user(id: UserId) -> Key {
    (user_pk(id), "USER".into())
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

pub const USER_MEMBERSHIP_PREFIX: &str = "MEMBER#";

/// GSI1 of a membership: a user's hotels.
pub fn user_memberships(user: UserId, hotel: &HotelSlug) -> Key {
    (user_pk(user), format!("{USER_MEMBERSHIP_PREFIX}{hotel}"))
}

pub const STAY_PREFIX: &str = "STAY#";

pub fn stay(guest: UserId, id: StayId) -> Key {
    (user_pk(guest), format!("{STAY_PREFIX}{id}"))
}

/// GSI1 of a stay: a hotel's stays by check-in.
pub fn hotel_stays(hotel: &HotelSlug, check_in: Timestamp, id: StayId) -> Key {
    (
        format!("HOTEL#{hotel}#STAYS"),
        format!("{}#{id}", sortable(check_in)),
    )
}

/// GSI2 of an active stay: a hotel's active stays by check-out (what the expiry job reads).
pub fn hotel_active_stays(hotel: &HotelSlug, check_out: Timestamp, id: StayId) -> Key {
    (
        format!("HOTEL#{hotel}#ACTIVE_STAYS"),
        format!("{}#{id}", sortable(check_out)),
    )
}

pub fn otp_pk(phone: &Phone) -> String {
    format!("OTP#{phone}")
}

/// Sort-key prefix of the codes of one scope; ids are ULIDs, so the last is the newest.
pub fn otp_prefix(scope: &OtpScope) -> String {
    format!("CODE#{scope}#")
}

pub fn otp(phone: &Phone, scope: &OtpScope, id: OtpId) -> Key {
    (otp_pk(phone), format!("{}{id}", otp_prefix(scope)))
}

/// A rate-limit counter for one window.
pub fn counter(name: &str, window_start: i64) -> Key {
    (format!("RATE#{name}"), window_start.to_string())
}

pub fn session(id: SessionId) -> Key {
    (format!("SESSION#{id}"), "SESSION".into())
}

/// GSI1 of a session: a user's sessions (to end them all).
pub fn user_sessions(user: UserId, id: SessionId) -> Key {
    (user_pk(user), format!("SESSION#{id}"))
}

pub const HEARTBEATS_PK: &str = "HEARTBEATS";

pub fn heartbeat(job: &str) -> Key {
    (HEARTBEATS_PK.into(), job.into())
}
