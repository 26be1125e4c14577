//! Key design of the single table (see docs/data-model.md). Every key is built here, so the
//! document and the code can be compared line by line.

use jiff::Timestamp;

use crate::ids::{
    ActivityId, AuditId, DepartmentSlug, ExperienceId, HotelSlug, NotificationId, OtpId, QrCode,
    RequestId, SessionId, StayId, UserId,
};
use crate::otp::model::OtpScope;
use crate::timers::{Timer, TimerKind};
use crate::users::{Email, Phone};

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1: &str = "GSI1";
pub const GSI1PK: &str = "GSI1PK";
pub const GSI1SK: &str = "GSI1SK";
pub const GSI2: &str = "GSI2";
pub const GSI2PK: &str = "GSI2PK";
pub const GSI2SK: &str = "GSI2SK";
pub const GSI3: &str = "GSI3";
pub const GSI3PK: &str = "GSI3PK";
pub const GSI3SK: &str = "GSI3SK";
pub const GSI4: &str = "GSI4";
pub const GSI4PK: &str = "GSI4PK";
pub const GSI4SK: &str = "GSI4SK";
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

/// The GSI1 partition of all hotels.
pub const HOTELS_PK: &str = "HOTELS";

/// GSI1 of a hotel: all hotels, by slug (operator listing, daily digest).
pub fn hotels_index(hotel: &HotelSlug) -> Key {
    (HOTELS_PK.into(), hotel.to_string())
}

/// A hotel's count of active superadmins (attribute `active_superadmins`): a demotion or
/// deactivation decrements it on condition that it stays above zero.
pub fn superadmins(hotel: &HotelSlug) -> Key {
    (hotel_pk(hotel), "SUPERADMINS".into())
}

pub const ACTIVE_SUPERADMINS: &str = "active_superadmins";

pub const DEPARTMENT_PREFIX: &str = "DEPT#";

pub fn department(hotel: &HotelSlug, department: &DepartmentSlug) -> Key {
    (hotel_pk(hotel), format!("{DEPARTMENT_PREFIX}{department}"))
}

pub const EXPERIENCE_PREFIX: &str = "EXP#";

pub fn experience(hotel: &HotelSlug, id: ExperienceId) -> Key {
    (hotel_pk(hotel), format!("{EXPERIENCE_PREFIX}{id}"))
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
    (hotel_qr_codes_pk(hotel), format!("{location}#{code}"))
}

