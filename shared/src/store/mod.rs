//! The store: every read and write the domain needs, behind one trait.
//!
//! Domain code sees this trait and domain types only; `dynamo` is the one implementation and
//! the only module that knows DynamoDB. Invariants live in the writes themselves: every
//! `Write` carries a condition, and `transact` applies a list of them atomically or not at all.

pub mod dynamo;
pub mod keys;
mod page;
mod retry;

use async_trait::async_trait;

use jiff::{SignedDuration, Timestamp};

use crate::departments::Department;
use crate::error::{Conflict, Error, Result, Unique};
use crate::experiences::Experience;
use crate::hotels::Hotel;
use crate::idempotency::IdempotencyRecord;
use crate::ids::{
    ActivityId, DepartmentSlug, ExperienceId, HotelSlug, NotificationId, OtpId, QrCode, RequestId,
    SessionId, StayId, TokenId, UserId,
};
use crate::jobs::Heartbeat;
use crate::members::Membership;
use crate::notifications::Notification;
use crate::otp::{Channel, DeliveryStatus, OtpCode, OtpScope};
use crate::push::Subscriptions;
use crate::push::deliver::PushClaim;
use crate::qr::QrCodeRecord;
use crate::requests::{Activity, Priority, ServiceRequest, Status};
use crate::session::SessionFamily;
use crate::stays::GuestStay;
use crate::timers::{Timer, TimerKind};
use crate::users::{Email, Phone, User};

pub use page::{Cursor, MAX_LIMIT, Page, PageRequest};
pub use retry::{REQUEST_MOVE, Retry};

#[async_trait]
pub trait Store: Send + Sync {
    async fn hotel(&self, slug: &HotelSlug) -> Result<Option<Hotel>>;

    /// All departments of a hotel, active or not, by slug.
    async fn departments(&self, hotel: &HotelSlug) -> Result<Vec<Department>>;

    async fn department(
        &self,
        hotel: &HotelSlug,
        slug: &DepartmentSlug,
    ) -> Result<Option<Department>>;

    /// Experiences shown to the public (see `Experience::is_listed`), in display order,
    /// optionally of one department.
    async fn listed_experiences(
        &self,
        hotel: &HotelSlug,
        department: Option<&DepartmentSlug>,
        page: &PageRequest,
    ) -> Result<Page<Experience>>;

    async fn experience(&self, hotel: &HotelSlug, id: ExperienceId) -> Result<Option<Experience>>;

    /// Counts a scan of an active QR code and returns it; `None` when unknown or inactive.
    async fn scan_qr_code(&self, code: &QrCode) -> Result<Option<QrCodeRecord>>;

    /// A QR code, active or not, without counting a scan.
    async fn qr_code(&self, code: &QrCode) -> Result<Option<QrCodeRecord>>;

    async fn user(&self, id: UserId) -> Result<Option<User>>;
    async fn user_by_email(&self, email: &Email) -> Result<Option<User>>;
    async fn user_by_phone(&self, phone: &Phone) -> Result<Option<User>>;

    async fn membership(&self, hotel: &HotelSlug, user: UserId) -> Result<Option<Membership>>;

    /// A membership and its user, in one strongly consistent read (what every staff route's
    /// guard decides on).
    async fn membership_and_user(
        &self,
        hotel: &HotelSlug,
        user: UserId,
    ) -> Result<(Option<Membership>, Option<User>)>;

    /// Every hotel membership of a user.
    async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>>;

    /// Every membership of a hotel, active or not.
    async fn members(&self, hotel: &HotelSlug) -> Result<Vec<Membership>>;

    async fn request(&self, id: RequestId) -> Result<Option<ServiceRequest>>;

    /// A request with its history, oldest entry first, in one read.
    async fn request_with_activity(
        &self,
        id: RequestId,
    ) -> Result<Option<(ServiceRequest, Vec<Activity>)>>;

    /// A request with its history entries after `after`, oldest first, in one strongly
    /// consistent read (what the guest's live stream polls).
    async fn request_since(
        &self,
        id: RequestId,
        after: ActivityId,
    ) -> Result<Option<(ServiceRequest, Vec<Activity>)>>;

    /// Up to `limit` history entries of a hotel's requests after `after`, oldest first (what
    /// the staff's live stream polls). The hotel's activity index is eventually consistent: an
    /// entry may show up a moment after newer ones.
    async fn hotel_activity_since(
        &self,
        hotel: &HotelSlug,
        after: ActivityId,
        limit: u16,
    ) -> Result<Vec<Activity>>;

    /// Up to `limit` of a hotel's requests that are not final, oldest first.
    async fn open_requests(&self, hotel: &HotelSlug, limit: u16) -> Result<Vec<ServiceRequest>>;

