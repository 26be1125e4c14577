//! One-time codes as stored: what they are for, how they went out, how often they were tried.

use std::fmt;
use std::str::FromStr;

use data_encoding::BASE64URL_NOPAD;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{HotelSlug, OtpId, UserId};
use crate::secrets::{Keys, constant_time_eq};
use crate::users::Phone;

/// What a code is for: logging into a hotel (guests, and staff working there), logging in as
/// staff without a hotel, or a signed-in user proving a new phone of theirs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum OtpScope {
    Hotel(HotelSlug),
    Staff,
    PhoneOf(UserId),
}

impl fmt::Display for OtpScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OtpScope::Hotel(hotel) => write!(f, "hotel:{hotel}"),
            OtpScope::Staff => f.write_str("staff"),
            OtpScope::PhoneOf(user) => write!(f, "phone-of:{user}"),
        }
    }
}

impl FromStr for OtpScope {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        if let Some(hotel) = s.strip_prefix("hotel:") {
            return Ok(OtpScope::Hotel(hotel.parse()?));
        }
        if let Some(user) = s.strip_prefix("phone-of:") {
            return Ok(OtpScope::PhoneOf(user.parse()?));
        }
        match s {
            "staff" => Ok(OtpScope::Staff),
            _ => Err(Error::internal_msg(format!("unknown OTP scope {s}"))),
        }
    }
}

impl TryFrom<String> for OtpScope {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Error> {
        s.parse()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Channel {
    Whatsapp,
    Sms,
}

/// Where the message is, as far as the provider told us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum DeliveryStatus {
    /// Not yet handed to a provider.
    Pending,
    /// A provider accepted it.
    Submitted,
    Sent,
    Delivered,
    Read,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OtpCode {
    pub phone: Phone,
    pub scope: OtpScope,
    pub id: OtpId,
    /// Keyed hash of phone, scope and code (see `hash`); never the code.
    pub code_hash: String,
    pub channel: Channel,
    pub provider_message_id: Option<String>,
    pub delivery_status: DeliveryStatus,
    /// Wrong tries from the network that asked for the code.
    pub attempts: u32,
    /// Wrong tries from anywhere else: a stranger who knows the phone can use these up, but
    /// not the owner's own.
    #[serde(default)]
    pub foreign_attempts: u32,
    /// The network (see `ratelimit::network`) that asked for the code.
    #[serde(default)]
    pub network: Option<String>,
    pub used: bool,
    pub created_at: Timestamp,
    /// Stored as epoch seconds, so conditions can compare it.
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub valid_until: Timestamp,
    /// DynamoDB's TTL attribute (epoch seconds): when the record may be deleted.
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub expires_at: Timestamp,
    #[serde(default)]
    pub sms_fallback_sent: bool,
    #[serde(default, with = "jiff::fmt::serde::timestamp::second::optional")]
    pub sms_fallback_claimed_at: Option<Timestamp>,
}

impl OtpCode {
    /// A record for a code about to be sent by `channel`, asked for from `network`.
    pub fn new(
        keys: &Keys,
        phone: Phone,
        scope: OtpScope,
        code: &str,
        channel: Channel,
        network: &str,
        now: Timestamp,
    ) -> Self {
        let code_hash = hash(keys, &phone, &scope, code);
        Self {
            phone,
            scope,
            id: OtpId::generate(),
            code_hash,
            channel,
            provider_message_id: None,
            delivery_status: DeliveryStatus::Pending,
            attempts: 0,
            foreign_attempts: 0,
            network: Some(network.to_owned()),
            used: false,
            created_at: now,
            valid_until: now.saturating_add(VALIDITY).unwrap_or(now),
            expires_at: now.saturating_add(RETENTION).unwrap_or(now),
            sms_fallback_sent: false,
            sms_fallback_claimed_at: None,
        }
    }

    /// Whether `code` is this record's code (constant-time comparison of the hashes).
    /// The code's key as one string (phone, scope and id), for timers and queue messages.
    pub fn key(&self) -> String {
        format!("{}|{}|{}", self.phone, self.scope, self.id)
    }

    pub fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.valid_until
    }

    /// Whose tries a verify from `network` is.
    pub fn tries_from(&self, network: &str) -> Tries {
        match &self.network {
            Some(asked_from) if asked_from != network => Tries::Foreign,
            _ => Tries::Own,
        }
    }

    /// The wrong tries so far of that kind.
    pub fn attempts_of(&self, tries: Tries) -> u32 {
        match tries {
            Tries::Own => self.attempts,
            Tries::Foreign => self.foreign_attempts,
        }
    }

    pub fn matches(&self, keys: &Keys, code: &str) -> bool {
        constant_time_eq(
            hash(keys, &self.phone, &self.scope, code).as_bytes(),
            self.code_hash.as_bytes(),
        )
    }
}

impl DeliveryStatus {
    /// Delivery events arrive out of order and twice; a status only ever moves up this rank.
    pub fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Pending => 0,
            DeliveryStatus::Submitted => 1,
            DeliveryStatus::Sent => 2,
            DeliveryStatus::Failed => 3,
            DeliveryStatus::Delivered => 4,
            DeliveryStatus::Read => 5,
        }
    }

    /// The person has the message (or at least their phone does).
    pub fn reached(self) -> bool {
        matches!(self, DeliveryStatus::Delivered | DeliveryStatus::Read)
    }
}

/// How long a code can be used.
pub const VALIDITY: SignedDuration = SignedDuration::from_mins(5);

/// How long the record is kept (for delivery events and audit) before DynamoDB's TTL deletes it.
pub const RETENTION: SignedDuration = SignedDuration::from_hours(24);

/// The keyed hash a code is stored as, bound to its phone and scope.
pub fn hash(keys: &Keys, phone: &Phone, scope: &OtpScope, code: &str) -> String {
    let data = format!("{phone}|{scope}|{code}");
    BASE64URL_NOPAD.encode(&keys.otp_hash(data.as_bytes()))
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