pub fn hotel_qr_codes_pk(hotel: &HotelSlug) -> String {
    format!("HOTEL#{hotel}#QR")
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

/// Sort-key prefix of memberships, in a hotel's partition and in a user's (GSI1).
pub const MEMBER_PREFIX: &str = "MEMBER#";

pub fn membership(hotel: &HotelSlug, user: UserId) -> Key {
    (hotel_pk(hotel), format!("{MEMBER_PREFIX}{user}"))
}

/// GSI1 of a membership: a user's hotels.
pub fn user_memberships(user: UserId, hotel: &HotelSlug) -> Key {
    (user_pk(user), format!("{MEMBER_PREFIX}{hotel}"))
}

pub const STAY_PREFIX: &str = "STAY#";

pub fn stay(guest: UserId, id: StayId) -> Key {
    (user_pk(guest), format!("{STAY_PREFIX}{id}"))
}

/// GSI1 of a stay: a hotel's stays by check-in.
pub fn hotel_stays(hotel: &HotelSlug, check_in: Timestamp, id: StayId) -> Key {
    (
        hotel_stays_pk(hotel),
        format!("{}#{id}", sortable(check_in)),
    )
}

pub fn hotel_stays_pk(hotel: &HotelSlug) -> String {
    format!("HOTEL#{hotel}#STAYS")
}

/// GSI3 of a stay: the stay by its id alone (staff end or extend it by id).
pub fn stay_by_id(id: StayId) -> Key {
    (format!("STAY#{id}"), "STAY".into())
}

/// GSI2 of an active stay: every hotel's active stays by check-out (what the expiry job ends).
pub fn active_stays(check_out: Timestamp, id: StayId) -> Key {
    (ACTIVE_STAYS.into(), format!("{}#{id}", sortable(check_out)))
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

/// GSI1 of a code sent by WhatsApp: its provider message id (delivery events name it).
pub fn otp_message(message_id: &str) -> Key {
    (format!("WAMSG#{message_id}"), "OTP".into())
}

/// A rate-limit counter for one window.
/// The record that `phone` logged in from `network` (the OTP send ceiling spares such networks).
pub fn known_network(phone: &Phone, network: &str) -> Key {
    (format!("NET#{phone}"), network.to_owned())
}

pub fn counter(name: &str, window_start: i64) -> Key {
    (format!("RATE#{name}"), window_start.to_string())
}

pub fn session(id: SessionId) -> Key {
    (format!("SESSION#{id}"), "SESSION".into())
}

pub const SESSION_PREFIX: &str = "SESSION#";

/// GSI1 of a session: a user's sessions (to end them all).
pub fn user_sessions(user: UserId, id: SessionId) -> Key {
    (user_pk(user), format!("SESSION#{id}"))
}

pub const HEARTBEATS_PK: &str = "HEARTBEATS";

pub fn heartbeat(job: &str) -> Key {
    (HEARTBEATS_PK.into(), job.into())
}

pub fn request_pk(id: RequestId) -> String {
    format!("REQ#{id}")
}

pub fn request(id: RequestId) -> Key {
    (request_pk(id), "REQ".into())
}

/// Sort value of a request in its listings: creation time, then id (newest last).
pub fn request_position(created_ms: i64, id: RequestId) -> String {
    format!("{created_ms:015}#{id}")
}

/// The first (`upper` false) or last listing position of the millisecond `created_ms`.
pub fn request_position_bound(created_ms: i64, upper: bool) -> String {
    // Ids are lowercase base32, which sorts after '#' and before '~'.
    format!("{created_ms:015}#{}", if upper { "~" } else { "" })
}

/// GSI1 partition of a hotel's requests.
pub fn hotel_requests(hotel: &HotelSlug) -> String {
    format!("HOTEL#{hotel}#REQ")
}

/// GSI2 partition of one department's requests.
pub fn department_requests(hotel: &HotelSlug, department: &DepartmentSlug) -> String {
    format!("HOTEL#{hotel}#DEPT#{department}#REQ")
}

/// GSI4 partition of a hotel's open requests (sparse: a request leaves it when final).
pub fn open_requests(hotel: &HotelSlug) -> String {
    format!("HOTEL#{hotel}#OPEN")
}

/// GSI3 partition of a guest's requests.
pub fn guest_requests(guest: UserId) -> String {
    format!("USER#{guest}#REQ")
}

pub const ACTIVITY_PREFIX: &str = "ACT#";

pub fn activity(request: RequestId, id: ActivityId) -> Key {
    (request_pk(request), format!("{ACTIVITY_PREFIX}{id}"))
}

/// GSI1 of an activity: a hotel's activity in time order (the staff event stream).
pub fn hotel_activity(hotel: &HotelSlug, id: ActivityId) -> Key {
    (hotel_activity_pk(hotel), id.to_string())
}

pub fn hotel_activity_pk(hotel: &HotelSlug) -> String {
    format!("HOTEL#{hotel}#ACT")
}

/// A hotel's audit log: one partition, sorted by time, so newest first is one Query read
/// backwards.
pub fn audit_pk(hotel: &HotelSlug) -> String {
    format!("AUDIT#{hotel}")
}

pub fn audit(hotel: &HotelSlug, at: Timestamp, id: AuditId) -> Key {
    (audit_pk(hotel), format!("{}#{id}", sortable(at)))
}

pub const NOTIFICATION_PREFIX: &str = "NOTIF#";

pub fn notification(recipient: UserId, id: NotificationId) -> Key {
    (user_pk(recipient), format!("{NOTIFICATION_PREFIX}{id}"))
}

/// A user's web push subscriptions, all in one item.
pub fn push_subscriptions(user: UserId) -> Key {
    (user_pk(user), "PUSH_SUBSCRIPTIONS".into())
}

/// GSI2 partition of a user's unread notifications (sparse: read ones leave it).
pub fn unread_notifications(recipient: UserId) -> String {
    format!("USER#{recipient}#UNREAD")
}

pub fn idempotency(user: UserId, key: &str) -> Key {
    (format!("IDEMP#{user}#{key}"), "IDEMP".into())
}

pub fn timers_pk(kind: TimerKind) -> String {
    format!("TIMER#{kind}")
}

pub fn timer(timer: &Timer) -> Key {
    (timers_pk(timer.kind), timer.position())
}

/// The last sort key of a timer partition due at `now`.
pub fn timers_due_by(now: Timestamp) -> String {
    format!("{:015}#~", now.as_millisecond())
}

/// The global partition (GSI2) of active stays, by check-out: what the expiry job ends.
pub const ACTIVE_STAYS: &str = "ACTIVE_STAYS";

/// The marker of a hotel's digest of one day.
pub fn digest(hotel: &HotelSlug, date: jiff::civil::Date) -> Key {
    (format!("DIGEST#{hotel}"), date.to_string())
}
