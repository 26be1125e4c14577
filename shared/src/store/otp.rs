//! One-time codes and their delivery, and the networks phones logged in from.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

use crate::error::Result;
use crate::ids::OtpId;
use crate::otp::model::{Channel, DeliveryStatus, OtpCode, OtpScope, Tries};
use crate::users::Phone;

#[async_trait]
pub trait OtpStore: Send + Sync {
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