    /// Up to `limit` requests of a listing, newest first, after `after` when given, that match
    /// `filter`. Reads a bounded number of pages: the result says where it stopped.
    async fn requests(
        &self,
        listing: &RequestListing,
        filter: &RequestFilter,
        limit: u16,
        after: Option<Position>,
    ) -> Result<Listed>;

    /// A user's notifications, newest first.
    async fn notifications(&self, user: UserId, page: &PageRequest) -> Result<Page<Notification>>;

    /// A user's unread notifications, oldest first.
    async fn unread_notifications(&self, user: UserId) -> Result<Vec<Notification>>;

    /// One of `user`'s notifications, read consistently.
    async fn notification(&self, user: UserId, id: NotificationId) -> Result<Option<Notification>>;

    /// Marks one of `user`'s notifications read; `false` when they have no such notification.
    async fn mark_notification_read(&self, user: UserId, id: NotificationId) -> Result<bool>;

    async fn idempotency_record(
        &self,
        user: UserId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>>;

    /// Gives up a claim this invocation holds (its work failed), so the key may be retried.
    async fn release_idempotency(&self, record: &IdempotencyRecord) -> Result<()>;

    /// Every stay of a guest, oldest first.
    async fn stays_of(&self, guest: UserId) -> Result<Vec<GuestStay>>;

    /// The most recent code sent to `phone` for `scope`.
    async fn latest_otp(&self, phone: &Phone, scope: &OtpScope) -> Result<Option<OtpCode>>;

    /// Counts a wrong try of a code that is still unused and under `max_attempts` tries of
    /// that kind, returning the tries so far; `None` when the code could no longer be tried.
    async fn count_wrong_otp(
        &self,
        otp: &OtpCode,
        tries: Tries,
        max_attempts: u32,
    ) -> Result<Option<u32>>;

    /// Whether `phone` logged in from `network` within `KNOWN_NETWORK_DAYS` before `now`.
    async fn known_network(&self, phone: &Phone, network: &str, now: Timestamp) -> Result<bool>;

    /// Records how a code went out, in one update (F29). `burn` marks it used, for a code that
    /// reached nobody.
    async fn record_otp_delivery(&self, otp: &OtpCode, delivery: &OtpDelivery) -> Result<()>;

    /// Adds one to the counter `name` for the window starting `window_start` (epoch seconds)
    /// and returns the new count. The counter expires at `expires_at` (epoch seconds).
    async fn increment_counter(
        &self,
        name: &str,
        window_start: i64,
        expires_at: i64,
    ) -> Result<u64>;

    async fn session_family(&self, id: SessionId) -> Result<Option<SessionFamily>>;

    /// Replaces the family's current refresh token `presented` with `next`, if `presented` is
    /// current and the family is neither revoked nor expired; `false` otherwise.
    async fn rotate_session(
        &self,
        id: SessionId,
        presented: TokenId,
        next: TokenId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool>;

    /// Revokes a session family (no-op when it does not exist).
    async fn revoke_session(&self, id: SessionId) -> Result<()>;

    /// Every job's last heartbeat.
    async fn heartbeats(&self) -> Result<Vec<Heartbeat>>;

    async fn otp(&self, phone: &Phone, scope: &OtpScope, id: OtpId) -> Result<Option<OtpCode>>;

    /// The code a WhatsApp provider message id belongs to.
    async fn otp_by_message(&self, message_id: &str) -> Result<Option<OtpCode>>;

    /// Claims a code's SMS fallback at `now`: it must still need one and have no claim younger
    /// than `timeout`. `false` when someone else holds it or it no longer applies.
    async fn claim_sms_fallback(
        &self,
        otp: &OtpCode,
        now: Timestamp,
        timeout: SignedDuration,
    ) -> Result<bool>;

    /// Stores the fallback's new code, channel and flags in one update, if the claim taken at
    /// `claimed_at` is still ours and the code unused; `false` otherwise.
    async fn complete_sms_fallback(
        &self,
        otp: &OtpCode,
        claimed_at: Timestamp,
        new_hash: &str,
        message_id: Option<&str>,
        valid_until: Timestamp,
    ) -> Result<bool>;

    /// Gives back a claim taken at `claimed_at` (the SMS was not sent).
    async fn release_sms_fallback(&self, otp: &OtpCode, claimed_at: Timestamp) -> Result<()>;

    /// Moves a code's delivery status forward (never back: events come out of order and
    /// twice); `false` when the status was already at or past `status`.
    async fn advance_delivery(&self, otp: &OtpCode, status: DeliveryStatus) -> Result<bool>;

    /// Up to `limit` timers of a kind due by `now`, earliest first, after the timer at
    /// position `after` when given.
    async fn due_timers(
        &self,
        kind: TimerKind,
        now: Timestamp,
        limit: u16,
        after: Option<&str>,
    ) -> Result<Vec<Timer>>;

    /// Every hotel, active or not, by slug.
    async fn all_hotels(&self, page: &PageRequest) -> Result<Page<Hotel>>;

    /// One timer, by its position (what a one-time schedule names).
    async fn timer(&self, kind: TimerKind, position: &str) -> Result<Option<Timer>>;

    /// Up to `limit` active stays whose check-out is past by `now`, earliest first.
    async fn stays_ending_by(&self, now: Timestamp, limit: u16) -> Result<Vec<GuestStay>>;

    /// A user's web push subscriptions, read consistently (changes are conditional on it).
    async fn push_subscriptions(&self, user: UserId) -> Result<Subscriptions>;

    /// Claims the push of a notification: free, or claimed more than `timeout` before `now`.
    async fn claim_push(
        &self,
        user: UserId,
        notification: NotificationId,
        now: Timestamp,
        timeout: SignedDuration,
    ) -> Result<PushClaim>;

    /// Records the subscriptions pushed to and ends the claim taken at `claimed_at`: `done`
    /// marks the notification pushed, else it may be claimed again. Nothing happens when the
    /// claim is no longer ours (it went stale and was taken over).
    async fn finish_push(
        &self,
        user: UserId,
        notification: NotificationId,
        claimed_at: Timestamp,
        pushed_to: &[String],
        done: bool,
    ) -> Result<()>;
    /// Every experience of a hotel, active or not, by id (admin listing).
    async fn experiences(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<Experience>>;

    /// Every QR code of a hotel, active or not, by location.
    async fn qr_codes(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<QrCodeRecord>>;

    /// A hotel's stays, latest check-in first.
    async fn hotel_stays(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<GuestStay>>;

    /// One stay, by its id alone.
    async fn stay(&self, id: StayId) -> Result<Option<GuestStay>>;

    /// The users with these ids, in one batched read; unknown ids are left out.
    async fn users(&self, ids: &[UserId]) -> Result<Vec<User>>;

    /// Every session family of a user, revoked or not.
    async fn sessions_of(&self, user: UserId) -> Result<Vec<SessionFamily>>;

    /// Applies all writes or none. When a write's condition fails, the error is that
    /// write's `conflict`.
    async fn transact(&self, writes: &[Write<'_>]) -> Result<()>;
}

/// Which requests a listing reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestListing {
    Hotel(HotelSlug),
    Department(HotelSlug, DepartmentSlug),
    Guest(UserId),
}

/// What listed requests must match (all given conditions).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestFilter {
    /// Any of these statuses (any status when empty).
    pub statuses: Vec<Status>,
    pub priority: Option<Priority>,
    pub after_hours: Option<bool>,
    /// Only requests still NEW past their deadline at this time.
    pub overdue_at: Option<Timestamp>,
    pub created_from: Option<Timestamp>,
    pub created_to: Option<Timestamp>,
    /// Lowercase text the request's details, guest, room or experience contain.
    pub text: Option<String>,
}

/// A place in a request listing: listings run newest first by (creation time, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub created_ms: i64,
    pub id: RequestId,
}

impl Position {
    pub fn of(request: &ServiceRequest) -> Self {
        Self {
            created_ms: request.created_at.as_millisecond(),
            id: request.id,
        }
    }
}

/// Requests read from one listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub items: Vec<ServiceRequest>,
    /// Where reading stopped: everything newer than it was examined. `None` when the listing
    /// was read to its end.
    pub frontier: Option<Position>,
}

/// Whose tries of a code a verify counts as: those from the network that asked for the code, or
/// from anywhere else, which have their own allowance so that nobody elsewhere can use up the
/// owner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tries {
    Own,
    Foreign,
}

impl Tries {
    /// The code's attribute that counts these tries.
    pub fn attribute(self) -> &'static str {
        match self {
            Tries::Own => "attempts",
            Tries::Foreign => "foreign_attempts",
        }
    }
}

/// How long a network a phone logged in from stays known.
pub const KNOWN_NETWORK_DAYS: i64 = 90;

/// How a code went out.
#[derive(Debug, Clone, PartialEq)]
pub struct OtpDelivery {
    pub channel: Channel,
    pub provider_message_id: Option<String>,
    pub status: DeliveryStatus,
    pub burn: bool,
}

/// One conditional write. Inserts require that the thing does not exist yet; a user insert
/// also claims the user's email and phone, which must be free.
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
    /// Ends a stay that is still active with the check-out read.
    EndStay(&'a GuestStay),
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
    /// Updates a QR code's label, location and state, leaving its scan count alone.
    UpdateQrCode(&'a QrCodeRecord),
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
                | Write::ReplaceExperience { .. },
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
                | Write::InsertNotification(_),
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
            (Write::UpdateQrCode(_), Part::Main) => Error::NotFound("QR code"),
            (Write::CheckStay(_), Part::Main) => Error::denied(
                "no_active_stay",
                "Your stay at this hotel has ended. Scan the QR code in your room to log in.",
            ),
            (Write::EndStay(_) | Write::ExtendStay { .. }, Part::Main) => {
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
