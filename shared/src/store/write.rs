//! Conditional writes, applied together or not at all.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::audit::model::AuditEntry;

use crate::departments::Department;
use crate::error::{Conflict, Error, Result, Unique};
use crate::experiences::Experience;
use crate::hotels::model::Hotel;
use crate::idempotency::model::IdempotencyRecord;
use crate::ids::HotelSlug;
use crate::jobs::model::Heartbeat;
use crate::members::Membership;
use crate::notifications::model::Notification;
use crate::otp::model::{OtpCode, Tries};
use crate::push::model::Subscriptions;
use crate::qr::QrCodeRecord;
use crate::requests::model::{Activity, ServiceRequest};
use crate::session::model::SessionFamily;
use crate::stays::model::GuestStay;
use crate::timers::Timer;
use crate::users::{Phone, User};

#[async_trait]
pub trait Transact: Send + Sync {
    /// Applies all writes or none. When a write's condition fails, the error is that
    /// write's `conflict`.
    async fn transact(&self, writes: &[Write<'_>]) -> Result<()>;
}

/// One conditional write. Inserts require that the thing does not exist yet; a user insert
/// also claims the user's email and phone, which must be free.
/// DynamoDB's most items in one transaction; a write of more is done in chunks of this many.
pub const WRITES_PER_TRANSACTION: usize = 100;

#[derive(Debug, Clone, Copy)]
pub enum Write<'a> {
    InsertHotel(&'a Hotel),
    InsertDepartment(&'a Department),
    InsertExperience(&'a Experience),
    InsertQrCode(&'a QrCodeRecord),
    InsertUser(&'a User),
    /// Inserts a membership; an active superadmin also counts in the hotel's counter.
    InsertMembership(&'a Membership),
    InsertOtp(&'a OtpCode),
    InsertStay(&'a GuestStay),
    InsertSession(&'a SessionFamily),
    /// Marks a code used if it still is the code checked: unused, unexpired, under the try
    /// limit of the kind of tries the caller's (`tries`), same hash. Of many concurrent
    /// verifies of one code exactly one passes (F27).
    ConsumeOtp {
        otp: &'a OtpCode,
        now: Timestamp,
        tries: Tries,
        max_attempts: u32,
    },
    /// Records that `phone` logged in from `network` at `at`, for `KNOWN_NETWORK_DAYS`
    /// (unconditionally).
    RememberNetwork {
        phone: &'a Phone,
        network: &'a str,
        at: Timestamp,
    },
    /// Replaces a user unchanged since `previous` was read, moving the email and phone claims
    /// along when they change.
    ReplaceUser {
        user: &'a User,
        previous: &'a User,
    },
    /// Replaces a membership unchanged since `previous` was read. A change that leaves the hotel
    /// without an active superadmin fails (the hotel's superadmin counter must stay above zero).
    ReplaceMembership {
        membership: &'a Membership,
        previous: &'a Membership,
    },
    InsertRequest(&'a ServiceRequest),
    /// Replaces a request still at `expected_version` (optimistic locking).
    ReplaceRequest {
        request: &'a ServiceRequest,
        expected_version: u64,
    },
    /// Writes nothing, but fails the transaction unless the request is still at its version.
    CheckRequest(&'a ServiceRequest),
    InsertActivity(&'a Activity),
    InsertNotification(&'a Notification),
    /// Claims an idempotency key: free, expired, or abandoned in flight.
    ClaimIdempotency {
        record: &'a IdempotencyRecord,
        now: Timestamp,
    },
    /// Completes a claim this invocation holds, with the response to replay.
    FinishIdempotency {
        record: &'a IdempotencyRecord,
        status: u16,
        body: &'a str,
    },
    InsertTimer(&'a Timer),
    /// Removes a timer that must still be there: of two runs that picked it up, one does.
    DeleteTimer(&'a Timer),
    /// Records a job's run (unconditionally: the last run wins).
    PutHeartbeat(&'a Heartbeat),
    /// Ends a stay that is still active with the check-out read; its check-out becomes `at`
    /// (now, when staff end it early; the check-out itself, when it passed).
    EndStay {
        stay: &'a GuestStay,
        at: Timestamp,
    },
    /// Writes nothing, but fails the transaction unless the stay is still active.
    CheckStay(&'a GuestStay),
    /// Deletes a code's record (retention over).
    DeleteOtp(&'a OtpCode),
    /// Replaces a hotel unchanged since `previous` was read.
    ReplaceHotel {
        hotel: &'a Hotel,
        previous: &'a Hotel,
    },
    /// Replaces a department unchanged since `previous` was read.
    ReplaceDepartment {
        department: &'a Department,
        previous: &'a Department,
    },
    /// Writes nothing, but fails the transaction unless the department is still as read.
    CheckDepartment(&'a Department),
    /// Replaces an experience unchanged since `previous` was read (listing indexes follow).
    ReplaceExperience {
        experience: &'a Experience,
        previous: &'a Experience,
    },
    /// Updates a QR code's label, location and state, leaving its scan count alone, if they
    /// are still as in `previous`.
    UpdateQrCode {
        qr: &'a QrCodeRecord,
        previous: &'a QrCodeRecord,
    },
    /// Records a change in the hotel's audit log (in the change's own transaction).
    InsertAudit(&'a AuditEntry),
    /// Moves the check-out of a stay still active with the check-out read.
    ExtendStay {
        stay: &'a GuestStay,
        check_out: Timestamp,
    },
    /// Marks a hotel's digest of `date` sent; fails if it already was.
    InsertDigest {
        hotel: &'a HotelSlug,
        date: jiff::civil::Date,
        at: Timestamp,
    },
    /// Replaces a user's push subscriptions still at `previous_version` (0: none yet).
    ReplacePushSubscriptions {
        subscriptions: &'a Subscriptions,
        previous_version: u64,
    },
}

/// Which item of a write failed its condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The thing itself.
    Main,
    /// A uniqueness claim on one of its values.
    Claim(Unique),
    /// The release of a claim the user held.
    Release(Unique),
    /// The hotel's active-superadmin counter, which must stay above zero.
    LastSuperadmin,
}

impl Write<'_> {
    /// The error a failed condition means, for the caller.
    pub fn conflict(&self, part: Part) -> Error {
        match (self, part) {
            (_, Part::Claim(unique)) => Error::Taken(unique),
            (_, Part::LastSuperadmin) => Error::conflict(
                Conflict::LastSuperadmin,
                "A hotel needs an active superadmin: make someone else superadmin first.",
            ),
            (_, Part::Release(_))
            | (
                Write::ReplaceUser { .. }
                | Write::ReplaceMembership { .. }
                | Write::ReplaceHotel { .. }
                | Write::ReplaceDepartment { .. }
                | Write::CheckDepartment(_)
                | Write::ReplaceExperience { .. }
                | Write::UpdateQrCode { .. },
                Part::Main,
            ) => Error::conflict(
                Conflict::ConcurrentUpdate,
                "Someone changed this at the same time. Try again.",
            ),
            (Write::InsertHotel(_), Part::Main) => Error::conflict(
                Conflict::HotelExists,
                "A hotel with this slug already exists.",
            ),
            (Write::InsertDepartment(_), Part::Main) => Error::conflict(
                Conflict::DepartmentExists,
                "A department with this slug already exists in this hotel.",
            ),
            (Write::InsertExperience(_), Part::Main) => Error::conflict(
                Conflict::ExperienceExists,
                "This experience already exists.",
            ),
            (Write::InsertQrCode(_), Part::Main) => {
                Error::conflict(Conflict::QrCodeExists, "This QR code already exists.")
            }
            (Write::InsertUser(_), Part::Main) => {
                Error::conflict(Conflict::UserExists, "This user already exists.")
            }
            (Write::InsertMembership(_), Part::Main) => Error::conflict(
                Conflict::MemberExists,
                "This person is already a member of this hotel.",
            ),
            (
                Write::InsertOtp(_)
                | Write::InsertStay(_)
                | Write::InsertSession(_)
                | Write::InsertRequest(_)
                | Write::InsertActivity(_)
                | Write::InsertNotification(_)
                | Write::InsertAudit(_),
                Part::Main,
            ) => Error::internal_msg("a freshly generated id already exists"),
            (Write::ReplaceRequest { .. } | Write::CheckRequest(_), Part::Main) => Error::conflict(
                Conflict::RequestChanged,
                "This request changed meanwhile. Reload it and try again.",
            ),
            (Write::ClaimIdempotency { .. }, Part::Main) => Error::conflict(
                Conflict::IdempotencyTaken,
                "This Idempotency-Key is already in use.",
            ),
            (Write::DeleteTimer(_), Part::Main) => {
                Error::conflict(Conflict::TimerGone, "Another run already handled this.")
            }
            (Write::InsertDigest { .. }, Part::Main) => {
                Error::conflict(Conflict::DigestSent, "This digest was already sent.")
            }
            (Write::DeleteOtp(_), Part::Main) => {
                Error::conflict(Conflict::TimerGone, "Another run already handled this.")
            }
            (Write::CheckStay(_), Part::Main) => Error::denied(
                "no_active_stay",
                "Your stay at this hotel has ended. Scan the QR code in your room to log in.",
            ),
            (Write::EndStay { .. } | Write::ExtendStay { .. }, Part::Main) => {
                Error::conflict(Conflict::StayChanged, "This stay changed meanwhile.")
            }
            (
                Write::InsertTimer(_) | Write::RememberNetwork { .. } | Write::PutHeartbeat(_),
                Part::Main,
            ) => Error::internal_msg("an unconditional write reported a failed condition"),
            (Write::ReplacePushSubscriptions { .. }, Part::Main) => Error::conflict(
                Conflict::PushSubscriptionsChanged,
                "Your push subscriptions changed at the same time. Try again.",
            ),
            (Write::FinishIdempotency { .. }, Part::Main) => Error::conflict(
                Conflict::IdempotencyLost,
                "This request took too long and was taken over. Try again.",
            ),
            (Write::ConsumeOtp { .. }, Part::Main) => Error::bad_request(
                "otp_used",
                "That code was already used. Request a new code.",
            ),
        }
    }
}
